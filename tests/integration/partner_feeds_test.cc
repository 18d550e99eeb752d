// The three partner feeds through the real executable (RunHarmlens: no shell):
//  - a synthetic LLR made by `harmlens synth` is ingested feed by feed with zero rows
//    quarantined and every file's accounting equal to its row count, counted here by
//    plain line counting (not harmlens code); a second ingest adds nothing;
//  - each feed's output shape (one accounting line per file, totals), the per-batch
//    lines of an extract's two loads, `loads --feed` and `quarantine --feed`;
//  - a refused command (for each feed) exits 1 and creates no store file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::CommandResult;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Data rows of a CSV by plain line counting: newline characters, minus the header.
// (The formats allow no line break inside a field, so one line is one row.)
int64_t DataRows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  int64_t newlines = std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  return newlines - 1;
}

std::string Accounting(int64_t read, int64_t stored, int64_t present, int64_t quarantined) {
  return "read " + std::to_string(read) + " = stored " + std::to_string(stored) + " + already present " +
         std::to_string(present) + " + quarantined " + std::to_string(quarantined);
}

// `loads --format csv` as rows of fields (no field of these loads contains a comma).
std::vector<std::vector<std::string>> LoadsCsv(const std::string& db, const std::string& feed = "") {
  std::vector<std::string> args = {"loads", "--db", db, "--format", "csv"};
  if (!feed.empty()) args.insert(args.end(), {"--feed", feed});
  CommandResult r = RunHarmlens(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : Lines(r.out)) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
    rows.push_back(fields);
  }
  if (!rows.empty()) {
    EXPECT_EQ(rows[0][1], "feed");
    rows.erase(rows.begin());
  }
  return rows;
}

// ------------------------------------------------------------- synthetic LLR ---

class SyntheticLlr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir;
    out_ = scratch_->File("llr");
    CommandResult r =
        RunHarmlens({"synth", "--seed", "11", "--scale", "0.01", "--years", "1", "--out", out_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }

  static std::vector<std::string> AgencyFiles() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(out_)) {
      std::string name = entry.path().filename().string();
      if (name.rfind("agency_", 0) == 0) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // Ingests `paths` as `feed` and checks, for every file, the line "<file>: read n =
  // stored n + already present 0 + quarantined 0" with n its row count (or, on a
  // reload, all already present), and the totals line.
  void ExpectEveryRowOf(const std::string& feed, const std::vector<std::string>& paths, bool reload) {
    SCOPED_TRACE(feed + (reload ? " (reload)" : ""));
    std::vector<std::string> args = {"ingest", feed};
    args.insert(args.end(), paths.begin(), paths.end());
    args.insert(args.end(), {"--db", db_, "--batch-rows", "97"});
    CommandResult r = RunHarmlens(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::vector<std::string> said = Lines(r.out);
    ASSERT_GE(said.size(), paths.size() + 1) << r.out;
    int64_t total = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
      int64_t rows = DataRows(paths[i]);
      EXPECT_GT(rows, 0) << paths[i];
      total += rows;
      EXPECT_EQ(said[i],
                paths[i] + ": " + (reload ? Accounting(rows, 0, rows, 0) : Accounting(rows, rows, 0, 0)));
    }
    const std::string totals = said[paths.size()];
    const std::string expected_tail =
        reload ? Accounting(total, 0, total, 0) : Accounting(total, total, 0, 0);
    EXPECT_EQ(totals.rfind("loaded " + std::to_string(paths.size()) + " file(s), ", 0), 0u) << totals;
    EXPECT_EQ(totals.substr(totals.size() - expected_tail.size()), expected_tail) << totals;
    EXPECT_EQ(r.out.find("quarantined: see"), std::string::npos);
  }

  inline static ScratchDir* scratch_ = nullptr;
  inline static std::string out_;
  ScratchDir db_dir_;
  std::string db_ = db_dir_.File("h.db");
};

TEST_F(SyntheticLlr, ingests_all_three_feeds_with_no_row_quarantined_and_every_row_accounted) {
  const std::vector<std::string> extract = {out_ + "/police_extract_incidents.csv",
                                            out_ + "/police_extract_persons.csv"};
  const std::vector<std::string> istv = {out_ + "/istv.csv"};
  const std::vector<std::string> agencies = AgencyFiles();
  ASSERT_EQ(agencies.size(), 6u);
  for (bool reload : {false, true}) {
    ExpectEveryRowOf("police-extract", extract, reload);
    ExpectEveryRowOf("istv", istv, reload);
    ExpectEveryRowOf("agency", agencies, reload);
  }
  // Every load complete and balanced, per file, as the store keeps it.
  std::vector<std::vector<std::string>> loads = LoadsCsv(db_);
  ASSERT_EQ(loads.size(), 2u * (2 + 1 + 6));
  std::map<std::string, int> by_feed;
  for (const auto& load : loads) {
    ASSERT_EQ(load.size(), 12u);
    SCOPED_TRACE(load[2]);
    ++by_feed[load[1]];
    EXPECT_EQ(load[3], "complete");
    int64_t rows = DataRows(load[2]);
    EXPECT_EQ(std::stoll(load[4]), rows);
    EXPECT_EQ(std::stoll(load[5]) + std::stoll(load[6]), rows);
    EXPECT_EQ(load[7], "0");
  }
  EXPECT_EQ(by_feed, (std::map<std::string, int>{{"police-extract-incidents", 2},
                                                 {"police-extract-persons", 2},
                                                 {"istv", 2},
                                                 {"agency-records", 12}}));
  CommandResult quarantine = RunHarmlens({"quarantine", "--db", db_, "--format", "csv"});
  EXPECT_EQ(quarantine.out, "file,line,column,value,reason\n");
}

