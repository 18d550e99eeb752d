// The police.uk adapter on its own: the header check, and how one record becomes an
// Incident. Quarantine reasons are tested end to end, through the store, in
// ingest_test.cc. Rows here are copied from the bundled 2018-10 file
// (data/police-uk/leicestershire-2018-10_2018-12/2018-10/2018-10-leicestershire-street.csv),
// with the file line they came from.
#include "ingest/police_uk.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::DataDir;

const std::string kExpectedHeaderMessage =
    "expected a police.uk street-level crime CSV whose first line is \"Crime ID,Month,Reported by,"
    "Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,"
    "Context\"";

// Line 2 of the 2018-10 file.
constexpr std::string_view kBurglaryRow =
    "7292a14aa6428635af1c87c222660110b6cf8dfc41e1310b323c40b2a8600fc1,2018-10,Leicestershire Police,"
    "Leicestershire Police,-1.212224,52.623430,On or near Willoughby Gardens,E01025631,Blaby 002A,Burglary,"
    "Investigation complete; no suspect identified,";
// Line 85: labelled Blaby 004B by police.uk, but the point lies in the Leicester LSOA
// E01013632 (found by an even-odd ray test in Python over
// data/reference/lsoa11_llr.geojson, no harmlens code involved).
constexpr std::string_view kTheftRowPointInAnotherLsoa =
    "43899e410d584ab64e1f1f543e88645a4a082080b9c8b5dbf7b544a8b9b6ac86,2018-10,Leicestershire Police,"
    "Leicestershire Police,-1.183093,52.620194,On or near Braunstone Lane,E01025667,Blaby 004B,"
    "Theft from the person,Investigation complete; no suspect identified,";
// Line 8945: no location at all.
constexpr std::string_view kRowWithoutLocation =
    "96643110ad3770d2435306fc71dcce607588f8c5d911efbba39bb402ed26cef9,2018-10,Leicestershire Police,"
    "Leicestershire Police,,,No Location,,,Burglary,Investigation complete; no suspect identified,";
// Line 2015: recorded by Leicestershire Police in East Lindsey, outside LLR.
constexpr std::string_view kRowOutsideLlr =
    "d3d8f9b41596c3df98c5f09ffbadf7d20a5bd115665e1e54122536bec153538c,2018-10,Leicestershire Police,"
    "Leicestershire Police,0.260685,53.340436,On or near Parking Area,E01026073,East Lindsey 005B,"
    "Violence and sexual offences,Action to be taken by another organisation,";
// Line 51: anti-social behaviour, no Crime ID.
constexpr std::string_view kAsbRow =
    ",2018-10,Leicestershire Police,Leicestershire Police,-1.218983,52.622998,On or near Boyers Walk,"
    "E01025635,Blaby 002D,Anti-social behaviour,,";

constexpr std::string_view kBlaby = "E07000129";
constexpr std::string_view kLeicester = "E06000016";

class PoliceUkParserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    geography_ = *loaded;
  }
  static void TearDownTestSuite() { geography_.reset(); }
  static const ReferenceGeography& geography() { return *geography_; }

  // Parses `row` as if it were at `line` of "2018-10.csv"; fails the test if refused.
  static Incident ParseGood(PoliceUkParser* parser, std::string_view row, int64_t line = 2) {
    std::string text = std::string(line - 1, '\n') + std::string(row);
    CsvReader reader(text);
    CsvRecord record;
    for (int64_t skipped = 1; skipped < line; ++skipped) reader.Next(&record);
    EXPECT_TRUE(reader.Next(&record));
    Incident incident;
    QuarantinedRow rejected;
    EXPECT_TRUE(parser->Parse(record, &incident, &rejected)) << rejected.reason;
    return incident;
  }

  // Line 2 of `*text` (made here): kBurglaryRow with its crime type misspelt. Returns
  // what `parser` refused it with; fails the test if it was accepted.
  static QuarantinedRow RefuseMisspeltCrimeType(PoliceUkParser* parser, std::string* text) {
    *text = std::string(kPoliceUkHeader) + "\n" + std::string(kBurglaryRow) + "\n";
    text->replace(text->find("Burglary,Inv"), 8, "Burglarly");
    CsvReader reader(*text);
    CsvRecord record;
    reader.Next(&record);  // header
    EXPECT_TRUE(reader.Next(&record));
    Incident incident;
    QuarantinedRow rejected;
    EXPECT_FALSE(parser->Parse(record, &incident, &rejected));
    return rejected;
  }

 private:
  inline static std::shared_ptr<const ReferenceGeography> geography_;
};

