// The harmlens command line as a user runs it (RunHarmlens: the real executable, no
// shell): summary options and formats checked against independently computed counts,
// usage errors (exit 2, one line on stderr), refused files (exit 1, nothing stored),
// the quarantine listing, and --help on every subcommand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::CommandResult;
using ::harmlens::testing::DataDir;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;
using ::harmlens::testing::SourceDir;

const std::string kHeader =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context";
const std::string kExpectedHeaderMessage =
    "expected a police.uk street-level crime CSV whose first line is \"" + kHeader + "\"";
const std::string kForce = "Leicestershire Police,Leicestershire Police";
// A valid row (line 2 of the bundled 2018-10 file, shorter Crime ID) and its parts.
std::string Crime(const std::string& id, const std::string& month = "2018-10") {
  return id + "," + month + "," + kForce +
         ",-1.212224,52.623430,On or near Willoughby Gardens,E01025631,Blaby 002A,Burglary,Under "
         "investigation,";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

struct SummaryCell {
  std::string csp_area, month, crime_type;
  int64_t incidents = 0;
};

// Parses `summary --format csv` output (no CSP area or crime type contains a comma).
std::vector<SummaryCell> SummaryCsv(const std::string& out) {
  std::vector<std::string> lines = Lines(out);
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return {};
  EXPECT_EQ(lines[0], "csp_area,month,crime_type,incidents");
  std::vector<SummaryCell> cells;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = Split(lines[i]);
    EXPECT_EQ(f.size(), 4u) << lines[i];
    if (f.size() != 4) continue;
    cells.push_back({f[0], f[1], f[2], std::stoll(f[3])});
  }
  return cells;
}

// Expected values produced independently of harmlens by tests/expected/make_expected.sh
// (GNU awk, cross-checked with Python's csv module): data lines of a tests/expected file.
std::vector<std::vector<std::string>> ReadExpected(const std::string& name) {
  std::ifstream in(SourceDir() + "/tests/expected/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(Split(line));
  }
  return rows;
}

// A usage error: exit 2, nothing on stdout, exactly one line on stderr.
void ExpectUsageError(const CommandResult& r, const std::string& expected_stderr) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected_stderr);
  EXPECT_EQ(Lines(r.err).size(), 1u);
}

// ------------------------------------------------------------------- summary ---

