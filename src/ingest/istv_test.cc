// The ISTV A&E attendances adapter end to end through the library (docs/formats/istv.md):
// one test per quarantine reason with file, line, column, value and exact message; the
// mapping of assault method to weapon, relationship to domestic, assault date and time
// (or arrival) to the occurred time; the patient as an anonymous victim with an age
// band; geocoding of the clerk's words, or the text kept unresolved; line endings;
// idempotent reloads; refusal of wrong files with nothing stored.
#include "ingest/istv.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ingest/feed_test.h"

namespace harmlens {
namespace {

const std::string kHeader(kIstvHeader);

// One attendance, valid unless a test changes a field (the format's first example).
struct Attendance {
  enum Field {
    kPeriodStart,
    kPeriodEnd,
    kSite,
    kId,
    kArrival,
    kAssaultDate,
    kAssaultTime,
    kMethod,
    kMethodOther,
    kLocationType,
    kDescription,
    kAgeBand,
    kSex,
    kRelationship
  };
  std::array<std::string, 14> fields = {"2023-01-01",
                                        "2023-01-31",
                                        "RWEAA",
                                        "ED2301-000001",
                                        "2023-01-07T03:02",
                                        "2023-01-07",
                                        "02:10",
                                        "knife_or_sharp",
                                        "",
                                        "licensed_premises",
                                        "outside Wetherspoons Granby St",
                                        "15-17",
                                        "M",
                                        "stranger"};
  Attendance With(Field field, std::string value) const {
    Attendance changed = *this;
    changed.fields[field] = std::move(value);
    return changed;
  }
  std::string Csv() const { return CsvLine({fields.begin(), fields.end()}); }
};
using Field = Attendance::Field;

Attendance Row(const std::string& id) { return Attendance().With(Field::kId, id); }

class IstvTest : public FeedTest {
 protected:
  static void SetUpTestSuite() {
    FeedTest::SetUpTestSuite();
    auto geocoder = Geocoder::Load(Env::Default(), ::harmlens::testing::DataDir() + "/reference");
    ASSERT_TRUE(geocoder.ok()) << geocoder.status().ToString();
    geocoder_ = std::move(*geocoder).release();
  }
  static void TearDownTestSuite() {
    delete geocoder_;
    geocoder_ = nullptr;
    FeedTest::TearDownTestSuite();
  }

  Result<IngestReport> IngestIstv(const std::vector<std::string>& paths, Store* store = nullptr,
                                  const Geocoder* geocoder = nullptr) {
    return Ingest(Feed::kIstv, paths, store, 20000, geocoder);
  }

  // Loads a good row (line 2), `bad_line` (line 3) and another good row (line 4) into a
  // fresh store; checks the load went on past the bad row; returns the quarantined row.
  QuarantinedRow QuarantineOf(const std::string& bad_line) {
    std::string name = "case" + std::to_string(++cases_);
    std::string file = scratch_.Write(name + "/istv.csv",
                                      FileText(kHeader, {Row("before").Csv(), bad_line, Row("after").Csv()}));
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report = IngestIstv({file}, store.get());
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return {};
    EXPECT_EQ(report->total, Counts(3, 2, 0, 1));
    auto stored = Stored(store.get());
    EXPECT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[2].second.source_id, "RWEAA/before");
    EXPECT_EQ(stored[4].second.source_id, "RWEAA/after");
    auto rows = store->ListQuarantine(std::nullopt);
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u);
    if (!rows.ok() || rows->size() != 1) return {};
    EXPECT_EQ((*rows)[0].source.file, file);
    EXPECT_EQ((*rows)[0].source.line, 3);
    EXPECT_EQ((*rows)[0].raw, bad_line);
    return (*rows)[0];
  }

  void ExpectQuarantine(const std::string& bad_line, const std::string& column, int column_index,
                        const std::string& value, const std::string& reason) {
    QuarantinedRow q = QuarantineOf(bad_line);
    EXPECT_EQ(q.column, column);
    EXPECT_EQ(q.column_index, column_index);
    EXPECT_EQ(q.value, value);
    EXPECT_EQ(q.reason, reason);
  }

