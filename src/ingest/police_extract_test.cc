// The police extract adapter end to end through the library (docs/formats/police-extract.md):
// one test per quarantine reason with file, line, column, value and exact message; what
// each field becomes (time precision and window, weapon, domestic, location quality);
// persons rows joining their incidents and accounted in their own load; line endings;
// idempotent reloads; refusal of wrong files with nothing stored.
#include "ingest/police_extract.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "ingest/feed_test.h"

namespace harmlens {
namespace {

const std::string kIncidentsHeader(kPoliceExtractIncidentsHeader);
const std::string kPersonsHeader(kPoliceExtractPersonsHeader);

// One incidents row, valid unless a test changes a field (the format's first example).
struct ExtractIncident {
  enum Field {
    kId,
    kFrom,
    kTo,
    kPrecision,
    kCode,
    kCategory,
    kWeapon,
    kDomestic,
    kLongitude,
    kLatitude,
    kLsoa,
    kOutcome
  };
  std::array<std::string, 12> fields = {"LP2023-00000001",
                                        "2023-01-06T23:41",
                                        "",
                                        "minute",
                                        "8N",
                                        "Violence and sexual offences",
                                        "none",
                                        "N",
                                        "-1.132160",
                                        "52.634455",
                                        "E01032867",
                                        "no_suspect_identified"};
  ExtractIncident With(Field field, std::string value) const {
    ExtractIncident changed = *this;
    changed.fields[field] = std::move(value);
    return changed;
  }
  std::string Csv() const { return CsvLine({fields.begin(), fields.end()}); }
};

ExtractIncident Crime(const std::string& id) { return ExtractIncident().With(ExtractIncident::kId, id); }
ExtractIncident Asb(const std::string& id) {
  return Crime(id)
      .With(ExtractIncident::kCode, "")
      .With(ExtractIncident::kCategory, "Anti-social behaviour")
      .With(ExtractIncident::kWeapon, "unknown")
      .With(ExtractIncident::kDomestic, "")
      .With(ExtractIncident::kOutcome, "");
}

std::string Person(const std::string& incident, const std::string& role, const std::string& key,
                   const std::string& age = "19", const std::string& sex = "M") {
  return CsvLine({incident, role, key, age, sex});
}

class PoliceExtractTest : public FeedTest {
 protected:
  Result<IngestReport> IngestExtract(const std::vector<std::string>& paths, Store* store = nullptr,
                                     int64_t batch_rows = 20000) {
    return Ingest(Feed::kPoliceExtract, paths, store, batch_rows);
  }

  // Loads header, a good row (line 2), `bad_line` (line 3) and another good row (line
  // 4) as an incidents file alone, into a fresh store; checks the load went on past the
  // bad row and returns the one quarantined row.
  QuarantinedRow QuarantineOf(const std::string& bad_line) {
    std::string name = "case" + std::to_string(++cases_);
    std::string file =
        scratch_.Write(name + "/incidents.csv",
                       FileText(kIncidentsHeader, {Crime("before").Csv(), bad_line, Crime("after").Csv()}));
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report = IngestExtract({file}, store.get());
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return {};
    EXPECT_EQ(report->total, Counts(3, 2, 0, 1));
    auto stored = Stored(store.get());
    EXPECT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[2].second.source_id, "before");
    EXPECT_EQ(stored[4].second.source_id, "after");
    return OnlyQuarantined(store.get(), file);
  }

  // The same for a persons file: incidents "a" and "b" (lines 2, 3), persons rows: a
  // good one for "a" (line 2), `bad_line` (line 3), a good one for "b" (line 4).
  QuarantinedRow PersonsQuarantineOf(const std::string& bad_line) {
    std::string name = "case" + std::to_string(++cases_);
    std::string incidents = scratch_.Write(name + "/incidents.csv",
                                           FileText(kIncidentsHeader, {Crime("a").Csv(), Crime("b").Csv()}));
    std::string persons = scratch_.Write(
        name + "/persons.csv",
        FileText(kPersonsHeader, {Person("a", "victim", "P1"), bad_line, Person("b", "offender", "P2")}));
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report = IngestExtract({incidents, persons}, store.get());
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return {};
    EXPECT_EQ(report->files.size(), 2u);
    if (report->files.size() != 2) return {};
    EXPECT_EQ(report->files[0].counts, Counts(2, 2, 0, 0));
    EXPECT_EQ(report->files[1].file, persons);
    EXPECT_EQ(report->files[1].counts, Counts(3, 2, 0, 1));
    return OnlyQuarantined(store.get(), persons);
  }

  // The one quarantined row of `store`, which must be line 3 of `file`.
  QuarantinedRow OnlyQuarantined(Store* store, const std::string& file) {
    auto rows = store->ListQuarantine(std::nullopt);
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u);
    if (!rows.ok() || rows->size() != 1) return {};
    const QuarantinedRow& q = (*rows)[0];
    EXPECT_EQ(q.source.file, file);
    EXPECT_EQ(q.source.line, 3);
    return q;
  }

  void ExpectQuarantine(const std::string& bad_line, const std::string& column, int column_index,
                        const std::string& value, const std::string& reason) {
    QuarantinedRow q = QuarantineOf(bad_line);
    EXPECT_EQ(q.raw, bad_line);  // the raw text survives byte for byte
    EXPECT_EQ(q.column, column);
    EXPECT_EQ(q.column_index, column_index);
    EXPECT_EQ(q.value, value);
    EXPECT_EQ(q.reason, reason);
  }
  void ExpectPersonsQuarantine(const std::string& bad_line, const std::string& column, int column_index,
                               const std::string& value, const std::string& reason) {
    QuarantinedRow q = PersonsQuarantineOf(bad_line);
    EXPECT_EQ(q.raw, bad_line);
    EXPECT_EQ(q.column, column);
    EXPECT_EQ(q.column_index, column_index);
    EXPECT_EQ(q.value, value);
    EXPECT_EQ(q.reason, reason);
  }

