// `harmlens serve` as a process: its refusals and exit codes (the browser test,
// tests/e2e, drives a running server).
#include <gtest/gtest.h>

#include <fstream>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;

TEST(ServeCommand, refuses_a_missing_store_with_exit_code_1_and_creates_none) {
  ScratchDir scratch;
  auto result = RunHarmlens({"serve", "--db", scratch.File("none.db"), "--port", "0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("no store at " + scratch.File("none.db")), std::string::npos) << result.err;
  EXPECT_FALSE(std::ifstream(scratch.File("none.db")).good());
}

TEST(ServeCommand, refuses_a_bad_port_or_unknown_synthetic_source_with_exit_code_2) {
  EXPECT_EQ(RunHarmlens({"serve", "--port", "70000"}).exit_code, 2);
  auto result = RunHarmlens({"serve", "--synthetic", "police-uk,astrology"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("astrology"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace harmlens