  // Ingests `rows` (without a geocoder unless given) and returns the stored incidents
  // by line.
  std::map<int64_t, Incident> StoredFrom(const std::vector<std::string>& rows,
                                         const Geocoder* geocoder = nullptr) {
    std::string name = "rows" + std::to_string(++cases_);
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report =
        IngestIstv({scratch_.Write(name + "/istv.csv", FileText(kHeader, rows))}, store.get(), geocoder);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report.ok() ? report->total.quarantined : -1, 0);
    std::map<int64_t, Incident> by_line;
    for (auto& [line, stored] : Stored(store.get())) {
      Incident inc = stored.second;
      auto involvements = store->InvolvementsOf(stored.first);
      EXPECT_TRUE(involvements.ok());
      if (involvements.ok()) inc.involvements = *involvements;
      by_line[line] = inc;
    }
    return by_line;
  }

  int cases_ = 0;
  inline static const Geocoder* geocoder_ = nullptr;
};

// --------------------------------------------------------------- quarantine ---

TEST_F(IstvTest, quarantines_a_row_with_the_wrong_number_of_fields) {
  ExpectQuarantine(Row("x").Csv() + ",", "", -1, "",
                   "expected 14 fields, found 15 (a field containing a comma must be in double quotes)");
}

TEST_F(IstvTest, quarantines_a_row_that_is_not_valid_utf8) {
  ExpectQuarantine(Row("x").With(Field::kDescription, "outside Caf\xE9 Nero").Csv(), "", -1, "",
                   "the row is not valid UTF-8 text (ISTV files are UTF-8)");
}

TEST_F(IstvTest, quarantines_a_blank_line) {
  ExpectQuarantine("", "", -1, "", "the line is blank (expected an attendance record)");
}

TEST_F(IstvTest, quarantines_a_row_with_a_required_field_empty) {
  for (auto [field, column] :
       std::vector<std::pair<Field, std::string>>{{Field::kPeriodStart, "period_start"},
                                                  {Field::kPeriodEnd, "period_end"},
                                                  {Field::kSite, "site_code"},
                                                  {Field::kId, "attendance_id"},
                                                  {Field::kArrival, "arrival"},
                                                  {Field::kMethod, "assault_method"},
                                                  {Field::kLocationType, "location_type"},
                                                  {Field::kSex, "sex"}}) {
    SCOPED_TRACE(column);
    ExpectQuarantine(Row("x").With(field, "").Csv(), column, field, "",
                     column + " is empty (a value is required)");
  }
}

TEST_F(IstvTest, quarantines_a_closed_list_value_not_in_its_list) {
  ExpectQuarantine(
      Row("x").With(Field::kMethod, "knife").Csv(), "assault_method", 7, "knife",
      "unknown assault_method \"knife\" (expected body_part, blunt_object, knife_or_sharp, firearm, other "
      "or unknown)");
  ExpectQuarantine(
      Row("x").With(Field::kLocationType, "pub").Csv(), "location_type", 9, "pub",
      "unknown location_type \"pub\" (expected home, public_place, licensed_premises, school_or_college, "
      "workplace, other or unknown)");
  ExpectQuarantine(
      Row("x").With(Field::kAgeBand, "16").Csv(), "age_band", 11, "16",
      "unknown age_band \"16\" (expected 0-9, 10-14, 15-17, 18-24, 25-34, 35-44, 45-54, 55-64 or 65+)");
  ExpectQuarantine(Row("x").With(Field::kSex, "f").Csv(), "sex", 12, "f",
                   "unknown sex \"f\" (expected F, M, X or U)");
  ExpectQuarantine(
      Row("x").With(Field::kRelationship, "partner").Csv(), "assailant_relationship", 13, "partner",
      "unknown assailant_relationship \"partner\" (expected stranger, acquaintance, partner_or_ex, "
      "family_member, other or unknown)");
}