  int cases_ = 0;
};

using Field = ExtractIncident::Field;

// ------------------------------------------------------- incidents quarantine ---

TEST_F(PoliceExtractTest, quarantines_a_row_with_the_wrong_number_of_fields) {
  ExpectQuarantine(Crime("x").Csv() + ",extra", "", -1, "",
                   "expected 12 fields, found 13 (a field containing a comma must be in double quotes)");
}

TEST_F(PoliceExtractTest, quarantines_a_row_that_is_not_valid_utf8) {
  ExpectQuarantine(Crime("caf\xE9").Csv(), "", -1, "",
                   "the row is not valid UTF-8 text (police extract files are UTF-8)");
}

TEST_F(PoliceExtractTest, quarantines_a_blank_line) {
  ExpectQuarantine("", "", -1, "", "the line is blank (expected an incident record)");
}

TEST_F(PoliceExtractTest, quarantines_a_row_whose_quote_is_never_closed) {
  ExpectQuarantine(Crime("q").With(Field::kOutcome, "\"charged").Csv(), "outcome", 11, "\"charged",
                   "a quoted field is not closed before the end of the line");
}

TEST_F(PoliceExtractTest, quarantines_a_row_with_a_required_field_empty) {
  struct Case {
    Field field;
    std::string column;
  };
  for (const Case& c : {Case{Field::kId, "incident_id"}, Case{Field::kFrom, "occurred_from"},
                        Case{Field::kPrecision, "time_precision"}, Case{Field::kCategory, "offence_category"},
                        Case{Field::kWeapon, "weapon"}}) {
    SCOPED_TRACE(c.column);
    ExpectQuarantine(Crime("x").With(c.field, "").Csv(), c.column, c.field, "",
                     c.column + " is empty (a value is required)");
  }
}

TEST_F(PoliceExtractTest, quarantines_a_crime_without_an_offence_code) {
  ExpectQuarantine(Crime("x").With(Field::kCode, "").Csv(), "offence_code", 4, "",
                   "offence_code is empty (a value is required on every row but Anti-social behaviour)");
}

TEST_F(PoliceExtractTest, quarantines_a_time_precision_outside_its_list) {
  ExpectQuarantine(Crime("x").With(Field::kPrecision, "Minute").Csv(), "time_precision", 3, "Minute",
                   "unknown time_precision \"Minute\" (expected minute, day or window)");
}

TEST_F(PoliceExtractTest, quarantines_an_offence_category_outside_the_14_police_uk_types_and_lists_them) {
  ExpectQuarantine(
      Crime("x").With(Field::kCategory, "Knife crime").Csv(), "offence_category", 5, "Knife crime",
      "unknown offence_category \"Knife crime\" (expected Anti-social behaviour, Bicycle theft, "
      "Burglary, Criminal damage and arson, Drugs, Other crime, Other theft, Possession of weapons, "
      "Public order, Robbery, Shoplifting, Theft from the person, Vehicle crime or Violence and sexual "
      "offences)");
}

TEST_F(PoliceExtractTest, quarantines_a_weapon_outside_its_list) {
  ExpectQuarantine(Crime("x").With(Field::kWeapon, "knife").Csv(), "weapon", 6, "knife",
                   "unknown weapon \"knife\" (expected knife_or_sharp, firearm, other, none or unknown)");
}

TEST_F(PoliceExtractTest, quarantines_a_domestic_flag_other_than_y_n_or_empty) {
  ExpectQuarantine(Crime("x").With(Field::kDomestic, "N/A").Csv(), "domestic", 7, "N/A",
                   "unknown domestic \"N/A\" (expected Y, N or empty)");
}

TEST_F(PoliceExtractTest, quarantines_an_outcome_outside_its_list) {
  ExpectQuarantine(
      Crime("x").With(Field::kOutcome, "Charged").Csv(), "outcome", 11, "Charged",
      "unknown outcome \"Charged\" (expected under_investigation, charged, caution, "
      "taken_into_consideration, offender_died, penalty_notice, cannabis_khat_warning, "
      "community_resolution, not_in_public_interest, suspect_not_prosecutable, evidential_difficulties, "
      "victim_does_not_support, time_limit_expired, no_suspect_identified, other_body or diversion)");
}

TEST_F(PoliceExtractTest, quarantines_a_date_time_not_of_the_documented_form) {
  ExpectQuarantine(
      Crime("x").With(Field::kFrom, "2023-01-06 23:41").Csv(), "occurred_from", 1, "2023-01-06 23:41",
      "cannot read \"2023-01-06 23:41\" as a date and time (expected YYYY-MM-DDTHH:MM, a real date, "
      "24-hour time)");
}

TEST_F(PoliceExtractTest, quarantines_a_date_that_is_not_a_real_calendar_date) {
  ExpectQuarantine(
      Crime("x").With(Field::kFrom, "2023-02-29T10:00").Csv(), "occurred_from", 1, "2023-02-29T10:00",
      "cannot read \"2023-02-29T10:00\" as a date and time (expected YYYY-MM-DDTHH:MM, a real date, "
      "24-hour time)");
}

