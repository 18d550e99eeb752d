// `harmlens analyse` as a user runs it: a tiny police.uk file ingested by the real
// executable, then queries in each output form, --explain, and usage errors (exit 2
// with the field named). Expected counts are read off the four rows below by hand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::CommandResult;
using ::harmlens::testing::DataDir;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;

const char kFile[] =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
    "a1,2023-01,Leicestershire Police,Leicestershire Police,-1.130000,52.640000,On or near Granby Street,"
    "E01013600,Leicester 003A,Violence and sexual offences,Under investigation,\n"
    "a2,2023-01,Leicestershire Police,Leicestershire Police,-1.131000,52.640500,On or near Granby Street,"
    "E01013600,Leicester 003A,Violence and sexual offences,Under investigation,\n"
    "a3,2023-02,Leicestershire Police,Leicestershire Police,-1.131000,52.640500,On or near Granby Street,"
    "E01013600,Leicester 003A,Robbery,Under investigation,\n"
    ",2023-02,Leicestershire Police,Leicestershire Police,,,No location,,,Anti-social behaviour,,\n";

class AnalyseCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = scratch_.Write("2023-01-leicestershire-street.csv", kFile);
    db_ = scratch_.File("t.db");
    CommandResult r = RunHarmlens({"ingest", "police-uk", csv, "--db", db_, "--quiet", "--data", DataDir()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Analyse(std::vector<std::string> args) {
    args.insert(args.begin(), "analyse");
    args.insert(args.end(), {"--db", db_, "--data", DataDir()});
    return RunHarmlens(args);
  }
  ScratchDir scratch_;
  std::string db_;
};

TEST_F(AnalyseCli, writes_a_cross_tab_as_csv) {
  CommandResult r = Analyse({"by=month,category", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "month,category,count\n"
            "2023-01,Violence and sexual offences,2\n"
            "2023-02,Anti-social behaviour,1\n"
            "2023-02,Robbery,1\n");
}

TEST_F(AnalyseCli, takes_the_query_as_json_and_answers_in_json) {
  CommandResult r =
      Analyse({"--json", R"({"csp": "Leicester", "measures": ["count", "share"]})", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["incidents"], 3);  // the ASB row has no place
  EXPECT_EQ(doc["rows"][0]["count"], 3.0);
  EXPECT_EQ(doc["rows"][0]["share_percent"], 100.0);
}

TEST_F(AnalyseCli, explains_a_figure_by_the_records_counted) {
  CommandResult r = Analyse({"category=robbery", "--explain", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The robbery is line 4 of the file; the store numbered it 3.
  EXPECT_NE(r.out.find("3,police-uk,2023-02/a3,"), std::string::npos)
      << r.out;  // police.uk ids are per month
  EXPECT_NE(r.out.find(",4,2023-02\n"), std::string::npos) << r.out;
}

TEST_F(AnalyseCli, refuses_unknown_fields_bad_values_and_impossible_cuts_with_exit_2) {
  CommandResult unknown = Analyse({"colour=red"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown query field \"colour\""), std::string::npos) << unknown.err;
  CommandResult bad = Analyse({"month=2023-13"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("query field \"month\": cannot read \"2023-13\""), std::string::npos) << bad.err;
  CommandResult hour = Analyse({"hour=22"});
  EXPECT_EQ(hour.exit_code, 2);
  EXPECT_NE(hour.err.find("cannot cut by hour"), std::string::npos) << hour.err;
  EXPECT_EQ(hour.out, "");
}

}  // namespace
}  // namespace harmlens