TEST_F(IstvTest, quarantines_an_unreadable_or_impossible_date) {
  ExpectQuarantine(Row("x").With(Field::kPeriodStart, "01/01/2023").Csv(), "period_start", 0, "01/01/2023",
                   "cannot read \"01/01/2023\" as a date (expected YYYY-MM-DD, a real date)");
  ExpectQuarantine(Row("x").With(Field::kPeriodEnd, "2023-01-32").Csv(), "period_end", 1, "2023-01-32",
                   "cannot read \"2023-01-32\" as a date (expected YYYY-MM-DD, a real date)");
  ExpectQuarantine(Row("x").With(Field::kAssaultDate, "2023-02-29").Csv(), "assault_date", 5, "2023-02-29",
                   "cannot read \"2023-02-29\" as a date (expected YYYY-MM-DD, a real date)");
}

TEST_F(IstvTest, quarantines_an_unreadable_arrival) {
  ExpectQuarantine(
      Row("x").With(Field::kArrival, "2023-01-07 03:02").Csv(), "arrival", 4, "2023-01-07 03:02",
      "cannot read \"2023-01-07 03:02\" as a date and time (expected YYYY-MM-DDTHH:MM, a real date, "
      "24-hour time)");
}

TEST_F(IstvTest, quarantines_an_unreadable_assault_time) {
  ExpectQuarantine(Row("x").With(Field::kAssaultTime, "2:10am").Csv(), "assault_time", 6, "2:10am",
                   "cannot read \"2:10am\" as a time of day (expected HH:MM, 24-hour, 00:00 to 23:59)");
}

TEST_F(IstvTest, quarantines_a_period_that_ends_before_it_starts) {
  ExpectQuarantine(Row("x").With(Field::kPeriodEnd, "2022-12-31").Csv(), "period_end", 1, "2022-12-31",
                   "period_end 2022-12-31 is before period_start 2023-01-01");
}

TEST_F(IstvTest, quarantines_a_period_longer_than_366_days) {
  ExpectQuarantine(
      Row("x").With(Field::kPeriodEnd, "2024-01-03").Csv(), "period_end", 1, "2024-01-03",
      "period_end 2024-01-03 is more than 366 days after period_start 2023-01-01 (a reporting period is "
      "at most a year)");
}

TEST_F(IstvTest, quarantines_an_arrival_outside_its_rows_period) {
  ExpectQuarantine(Row("x").With(Field::kArrival, "2023-02-01T00:05").Csv(), "arrival", 4, "2023-02-01T00:05",
                   "arrival 2023-02-01T00:05 is outside the row's period 2023-01-01 to 2023-01-31");
}

TEST_F(IstvTest, quarantines_an_assault_dated_after_the_arrival) {
  ExpectQuarantine(
      Row("x").With(Field::kAssaultDate, "2023-01-08").With(Field::kAssaultTime, "").Csv(), "assault_date", 5,
      "2023-01-08",
      "assault_date 2023-01-08 is after the arrival 2023-01-07T03:02 (an assault comes before its "
      "attendance)");
}

TEST_F(IstvTest, quarantines_an_assault_timed_after_the_arrival_on_the_same_day) {
  ExpectQuarantine(
      Row("x").With(Field::kAssaultTime, "03:03").Csv(), "assault_time", 6, "03:03",
      "the assault at 2023-01-07 03:03 is after the arrival 2023-01-07T03:02 (an assault comes before "
      "its attendance)");
}

TEST_F(IstvTest, quarantines_an_assault_time_without_its_date) {
  ExpectQuarantine(Row("x").With(Field::kAssaultDate, "").Csv(), "assault_time", 6, "02:10",
                   "assault_time \"02:10\" is given without an assault_date (a time needs its date)");
}

TEST_F(IstvTest, quarantines_an_attendance_id_repeated_for_the_same_site) {
  ExpectQuarantine(
      Row("before").With(Field::kAssaultTime, "01:00").Csv(), "attendance_id", 3, "before",
      "attendance_id \"before\" is repeated for site RWEAA: line 2 already has it (an attendance appears "
      "once per site)");
}