TEST_F(PoliceExtractTest, quarantines_an_unreadable_window_end) {
  ExpectQuarantine(
      Crime("x").With(Field::kPrecision, "window").With(Field::kTo, "2023-01-07T24:00").Csv(), "occurred_to",
      2, "2023-01-07T24:00",
      "cannot read \"2023-01-07T24:00\" as a date and time (expected YYYY-MM-DDTHH:MM, a real date, "
      "24-hour time)");
}

TEST_F(PoliceExtractTest, quarantines_occurred_to_when_the_precision_is_not_window) {
  ExpectQuarantine(
      Crime("x").With(Field::kTo, "2023-01-07T01:00").Csv(), "occurred_to", 2, "2023-01-07T01:00",
      "occurred_to is given but time_precision is minute (occurred_to is only for a window; leave it "
      "empty)");
}

TEST_F(PoliceExtractTest, quarantines_a_window_without_its_end) {
  ExpectQuarantine(Crime("x").With(Field::kPrecision, "window").Csv(), "occurred_to", 2, "",
                   "occurred_to is empty but time_precision is window (a window needs its end)");
}

TEST_F(PoliceExtractTest, quarantines_a_window_that_does_not_end_after_it_starts) {
  ExpectQuarantine(
      Crime("x").With(Field::kPrecision, "window").With(Field::kTo, "2023-01-06T23:41").Csv(), "occurred_to",
      2, "2023-01-06T23:41",
      "occurred_to 2023-01-06T23:41 is not after occurred_from 2023-01-06T23:41 (a window ends after it "
      "starts)");
}

TEST_F(PoliceExtractTest, quarantines_a_window_longer_than_31_days) {
  // 2023-01-06T23:41 + 44,640 minutes = 2023-02-06T23:41 (accepted below); one more is refused.
  ExpectQuarantine(
      Crime("x").With(Field::kPrecision, "window").With(Field::kTo, "2023-02-06T23:42").Csv(), "occurred_to",
      2, "2023-02-06T23:42",
      "occurred_to 2023-02-06T23:42 is more than 31 days after occurred_from 2023-01-06T23:41 (a window "
      "is at most 31 days, 44,640 minutes)");
}

TEST_F(PoliceExtractTest, quarantines_a_day_row_whose_time_is_not_midnight) {
  ExpectQuarantine(
      Crime("x").With(Field::kPrecision, "day").Csv(), "occurred_from", 1, "2023-01-06T23:41",
      "time_precision is day but occurred_from \"2023-01-06T23:41\" has a time of day (a day row's time "
      "must be T00:00)");
}

TEST_F(PoliceExtractTest, quarantines_a_longitude_without_a_latitude) {
  ExpectQuarantine(Crime("x").With(Field::kLatitude, "").Csv(), "latitude", 9, "",
                   "latitude is empty but longitude is given (expected both or neither)");
}

TEST_F(PoliceExtractTest, quarantines_a_latitude_without_a_longitude) {
  ExpectQuarantine(Crime("x").With(Field::kLongitude, "").Csv(), "longitude", 8, "",
                   "longitude is empty but latitude is given (expected both or neither)");
}

TEST_F(PoliceExtractTest, quarantines_a_coordinate_out_of_range) {
  ExpectQuarantine(Crime("x").With(Field::kLongitude, "2.352200").With(Field::kLatitude, "48.856600").Csv(),
                   "longitude", 8, "2.352200",
                   "longitude 2.352200 is outside the United Kingdom (expected -8.7 to 1.9)");
}

TEST_F(PoliceExtractTest, quarantines_a_latitude_out_of_range) {
  ExpectQuarantine(Crime("x").With(Field::kLatitude, "-52.634455").Csv(), "latitude", 9, "-52.634455",
                   "latitude -52.634455 is outside the United Kingdom (expected 49.8 to 60.9)");
}

TEST_F(PoliceExtractTest, quarantines_a_coordinate_with_more_than_six_decimal_places) {
  ExpectQuarantine(
      Crime("x").With(Field::kLongitude, "-1.1321601").Csv(), "longitude", 8, "-1.1321601",
      "cannot read \"-1.1321601\" as a longitude (expected decimal degrees with at most 6 decimal "
      "places, e.g. -1.132160)");
}

TEST_F(PoliceExtractTest, quarantines_a_latitude_with_a_comma_decimal_mark) {
  ExpectQuarantine(Crime("x").With(Field::kLatitude, "\"52,634455\"").Csv(), "latitude", 9, "52,634455",
                   "cannot read \"52,634455\" as a latitude (expected decimal degrees with at most 6 decimal "
                   "places, e.g. 52.634455)");
}

TEST_F(PoliceExtractTest, quarantines_an_lsoa_code_of_the_wrong_shape) {
  ExpectQuarantine(
      Crime("x").With(Field::kLsoa, "E02002867").Csv(), "lsoa_code", 10, "E02002867",
      "cannot read \"E02002867\" as an LSOA code (expected a 2011 LSOA: E01 or W01 followed by six "
      "digits)");
}

TEST_F(PoliceExtractTest, quarantines_an_incident_id_of_the_wrong_shape) {
  ExpectQuarantine(
      Crime("LP 2023 1").Csv(), "incident_id", 0, "LP 2023 1",
      "cannot read \"LP 2023 1\" as an incident_id (expected 1 to 40 letters, digits, \"-\", \"/\" or "
      "\"_\")");
}