// ---------------------------------------------------------------- CLI shape ---

const std::string kIncidentsHeader =
    "incident_id,occurred_from,occurred_to,time_precision,offence_code,offence_category,weapon,domestic,"
    "longitude,"
    "latitude,lsoa_code,outcome";
const std::string kPersonsHeader = "incident_id,role,person_key,age,sex";
const std::string kIstvHeader =
    "period_start,period_end,site_code,attendance_id,arrival,assault_date,assault_time,assault_method,"
    "assault_method_other,location_type,location_description,age_band,sex,assailant_relationship";
const std::string kAgencyHeader =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode";

std::string Incident(const std::string& id) {
  return id +
         ",2023-01-06T23:41,,minute,8N,Violence and sexual offences,none,N,-1.132160,52.634455,E01032867,";
}

TEST(PartnerFeedsCli, ingests_an_extract_with_a_line_per_file_and_batch_lines_for_both_loads) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string incidents = scratch.Write("x/i.csv", kIncidentsHeader + "\n" + Incident("a") + "\n" +
                                                       Incident("b") + "\n" + Incident("c") + "\n");
  std::string persons =
      scratch.Write("x/p.csv", kPersonsHeader + "\na,victim,P1,19,M\nc,victim,P2,,F\nzzz,witness,P3,30,U\n");
  CommandResult r = RunHarmlens(
      {"ingest", "police-extract", scratch.File("x"), "--db", db, "--batch-rows", "2", "--report-batches"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> said = Lines(r.out);
  ASSERT_EQ(said.size(), 9u) << r.out;
  EXPECT_EQ(said[0], "committed load 1 batch 0 lines 2-3: " + Accounting(2, 2, 0, 0));
  EXPECT_EQ(said[1], "committed load 2 batch 0 lines 2-2: " + Accounting(1, 1, 0, 0));
  EXPECT_EQ(said[2], "committed load 1 batch 1 lines 4-4: " + Accounting(1, 1, 0, 0));
  EXPECT_EQ(said[3], "committed load 2 batch 1 lines 3-4: " + Accounting(2, 1, 0, 1));
  EXPECT_EQ(said[4], incidents + ": " + Accounting(3, 3, 0, 0));
  EXPECT_EQ(said[5], persons + ": " + Accounting(3, 2, 0, 1));
  EXPECT_EQ(said[6].rfind("loaded 2 file(s), ", 0), 0u);
  EXPECT_NE(said[6].find(": " + Accounting(6, 5, 0, 1)), std::string::npos) << said[6];
  EXPECT_EQ(said[7],
            "LSOA check: 3 of 3 rows with coordinates and an LLR LSOA (100.0%) lie inside that LSOA's "
            "polygon; CSP areas "
            "in summaries follow the force's LSOA");
  EXPECT_EQ(said[8], "1 row(s) quarantined: see 'harmlens quarantine --db " + db + "'");
}

TEST(PartnerFeedsCli, ingests_istv_with_the_geocoding_line) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string file = scratch.Write(
      "istv.csv",
      kIstvHeader +
          "\n2023-01-01,2023-01-31,RWEAA,ED1,2023-01-07T03:02,2023-01-07,02:10,knife_or_sharp,,"
          "licensed_premises,outside Wetherspoons Granby St,15-17,M,stranger\n"
          "2023-01-01,2023-01-31,RWEAA,ED2,2023-01-07T11:40,2023-01-06,,body_part,,home,home,25-34,F,"
          "partner_or_ex\n");
  CommandResult r = RunHarmlens({"ingest", "istv", file, "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> said = Lines(r.out);
  ASSERT_EQ(said.size(), 3u) << r.out;
  EXPECT_EQ(said[0], file + ": " + Accounting(2, 2, 0, 0));
  EXPECT_EQ(said[2],
            "geocoding: 1 of 2 accepted attendances placed on the map from the clerk's words (50.0%); the "
            "rest keep "
            "their text, unresolved (see docs/geocoding.md)");
}

TEST(PartnerFeedsCli, filters_loads_and_quarantine_by_feed) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string records = scratch.Write(
      "agency.csv", kAgencyHeader +
                        "\nYOS-1,youth_offending,referral,2023-02-14,Jayden,Okafor,2007-03-21,M,LE2 0QA\n"
                        "YOS-2,youth_offending,suspension,2023-02-14,Jay,Okafor,2007-03-21,M,LE2 0QA\n");
  std::string istv = scratch.Write(
      "istv.csv",
      kIstvHeader + "\n2023-01-01,2023-01-31,RWEAA,ED1,2023-02-07T03:02,,,unknown,,unknown,,,U,\n");
  ASSERT_EQ(RunHarmlens({"ingest", "agency", records, "--db", db, "--quiet"}).exit_code, 0);
  ASSERT_EQ(RunHarmlens({"ingest", "istv", istv, "--db", db, "--quiet"}).exit_code, 0);

  std::vector<std::vector<std::string>> agency_loads = LoadsCsv(db, "agency");
  ASSERT_EQ(agency_loads.size(), 1u);
  EXPECT_EQ(agency_loads[0][1], "agency-records");
  EXPECT_EQ(agency_loads[0][2], records);
  EXPECT_EQ(LoadsCsv(db, "istv").size(), 1u);
  EXPECT_TRUE(LoadsCsv(db, "police-extract").empty());
  EXPECT_EQ(LoadsCsv(db).size(), 2u);

  CommandResult q = RunHarmlens({"quarantine", "--db", db, "--feed", "agency", "--format", "csv"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out,
            "file,line,column,value,reason\n" + records +
                ",3,event_type,suspension,\"event_type \"\"suspension\"\" is not one of youth_offending's "
                "(expected referral, out_of_court_disposal, referral_order, youth_rehabilitation_order or "
                "custodial_sentence)\"\n");
  CommandResult qi = RunHarmlens({"quarantine", "--db", db, "--feed", "istv", "--format", "csv"});
  EXPECT_EQ(qi.out,
            "file,line,column,value,reason\n" + istv +
                ",2,arrival,2023-02-07T03:02,arrival 2023-02-07T03:02 is outside the row's period 2023-01-01 "
                "to 2023-01-31\n");
  CommandResult bad = RunHarmlens({"loads", "--db", db, "--feed", "police"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(PartnerFeedsCli, creates_no_store_file_for_a_refused_command_of_any_feed) {
  ScratchDir scratch;
  std::string wrong = scratch.Write("wrong.csv", "a,b\n1,2\n");
  std::string persons_alone = scratch.Write("alone/p.csv", kPersonsHeader + "\na,victim,P1,19,M\n");
  for (const auto& [feed, path] :
       std::vector<std::pair<std::string, std::string>>{{"police-extract", wrong},
                                                        {"police-extract", persons_alone},
                                                        {"istv", wrong},
                                                        {"agency", wrong}}) {
    SCOPED_TRACE(feed + " " + path);
    std::string db = scratch.File("new.db");
    CommandResult r = RunHarmlens({"ingest", feed, path, "--db", db});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("harmlens: ingest: " + path, 0), 0u) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
  }
}

TEST(PartnerFeedsCli, summary_warns_when_it_adds_up_sources_and_counts_one_with_source) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string incidents = scratch.Write("x/i.csv", kIncidentsHeader + "\n" + Incident("a") + "\n");
  std::string istv = scratch.Write(
      "istv.csv", kIstvHeader +
                      "\n2023-01-01,2023-01-31,RWEAA,ED1,2023-01-07T00:30,2023-01-06,23:50,body_part,,"
                      "licensed_premises,Granby Street,18-24,M,stranger\n");
  ASSERT_EQ(RunHarmlens({"ingest", "police-extract", incidents, "--db", db, "--quiet"}).exit_code, 0);
  CommandResult one = RunHarmlens({"summary", "--db", db});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(Lines(one.out).back(), "total 1 incidents in 1 cells; CSP area from the force's LSOA");
  ASSERT_EQ(RunHarmlens({"ingest", "istv", istv, "--db", db, "--quiet"}).exit_code, 0);
  CommandResult both = RunHarmlens({"summary", "--db", db});
  std::vector<std::string> lines = Lines(both.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2],
            "total 2 incidents in 1 cells; CSP area from each source's LSOA or place");
  EXPECT_EQ(
      lines.back(),
      "note: these counts add up 2 sources (police-extract, emergency-department); one event may be counted "
      "once by each: choose one with --source");
  CommandResult ae =
      RunHarmlens({"summary", "--db", db, "--source", "emergency-department", "--format", "csv"});
  EXPECT_EQ(ae.out,
            "csp_area,month,crime_type,incidents\nLeicester,2023-01,Violence and sexual offences,1\n");
}

}  // namespace
}  // namespace harmlens