TEST_F(IstvTest, quarantines_a_site_code_or_attendance_id_of_the_wrong_shape) {
  ExpectQuarantine(
      Row("x").With(Field::kSite, "rweaa").Csv(), "site_code", 2, "rweaa",
      "cannot read \"rweaa\" as a site_code (expected an ODS site code: 3 to 6 capital letters or "
      "digits, e.g. RWEAA)");
  ExpectQuarantine(
      Row("ED/1").Csv(), "attendance_id", 3, "ED/1",
      "cannot read \"ED/1\" as an attendance_id (expected 1 to 40 letters, digits, \"-\" or \"_\")");
}

TEST_F(IstvTest, quarantines_free_text_longer_than_200_characters) {
  // 201 characters, of which one is two bytes: the limit counts characters, not bytes.
  std::string long_text = std::string(200, 'a') + "\xC3\xA9";
  ExpectQuarantine(Row("x").With(Field::kDescription, long_text).Csv(), "location_description", 10, long_text,
                   "location_description has 201 characters (at most 200)");
  std::string at_limit = std::string(199, 'a') + "\xC3\xA9";
  EXPECT_EQ(
      StoredFrom({Row("ok").With(Field::kMethodOther, at_limit).With(Field::kMethod, "other").Csv()}).size(),
      1u);
}

TEST_F(IstvTest, accepts_the_same_attendance_id_at_another_site) {
  std::map<int64_t, Incident> stored =
      StoredFrom({Row("ED-1").Csv(), Row("ED-1").With(Field::kSite, "RX1AA").Csv()});
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[2].source_id, "RWEAA/ED-1");
  EXPECT_EQ(stored[3].source_id, "RX1AA/ED-1");
}

// ------------------------------------------------------------ what a row becomes ---

TEST_F(IstvTest, maps_every_assault_method_to_its_weapon) {
  const std::vector<std::tuple<std::string, Weapon, AssaultMethod>> cases = {
      {"knife_or_sharp", Weapon::kKnifeOrSharp, AssaultMethod::kKnifeOrSharp},
      {"firearm", Weapon::kFirearm, AssaultMethod::kFirearm},
      {"blunt_object", Weapon::kOther, AssaultMethod::kBluntObject},
      {"other", Weapon::kOther, AssaultMethod::kOther},
      {"body_part", Weapon::kNone, AssaultMethod::kBodyPart},
      {"unknown", Weapon::kUnknown, AssaultMethod::kUnknown}};
  std::vector<std::string> rows;
  for (size_t i = 0; i < cases.size(); ++i) {
    rows.push_back(Row("m" + std::to_string(i)).With(Field::kMethod, std::get<0>(cases[i])).Csv());
  }
  rows.back() = Row("m5").With(Field::kMethod, "other").With(Field::kMethodOther, "bottle").Csv();
  std::map<int64_t, Incident> stored = StoredFrom(rows);
  for (size_t i = 0; i + 1 < cases.size(); ++i) {
    SCOPED_TRACE(std::get<0>(cases[i]));
    EXPECT_EQ(stored[2 + static_cast<int64_t>(i)].weapon, std::get<1>(cases[i]));
    EXPECT_EQ(stored[2 + static_cast<int64_t>(i)].attendance.method, std::get<2>(cases[i]));
  }
  EXPECT_EQ(stored[7].attendance.method_other, "bottle");
  EXPECT_EQ(stored[7].weapon, Weapon::kOther);
  std::map<int64_t, Incident> unknown = StoredFrom({Row("u").With(Field::kMethod, "unknown").Csv()});
  EXPECT_EQ(unknown[2].weapon, Weapon::kUnknown);
  EXPECT_TRUE(stored[2].behaviours.Has(HarmfulBehaviour::kSeriousViolence));
}