TEST_F(PoliceExtractTest, quarantines_an_incident_id_repeated_in_one_incidents_file) {
  ExpectQuarantine(
      Crime("before").With(Field::kCode, "9A").Csv(), "incident_id", 0, "before",
      "incident_id \"before\" is repeated: line 2 already has it (an incident appears once in an "
      "incidents file)");
}

TEST_F(PoliceExtractTest, quarantines_an_offence_code_of_the_wrong_shape) {
  ExpectQuarantine(
      Crime("x").With(Field::kCode, "8n").Csv(), "offence_code", 4, "8n",
      "cannot read \"8n\" as an offence code (expected 1 to 3 digits, optionally \"/\" or \".\" and 1 to "
      "2 digits, then up to 2 capital letters, e.g. 8N, 105A, 4/1)");
}

TEST_F(PoliceExtractTest, quarantines_an_offence_code_on_an_anti_social_behaviour_row) {
  ExpectQuarantine(
      Asb("x").With(Field::kCode, "8N").Csv(), "offence_code", 4, "8N",
      "offence_code \"8N\" is given on an Anti-social behaviour row (anti-social behaviour has no "
      "offence code; leave it empty)");
}

TEST_F(PoliceExtractTest, quarantines_an_outcome_on_an_anti_social_behaviour_row) {
  ExpectQuarantine(
      Asb("x").With(Field::kOutcome, "charged").Csv(), "outcome", 11, "charged",
      "outcome \"charged\" is given on an Anti-social behaviour row (anti-social behaviour has no crime "
      "outcome; leave it empty)");
}

TEST_F(PoliceExtractTest, accepts_every_well_formed_offence_code_known_or_not) {
  std::vector<std::string> rows;
  int n = 0;
  for (std::string code : {"8N", "105A", "28E", "4/1", "1", "3.1", "999/99ZZ", "12AB", "7"}) {
    rows.push_back(Crime("c" + std::to_string(n++)).With(Field::kCode, code).Csv());
  }
  for (std::string code : {"1234", "4/", "4/123", "/4", "8ABC", "8-N", " 8N"}) {
    rows.push_back(Crime("c" + std::to_string(n++)).With(Field::kCode, code).Csv());
  }
  auto report = IngestExtract({scratch_.Write("codes/incidents.csv", FileText(kIncidentsHeader, rows))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, Counts(16, 9, 0, 7));
  for (const QuarantinedRow& q : Quarantine()) EXPECT_EQ(q.column, "offence_code") << q.value;
}

// --------------------------------------------------------- persons quarantine ---

TEST_F(PoliceExtractTest, quarantines_a_persons_row_for_an_incident_not_in_the_extract) {
  ExpectPersonsQuarantine(Person("LP2023-99999999", "victim", "P7"), "incident_id", 0, "LP2023-99999999",
                          "no incident \"LP2023-99999999\" in the incidents file of this extract (" +
                              scratch_.File("case1/incidents.csv") + ")");
}

TEST_F(PoliceExtractTest, quarantines_a_persons_row_whose_incident_was_itself_quarantined) {
  std::string incidents = scratch_.Write(
      "extract/incidents.csv",
      FileText(kIncidentsHeader, {Crime("a").Csv(), Crime("bad").With(Field::kFrom, "yesterday").Csv()}));
  std::string persons =
      scratch_.Write("extract/persons.csv",
                     FileText(kPersonsHeader, {Person("bad", "victim", "P1"), Person("a", "victim", "P2")}));
  auto report = IngestExtract({incidents, persons});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->files[0].counts, Counts(2, 1, 0, 1));
  EXPECT_EQ(report->files[1].counts, Counts(2, 1, 0, 1));
  std::vector<QuarantinedRow> q = Quarantine();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].source.file, persons);
  EXPECT_EQ(q[1].source.line, 2);
  EXPECT_EQ(q[1].column, "incident_id");
  EXPECT_EQ(q[1].value, "bad");
  EXPECT_EQ(q[1].reason, "incident \"bad\" was quarantined (line 3 of " + incidents +
                             "): fix that row and load both files of the extract again");
}

TEST_F(PoliceExtractTest, quarantines_an_age_outside_0_to_120) {
  ExpectPersonsQuarantine(Person("a", "witness", "P9", "121"), "age", 3, "121",
                          "age 121 is outside 0 to 120");
}

TEST_F(PoliceExtractTest, quarantines_an_age_that_is_not_whole_years) {
  ExpectPersonsQuarantine(
      Person("a", "witness", "P9", "19.5"), "age", 3, "19.5",
      "cannot read \"19.5\" as an age (expected whole years, no sign or decimals, e.g. 19)");
}

TEST_F(PoliceExtractTest, quarantines_a_role_outside_its_list) {
  ExpectPersonsQuarantine(Person("a", "perpetrator", "P9"), "role", 1, "perpetrator",
                          "unknown role \"perpetrator\" (expected victim, suspect, offender or witness)");
}

TEST_F(PoliceExtractTest, quarantines_a_sex_outside_its_list) {
  ExpectPersonsQuarantine(Person("a", "victim", "P9", "19", "male"), "sex", 4, "male",
                          "unknown sex \"male\" (expected F, M, X or U)");
}

TEST_F(PoliceExtractTest, quarantines_a_persons_row_with_a_required_field_empty) {
  ExpectPersonsQuarantine(Person("", "victim", "P9"), "incident_id", 0, "",
                          "incident_id is empty (a value is required)");
  ExpectPersonsQuarantine(Person("a", "", "P9"), "role", 1, "", "role is empty (a value is required)");
  ExpectPersonsQuarantine(Person("a", "victim", ""), "person_key", 2, "",
                          "person_key is empty (a value is required)");
  ExpectPersonsQuarantine(Person("a", "victim", "P9", "19", ""), "sex", 4, "",
                          "sex is empty (a value is required)");
}

