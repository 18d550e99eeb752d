// `harmlens gazetteer` and `harmlens geocode` as a user runs them: the gazetteer command
// reproduces the committed file, geocode answers one CSV row per text and refuses a
// district it does not know (exit 2).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::CommandResult;
using ::harmlens::testing::DataDir;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GazetteerCommand, writes_the_committed_gazetteer) {
  ScratchDir dir;
  CommandResult r = RunHarmlens({"gazetteer", "--data", DataDir(), "--out", dir.File("g.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 12392 places to " + dir.File("g.csv") +
                       " (9 district, 894 place, 11302 street, 16 town, 171 ward)\n");
  EXPECT_TRUE(Slurp(dir.File("g.csv")) == Slurp(DataDir() + "/reference/gazetteer_llr.csv"));
}

TEST(GeocodeCommand, answers_each_text_as_a_csv_row) {
  CommandResult r = RunHarmlens({"geocode", "--data", DataDir(), "--format", "csv",
                                 "outside Wetherspoons Granby St", "home", "High Street"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "text,method,matched,longitude,latitude,radius_m,confidence,unresolved\n"
      "outside Wetherspoons Granby St,street,Granby Street (Leicester),-1.129511,52.633145,220,0.80,\n"
      "home,unresolved,,,,,,\"private-address: a home or private address, no place named\"\n"
      "High Street,unresolved,,,,,,\"ambiguous: \"\"High Street\"\" names 39 places in 9 districts; name the "
      "town to choose\"\n");
}

TEST(GeocodeCommand, uses_the_site_district_given_by_name) {
  CommandResult r = RunHarmlens(
      {"geocode", "--data", DataDir(), "--format", "csv", "--site-district", "Leicester", "High Street"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("High Street,street+site,High Street (Leicester),"), std::string::npos) << r.out;
}

TEST(GeocodeCommand, refuses_an_unknown_site_district) {
  CommandResult r = RunHarmlens({"geocode", "--site-district", "Narnia", "High Street"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown CSP area \"Narnia\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace harmlens