std::string Header() { return std::string(kPoliceUkHeader); }

TEST(PoliceUkHeader, accepts_the_header_with_lf_crlf_or_a_byte_order_mark) {
  EXPECT_TRUE(CheckPoliceUkHeader("f.csv", Header() + "\n").ok());
  EXPECT_TRUE(CheckPoliceUkHeader("f.csv", Header() + "\r\n").ok());
  EXPECT_TRUE(CheckPoliceUkHeader("f.csv", "\xEF\xBB\xBF" + Header() + "\r\n").ok());
  EXPECT_TRUE(CheckPoliceUkHeader("f.csv", Header()).ok());  // a header-only file with no line end
}

TEST(PoliceUkHeader, refuses_an_empty_file_naming_it_and_the_expected_header) {
  Status status = CheckPoliceUkHeader("in/empty.csv", "");
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), "in/empty.csv: the file is empty; " + kExpectedHeaderMessage);
}

TEST(PoliceUkHeader, refuses_a_file_with_nul_bytes_as_binary) {
  Status status = CheckPoliceUkHeader("in/photo.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), "in/photo.csv: the file is binary, not text; " + kExpectedHeaderMessage);
}

TEST(PoliceUkHeader, refuses_another_header_quoting_it_at_line_1) {
  Status status =
      CheckPoliceUkHeader("in/outcomes.csv", "Crime ID,Month,Reported by,Outcome type\r\nx,y,z,w\r\n");
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.where().line, 1);
  EXPECT_EQ(status.ToString(),
            "in/outcomes.csv line 1: the header is \"Crime ID,Month,Reported by,Outcome type\"; " +
                kExpectedHeaderMessage);
}

TEST(PoliceUkHeader, refuses_the_header_with_a_column_added_or_missing) {
  EXPECT_EQ(CheckPoliceUkHeader("f.csv", Header() + ",Extra\n").code(), StatusCode::kRejectedInput);
  std::string without_context = Header().substr(0, Header().size() - std::string_view(",Context").size());
  EXPECT_EQ(CheckPoliceUkHeader("f.csv", without_context + "\n").code(), StatusCode::kRejectedInput);
}

TEST_F(PoliceUkParserTest, turns_a_crime_row_into_a_month_precise_incident_keyed_on_month_and_crime_id) {
  PoliceUkParser parser("2018-10.csv", geography());
  Incident incident = ParseGood(&parser, kBurglaryRow, 2);
  EXPECT_EQ(incident.source.agency, Agency::kPoliceUk);
  EXPECT_EQ(incident.source.file, "2018-10.csv");
  EXPECT_EQ(incident.source.line, 2);
  EXPECT_EQ(incident.source_id, "2018-10/7292a14aa6428635af1c87c222660110b6cf8dfc41e1310b323c40b2a8600fc1");
  EXPECT_EQ(incident.occurred.precision, TimePrecision::kMonth);
  EXPECT_EQ(incident.occurred.month(), (YearMonth{2018, 10}));
  EXPECT_EQ(incident.crime_type, CrimeType::kBurglary);
  ASSERT_TRUE(incident.location.point.has_value());
  EXPECT_DOUBLE_EQ(incident.location.point->longitude, -1.212224);
  EXPECT_DOUBLE_EQ(incident.location.point->latitude, 52.623430);
  EXPECT_EQ(incident.location.description, "On or near Willoughby Gardens");
  EXPECT_EQ(incident.location.lsoa_reported, "E01025631");
  EXPECT_EQ(incident.location.lsoa_by_point, "E01025631");  // Python ray test agrees
  EXPECT_EQ(incident.location.csp_area, kBlaby);
  EXPECT_EQ(incident.outcome, "Investigation complete; no suspect identified");
  EXPECT_TRUE(incident.involvements.empty());
}

TEST_F(PoliceUkParserTest, keeps_both_lsoas_and_takes_the_csp_area_from_police_uk_s_label) {
  PoliceUkParser parser("2018-10.csv", geography());
  Incident incident = ParseGood(&parser, kTheftRowPointInAnotherLsoa, 85);
  EXPECT_EQ(incident.location.lsoa_reported, "E01025667");  // Blaby 004B
  EXPECT_EQ(incident.location.lsoa_by_point, "E01013632");  // Leicester 026B
  EXPECT_EQ(incident.location.csp_area, kBlaby);
}