TEST_F(IstvTest, maps_the_assailant_relationship_to_the_domestic_flag) {
  const std::vector<std::pair<std::string, std::optional<bool>>> cases = {
      {"partner_or_ex", true}, {"family_member", true},   {"stranger", false}, {"acquaintance", false},
      {"other", std::nullopt}, {"unknown", std::nullopt}, {"", std::nullopt}};
  std::vector<std::string> rows;
  for (size_t i = 0; i < cases.size(); ++i) {
    rows.push_back(Row("r" + std::to_string(i)).With(Field::kRelationship, cases[i].first).Csv());
  }
  std::map<int64_t, Incident> stored = StoredFrom(rows);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first);
    const Incident& inc = stored[2 + static_cast<int64_t>(i)];
    EXPECT_EQ(inc.domestic, cases[i].second);
    EXPECT_EQ(inc.behaviours.Has(HarmfulBehaviour::kDomesticAbuse), cases[i].second.value_or(false));
  }
  EXPECT_EQ(stored[2].attendance.assailant, AssailantRelationship::kPartnerOrEx);
  EXPECT_EQ(stored[4].attendance.assailant, AssailantRelationship::kStranger);
  EXPECT_EQ(stored[8].attendance.assailant, AssailantRelationship::kUnknown);
}

TEST_F(IstvTest, takes_the_assault_time_then_its_date_then_the_arrival_flagged_as_such) {
  std::map<int64_t, Incident> stored = StoredFrom({
      Row("minute").Csv(),
      Row("day").With(Field::kAssaultTime, "").Csv(),
      Row("arrival").With(Field::kAssaultDate, "").With(Field::kAssaultTime, "").Csv(),
      // A week exactly before arrival is not flagged; eight days is.
      Row("week").With(Field::kAssaultDate, "2022-12-31").With(Field::kAssaultTime, "").Csv(),
      Row("late").With(Field::kAssaultDate, "2022-12-30").With(Field::kAssaultTime, "23:00").Csv(),
  });
  const int64_t jan7 = DaysFromCivil(2023, 1, 7) * 1440;
  EXPECT_EQ(stored[2].occurred, (OccurredTime{jan7 + 2 * 60 + 10, TimePrecision::kMinute}));
  EXPECT_EQ(stored[2].occurred_note, TimeNote::kNone);
  EXPECT_EQ(stored[2].attendance.arrival_minute, jan7 + 3 * 60 + 2);
  EXPECT_EQ(stored[3].occurred, (OccurredTime{jan7, TimePrecision::kDay}));
  EXPECT_EQ(stored[3].occurred_note, TimeNote::kNone);
  EXPECT_EQ(stored[4].occurred, (OccurredTime{jan7 + 3 * 60 + 2, TimePrecision::kMinute}));
  EXPECT_EQ(stored[4].occurred_note, TimeNote::kArrivalNotAssault);
  EXPECT_EQ(stored[5].occurred_note, TimeNote::kNone);
  EXPECT_EQ(stored[6].occurred,
            (OccurredTime{DaysFromCivil(2022, 12, 30) * 1440 + 23 * 60, TimePrecision::kMinute}));
  EXPECT_EQ(stored[6].occurred_note, TimeNote::kAssaultWeekBeforeArrival);
}

TEST_F(IstvTest, infers_the_night_time_economy_from_an_assault_time_but_never_from_an_arrival) {
  // Saturday 2023-01-07: an assault at 02:10 is in the night-time economy hours; an
  // arrival at 02:30 with no assault date says nothing about when the assault was.
  std::map<int64_t, Incident> stored = StoredFrom({
      Row("assault").Csv(),
      Row("arrival")
          .With(Field::kArrival, "2023-01-07T02:30")
          .With(Field::kAssaultDate, "")
          .With(Field::kAssaultTime, "")
          .Csv(),
  });
  EXPECT_TRUE(stored[2].behaviours.Has(HarmfulBehaviour::kNightTimeEconomy));
  EXPECT_FALSE(stored[3].behaviours.Has(HarmfulBehaviour::kNightTimeEconomy));
  EXPECT_TRUE(stored[3].behaviours.Has(HarmfulBehaviour::kSeriousViolence));
}