TEST_F(PoliceExtractTest, quarantines_a_persons_incident_id_of_the_wrong_shape) {
  ExpectPersonsQuarantine(
      Person("LP 1", "victim", "P9"), "incident_id", 0, "LP 1",
      "cannot read \"LP 1\" as an incident_id (expected 1 to 40 letters, digits, \"-\", \"/\" "
      "or \"_\")");
}

TEST_F(PoliceExtractTest, quarantines_a_person_key_of_the_wrong_shape) {
  ExpectPersonsQuarantine(
      Person("a", "victim", "P9/1"), "person_key", 2, "P9/1",
      "cannot read \"P9/1\" as a person_key (expected 1 to 64 letters, digits, \"-\" or \"_\")");
}

TEST_F(PoliceExtractTest, quarantines_a_persons_row_with_the_wrong_number_of_fields) {
  ExpectPersonsQuarantine("a,victim,P9,19", "", -1, "",
                          "expected 5 fields, found 4 (a field containing a comma must be in double quotes)");
}

TEST_F(PoliceExtractTest, quarantines_a_person_listed_twice_in_one_role_of_one_incident) {
  ExpectPersonsQuarantine(
      Person("a", "victim", "P1", "20"), "person_key", 2, "P1",
      "person_key \"P1\" already has the role victim in incident \"a\" (line 2); a person has each "
      "role in an incident once");
}

// ------------------------------------------------------- what a row becomes ---

TEST_F(PoliceExtractTest, keeps_the_time_to_the_minute_the_day_or_the_window_as_given) {
  std::string file = scratch_.Write(
      "extract/incidents.csv",
      FileText(kIncidentsHeader,
               {Crime("minute").Csv(),
                Crime("day").With(Field::kFrom, "2023-01-06T00:00").With(Field::kPrecision, "day").Csv(),
                Crime("window")
                    .With(Field::kFrom, "2023-01-03T08:15")
                    .With(Field::kTo, "2023-01-06T17:30")
                    .With(Field::kPrecision, "window")
                    .Csv(),
                Crime("longest")
                    .With(Field::kPrecision, "window")
                    .With(Field::kTo, "2023-02-06T23:41")  // exactly 44,640 minutes
                    .Csv()}));
  auto report = IngestExtract({file});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, Counts(4, 4, 0, 0));
  auto stored = Stored();
  const int64_t jan6 = DaysFromCivil(2023, 1, 6) * 1440;
  EXPECT_EQ(stored[2].second.occurred, (OccurredTime{jan6 + 23 * 60 + 41, TimePrecision::kMinute}));
  EXPECT_EQ(stored[3].second.occurred, (OccurredTime{jan6, TimePrecision::kDay}));
  const OccurredTime window = stored[4].second.occurred;
  EXPECT_EQ(window.precision, TimePrecision::kWindow);
  EXPECT_EQ(window.local_minute, DaysFromCivil(2023, 1, 3) * 1440 + 8 * 60 + 15);
  EXPECT_EQ(window.end_minute(), jan6 + 17 * 60 + 30);
  EXPECT_EQ(stored[5].second.occurred.end_minute() - stored[5].second.occurred.local_minute, 44640);
}

TEST_F(PoliceExtractTest, maps_weapon_and_domestic_and_tags_behaviours) {
  std::string file = scratch_.Write(
      "extract/incidents.csv",
      FileText(kIncidentsHeader,
               {Crime("knife").With(Field::kWeapon, "knife_or_sharp").With(Field::kCode, "5D").Csv(),
                Crime("gun").With(Field::kWeapon, "firearm").With(Field::kDomestic, "Y").Csv(),
                Crime("other").With(Field::kWeapon, "other").With(Field::kDomestic, "").Csv(),
                Crime("none").With(Field::kCategory, "Burglary").With(Field::kCode, "28E").Csv(),
                Crime("unknown").With(Field::kWeapon, "unknown").Csv()}));
  auto report = IngestExtract({file});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto stored = Stored();
  EXPECT_EQ(stored[2].second.weapon, Weapon::kKnifeOrSharp);
  EXPECT_EQ(stored[2].second.offence_code, "5D");
  EXPECT_EQ(stored[3].second.weapon, Weapon::kFirearm);
  EXPECT_EQ(stored[3].second.domestic, std::optional<bool>(true));
  EXPECT_TRUE(stored[3].second.behaviours.Has(HarmfulBehaviour::kDomesticAbuse));
  EXPECT_EQ(stored[4].second.weapon, Weapon::kOther);
  EXPECT_EQ(stored[4].second.domestic, std::nullopt);
  EXPECT_EQ(stored[5].second.weapon, Weapon::kNone);
  EXPECT_EQ(stored[5].second.crime_type, CrimeType::kBurglary);
  EXPECT_EQ(stored[5].second.domestic, std::optional<bool>(false));
  EXPECT_EQ(stored[6].second.weapon, Weapon::kUnknown);
  // 2023-01-06 was a Friday: 23:41 is a night-time economy hour (docs/behaviours.md).
  EXPECT_TRUE(stored[2].second.behaviours.Has(HarmfulBehaviour::kNightTimeEconomy));
  EXPECT_TRUE(stored[2].second.behaviours.Has(HarmfulBehaviour::kSeriousViolence));
  EXPECT_FALSE(stored[5].second.behaviours.Has(HarmfulBehaviour::kSeriousViolence));
  EXPECT_EQ(stored[2].second.outcome, "no_suspect_identified");
}