class SummaryCli : public ::testing::Test {
 protected:
  // One CLI ingest of the bundled 2018 set (three real months), shared by the suite.
  // All 22 months are checked through the library in real_data_test.cc; here a
  // smaller load keeps each test fast when ctest runs it in its own process.
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir;
    db_ = scratch_->File("real.db");
    CommandResult r =
        RunHarmlens({"ingest", "police-uk", DataDir() + "/police-uk/leicestershire-2018-10_2018-12", "--db",
                     db_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    for (const auto& row : ReadExpected("police_uk_counts_by_month_type.csv")) {
      expected_counts_[row[0]][row[1]] = std::stoll(row[2]);
    }
    for (const auto& row : ReadExpected("police_uk_month_facts.csv")) {
      if (row[0] < "2019") expected_rows_[row[0]] = std::stoll(row[1]);
    }
    ASSERT_EQ(expected_rows_.size(), 3u);
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }

  static CommandResult Summary(std::vector<std::string> args) {
    args.insert(args.begin(), {"summary", "--db", db_});
    return RunHarmlens(args);
  }

  inline static ScratchDir* scratch_ = nullptr;
  inline static std::string db_;
  inline static std::map<std::string, std::map<std::string, int64_t>>
      expected_counts_;                                         // month -> type -> rows
  inline static std::map<std::string, int64_t> expected_rows_;  // month -> rows
};

TEST_F(SummaryCli, totals_a_month_across_csp_areas_to_its_row_count_in_csv) {
  CommandResult r = Summary({"--from", "2018-11", "--to", "2018-11", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Lines(r.out)[0], "csp_area,month,crime_type,incidents");
  int64_t total = 0;
  std::map<std::string, int64_t> by_type;
  for (const SummaryCell& c : SummaryCsv(r.out)) {
    EXPECT_EQ(c.month, "2018-11");
    total += c.incidents;
    by_type[c.crime_type] += c.incidents;
  }
  EXPECT_EQ(total, expected_rows_["2018-11"]);  // 8,880
  EXPECT_EQ(by_type, expected_counts_["2018-11"]);
}

TEST_F(SummaryCli, records_each_file_s_sha256_as_sha256sum_prints_it) {
  // Expected digests: `sha256sum data/police-uk/leicestershire-2018-10_2018-12/*/*.csv`.
  const std::map<std::string, std::string> expected = {
      {"2018-10-leicestershire-street.csv", "ac5ce837cce0eeab5f866de5fc2f9e8de21db46c340756a6ca7d49328a04ceac"},
      {"2018-11-leicestershire-street.csv", "ffffb7f9f9d7ad80e4a34f494e9a42c290e217dbfa1503be6aa080e6ccfb512e"},
      {"2018-12-leicestershire-street.csv", "0c6665d1a5750bf632f0b32b7f96428eab74d0be3318a226f4e8adc609b78a22"}};
  CommandResult r = RunHarmlens({"loads", "--db", db_, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json loads = nlohmann::json::parse(r.out);
  ASSERT_EQ(loads.size(), 3u);
  for (const auto& load : loads) {
    std::string file = load["file"].get<std::string>();
    file = file.substr(file.rfind('/') + 1);
    ASSERT_TRUE(expected.count(file)) << file;
    EXPECT_EQ(load["content_hash"], "sha256:" + expected.at(file)) << file;
  }
}

TEST_F(SummaryCli, totals_every_month_to_its_row_count_without_filters) {
  CommandResult r = Summary({"--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int64_t> by_month;
  for (const SummaryCell& c : SummaryCsv(r.out)) by_month[c.month] += c.incidents;
  EXPECT_EQ(by_month, expected_rows_);
}

TEST_F(SummaryCli, keeps_only_the_months_from_to_inclusive) {
  CommandResult r = Summary({"--from", "2018-11", "--to", "2018-12", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int64_t> by_month;
  for (const SummaryCell& c : SummaryCsv(r.out)) by_month[c.month] += c.incidents;
  EXPECT_EQ(by_month, (std::map<std::string, int64_t>{{"2018-11", expected_rows_["2018-11"]},
                                                      {"2018-12", expected_rows_["2018-12"]}}));
  CommandResult only_to = Summary({"--to", "2018-10", "--format", "csv"});
  by_month.clear();
  for (const SummaryCell& c : SummaryCsv(only_to.out)) by_month[c.month] += c.incidents;
  EXPECT_EQ(by_month, (std::map<std::string, int64_t>{{"2018-10", expected_rows_["2018-10"]}}));
}

TEST_F(SummaryCli, selects_a_csp_area_by_name_or_code_in_any_case) {
  CommandResult by_name =
      Summary({"--csp", "Charnwood", "--from", "2018-12", "--to", "2018-12", "--format", "csv"});
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  std::vector<SummaryCell> cells = SummaryCsv(by_name.out);
  EXPECT_EQ(cells.size(), 14u);  // every crime type occurs in Charnwood that month
  for (const SummaryCell& c : cells) EXPECT_EQ(c.csp_area, "Charnwood");
  for (std::string spelling : {"CHARNWOOD", "charnwood", "E07000130", "e07000130"}) {
    CommandResult r = Summary({"--csp", spelling, "--from", "2018-12", "--to", "2018-12", "--format", "csv"});
    EXPECT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    EXPECT_EQ(r.out, by_name.out) << spelling;
  }
  // Charnwood is a part of the month, not all of it.
  int64_t charnwood = 0;
  for (const SummaryCell& c : cells) charnwood += c.incidents;
  EXPECT_GT(charnwood, 0);
  EXPECT_LT(charnwood, expected_rows_["2018-12"]);
}

TEST_F(SummaryCli, counts_serious_violence_as_its_three_crime_types) {
  CommandResult r =
      Summary({"--behaviour", "serious-violence", "--from", "2018-10", "--to", "2018-10", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int64_t> by_type;
  for (const SummaryCell& c : SummaryCsv(r.out)) by_type[c.crime_type] += c.incidents;
  const auto& month = expected_counts_["2018-10"];
  EXPECT_EQ(by_type, (std::map<std::string, int64_t>{
                         {"Possession of weapons", month.at("Possession of weapons")},
                         {"Robbery", month.at("Robbery")},
                         {"Violence and sexual offences", month.at("Violence and sexual offences")}}));
}

TEST_F(SummaryCli, gives_the_same_cells_as_json_and_as_csv) {
  CommandResult csv = Summary({"--format", "csv"});
  CommandResult json = Summary({"--format", "json"});
  ASSERT_EQ(csv.exit_code, 0);
  ASSERT_EQ(json.exit_code, 0);
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  std::vector<SummaryCell> cells = SummaryCsv(csv.out);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    EXPECT_EQ(parsed[i].size(), 4u);
    EXPECT_EQ(parsed[i]["csp_area"], cells[i].csp_area);
    EXPECT_EQ(parsed[i]["month"], cells[i].month);
    EXPECT_EQ(parsed[i]["crime_type"], cells[i].crime_type);
    EXPECT_TRUE(parsed[i]["incidents"].is_number_integer());
    EXPECT_EQ(parsed[i]["incidents"], cells[i].incidents);
  }
}

TEST_F(SummaryCli, ends_the_table_with_the_total_and_the_number_of_cells) {
  CommandResult csv = Summary({"--from", "2018-11", "--to", "2018-11", "--format", "csv"});
  CommandResult table = Summary({"--from", "2018-11", "--to", "2018-11"});  // table is the default
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  size_t cells = Lines(csv.out).size() - 1;
  ASSERT_EQ(lines.size(), cells + 3);  // header, rule, cells, total
  EXPECT_EQ(lines[0].substr(0, 8), "csp_area");
  EXPECT_EQ(lines.back(), "total " + std::to_string(expected_rows_["2018-11"]) + " incidents in " +
                              std::to_string(cells) + " cells; CSP area from police.uk's LSOA label");
}

// Usage errors need no data: a store holding one row is enough.
class SummaryUsage : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = scratch_.File("h.db");
    CommandResult r =
        RunHarmlens({"ingest", "police-uk", scratch_.Write("one.csv", kHeader + "\n" + Crime("one") + "\n"),
                     "--db", db_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Summary(std::vector<std::string> args) {
    args.insert(args.begin(), {"summary", "--db", db_});
    return RunHarmlens(args);
  }

  ScratchDir scratch_;
  std::string db_;
};

TEST_F(SummaryUsage, refuses_a_month_13_with_exit_2_and_one_line) {
  ExpectUsageError(
      Summary({"--from", "2022-13"}),
      "harmlens: --from: expected a month as YYYY-MM, got \"2022-13\" (see 'harmlens summary --help')\n");
  ExpectUsageError(
      Summary({"--to", "2022-13"}),
      "harmlens: --to: expected a month as YYYY-MM, got \"2022-13\" (see 'harmlens summary --help')\n");
}

TEST_F(SummaryUsage, refuses_a_period_that_ends_before_it_starts) {
  ExpectUsageError(Summary({"--from", "2022-05", "--to", "2022-01"}),
                   "harmlens: the period is empty: --to 2022-01 is before --from 2022-05 "
                   "(see 'harmlens summary --help')\n");
}

TEST_F(SummaryUsage, refuses_an_unknown_csp_area_listing_the_known_ones) {
  ExpectUsageError(
      Summary({"--csp", "Nottingham"}),
      "harmlens: --csp: unknown CSP area \"Nottingham\" (expected a district code or one of: Leicester, "
      "Rutland, Blaby, Charnwood, Harborough, Hinckley and Bosworth, Melton, North West Leicestershire, "
      "Oadby and Wigston) (see 'harmlens summary --help')\n");
}

TEST_F(SummaryUsage, refuses_an_unknown_behaviour_listing_the_known_ones) {
  ExpectUsageError(
      Summary({"--behaviour", "knife-crime"}),
      "harmlens: --behaviour: unknown harmful behaviour \"knife-crime\" (expected one of: "
      "serious-violence, domestic-abuse, missing-children, substance-misuse, mental-health-crisis, "
      "night-time-economy, exploitation, gang-related, cyber-crime-and-fraud, specific-sites) "
      "(see 'harmlens summary --help')\n");
}

TEST_F(SummaryUsage, refuses_an_unknown_format) {
  ExpectUsageError(Summary({"--format", "xlsx"}),
                   "harmlens: --format: xlsx not in {table,csv,json} (see 'harmlens summary --help')\n");
}

TEST_F(SummaryUsage, refuses_an_unknown_option) {
  ExpectUsageError(
      Summary({"--verbose"}),
      "harmlens: The following argument was not expected: --verbose (see 'harmlens summary --help')\n");
}

// ----------------------------------------------------------- store not found ---

TEST(CliStore, says_there_is_no_store_and_creates_none_for_read_only_commands) {
  ScratchDir scratch;
  std::string db = scratch.File("missing.db");
  for (std::string command : {"summary", "loads", "quarantine"}) {
    SCOPED_TRACE(command);
    CommandResult r = RunHarmlens({command, "--db", db});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "harmlens: no store at " + db + " (run 'harmlens ingest ...' first, or give --db)\n");
    EXPECT_FALSE(std::filesystem::exists(db));
  }
}

// ------------------------------------------------------------------------ help ---

// The subcommands a help text lists under "Subcommands:".
std::vector<std::string> SubcommandsListedIn(const std::string& help) {
  std::vector<std::string> names;
  bool in_list = false;
  for (const std::string& line : Lines(help)) {
    if (line == "Subcommands:") {
      in_list = true;
    } else if (in_list && line.size() > 2 && line.substr(0, 2) == "  " && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_list && line.empty()) {
      in_list = false;
    }
  }
  return names;
}

TEST(CliHelp, prints_usage_and_exits_0_for_every_subcommand) {
  // Walks the tree of subcommands as the help texts list them, so a new one is covered
  // without editing this test.
  std::vector<std::vector<std::string>> to_visit = {{}};
  std::set<std::string> visited;
  while (!to_visit.empty()) {
    std::vector<std::string> command = to_visit.back();
    to_visit.pop_back();
    std::string name = "harmlens";
    for (const std::string& word : command) name += " " + word;
    SCOPED_TRACE(name);
    std::vector<std::string> args = command;
    args.push_back("--help");
    CommandResult r = RunHarmlens(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    std::string usage =
        name.substr(std::string("harmlens").size()) + " [OPTIONS]";  // after the binary's path
    EXPECT_NE(r.out.find(usage), std::string::npos) << r.out;
    visited.insert(name);
    for (const std::string& sub : SubcommandsListedIn(r.out)) {
      std::vector<std::string> child = command;
      child.push_back(sub);
      to_visit.push_back(child);
    }
  }
  for (std::string expected :
       {"harmlens", "harmlens ingest", "harmlens ingest police-uk", "harmlens ingest police-extract",
        "harmlens ingest istv", "harmlens ingest agency", "harmlens summary", "harmlens loads",
        "harmlens quarantine", "harmlens geography", "harmlens rules"}) {
    EXPECT_EQ(visited.count(expected), 1u) << expected;
  }
}

TEST(CliUsage, points_a_usage_error_at_the_help_of_the_innermost_subcommand) {
  ExpectUsageError(RunHarmlens({"ingest", "police-uk"}),
                   "harmlens: paths is required (see 'harmlens ingest police-uk --help')\n");
  ExpectUsageError(RunHarmlens({"ingest", "police-uk", "x.csv", "--batch-rows", "0"}),
                   "harmlens: --batch-rows: Value 0 not in range 1 to 10000000 "
                   "(see 'harmlens ingest police-uk --help')\n");
  ExpectUsageError(RunHarmlens({}), "harmlens: A subcommand is required (see 'harmlens --help')\n");
}

// ----------------------------------------------------------------- quarantine ---

TEST(CliQuarantine, lists_every_refused_row_with_file_line_column_value_and_reason_as_csv) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  auto row = [](const std::string& id, const std::string& month, const std::string& lon,
                const std::string& lat, const std::string& location, const std::string& lsoa,
                const std::string& type) {
    return id + "," + month + "," + kForce + "," + lon + "," + lat + "," + location + "," + lsoa +
           ",Blaby 002A," + type + ",x,";
  };
  const std::vector<std::string> lines = {
      kHeader,                                                                                    // line 1
      Crime("good1"),                                                                             // 2
      "",                                                                                         // 3
      row("bad-utf8", "2018-10", "-1.2", "52.6", "On or near Caf\xE9", "E01025631", "Burglary"),  // 4
      row("open", "2018-10", "-1.2", "52.6", "\"On or near Asda", "E01025631", "Burglary"),       // 5
      row("after", "2018-10", "-1.2", "52.6", "\"On or near\"x", "E01025631", "Burglary"),        // 6
      row("split", "2018-10", "-1.2", "52.6", "On or near Asda, Thurmaston", "E01025631", "Burglary"),  // 7
      row("m13", "2018-13", "-1.2", "52.6", "On or near X", "E01025631", "Burglary"),                   // 8
      row("knife", "2018-10", "-1.2", "52.6", "On or near X", "E01025631", "Knife crime"),              // 9
      row("", "2018-10", "-1.2", "52.6", "On or near X", "E01025631", "Burglary"),                      // 10
      row("nolat", "2018-10", "-1.2", "", "On or near X", "E01025631", "Burglary"),                     // 11
      row("nolon", "2018-10", "", "52.6", "On or near X", "E01025631", "Burglary"),                     // 12
      row("badlon", "2018-10", "west", "52.6", "On or near X", "E01025631", "Burglary"),                // 13
      row("badlat", "2018-10", "-1.2", "52.6x", "On or near X", "E01025631", "Burglary"),               // 14
      row("paris", "2018-10", "2.35", "48.85", "On or near X", "E01025631", "Burglary"),                // 15
      row("south", "2018-10", "-1.2", "48.85", "On or near X", "E01025631", "Burglary"),                // 16
      row("lsoa", "2018-10", "-1.2", "52.6", "On or near X", "E0102563", "Burglary"),                   // 17
      Crime("good2"),                                                                                   // 18
  };
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  std::string file = scratch.Write("2018-10.csv", text);
  CommandResult ingest = RunHarmlens({"ingest", "police-uk", file, "--db", db});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  std::vector<std::string> said = Lines(ingest.out);
  ASSERT_EQ(said.size(), 4u) << ingest.out;
  EXPECT_EQ(said[0], file + ": read 17 = stored 2 + already present 0 + quarantined 15");
  EXPECT_EQ(said[3], "15 row(s) quarantined: see 'harmlens quarantine --db " + db + "'");

  CommandResult r = RunHarmlens({"quarantine", "--db", db, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "file,line,column,value,reason\n" + file + ",3,,,the line is blank (expected a crime record)\n" + file +
          ",4,,,the row is not valid UTF-8 text (police.uk files are UTF-8)\n" + file +
          ",5,Location,\"\"\"On or near Asda,E01025631,Blaby 002A,Burglary,x,\","
          "a quoted field is not closed before the end of the line\n" +
          file +
          ",6,Location,On or near,unexpected character after a closing quote (expected a delimiter or "
          "the end of the line)\n" +
          file +
          ",7,,,\"expected 12 fields, found 13 (a Location containing a comma must be in double "
          "quotes)\"\n" +
          file + ",8,Month,2018-13,\"cannot read \"\"2018-13\"\" as a month (expected YYYY-MM)\"\n" + file +
          ",9,Crime type,Knife crime,\"unknown crime type \"\"Knife crime\"\" (expected one of the 14 "
          "police.uk types, e.g. \"\"Burglary\"\")\"\n" +
          file + ",10,Crime ID,,Crime ID is empty (only Anti-social behaviour rows may have no Crime ID)\n" +
          file + ",11,Latitude,,Latitude is empty but Longitude is given (expected both or neither)\n" +
          file + ",12,Longitude,,Longitude is empty but Latitude is given (expected both or neither)\n" +
          file +
          ",13,Longitude,west,\"cannot read \"\"west\"\" as a longitude (expected decimal degrees, "
          "e.g. -1.133)\"\n" +
          file +
          ",14,Latitude,52.6x,\"cannot read \"\"52.6x\"\" as a latitude (expected decimal degrees, "
          "e.g. 52.634)\"\n" +
          file + ",15,Longitude,2.35,longitude 2.35 is outside the United Kingdom (expected -8.7 to 1.9)\n" +
          file + ",16,Latitude,48.85,latitude 48.85 is outside the United Kingdom (expected 49.8 to 60.9)\n" +
          file +
          ",17,LSOA code,E0102563,\"cannot read \"\"E0102563\"\" as an LSOA code (expected E01 or W01 "
          "followed by six digits)\"\n");

  // The two good rows, before and after all the bad ones, are both stored.
  CommandResult summary = RunHarmlens({"summary", "--db", db, "--format", "csv"});
  EXPECT_EQ(summary.out, "csp_area,month,crime_type,incidents\nBlaby,2018-10,Burglary,2\n");
}

TEST(CliQuarantine, lists_only_the_rows_of_the_load_asked_for) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string first = scratch.Write("a.csv", kHeader + "\n" + Crime("a1", "2018-13") + "\n");
  std::string second = scratch.Write("b.csv", kHeader + "\n" + Crime("b1", "Oct 2018") + "\n");
  ASSERT_EQ(RunHarmlens({"ingest", "police-uk", first, second, "--db", db, "--quiet"}).exit_code, 0);
  CommandResult r = RunHarmlens({"quarantine", "--db", db, "--load", "2", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "file,line,column,value,reason\n" + second +
                       ",2,Month,Oct 2018,\"cannot read \"\"Oct 2018\"\" as a month (expected YYYY-MM)\"\n");
}

TEST(CliLoads, writes_json_even_when_a_file_name_is_not_utf8) {
  ScratchDir scratch;
  std::string db = scratch.File("h.db");
  std::string latin1_name = scratch.Write("r\xE9sum\xE9.csv", kHeader + "\n" + Crime("x1") + "\n");
  ASSERT_EQ(RunHarmlens({"ingest", "police-uk", latin1_name, "--db", db, "--quiet"}).exit_code, 0);
  CommandResult r = RunHarmlens({"loads", "--db", db, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json loads = nlohmann::json::parse(r.out);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0]["stored"], 1);
  EXPECT_EQ(loads[0]["file"], scratch.File("r\xEF\xBF\xBDsum\xEF\xBF\xBD.csv"));  // bad bytes become U+FFFD
}

// ------------------------------------------------------------- refused files ---

class RefusedIngestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = scratch_.File("h.db");
    CommandResult earlier = RunHarmlens({"ingest", "police-uk",
                                         scratch_.Write("earlier.csv", kHeader + "\n" + Crime("e1") + "\n"),
                                         "--db", db_, "--quiet"});
    ASSERT_EQ(earlier.exit_code, 0) << earlier.err;
  }

  // Runs an ingest that must be refused: exit 1, nothing on stdout, `expected_stderr`
  // as the only line, and the store still holds only the earlier load.
  void ExpectRefused(const std::vector<std::string>& paths, const std::string& expected_stderr) {
    std::vector<std::string> args = {"ingest", "police-uk"};
    args.insert(args.end(), paths.begin(), paths.end());
    args.insert(args.end(), {"--db", db_});
    CommandResult r = RunHarmlens(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, expected_stderr);
    EXPECT_EQ(Lines(r.err).size(), 1u);
    ExpectOnlyTheEarlierLoad();
  }

  void ExpectOnlyTheEarlierLoad() {
    CommandResult loads = RunHarmlens({"loads", "--db", db_, "--format", "csv"});
    EXPECT_EQ(loads.exit_code, 0);
    EXPECT_EQ(Lines(loads.out).size(), 2u) << loads.out;  // header and the earlier load
    CommandResult summary = RunHarmlens({"summary", "--db", db_, "--format", "csv"});
    EXPECT_EQ(summary.out, "csp_area,month,crime_type,incidents\nBlaby,2018-10,Burglary,1\n");
    CommandResult quarantine = RunHarmlens({"quarantine", "--db", db_, "--format", "csv"});
    EXPECT_EQ(quarantine.out, "file,line,column,value,reason\n");
  }

  ScratchDir scratch_;
  std::string db_;
};

TEST_F(RefusedIngestCli, refuses_a_file_with_another_header) {
  std::string file = scratch_.Write("outcomes.csv", "Crime ID,Month,Outcome type\n1,2018-10,x\n");
  ExpectRefused({file}, "harmlens: ingest: " + file +
                            " line 1: the header is \"Crime ID,Month,Outcome type\"; " +
                            kExpectedHeaderMessage + "\n");
}

TEST_F(RefusedIngestCli, refuses_a_binary_file) {
  std::string file = scratch_.Write("export.csv", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10));
  ExpectRefused({file}, "harmlens: ingest: " + file + ": the file is binary, not text; " +
                            kExpectedHeaderMessage + "\n");
}

TEST_F(RefusedIngestCli, refuses_an_empty_file) {
  std::string file = scratch_.Write("empty.csv", "");
  ExpectRefused({file},
                "harmlens: ingest: " + file + ": the file is empty; " + kExpectedHeaderMessage + "\n");
}

TEST_F(RefusedIngestCli, refuses_a_directory_holding_only_other_csv_files) {
  scratch_.Write("partner/ae.csv", "attendance_id,arrived_at\n");
  scratch_.Write("partner/yot.csv", "person_key,start\n");
  ExpectRefused({scratch_.File("partner")}, "harmlens: ingest: " + scratch_.File("partner/ae.csv") +
                                                " line 1: the header is \"attendance_id,arrived_at\"; " +
                                                kExpectedHeaderMessage + "\n");
}

TEST_F(RefusedIngestCli, refuses_a_path_that_does_not_exist) {
  std::string missing = scratch_.File("2019-01-leicestershire-street.csv");
  ExpectRefused({missing}, "harmlens: ingest: " + missing + ": no such file or directory\n");
}

TEST_F(RefusedIngestCli, stores_nothing_from_any_path_when_one_of_several_is_wrong) {
  std::string good = scratch_.Write("good/2018-11.csv", kHeader + "\n" + Crime("n1", "2018-11") + "\n");
  std::string wrong = scratch_.Write("wrong.csv", "a,b\n");
  ExpectRefused(
      {scratch_.File("good"), good, wrong},
      "harmlens: ingest: " + wrong + " line 1: the header is \"a,b\"; " + kExpectedHeaderMessage + "\n");
  ExpectRefused({good, scratch_.File("absent")},
                "harmlens: ingest: " + scratch_.File("absent") + ": no such file or directory\n");
}

TEST(CliRefusedIntoNewStore, creates_no_store_file_for_a_refused_command) {
  // Files are checked before the store is opened, so a refused command leaves nothing.
  ScratchDir scratch;
  std::string db = scratch.File("new.db");
  CommandResult r = RunHarmlens({"ingest", "police-uk", scratch.Write("x.csv", "a,b\n"), "--db", db});
  ASSERT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(db));
  CommandResult loads = RunHarmlens({"loads", "--db", db, "--format", "csv"});
  EXPECT_EQ(loads.exit_code, 1);
}

}  // namespace
}  // namespace harmlens