TEST_F(PoliceUkParserTest, keeps_a_row_without_coordinates_with_no_point_and_no_area) {
  PoliceUkParser parser("2018-10.csv", geography());
  Incident incident = ParseGood(&parser, kRowWithoutLocation, 8945);
  EXPECT_FALSE(incident.location.point.has_value());
  EXPECT_EQ(incident.location.lsoa_reported, "");
  EXPECT_EQ(incident.location.lsoa_by_point, "");
  EXPECT_EQ(incident.location.csp_area, "");
  EXPECT_EQ(incident.location.description, "No Location");
}

TEST_F(PoliceUkParserTest, keeps_a_row_labelled_outside_llr_with_its_label_and_no_area) {
  PoliceUkParser parser("2018-10.csv", geography());
  Incident incident = ParseGood(&parser, kRowOutsideLlr, 2015);
  ASSERT_TRUE(incident.location.point.has_value());
  EXPECT_EQ(incident.location.lsoa_reported, "E01026073");
  EXPECT_EQ(incident.location.lsoa_by_point, "");
  EXPECT_EQ(incident.location.csp_area, "");
}

TEST_F(PoliceUkParserTest, places_a_row_without_an_lsoa_label_by_its_point) {
  // kTheftRowPointInAnotherLsoa with the LSOA code and name removed.
  constexpr std::string_view kUnlabelled =
      "43899e410d584ab64e1f1f543e88645a4a082080b9c8b5dbf7b544a8b9b6ac86,2018-10,Leicestershire Police,"
      "Leicestershire Police,-1.183093,52.620194,On or near Braunstone Lane,,,"
      "Theft from the person,Investigation complete; no suspect identified,";
  PoliceUkParser parser("2018-10.csv", geography());
  Incident incident = ParseGood(&parser, kUnlabelled);
  EXPECT_EQ(incident.location.lsoa_reported, "");
  EXPECT_EQ(incident.location.lsoa_by_point, "E01013632");
  EXPECT_EQ(incident.location.csp_area, kLeicester);
}

TEST_F(PoliceUkParserTest, keys_the_same_crime_id_in_two_months_as_two_incidents) {
  std::string republished(kBurglaryRow);
  republished.replace(republished.find("2018-10"), 7, "2018-11");
  PoliceUkParser parser("f.csv", geography());
  Incident october = ParseGood(&parser, kBurglaryRow);
  Incident november = ParseGood(&parser, republished);
  EXPECT_EQ(november.source_id, "2018-11/7292a14aa6428635af1c87c222660110b6cf8dfc41e1310b323c40b2a8600fc1");
  EXPECT_NE(october.source_id, november.source_id);
}

TEST_F(PoliceUkParserTest, numbers_identical_asb_rows_within_a_file_and_restarts_for_each_file) {
  PoliceUkParser first_load("2018-10.csv", geography());
  Incident first = ParseGood(&first_load, kAsbRow, 51);
  Incident second = ParseGood(&first_load, kAsbRow, 52);
  EXPECT_EQ(first.crime_type, CrimeType::kAntiSocialBehaviour);
  EXPECT_EQ(first.source_id.substr(0, 12), "2018-10/asb-");
  EXPECT_EQ(first.source_id.substr(first.source_id.size() - 2), "-0");
  EXPECT_EQ(second.source_id.substr(second.source_id.size() - 2), "-1");
  EXPECT_EQ(first.source_id.substr(0, first.source_id.size() - 2),
            second.source_id.substr(0, second.source_id.size() - 2));

  PoliceUkParser reload("2018-10.csv", geography());
  EXPECT_EQ(ParseGood(&reload, kAsbRow, 51).source_id, first.source_id);
  EXPECT_EQ(ParseGood(&reload, kAsbRow, 52).source_id, second.source_id);
}

// The content hash is BLAKE2b-128 of the fields, each followed by 0x1f. Expected from
// Python, no harmlens code involved:
//   hashlib.blake2b(b"".join(f.encode() + b"\x1f" for f in row.split(",")), digest_size=16)
TEST_F(PoliceUkParserTest, names_an_asb_row_by_the_blake2b_hash_of_its_fields) {
  PoliceUkParser parser("2018-10.csv", geography());
  EXPECT_EQ(ParseGood(&parser, kAsbRow, 51).source_id, "2018-10/asb-6beaf37bc0b2e20e3498d9db95f6a97e-0");
}

// Enough distinct ids to make the table grow several times, some seen many times and in
// any order: each id's n-th number is n, as a count kept in a std::map says.
TEST(AsbOccurrences, numbers_each_id_by_how_often_it_was_seen_before_as_the_table_grows) {
  AsbOccurrences occurrences;
  std::map<std::string, int> seen;
  std::mt19937 random(7);
  for (int row = 0; row < 50000; ++row) {
    // Ids of 1 to 60 characters, over a few thousand distinct ones (so most repeat).
    const uint32_t n = random() % 4000;
    std::string id = "2022-10/asb-" + std::to_string(n);
    id.resize(n % 60 + 1, static_cast<char>('a' + n % 26));
    std::string numbered = id;
    occurrences.Number(&numbered);
    ASSERT_EQ(numbered, id + "-" + std::to_string(seen[id]++)) << "row " << row;
  }
}