TEST_F(PoliceExtractTest, keeps_the_exact_point_the_lsoa_only_or_no_location_with_its_quality) {
  std::string file = scratch_.Write(
      "extract/incidents.csv",
      FileText(kIncidentsHeader, {Crime("point").Csv(),
                                  Crime("lsoa").With(Field::kLongitude, "").With(Field::kLatitude, "").Csv(),
                                  Crime("nowhere")
                                      .With(Field::kLongitude, "")
                                      .With(Field::kLatitude, "")
                                      .With(Field::kLsoa, "")
                                      .Csv(),
                                  Crime("point-only").With(Field::kLsoa, "").Csv()}));
  auto report = IngestExtract({file});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto stored = Stored();
  const IncidentLocation& point = stored[2].second.location;
  ASSERT_TRUE(point.point.has_value());
  EXPECT_EQ(point.point->longitude, -1.132160);
  EXPECT_EQ(point.point->latitude, 52.634455);
  EXPECT_EQ(point.method, "point as given");
  EXPECT_EQ(point.radius_metres, std::optional<double>(0.0));
  EXPECT_EQ(point.confidence, 1.0);
  EXPECT_EQ(point.lsoa_reported, "E01032867");
  EXPECT_EQ(point.csp_area, "E06000016");  // Leicester, from the force's LSOA
  const IncidentLocation& lsoa = stored[3].second.location;
  EXPECT_FALSE(lsoa.point.has_value());
  EXPECT_EQ(lsoa.method, "lsoa only");
  EXPECT_EQ(lsoa.radius_metres, std::nullopt);
  EXPECT_EQ(lsoa.csp_area, "E06000016");
  const IncidentLocation& nowhere = stored[4].second.location;
  EXPECT_EQ(nowhere.method, "no location");
  EXPECT_EQ(nowhere.confidence, 0.0);
  EXPECT_EQ(nowhere.csp_area, "");
  const IncidentLocation& point_only = stored[5].second.location;
  EXPECT_FALSE(point_only.lsoa_by_point.empty());  // placed by polygon, which also gives the CSP area
  EXPECT_EQ(point_only.csp_area, "E06000016");
  EXPECT_EQ(report->files[0].rows_lsoa_checked, 1);  // only "point" has both a point and an LLR label
}

// ------------------------------------------------------------- persons joining ---

TEST_F(PoliceExtractTest, attaches_each_persons_row_to_its_incident_and_accounts_for_both_files) {
  // The format's own example (docs/formats/police-extract.md), both files.
  std::string incidents = scratch_.Write(
      "extract/police_extract_incidents.csv",
      FileText(
          kIncidentsHeader,
          {"LP2023-00000001,2023-01-06T23:41,,minute,8N,Violence and sexual "
           "offences,none,N,-1.132160,52.634455,"
           "E01032867,no_suspect_identified",
           "LP2023-00000002,2023-01-06T00:00,,day,46,Shoplifting,none,N,-1.130101,52.636327,E01032867,"
           "charged",
           "LP2023-00000003,2023-01-03T08:15,2023-01-06T17:30,window,28E,Burglary,unknown,N,-1.122043,52."
           "628017,"
           "E01013646,under_investigation",
           "LP2023-00000004,2023-01-07T02:10,,minute,5D,Violence and sexual "
           "offences,knife_or_sharp,N,-1.129512,"
           "52.633917,E01032867,charged",
           "LP2023-00000005,2023-01-07T19:05,,minute,,Anti-social behaviour,unknown,,-1.147012,52.631044,"
           "E01013778,"}));
  std::string persons =
      scratch_.Write("extract/police_extract_persons.csv",
                     FileText(kPersonsHeader, {"LP2023-00000001,victim,P9C2F17A04B3D5E61,19,M",
                                               "LP2023-00000001,suspect,P1D0B5E8377A9C2F4,22,M",
                                               "LP2023-00000002,offender,P4A18C3D2E5F60718,34,F",
                                               "LP2023-00000004,victim,P77E2A9105C3B4D8F,17,M",
                                               "LP2023-00000004,offender,P3B6D2A1F0E9C8475,18,M",
                                               "LP2023-00000004,witness,P0F5A3C6E2D1B9087,,F"}));
  auto report = IngestExtract({scratch_.File("extract")}, nullptr, /*batch_rows=*/2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->files.size(), 2u);
  EXPECT_EQ(report->files[0].file, incidents);
  EXPECT_EQ(report->files[0].feed, "police-extract-incidents");
  EXPECT_EQ(report->files[0].counts, Counts(5, 5, 0, 0));
  EXPECT_EQ(report->files[1].file, persons);
  EXPECT_EQ(report->files[1].feed, "police-extract-persons");
  EXPECT_EQ(report->files[1].counts, Counts(6, 6, 0, 0));
  EXPECT_EQ(report->total, Counts(11, 11, 0, 0));

  auto stored = Stored();
  auto involvements = [&](int64_t line) {
    auto of = store_->InvolvementsOf(stored[line].first);
    EXPECT_TRUE(of.ok());
    return of.ok() ? *of : std::vector<Involvement>{};
  };
  std::vector<Involvement> first = involvements(2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].person_key, "P9C2F17A04B3D5E61");
  EXPECT_EQ(first[0].role, Role::kVictim);
  EXPECT_EQ(first[0].age, AgeRange::Exact(19));
  EXPECT_TRUE(first[0].age->EntirelyUnder(25));
  EXPECT_EQ(first[1].role, Role::kSuspect);
  EXPECT_EQ(involvements(3).size(), 1u);
  EXPECT_TRUE(involvements(4).empty());  // a burglary with nobody recorded
  std::vector<Involvement> fourth = involvements(5);
  ASSERT_EQ(fourth.size(), 3u);
  EXPECT_EQ(fourth[2].role, Role::kWitness);
  EXPECT_EQ(fourth[2].age, std::nullopt);
  EXPECT_EQ(fourth[2].sex, Sex::kFemale);
  EXPECT_TRUE(involvements(6).empty());

  // Both loads are complete and balanced; the persons load's batches follow its incidents.
  std::vector<LoadRecord> loads = Loads();
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[1].start.feed, "police-extract-persons");
  EXPECT_TRUE(loads[0].complete && loads[1].complete);
  EXPECT_EQ(loads[1].counts, Counts(6, 6, 0, 0));
  EXPECT_EQ(loads[1].content_hash.substr(0, 7), "sha256:");
  EXPECT_EQ(loads[1].content_hash.size(), 7u + 64u);
  EXPECT_NE(loads[0].content_hash, loads[1].content_hash);
}