TEST_F(IstvTest, keeps_the_patient_as_an_anonymous_victim_with_an_age_band_and_sex) {
  std::vector<std::string> rows;
  const std::vector<std::string> bands = {"0-9",   "10-14", "15-17", "18-24", "25-34",
                                          "35-44", "45-54", "55-64", "65+",   ""};
  for (size_t i = 0; i < bands.size(); ++i) {
    rows.push_back(Row("a" + std::to_string(i))
                       .With(Field::kAgeBand, bands[i])
                       .With(Field::kSex, i % 2 ? "F" : "X")
                       .Csv());
  }
  std::map<int64_t, Incident> stored = StoredFrom(rows);
  const std::vector<std::optional<AgeRange>> ranges = {
      AgeRange{0, 9},   AgeRange{10, 14}, AgeRange{15, 17}, AgeRange{18, 24},  AgeRange{25, 34},
      AgeRange{35, 44}, AgeRange{45, 54}, AgeRange{55, 64}, AgeRange{65, 120}, std::nullopt};
  for (size_t i = 0; i < bands.size(); ++i) {
    SCOPED_TRACE(bands[i]);
    const Incident& inc = stored[2 + static_cast<int64_t>(i)];
    EXPECT_EQ(inc.crime_type, CrimeType::kViolenceAndSexualOffences);
    EXPECT_EQ(inc.source.agency, Agency::kEmergencyDepartment);
    ASSERT_EQ(inc.involvements.size(), 1u);
    EXPECT_EQ(inc.involvements[0].person_key, "");  // anonymised at source: no person
    EXPECT_EQ(inc.involvements[0].role, Role::kVictim);
    EXPECT_EQ(inc.involvements[0].age, ranges[i]);
    EXPECT_EQ(inc.involvements[0].sex, i % 2 ? Sex::kFemale : Sex::kOther);
  }
  // Under 25 asked of bands: 18-24 is, 25-34 is not.
  EXPECT_TRUE(stored[5].involvements[0].age->EntirelyUnder(25));
  EXPECT_FALSE(stored[6].involvements[0].age->PossiblyUnder(25));
}

TEST_F(IstvTest, keeps_the_location_text_unresolved_without_a_geocoder) {
  std::map<int64_t, Incident> stored =
      StoredFrom({Row("a").Csv(), Row("b").With(Field::kDescription, "").Csv()});
  const IncidentLocation& text = stored[2].location;
  EXPECT_EQ(text.description, "outside Wetherspoons Granby St");
  EXPECT_EQ(text.method, "unresolved: geocoder not available");
  EXPECT_FALSE(text.point.has_value());
  EXPECT_EQ(text.confidence, 0.0);
  EXPECT_EQ(text.radius_metres, std::nullopt);
  EXPECT_EQ(text.csp_area, "");
  EXPECT_EQ(text.type, LocationType::kLicensedPremises);
  EXPECT_EQ(stored[3].location.method, "no location");
}

TEST_F(IstvTest, geocodes_the_clerks_words_with_a_radius_and_confidence_or_says_why_not) {
  std::map<int64_t, Incident> stored =
      StoredFrom({Row("street").Csv(),
                  Row("home").With(Field::kDescription, "home").With(Field::kLocationType, "home").Csv(),
                  Row("quoted").With(Field::kDescription, "\"bus station, Haymarket\"").Csv()},
                 geocoder_);
  const IncidentLocation& street = stored[2].location;
  ASSERT_TRUE(street.point.has_value()) << street.method;
  EXPECT_EQ(street.method.rfind("gazetteer:", 0), 0u) << street.method;
  EXPECT_GT(street.confidence, 0.0);
  EXPECT_LE(street.confidence, 1.0);
  ASSERT_TRUE(street.radius_metres.has_value());
  EXPECT_GE(*street.radius_metres, 100.0);
  EXPECT_EQ(street.csp_area, "E06000016");  // Granby Street is in Leicester
  EXPECT_FALSE(street.lsoa_by_point.empty());
  EXPECT_EQ(street.description, "outside Wetherspoons Granby St");  // the text is kept too
  EXPECT_EQ(stored[3].location.method, "unresolved: private-address");
  EXPECT_FALSE(stored[3].location.point.has_value());
  EXPECT_EQ(stored[3].location.type, LocationType::kHome);
  EXPECT_EQ(stored[4].location.description, "bus station, Haymarket");
}

// ------------------------------------------------------ line endings, reloads ---

