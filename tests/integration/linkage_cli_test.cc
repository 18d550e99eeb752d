// harmlens encode / link / linkage-runs through the real executable: the partner's
// identifiers and secret never reach an output file, stdout, stderr or the store
// (canaries: values that cannot occur by chance); person ids survive a second run; each
// run is logged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kSecret = "CANARYKEY-7f3e9a1c5b2d4e6f8a0b";
// A person planted in two agencies' files of a small synthetic LLR, once without a
// postcode; names no synthetic list holds.
constexpr const char* kYouthOffendingCanary =
    "YOS-CANARY1,youth_offending,referral,2023-02-14,Zephyrinus,Quxbridgeworth,2007-03-21,M,LE2 0QZ,\n";
constexpr const char* kSchoolExclusionsCanary =
    "EXC-CANARY1,school_exclusions,suspension,2023-03-01,Zephyrinus,Quxbridgeworth,2007-03-21,M,,\n";
constexpr const char* kHeader =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode,factors\n";
const std::vector<std::string> kCanaries = {kSecret,          "Zephyrinus",     "zephyrinus",
                                            "Quxbridgeworth", "quxbridgeworth", "2007-03-21",
                                            "20070321",       "LE2 0QZ",        "LE20QZ"};

void ExpectNoCanary(const std::string& where, const std::string& text) {
  for (const std::string& canary : kCanaries) {
    EXPECT_EQ(text.find(canary), std::string::npos) << canary << " leaked into " << where;
  }
}

// The person_id column of `record_key`'s row in a persons file ("" if absent).
std::string PersonOf(const std::string& persons, const std::string& source_and_key) {
  const size_t at = persons.find("\n" + source_and_key + ",");
  if (at == std::string::npos) return "";
  const size_t begin = at + 1 + source_and_key.size() + 1;
  return persons.substr(begin, persons.find(',', begin) - begin);
}

// The rows of one source, in order.
std::vector<std::string> RowsOf(const std::string& persons, const std::string& source) {
  std::vector<std::string> rows;
  std::istringstream in(persons);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(source + ",", 0) == 0) rows.push_back(line);
  }
  return rows;
}