TEST_F(PoliceExtractTest, loads_an_incidents_file_alone) {
  auto report = IngestExtract(
      {scratch_.Write("extract/incidents.csv", FileText(kIncidentsHeader, {Crime("a").Csv()}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->files.size(), 1u);
  EXPECT_EQ(report->total, Counts(1, 1, 0, 0));
}

TEST_F(PoliceExtractTest, loads_two_extracts_in_folders_of_their_own) {
  scratch_.Write("2023/incidents.csv", FileText(kIncidentsHeader, {Crime("a").Csv()}));
  scratch_.Write("2023/persons.csv", FileText(kPersonsHeader, {Person("a", "victim", "P1")}));
  scratch_.Write("2024/incidents.csv", FileText(kIncidentsHeader, {Crime("b").Csv(), Crime("c").Csv()}));
  // A persons row for "a" in the 2024 extract: "a" belongs to another extract.
  scratch_.Write("2024/persons.csv",
                 FileText(kPersonsHeader, {Person("b", "victim", "P1"), Person("a", "witness", "P2")}));
  auto report = IngestExtract({scratch_.path()});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->files.size(), 4u);
  EXPECT_EQ(report->files[0].file, scratch_.File("2023/incidents.csv"));
  EXPECT_EQ(report->files[1].file, scratch_.File("2023/persons.csv"));
  EXPECT_EQ(report->files[3].counts, Counts(2, 1, 0, 1));
  EXPECT_EQ(report->total, Counts(6, 5, 0, 1));
}

TEST_F(PoliceExtractTest, loads_a_large_extract_in_many_batches_with_every_persons_row_accounted) {
  std::vector<std::string> incidents, persons;
  for (int i = 0; i < 500; ++i) {
    std::string id = "I" + std::to_string(i);
    incidents.push_back(i % 50 == 7 ? Crime(id).With(Field::kWeapon, "sword").Csv() : Crime(id).Csv());
    // Persons rows in reverse order, so each batch's persons lines are far apart.
    for (int p = 0; p < i % 3; ++p)
      persons.push_back(Person("I" + std::to_string(499 - i), "victim", "K" + std::to_string(p)));
  }
  persons.push_back(Person("ghost", "victim", "K0"));
  scratch_.Write("big/incidents.csv", FileText(kIncidentsHeader, incidents));
  scratch_.Write("big/persons.csv", FileText(kPersonsHeader, persons));
  auto report = IngestExtract({scratch_.File("big")}, nullptr, /*batch_rows=*/37);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->files[0].counts, Counts(500, 490, 0, 10));
  const LoadCounts& people = report->files[1].counts;
  EXPECT_EQ(people.read, static_cast<int64_t>(persons.size()));
  EXPECT_TRUE(people.Balanced());
  EXPECT_GT(people.quarantined, 1);  // the ghost, and the persons of the 10 refused incidents
  std::vector<LoadRecord> loads = Loads();
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[1].counts, people);
}

// ------------------------------------------------------ line endings, reloads ---

TEST_F(PoliceExtractTest, stores_the_same_from_lf_crlf_and_byte_order_mark_files) {
  const std::vector<std::string> incidents = {Crime("a").Csv(), Asb("b").Csv(),
                                              Crime("c").With(Field::kOutcome, "").Csv()};
  const std::vector<std::string> persons = {Person("a", "victim", "P1"),
                                            Person("c", "witness", "P2", "", "U")};
  int variant = 0;
  for (const std::string& eol : {std::string("\n"), std::string("\r\n")}) {
    for (const std::string& bom : {std::string(), std::string("\xEF\xBB\xBF")}) {
      SCOPED_TRACE(std::to_string(variant));
      std::string dir = "v" + std::to_string(variant++);
      scratch_.Write(dir + "/i.csv", bom + FileText(kIncidentsHeader, incidents, eol));
      scratch_.Write(dir + "/p.csv", bom + FileText(kPersonsHeader, persons, eol));
      std::unique_ptr<Store> store = OpenStore(dir + ".db");
      auto report = IngestExtract({scratch_.File(dir)}, store.get());
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      EXPECT_EQ(report->files[0].counts, Counts(3, 3, 0, 0));
      EXPECT_EQ(report->files[1].counts, Counts(2, 2, 0, 0));
      auto stored = Stored(store.get());
      EXPECT_EQ(stored[4].second.outcome, "");  // no stray \r in the last field
      EXPECT_EQ(stored[3].second.crime_type, CrimeType::kAntiSocialBehaviour);
      auto people = store->InvolvementsOf(stored[4].first);
      ASSERT_TRUE(people.ok());
      ASSERT_EQ(people->size(), 1u);
      EXPECT_EQ((*people)[0].sex, Sex::kUnknown);
    }
  }
}