TEST_F(IstvTest, stores_the_same_from_lf_crlf_and_byte_order_mark_files_and_adds_nothing_on_reload) {
  // The format's own example (docs/formats/istv.md).
  const std::vector<std::string> rows = {
      "2023-01-01,2023-01-31,RWEAA,ED2301-000001,2023-01-07T03:02,2023-01-07,02:10,knife_or_sharp,,licensed_"
      "premises,"
      "outside Wetherspoons Granby St,15-17,M,stranger",
      "2023-01-01,2023-01-31,RWEAA,ED2301-000002,2023-01-07T11:40,2023-01-06,,body_part,,home,,25-34,F,"
      "partner_or_ex",
      "2023-01-01,2023-01-31,RWEAA,ED2301-000003,2023-01-08T00:15,,,other,bottle,public_place,\"bus station, "
      "Haymarket\",18-24,M,unknown",
      "2023-01-01,2023-01-31,RWEAA,ED2301-000004,2023-01-09T16:20,2023-01-09,15:45,unknown,,unknown,,,U,"};
  std::string lf = FileText(kHeader, rows, "\n"), crlf = FileText(kHeader, rows, "\r\n");
  auto first = IngestIstv({scratch_.Write("lf/istv.csv", lf)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->total, Counts(4, 4, 0, 0));
  for (const std::string& text :
       {crlf, "\xEF\xBB\xBF" + lf, "\xEF\xBB\xBF" + crlf, lf.substr(0, lf.size() - 1)}) {
    auto again = IngestIstv({scratch_.Write("again/istv.csv", text)});
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->total, Counts(4, 0, 4, 0));
  }
  EXPECT_EQ(IncidentCount(), 4);
  auto stored = Stored();
  EXPECT_EQ(stored[5].second.attendance.assailant, AssailantRelationship::kUnknown);  // no stray \r
  EXPECT_EQ(stored[5].second.domestic, std::nullopt);
  EXPECT_EQ(stored[4].second.attendance.method_other, "bottle");
}

// ---------------------------------------------------------------- refusals ---

class IstvRefusalTest : public IstvTest {
 protected:
  Status Refused(const std::vector<std::string>& paths) {
    auto earlier = IngestIstv({scratch_.Write("earlier/istv.csv", FileText(kHeader, {Row("e").Csv()}))});
    EXPECT_TRUE(earlier.ok());
    auto report = IngestIstv(paths);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(Loads().size(), 1u);
    EXPECT_EQ(IncidentCount(), 1);
    EXPECT_TRUE(Quarantine().empty());
    return report.ok() ? Status::Ok() : report.status();
  }
  const std::string kExpected =
      "expected an ISTV A&E assault attendances CSV (istv/1) whose first line is \"" + kHeader + "\"";
};

TEST_F(IstvRefusalTest, refuses_a_file_with_another_header) {
  std::string file = scratch_.Write("x.csv", "attendance_id,arrived_at\n1,2023-01-01T00:10\n");
  EXPECT_EQ(Refused({file}).ToString(),
            file + " line 1: the header is \"attendance_id,arrived_at\"; " + kExpected);
}

TEST_F(IstvRefusalTest, refuses_a_binary_file) {
  std::string file = scratch_.Write("x.csv", std::string("\xD0\xCF\x11\xE0\0\0", 6));
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is binary, not text; " + kExpected);
}

TEST_F(IstvRefusalTest, refuses_an_empty_file) {
  std::string file = scratch_.Write("x.csv", "");
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is empty; " + kExpected);
}

TEST_F(IstvRefusalTest, refuses_a_folder_holding_another_feed_and_stores_nothing_from_the_good_file) {
  scratch_.Write("feeds/a-istv.csv", FileText(kHeader, {Row("g").Csv()}));
  scratch_.Write("feeds/b-extract.csv", std::string(kIstvHeader.substr(0, 12)) + "\n");
  Status s = Refused({scratch_.File("feeds")});
  EXPECT_EQ(s.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(s.ToString(),
            scratch_.File("feeds/b-extract.csv") + " line 1: the header is \"period_start\"; " + kExpected);
}

}  // namespace
}  // namespace harmlens