TEST(LinkageCli, encodes_links_and_logs_without_leaking_identifiers_or_the_key) {
  ScratchDir dir;
  CommandResult r =
      RunHarmlens({"synth", "--seed", "3", "--scale", "0.03", "--years", "1", "--out", dir.File("llr")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string schema = testing::DataDir() + "/linkage/schema-1.json";
  const std::string key = dir.Write("partners.key", std::string(kSecret) + "\n");
  const std::string yos =
      dir.Write("yos.csv", ReadBytes(dir.File("llr/agency_youth_offending.csv")) + kYouthOffendingCanary);
  const std::string exc =
      dir.Write("exc.csv", ReadBytes(dir.File("llr/agency_school_exclusions.csv")) + kSchoolExclusionsCanary);
  ASSERT_EQ(ReadBytes(yos).rfind(kHeader, 0), 0u);
  const std::string db = dir.File("hub.db");
  std::string everything_printed;

  r = RunHarmlens({"encode", yos, "--schema", schema, "--secret-file", key, "--out", dir.File("yos.enc")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  everything_printed += r.out + r.err;
  r = RunHarmlens({"encode", exc, "--schema", schema, "--secret-file", key, "--out", dir.File("exc.enc")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  everything_printed += r.out + r.err;

  r = RunHarmlens({"link", dir.File("yos.enc"), "--schema", schema, "--persons", dir.File("persons.csv"),
                   "--db", db, "--purpose", "test of the run log"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  everything_printed += r.out + r.err;
  const std::string first = ReadBytes(dir.File("persons.csv"));
  const std::string canary_id = PersonOf(first, "youth_offending,YOS-CANARY1");
  ASSERT_FALSE(canary_id.empty()) << first;

  // Second run with the school's records: the planted person joins the same id and no
  // youth offending record is renumbered.
  r = RunHarmlens({"link", dir.File("exc.enc"), dir.File("yos.enc"), "--schema", schema, "--persons",
                   dir.File("persons.csv"), "--db", db, "--explain", "youth_offending/YOS-CANARY1",
                   "school_exclusions/EXC-CANARY1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  everything_printed += r.out + r.err;
  EXPECT_NE(r.out.find("postcode         missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": match\n"), std::string::npos) << r.out;
  const std::string second = ReadBytes(dir.File("persons.csv"));
  EXPECT_EQ(PersonOf(second, "school_exclusions,EXC-CANARY1"), canary_id);
  EXPECT_EQ(RowsOf(second, "youth_offending"), RowsOf(first, "youth_offending"));
  EXPECT_GT(RowsOf(first, "youth_offending").size(), 10u);

  r = RunHarmlens({"linkage-runs", "--db", db, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  everything_printed += r.out + r.err;
  EXPECT_NE(r.out.find("\n1,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(",test of the run log,link,encoded,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n2,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("exc.enc (blake2b-256 "), std::string::npos) << r.out;

  ExpectNoCanary("stdout/stderr", everything_printed);
  for (const char* file : {"yos.enc", "exc.enc", "persons.csv", "hub.db"}) {
    ExpectNoCanary(file, ReadBytes(dir.File(file)));
  }
}

// The synthetic LLR's agency records (seed 1, scale 0.1, generator harmlens-synth/3)
// against their ground truth. Measured (docs/linkage.md): F1 encoded 0.98, plaintext
// 0.98; average linkage has the higher precision in both modes. The encoded figures
// depend on the key: with a fresh random key, average linkage's precision came out level
// with components' once in CI, so this test gives a fixed key and checks that a repeat
// with it prints the same figures.
TEST(LinkageCli, evaluates_synthetic_agency_records_and_average_linkage_beats_components) {
  ScratchDir dir;
  CommandResult r =
      RunHarmlens({"synth", "--seed", "1", "--scale", "0.1", "--years", "1", "--out", dir.File("llr")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string key = dir.Write("evaluation.key", "evaluation-key-a-0123456789abcdef\n");
  r = RunHarmlens({"link", "--evaluate", "synth", dir.File("llr"), "--secret-file", key, "--db",
                   dir.File("hub.db"), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommandResult repeat = RunHarmlens({"link", "--evaluate", "synth", dir.File("llr"), "--secret-file",
                                            key, "--db", dir.File("hub.db"), "--format", "csv"});
  EXPECT_EQ(repeat.out, r.out);
  std::map<std::string, std::pair<double, double>> precision_f1;  // "mode/clustering"
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line,
            "data,mode,clustering,records,candidate_pairs,matched_pairs,persons,true_pairs,predicted_pairs,"
            "precision,recall,f1");
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    ASSERT_EQ(fields.size(), 12u) << line;
    // The data rows of the six agency files of seed 1, scale 0.1 (harmlens-synth/3), counted
    // outside harmlens: mawk 'FNR > 1 {n++} END {print n}' llr/agency_*.csv -> 6374 (and
    // the same from truth/agency_records.csv).
    EXPECT_EQ(fields[3], "6374");
    precision_f1[fields[1] + "/" + fields[2]] = {std::stod(fields[9]), std::stod(fields[11])};
  }
  ASSERT_EQ(precision_f1.size(), 4u);
  const auto encoded = precision_f1["encoded/average-linkage"];
  const auto plaintext = precision_f1["plaintext/average-linkage"];
  EXPECT_GE(encoded.second, 0.97);
  EXPECT_GE(plaintext.second, 0.97);
  EXPECT_GE(encoded.second, plaintext.second - 0.02);
  for (const std::string mode : {"encoded", "plaintext"}) {
    EXPECT_GT(precision_f1[mode + "/average-linkage"].first,
              precision_f1[mode + "/connected-components"].first)
        << mode;
  }
  // Plaintext is deterministic: F1 0.9833 against 0.9808.
  EXPECT_GT(plaintext.second, precision_f1["plaintext/connected-components"].second);
  // Every evaluation run is logged too: two runs x two modes x two clusterings.
  r = RunHarmlens({"linkage-runs", "--db", dir.File("hub.db"), "--format", "csv"});
  EXPECT_NE(r.out.find("\n8,"), std::string::npos) << r.out;
}

TEST(LinkageCli, takes_a_secret_only_to_evaluate_because_the_hub_never_holds_the_partners_key) {
  ScratchDir dir;
  const std::string key = dir.Write("partners.key", std::string(kSecret) + "\n");
  CommandResult r = RunHarmlens({"link", dir.File("yos.enc"), "--schema",
                                 testing::DataDir() + "/linkage/schema-1.json", "--secret-file", key, "--db",
                                 dir.File("hub.db")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--secret-file is for --evaluate only"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("hub.db")));
  ExpectNoCanary("stderr", r.out + r.err);
}

// A&E attendances to police incidents on the synthetic LLR (seed 1, scale 0.1,
// harmlens-synth/3: 688 attendances, 269 with a police incident behind them).
//
// The linker links an attendance only when A&E recorded the assault's time: one with a
// date only, or only its arrival, is compared with the day's ten or so violent incidents
// and never reaches the threshold. So the overall recall is about (recall where the time
// is recorded) x (share of true links with a time), and the second factor is drawn by the
// generator (date 96%, time 78% of those: 0.75) - a property of the data, not the linker.
// Measured (docs/linkage.md), seeds 1-4: recall where the time is recorded 0.897, 0.898,
// 0.920, 0.917 (0.877-0.952 over seeds 1-20), overall 0.651, 0.694, 0.652, 0.710 with
// 72%, 77%, 71%, 77% of true links timed; precision 0.994, 0.987, 0.970, 0.985.
TEST(LinkageCli, links_attendances_to_police_incidents_against_synthetic_truth) {
  ScratchDir dir;
  CommandResult r =
      RunHarmlens({"synth", "--seed", "1", "--scale", "0.1", "--years", "1", "--out", dir.File("llr")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string db = dir.File("hub.db");
  r = RunHarmlens({"ingest", "police-extract", dir.File("llr/police_extract_incidents.csv"),
                   dir.File("llr/police_extract_persons.csv"), "--db", db, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunHarmlens({"ingest", "istv", dir.File("llr/istv.csv"), "--db", db, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunHarmlens({"link-events", "--db", db, "--truth", dir.File("llr/truth/istv.csv"), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("precision ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const double precision = std::stod(r.out.substr(at + 10));
  EXPECT_GE(precision, 0.97) << r.out;
  // "recall by what A&E recorded of the assault: time C of T R; date only ...; arrival only ...".
  auto counts = [&](const std::string& label) {
    const size_t from = r.out.find(label + " ", r.out.find("recall by what A&E recorded"));
    EXPECT_NE(from, std::string::npos) << label << " in " << r.out;
    std::istringstream in(r.out.substr(from + label.size() + 1));
    long correct = -1, total = -1;
    std::string of;
    in >> correct >> of >> total;
    return std::pair<double, double>(correct, total);
  };
  const auto [timed_correct, timed] = counts("time");
  const auto [dated_correct, dated] = counts("date only");
  const auto [arrival_correct, arrival] = counts("arrival only");
  // Seed 1's true links, counted outside harmlens: 269 with an incident (python3, csv
  // module: rows of truth/istv.csv with an incident_id); of them 195 with an assault time
  // in istv.csv, 65 with a date only and 9 with neither (assault_time / assault_date empty).
  EXPECT_EQ(timed, 195) << r.out;
  EXPECT_EQ(dated, 65) << r.out;
  EXPECT_EQ(arrival, 9) << r.out;
  // Where the time is recorded the linker finds nine in ten (0.877-0.952 over seeds 1-20,
  // 0.92 on average); 0.85 is over three binomial standard errors (0.02 at 195) below that.
  EXPECT_GE(timed_correct / timed, 0.85) << r.out;
  // The three strata make up the overall recall: the breakdown counts every true link once.
  const double recall = std::stod(r.out.substr(r.out.find("recall ") + 7));
  EXPECT_NEAR(recall, (timed_correct + dated_correct + arrival_correct) / (timed + dated + arrival), 1e-4)
      << r.out;
  EXPECT_NE(r.out.find("csp_area,month,attendances,unknown_to_police,share_unknown\n"), std::string::npos)
      << r.out;
  // Leicester's first month has attendances placed there (geocoded, or by their incident).
  EXPECT_NE(r.out.find("\nE06000016,2023-01,"), std::string::npos) << r.out;
}

TEST(LinkageCli, refuses_to_encode_without_a_secret_and_says_how_to_give_one) {
  ScratchDir dir;
  const std::string yos =
      dir.Write("agency_youth_offending.csv", std::string(kHeader) + kYouthOffendingCanary);
  CommandResult r = RunHarmlens({"encode", yos, "--schema", testing::DataDir() + "/linkage/schema-1.json",
                                 "--out", dir.File("out.enc")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--secret-file or set HARMLENS_LINKAGE_SECRET"), std::string::npos) << r.err;
  ExpectNoCanary("stderr", r.out + r.err);
}

TEST(LinkageCli, refuses_plain_records_given_as_encodings_without_quoting_them) {
  ScratchDir dir;
  const std::string yos =
      dir.Write("agency_youth_offending.csv", std::string(kHeader) + kYouthOffendingCanary);
  CommandResult r = RunHarmlens(
      {"link", yos, "--schema", testing::DataDir() + "/linkage/schema-1.json", "--db", dir.File("hub.db")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not an encodings file of linkage schema agency-records-1"), std::string::npos)
      << r.err;
  ExpectNoCanary("stderr", r.out + r.err);
}

// Cohort risk factors on the synthetic LLR (seed 1, scale 0.1): the police encode their
// nominals like every partner, the hub links them with the six agencies' encodings, and
// `cohort` reports prevalences beside the truth (docs/linkage.md, "Cohort risk factors").
// Measured (docs/linkage.md, same seed and scale, another key, harmlens-synth/3): cohort
// estimates from 0.0023 below to 0.0017 above what perfect linkage gives (missed links
// count as no contact found; a false link can add one), the population's within 0.001.
TEST(LinkageCli, cohort_prevalences_on_linked_police_nominals_land_near_the_synthetic_truth) {
  ScratchDir dir;
  CommandResult r =
      RunHarmlens({"synth", "--seed", "1", "--scale", "0.1", "--years", "1", "--out", dir.File("llr")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string db = dir.File("hub.db");
  r = RunHarmlens({"ingest", "police-extract", dir.File("llr/police_extract_incidents.csv"),
                   dir.File("llr/police_extract_persons.csv"), "--db", db, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> agencies = {"youth_offending", "childrens_social_care", "school_exclusions",
                                             "probation",       "substance_misuse",      "mental_health"};
  // Schema 2 carries the assessment factors with the encodings.
  const std::string schema = testing::DataDir() + "/linkage/schema-2.json";
  const std::string key = dir.Write("partners.key", std::string(kSecret) + "\n");
  // One encode run for the six agencies' files and the nominals (each file is read on its
  // own; one process keeps the test quick under the sanitizers).
  std::vector<std::string> encode = {"encode"};
  for (const auto& a : agencies) encode.push_back(dir.File("llr/agency_" + a + ".csv"));
  encode.push_back(dir.File("llr/police_nominals.csv"));
  encode.insert(encode.end(), {"--schema", schema, "--secret-file", key, "--out", dir.File("all.enc")});
  r = RunHarmlens(encode);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunHarmlens(
      {"link", dir.File("all.enc"), "--schema", schema, "--persons", dir.File("persons.csv"), "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The persons file holds the police person keys.
  EXPECT_NE(ReadBytes(dir.File("persons.csv")).find("\npolice,P"), std::string::npos);
  // An encoded-only hub: the cohorts are reported (event types travel with the
  // encodings), the population's ages are not known.
  r = RunHarmlens({"cohort", "--db", db, "--persons", dir.File("persons.csv"), "--on", "2023-12-31", "--data",
                   testing::DataDir(), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.out.find("\nunder25_population,youth_offending,agency_contact,,,no date of birth at the hub,,\n"),
      std::string::npos)
      << r.out;
  const size_t perpetrators_at = r.out.find("\nunder25_perpetrators,youth_offending,agency_contact,");
  ASSERT_NE(perpetrators_at, std::string::npos) << r.out;
  const std::string perpetrators_row =
      r.out.substr(perpetrators_at, r.out.find('\n', perpetrators_at + 1) - perpetrators_at) + ",";
  // With the agency records in the store, the population gets its ages; the cohorts are unchanged.
  std::vector<std::string> ingest = {"ingest", "agency"};
  for (const auto& a : agencies) ingest.push_back(dir.File("llr/agency_" + a + ".csv"));
  ingest.insert(ingest.end(), {"--db", db, "--quiet"});
  r = RunHarmlens(ingest);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunHarmlens({"cohort", "--db", db, "--persons", dir.File("persons.csv"), "--population-scale", "0.1",
                   "--truth", dir.File("llr/truth"), "--data", testing::DataDir(), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line) && line.rfind("cohort,", 0) != 0) {
  }
  ASSERT_EQ(line,
            "cohort,factor,kind,count,total,prevalence,ci95_low,ci95_high,true_by_records,true_lifetime");
  std::map<std::string, std::vector<std::string>> rows;
  for (; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    f.resize(10);
    rows[f[0] + "/" + f[1]] = f;
  }
  ASSERT_EQ(rows.size(), 36u) << r.out;  // 3 cohorts x 12 factors
  EXPECT_NE(r.out.find(perpetrators_row), std::string::npos) << perpetrators_row;
  for (const std::string cohort : {"under25_victims", "under25_perpetrators", "under25_population"}) {
    for (const std::string factor :
         {"youth_offending", "childrens_social_care", "school_exclusions", "probation", "substance_misuse",
          "mental_health", "ace_looked_after", "ace_school_exclusion", "ace_domestic_abuse",
          "ace_parental_imprisonment", "ace_parental_substance_misuse", "ace_parental_mental_illness"}) {
      const auto& f = rows[cohort + "/" + factor];
      ASSERT_FALSE(f[3].empty()) << cohort << " " << factor;
      const double estimate = std::stod(f[5]), low = std::stod(f[6]), high = std::stod(f[7]);
      const double truth = std::stod(f[8]);
      EXPECT_LE(low, estimate);
      EXPECT_GE(high, estimate);
      // Stated tolerance: within 0.015 or a tenth of the true value, whichever is larger.
      EXPECT_NEAR(estimate, truth, std::max(0.015, 0.1 * truth)) << cohort << " " << factor;
      // A failed link can only lose a cohort member's contact, never add one (a false
      // link could, but is rarer): estimates sit at or just below the truth.
      if (cohort != "under25_population") {
        EXPECT_LE(estimate, truth + 0.005) << cohort << " " << factor;
      }
    }
    // The six ACEs: assessments see some of each household ACE, never more than the truth.
    for (const std::string factor :
         {"ace_looked_after", "ace_school_exclusion", "ace_domestic_abuse", "ace_parental_imprisonment",
          "ace_parental_substance_misuse", "ace_parental_mental_illness"}) {
      const auto& f = rows[cohort + "/" + factor];
      EXPECT_LE(std::stod(f[8]), std::stod(f[9])) << cohort << " " << factor << ": by records above lifetime";
      const bool household = factor != "ace_looked_after" && factor != "ace_school_exclusion";
      // The household ACEs are rare by records (a few in a thousand): a tighter stated
      // tolerance, 0.003 absolute, on top of the one above (seed 1 gaps are at most 0.0017).
      if (household) {
        EXPECT_NEAR(std::stod(f[5]), std::stod(f[8]), 0.003) << cohort << " " << factor;
      }
      // Records must show each household ACE in the population (dozens of children at
      // this scale) and among victims, except parental imprisonment among victims: a
      // handful of persons by records at this scale, none at some seeds (seeds 1-8,
      // true_by_records x total: 0, 2, 3, 1, 1, 4, 0, 3), too few to require one.
      const bool few = cohort == "under25_victims" && factor == "ace_parental_imprisonment";
      if (household && cohort != "under25_perpetrators" && !few) {
        EXPECT_GT(std::stod(f[8]), 0.0) << cohort << " " << factor << ": records show none";
      }
    }
  }
  // The cohorts differ from the population as the synthetic LLR plants it: perpetrators
  // are known to youth offending far more often than under-25s at large.
  EXPECT_GT(std::stod(rows["under25_perpetrators/youth_offending"][5]),
            10 * std::stod(rows["under25_population/youth_offending"][5]));
}

}  // namespace
}  // namespace harmlens