TEST_F(PoliceExtractTest, adds_nothing_when_the_same_extract_is_loaded_again) {
  scratch_.Write("extract/incidents.csv",
                 FileText(kIncidentsHeader,
                          {Crime("a").Csv(), Crime("b").Csv(), Crime("bad").With(Field::kWeapon, "").Csv()}));
  scratch_.Write("extract/persons.csv",
                 FileText(kPersonsHeader, {Person("a", "victim", "P1"), Person("b", "suspect", "P1"),
                                           Person("zzz", "victim", "P2")}));
  auto first = IngestExtract({scratch_.File("extract")});
  auto second = IngestExtract({scratch_.File("extract")});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->files[0].counts, Counts(3, 2, 0, 1));
  EXPECT_EQ(first->files[1].counts, Counts(3, 2, 0, 1));
  EXPECT_EQ(second->files[0].counts, Counts(3, 0, 2, 1));
  EXPECT_EQ(second->files[1].counts, Counts(3, 0, 2, 1));
  EXPECT_EQ(IncidentCount(), 2);
  auto stored = Stored();
  EXPECT_EQ(store_->InvolvementsOf(stored[2].first)->size(), 1u);  // not doubled
  EXPECT_EQ(Loads().size(), 4u);
}

// ---------------------------------------------------------------- refusals ---

class PoliceExtractRefusalTest : public PoliceExtractTest {
 protected:
  // Ingests `paths` into a store that already holds one extract, expects a refusal and
  // checks that the store is unchanged. Returns the refusal.
  Status Refused(const std::vector<std::string>& paths) {
    auto earlier =
        IngestExtract({scratch_.Write("earlier/i.csv", FileText(kIncidentsHeader, {Crime("e").Csv()}))});
    EXPECT_TRUE(earlier.ok());
    auto report = IngestExtract(paths);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(Loads().size(), 1u);
    EXPECT_EQ(IncidentCount(), 1);
    EXPECT_TRUE(Quarantine().empty());
    return report.ok() ? Status::Ok() : report.status();
  }
  const std::string kExpected =
      "expected a police extract incidents file (police-extract-incidents/1) whose first line is \"" +
      kIncidentsHeader + "\", or a persons file (police-extract-persons/1) whose first line is \"" +
      kPersonsHeader + "\"";
};

TEST_F(PoliceExtractRefusalTest, refuses_a_file_with_another_header) {
  std::string file = scratch_.Write("x/i.csv", "incident_id,occurred_from\nLP1,2023-01-01T00:00\n");
  Status s = Refused({file});
  EXPECT_EQ(s.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(s.ToString(), file + " line 1: the header is \"incident_id,occurred_from\"; " + kExpected);
}

TEST_F(PoliceExtractRefusalTest, refuses_a_binary_file) {
  std::string file = scratch_.Write("x/i.csv", std::string("PK\x03\x04\0\0", 6) + kIncidentsHeader);
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is binary, not text; " + kExpected);
}

TEST_F(PoliceExtractRefusalTest, refuses_an_empty_file) {
  std::string file = scratch_.Write("x/i.csv", "");
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is empty; " + kExpected);
}

TEST_F(PoliceExtractRefusalTest, refuses_a_folder_of_other_csv_files) {
  scratch_.Write("other/istv.csv", "period_start,period_end\n");
  EXPECT_EQ(
      Refused({scratch_.File("other")}).ToString(),
      scratch_.File("other/istv.csv") + " line 1: the header is \"period_start,period_end\"; " + kExpected);
}

TEST_F(PoliceExtractRefusalTest, refuses_a_persons_file_without_its_incidents_file) {
  std::string persons = scratch_.Write("x/p.csv", FileText(kPersonsHeader, {Person("e", "victim", "P1")}));
  EXPECT_EQ(Refused({persons}).ToString(),
            persons +
                ": a police extract persons file needs the incidents file of its extract, in the same folder "
                "(persons rows are loaded with their incidents)");
}

TEST_F(PoliceExtractRefusalTest, refuses_two_incidents_files_in_one_folder) {
  std::string a = scratch_.Write("x/a.csv", FileText(kIncidentsHeader, {Crime("a").Csv()}));
  std::string b = scratch_.Write("x/b.csv", FileText(kIncidentsHeader, {Crime("b").Csv()}));
  EXPECT_EQ(
      Refused({scratch_.File("x")}).ToString(),
      b + ": a second incidents file in the folder of " + a +
          "; an extract is one incidents file and its persons file, and each extract must be in a folder of "
          "its own");
}

TEST_F(PoliceExtractRefusalTest, stores_nothing_from_a_good_extract_given_with_a_wrong_file) {
  std::string good = scratch_.Write("good/i.csv", FileText(kIncidentsHeader, {Crime("g").Csv()}));
  std::string wrong = scratch_.Write("wrong/i.csv", "a,b\n");
  EXPECT_EQ(Refused({good, wrong}).ToString(), wrong + " line 1: the header is \"a,b\"; " + kExpected);
}

}  // namespace
}  // namespace harmlens