TEST_F(PoliceUkParserTest, a_parser_started_on_another_file_names_that_file_and_numbers_its_asb_rows_afresh) {
  PoliceUkParser parser("2018-10.csv", geography());
  Incident first = ParseGood(&parser, kAsbRow, 51);
  Incident second = ParseGood(&parser, kAsbRow, 52);
  parser.StartFile("again/2018-10.csv");
  Incident reloaded = ParseGood(&parser, kAsbRow, 51);
  EXPECT_EQ(reloaded.source.file, "again/2018-10.csv");
  EXPECT_EQ(reloaded.source_id, first.source_id);  // occurrence 0 again, not 2
  EXPECT_NE(reloaded.source_id, second.source_id);
  EXPECT_EQ(reloaded.location.lsoa_by_point, first.location.lsoa_by_point);

  std::string text;
  EXPECT_EQ(RefuseMisspeltCrimeType(&parser, &text).source.file, "again/2018-10.csv");
}

TEST_F(PoliceUkParserTest, gives_different_asb_rows_different_ids) {
  std::string other_street(kAsbRow);
  other_street.replace(other_street.find("Boyers Walk"), 11, "Kings Drive");
  PoliceUkParser parser("f.csv", geography());
  EXPECT_NE(ParseGood(&parser, kAsbRow).source_id, ParseGood(&parser, other_street).source_id);
}

TEST_F(PoliceUkParserTest, overwrites_every_location_field_when_an_incident_object_is_reused) {
  PoliceUkParser parser("f.csv", geography());
  CsvRecord record;
  QuarantinedRow rejected;
  Incident reused;
  std::string located(kBurglaryRow), unlocated(kRowWithoutLocation);
  CsvReader first(located);
  ASSERT_TRUE(first.Next(&record));
  ASSERT_TRUE(parser.Parse(record, &reused, &rejected));
  CsvReader second(unlocated);
  ASSERT_TRUE(second.Next(&record));
  ASSERT_TRUE(parser.Parse(record, &reused, &rejected));
  EXPECT_FALSE(reused.location.point.has_value());
  EXPECT_EQ(reused.location.lsoa_reported, "");
  EXPECT_EQ(reused.location.lsoa_by_point, "");
  EXPECT_EQ(reused.location.csp_area, "");
  EXPECT_EQ(reused.source_id, "2018-10/96643110ad3770d2435306fc71dcce607588f8c5d911efbba39bb402ed26cef9");
}

TEST_F(PoliceUkParserTest, the_point_cache_answers_as_the_polygon_lookup_does_for_every_point) {
  // A grid of 120 x 120 points over LLR and beyond (more than the cache's first table,
  // so it grows several times), asked twice: every answer equals the geography's own.
  PointLsoaCache cache;
  int inside = 0, mismatches = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 120; ++i) {
      for (int j = 0; j < 120; ++j) {
        GeoPoint p{-1.65 + i * 0.0075, 52.35 + j * 0.0055};
        const Lsoa* cached = cache.LsoaContaining(p, geography());
        if (cached != geography().LsoaContaining(p)) ++mismatches;
        if (pass == 0 && cached) ++inside;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(inside, 5000);   // most of the grid lies in LLR...
  EXPECT_LT(inside, 14400);  // ...and some of it outside
}

TEST_F(PoliceUkParserTest, refuses_a_row_keeping_its_line_column_value_and_raw_text) {
  PoliceUkParser parser("f.csv", geography());
  std::string text;
  QuarantinedRow rejected = RefuseMisspeltCrimeType(&parser, &text);
  EXPECT_EQ(rejected.source.file, "f.csv");
  EXPECT_EQ(rejected.source.line, 2);
  EXPECT_EQ(rejected.column, "Crime type");
  EXPECT_EQ(rejected.column_index, 9);
  EXPECT_EQ(rejected.value, "Burglarly");
  EXPECT_EQ(rejected.reason,
            "unknown crime type \"Burglarly\" (expected one of the 14 police.uk types, e.g. \"Burglary\")");
  EXPECT_EQ(rejected.raw, text.substr(Header().size() + 1, text.size() - Header().size() - 2));
}

}  // namespace
}  // namespace harmlens
