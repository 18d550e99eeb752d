// The agency records adapter end to end through the library (docs/formats/agency-records.md):
// one test per quarantine reason with file, line, column, value and exact message, and
// that no message repeats a person's identifier; identifiers that are plausible but
// wrong are kept (finding them is linkage's job); records stored apart from incidents;
// line endings; idempotent reloads; refusal of wrong files with nothing stored and
// without showing a first line that may be a person's record.
#include "ingest/agency_records.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ingest/feed_test.h"

namespace harmlens {
namespace {

const std::string kHeader(kAgencyRecordsHeader);

// One record, valid unless a test changes a field (the format's first example).
struct Record {
  enum Field { kId, kAgency, kEvent, kDate, kGiven, kSurname, kBirth, kSex, kPostcode };
  std::array<std::string, 9> fields = {"YOS-00000001", "youth_offending", "referral", "2023-02-14", "Jayden",
                                       "Okafor",       "2007-03-21",      "M",        "LE2 0QA"};
  Record With(Field field, std::string value) const {
    Record changed = *this;
    changed.fields[field] = std::move(value);
    return changed;
  }
  std::string Csv() const { return CsvLine({fields.begin(), fields.end()}); }
};
using Field = Record::Field;

Record Row(const std::string& id) { return Record().With(Field::kId, id); }

class AgencyRecordsTest : public FeedTest {
 protected:
  Result<IngestReport> IngestRecords(const std::vector<std::string>& paths, Store* store = nullptr,
                                     int64_t batch_rows = 20000) {
    return Ingest(Feed::kAgencyRecords, paths, store, batch_rows);
  }

  std::vector<AgencyRecord> Records(Store* store = nullptr) {
    std::vector<AgencyRecord> out;
    Status s = (store ? store : store_.get())->ReadAgencyRecords([&](int64_t, const AgencyRecord& r) {
      out.push_back(r);
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Loads a good record (line 2), `bad_line` (line 3) and another (line 4) into a fresh
  // store; checks the load went on past the bad row; returns the quarantined row.
  // With `with_factors`, the file has the tenth column and the good rows leave it empty.
  QuarantinedRow QuarantineOf(const std::string& bad_line, bool with_factors = false) {
    std::string name = "case" + std::to_string(++cases_);
    const std::string tail = with_factors ? "," : "";
    std::string file = scratch_.Write(
        name + "/records.csv", FileText(with_factors ? std::string(kAgencyRecordsHeaderWithFactors) : kHeader,
                                        {Row("before").Csv() + tail, bad_line, Row("after").Csv() + tail}));
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report = IngestRecords({file}, store.get());
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return {};
    EXPECT_EQ(report->total, Counts(3, 2, 0, 1));
    std::vector<AgencyRecord> records = Records(store.get());
    EXPECT_EQ(records.size(), 2u);
    if (records.size() == 2) {
      EXPECT_EQ(records[0].record_id, "before");
      EXPECT_EQ(records[1].record_id, "after");
    }
    auto rows = store->ListQuarantine(std::nullopt);
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u);
    if (!rows.ok() || rows->size() != 1) return {};
    EXPECT_EQ((*rows)[0].source.file, file);
    EXPECT_EQ((*rows)[0].source.line, 3);
    EXPECT_EQ((*rows)[0].raw, bad_line);  // kept for the data lead to fix
    return (*rows)[0];
  }

  void ExpectQuarantine(const std::string& bad_line, const std::string& column, int column_index,
                        const std::string& value, const std::string& reason, bool with_factors = false) {
    QuarantinedRow q = QuarantineOf(bad_line, with_factors);
    EXPECT_EQ(q.column, column);
    EXPECT_EQ(q.column_index, column_index);
    EXPECT_EQ(q.value, value);
    EXPECT_EQ(q.reason, reason);
  }

  int cases_ = 0;
};

// --------------------------------------------------------------- quarantine ---

TEST_F(AgencyRecordsTest, quarantines_a_row_with_the_wrong_number_of_fields) {
  ExpectQuarantine("YOS-9,youth_offending,referral,2023-02-14,Jayden,Okafor,2007-03-21,M", "", -1, "",
                   "expected 9 fields, found 8 (a field containing a comma must be in double quotes)");
}

TEST_F(AgencyRecordsTest, quarantines_a_row_that_is_not_valid_utf8) {
  ExpectQuarantine(Row("x").With(Field::kGiven, "Zo\xEB").Csv(), "", -1, "",
                   "the row is not valid UTF-8 text (agency records files are UTF-8)");
}

TEST_F(AgencyRecordsTest, quarantines_a_blank_line) {
  ExpectQuarantine("", "", -1, "", "the line is blank (expected an agency record)");
}

TEST_F(AgencyRecordsTest, quarantines_a_row_with_a_required_field_empty) {
  for (auto [field, column] : std::vector<std::pair<Field, std::string>>{{Field::kId, "record_id"},
                                                                         {Field::kAgency, "agency"},
                                                                         {Field::kEvent, "event_type"},
                                                                         {Field::kDate, "event_date"},
                                                                         {Field::kGiven, "given_name"},
                                                                         {Field::kSurname, "surname"},
                                                                         {Field::kSex, "sex"}}) {
    SCOPED_TRACE(column);
    ExpectQuarantine(Row("x").With(field, "").Csv(), column, field, "",
                     column + " is empty (a value is required)");
  }
}

TEST_F(AgencyRecordsTest, quarantines_an_unknown_agency_and_lists_the_six) {
  ExpectQuarantine(
      Row("x").With(Field::kAgency, "police").Csv(), "agency", 1, "police",
      "unknown agency \"police\" (expected youth_offending, childrens_social_care, school_exclusions, "
      "probation, substance_misuse or mental_health)");
}

TEST_F(AgencyRecordsTest, quarantines_an_event_type_the_agency_does_not_have) {
  ExpectQuarantine(Row("x").With(Field::kAgency, "probation").With(Field::kEvent, "suspension").Csv(),
                   "event_type", 2, "suspension",
                   "event_type \"suspension\" is not one of probation's (expected community_order_start, "
                   "licence_start, custody_start, supervision_end or breach)");
}

TEST_F(AgencyRecordsTest, quarantines_an_unreadable_or_impossible_event_date) {
  ExpectQuarantine(
      Row("x").With(Field::kDate, "14/02/2023").Csv(), "event_date", 3, "14/02/2023",
      "cannot read \"14/02/2023\" as a date (expected YYYY-MM-DD, a real date, year 1900 to 2199)");
  ExpectQuarantine(
      Row("x").With(Field::kDate, "2023-02-29").Csv(), "event_date", 3, "2023-02-29",
      "cannot read \"2023-02-29\" as a date (expected YYYY-MM-DD, a real date, year 1900 to 2199)");
}

TEST_F(AgencyRecordsTest, quarantines_an_impossible_date_of_birth_without_repeating_it) {
  ExpectQuarantine(Row("x").With(Field::kBirth, "2007-02-30").Csv(), "date_of_birth", 6, "2007-02-30",
                   "date_of_birth is not a real date of the form YYYY-MM-DD (year 1900 to 2199)");
}

TEST_F(AgencyRecordsTest, quarantines_a_date_of_birth_after_the_event_date) {
  ExpectQuarantine(Row("x").With(Field::kBirth, "2023-02-15").Csv(), "date_of_birth", 6, "2023-02-15",
                   "date_of_birth is after the event_date");
}

TEST_F(AgencyRecordsTest, quarantines_a_postcode_of_another_shape_without_repeating_it) {
  const std::string reason =
      "postcode is not of a UK postcode's shape (expected upper case A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A "
      "9AA or "
      "AA9A 9AA, with one space)";
  for (std::string postcode :
       {"le2 0qa", "LE20QA", "LE2  0QA", "LE2 0Q", "LE222 0QA", "2LE 0QA", "LE2 QQA"}) {
    SCOPED_TRACE(postcode);
    ExpectQuarantine(Row("x").With(Field::kPostcode, postcode).Csv(), "postcode", 8, postcode, reason);
  }
}

TEST_F(AgencyRecordsTest, quarantines_a_record_id_repeated_within_an_agency) {
  ExpectQuarantine(
      Row("before").With(Field::kEvent, "referral_order").Csv(), "record_id", 0, "before",
      "record_id \"before\" is repeated for agency youth_offending: line 2 already has it (a record id "
      "appears once per agency)");
}

TEST_F(AgencyRecordsTest, quarantines_a_record_id_of_the_wrong_shape) {
  ExpectQuarantine(
      Row("YOS 1").Csv(), "record_id", 0, "YOS 1",
      "cannot read \"YOS 1\" as a record_id (expected 1 to 40 letters, digits, \"-\", \"_\" or \"/\")");
}

TEST_F(AgencyRecordsTest, quarantines_a_name_with_a_digit_or_symbol_without_repeating_it) {
  ExpectQuarantine(Row("x").With(Field::kGiven, "J4yden").Csv(), "given_name", 4, "J4yden",
                   "given_name has a character that is not a letter, space, hyphen or apostrophe");
  ExpectQuarantine(Row("x").With(Field::kSurname, "Okafor (mother)").Csv(), "surname", 5, "Okafor (mother)",
                   "surname has a character that is not a letter, space, hyphen or apostrophe");
}

TEST_F(AgencyRecordsTest, quarantines_a_name_longer_than_60_characters) {
  std::string name = std::string(60, 'a') + "\xC3\xA9";  // 61 characters, 62 bytes
  ExpectQuarantine(Row("x").With(Field::kSurname, name).Csv(), "surname", 5, name,
                   "surname has 61 characters (at most 60)");
}

TEST_F(AgencyRecordsTest, quarantines_a_sex_outside_its_list) {
  ExpectQuarantine(Row("x").With(Field::kSex, "Male").Csv(), "sex", 7, "Male",
                   "unknown sex \"Male\" (expected F, M, X or U)");
}

TEST_F(AgencyRecordsTest, never_repeats_an_identifier_in_a_message) {
  // The identifiers of these rows are all refused; none appears in any reason.
  const std::vector<std::pair<Field, std::string>> bad = {
      {Field::kGiven, "Jayd3n"},     {Field::kSurname, "Ok@for"},   {Field::kBirth, "2007-13-21"},
      {Field::kBirth, "2024-01-01"}, {Field::kPostcode, "LE2 OQA"}, {Field::kGiven, std::string(61, 'J')}};
  std::vector<std::string> rows;
  for (size_t i = 0; i < bad.size(); ++i)
    rows.push_back(Row("r" + std::to_string(i)).With(bad[i].first, bad[i].second).Csv());
  auto report = IngestRecords({scratch_.Write("ids/records.csv", FileText(kHeader, rows))});
  ASSERT_TRUE(report.ok());
  std::vector<QuarantinedRow> q = Quarantine();
  ASSERT_EQ(q.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].second);
    EXPECT_EQ(q[i].value, bad[i].second);  // the value is kept, for the data lead
    EXPECT_EQ(q[i].reason.find(bad[i].second), std::string::npos) << q[i].reason;
    EXPECT_EQ(q[i].reason.find("Okafor"), std::string::npos) << q[i].reason;
    EXPECT_EQ(q[i].reason.find("Jayden"), std::string::npos) << q[i].reason;
  }
}

// ------------------------------------------------------------ what is kept ---

TEST_F(AgencyRecordsTest, keeps_plausible_but_wrong_identifiers_for_linkage) {
  // The format's own example: nicknames, variant spellings, swapped day and month, a
  // missing postcode, a changed surname (docs/formats/agency-records.md).
  const std::vector<std::string> rows = {
      "YOS-00000001,youth_offending,referral,2023-02-14,Jayden,Okafor,2007-03-21,M,LE2 0QA",
      "CSC-00000001,childrens_social_care,contact,2023-01-09,Kayleigh,Smith,2011-11-04,F,LE4 9HF",
      "CSC-00000002,childrens_social_care,contact,2023-01-09,Kaleigh,Smyth,2011-04-11,F,",
      "EXC-00000001,school_exclusions,suspension,2023-03-01,Jay,Okafor,2007-03-21,M,LE2 0QA",
      "PRB-00000001,probation,community_order_start,2023-05-30,Daniel,O'Neill,1996-08-02,M,LE11 3TU",
      "SMS-00000001,substance_misuse,treatment_start,2023-06-12,Sarah,Jones-Patel,1988-12-30,F,LE10 1AB",
      "MHS-00000001,mental_health,crisis_contact,2023-07-19,Sarah,Patel,1988-12-30,F,LE10 2XD",
      // Any script's letters, typographic apostrophes, combining accents, every postcode shape.
      "MHS-00000002,mental_health,referral,2023-07-19,Zoë,O’Brien,,U,W1A 0AX",
      "MHS-00000003,mental_health,admission,2023-07-20,José María,Nuñez,1970-01-01,X,EC1A 1BB",
      "MHS-00000004,mental_health,discharge,2023-07-21,Siobha\xCC\x81n,Ó Briain,1980-05-05,F,B33 8TH",
      "MHS-00000005,mental_health,referral,2023-07-22,Αλέξανδρος,Иванов,1990-06-06,M,CR2 6XH",
      "MHS-00000006,mental_health,referral,2023-07-23,Priya,Kaur,,F,M1 1AE",
      "MHS-00000007,mental_health,referral,2023-07-24,Ali,Khan,2023-07-24,M,"};
  auto report = IngestRecords({scratch_.Write("example/records.csv", FileText(kHeader, rows))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, Counts(13, 13, 0, 0));
  std::vector<AgencyRecord> records = Records();
  ASSERT_EQ(records.size(), 13u);
  EXPECT_EQ(records[2].given_name, "Kaleigh");
  EXPECT_EQ(records[2].date_of_birth, (CivilDate{2011, 4, 11}));
  EXPECT_EQ(records[2].postcode, "");
  EXPECT_EQ(records[2].agency, PartnerAgency::kChildrensSocialCare);
  EXPECT_EQ(records[2].event_type, "contact");
  EXPECT_EQ(records[2].event_date, (CivilDate{2023, 1, 9}));
  EXPECT_EQ(records[2].sex, Sex::kFemale);
  EXPECT_EQ(records[2].source.line, 4);
  EXPECT_EQ(records[7].surname, "O’Brien");
  EXPECT_EQ(records[7].date_of_birth, std::nullopt);
  EXPECT_EQ(records[7].sex, Sex::kUnknown);
  EXPECT_EQ(IncidentCount(), 0);  // agency records are not incidents
}

// An assessment row of children's social care, in a file with the factors column.
std::string Assessment(const std::string& id, const std::string& factors) {
  return Row(id).With(Field::kAgency, "childrens_social_care").With(Field::kEvent, "assessment").Csv() + "," +
         factors;
}

TEST_F(AgencyRecordsTest, quarantines_an_unknown_assessment_factor_naming_the_factors_field) {
  ExpectQuarantine(
      Assessment("x", "neglect;domestic_violence"), "factors", 9, "neglect;domestic_violence",
      "factors has an unknown factor \"domestic_violence\" (expected names from the documented list, "
      "e.g. domestic_abuse_parent, separated by \";\")",
      /*with_factors=*/true);
}

TEST_F(AgencyRecordsTest, quarantines_an_assessment_without_factors) {
  ExpectQuarantine(Assessment("x", ""), "factors", 9, "",
                   "factors is empty (an assessment lists at least one factor, or no_factors_identified)",
                   /*with_factors=*/true);
  ExpectQuarantine(Assessment("x", "gangs;gangs"), "factors", 9, "gangs;gangs",
                   "factors names \"gangs\" twice",
                   /*with_factors=*/true);
}

TEST_F(AgencyRecordsTest, quarantines_factors_on_a_row_that_is_not_an_assessment) {
  ExpectQuarantine(Row("x").Csv() + ",neglect", "factors", 9, "neglect",
                   "factors is only for a childrens_social_care assessment (leave it empty here)",
                   /*with_factors=*/true);
}

TEST_F(AgencyRecordsTest, quarantines_an_assessment_in_a_file_without_the_factors_column) {
  ExpectQuarantine(
      Row("x").With(Field::kAgency, "childrens_social_care").With(Field::kEvent, "assessment").Csv(),
      "event_type", 2, "assessment",
      "an assessment needs its factors, and this file has no factors column (add \"factors\" as "
      "the tenth column of the header)");
}

TEST_F(AgencyRecordsTest, quarantines_a_row_of_nine_fields_in_a_file_with_the_factors_column) {
  ExpectQuarantine(Row("x").Csv(), "", -1, "",
                   "expected 10 fields, found 9 (a field containing a comma must be in double quotes)",
                   /*with_factors=*/true);
}

TEST_F(AgencyRecordsTest, loads_assessments_with_factors_beside_old_files_without_the_column) {
  auto report = IngestRecords(
      {scratch_.Write("new/records.csv",
                      FileText(std::string(kAgencyRecordsHeaderWithFactors),
                               {Assessment("A-1", "domestic_abuse_parent;mental_health_parent"),
                                Assessment("A-2", "no_factors_identified"), Row("Y-1").Csv() + ","})),
       scratch_.Write("old/records.csv", FileText(kHeader, {Row("Y-2").Csv()}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, Counts(4, 4, 0, 0));
  std::vector<AgencyRecord> records = Records();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].event_type, "assessment");
  EXPECT_TRUE(AgencyRecordsHaveFactors(std::string(kAgencyRecordsHeaderWithFactors) + "\r\nx"));
  EXPECT_FALSE(AgencyRecordsHaveFactors(kHeader + "\nx"));
}

TEST_F(AgencyRecordsTest, accepts_the_same_record_id_at_another_agency) {
  auto report = IngestRecords({scratch_.Write(
      "r/records.csv",
      FileText(kHeader, {Row("R-1").Csv(), Row("R-1").With(Field::kAgency, "substance_misuse").Csv()}))});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total, Counts(2, 2, 0, 0));
}

TEST_F(AgencyRecordsTest, recognises_names_and_postcodes_as_the_format_defines_them) {
  for (std::string name : {"Jayden", "O'Neill", "Jones-Patel", "Mary Ann", "Zoë", "O’Brien", "Αλέξανδρος",
                           "李", "Siobha\xCC\x81n"}) {
    EXPECT_TRUE(IsPersonName(name)) << name;
  }
  for (std::string name : {"", "J4yden", "Ann.", "Smith,", "Bob!", "Ann\tMarie", "x\xC2\xA0y",
                           "Al\xE2\x80\x94x", "\xF0\x9F\x98\x80"}) {
    EXPECT_FALSE(IsPersonName(name)) << name;
  }
  for (std::string postcode :
       {"M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "LE10 1AB"}) {
    EXPECT_TRUE(IsUkPostcode(postcode)) << postcode;
  }
  for (std::string postcode :
       {"", "M1", "M11AE", "m1 1ae", "M1 1A", "M1 1AEE", "MMM1 1AE", "1M 1AE", "M1A1 1AE"}) {
    EXPECT_FALSE(IsUkPostcode(postcode)) << postcode;
  }
}

// ------------------------------------------------------ line endings, reloads ---

TEST_F(AgencyRecordsTest, stores_the_same_from_lf_crlf_and_bom_files_and_adds_nothing_on_reload) {
  const std::vector<std::string> rows = {Row("a").Csv(), Row("b").With(Field::kPostcode, "").Csv(),
                                         Row("bad").With(Field::kSex, "").Csv()};
  const std::string lf = FileText(kHeader, rows, "\n"), crlf = FileText(kHeader, rows, "\r\n");
  auto first = IngestRecords({scratch_.Write("lf/records.csv", lf)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->total, Counts(3, 2, 0, 1));
  for (const std::string& text : {lf, crlf, "\xEF\xBB\xBF" + crlf, crlf.substr(0, crlf.size() - 2)}) {
    auto again = IngestRecords({scratch_.Write("again/records.csv", text)}, nullptr, /*batch_rows=*/1);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->total, Counts(3, 0, 2, 1));
  }
  std::vector<AgencyRecord> records = Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].postcode, "");  // no stray \r
  EXPECT_EQ(records[0].postcode, "LE2 0QA");
  std::vector<LoadRecord> loads = Loads();
  ASSERT_EQ(loads.size(), 5u);
  EXPECT_EQ(loads[0].start.feed, "agency-records");
  for (const LoadRecord& l : loads) EXPECT_TRUE(l.complete && l.counts.Balanced());
}

// ---------------------------------------------------------------- refusals ---

class AgencyRecordsRefusalTest : public AgencyRecordsTest {
 protected:
  Status Refused(const std::vector<std::string>& paths) {
    auto earlier =
        IngestRecords({scratch_.Write("earlier/records.csv", FileText(kHeader, {Row("e").Csv()}))});
    EXPECT_TRUE(earlier.ok());
    auto report = IngestRecords(paths);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(Loads().size(), 1u);
    EXPECT_EQ(Records().size(), 1u);
    EXPECT_TRUE(Quarantine().empty());
    return report.ok() ? Status::Ok() : report.status();
  }
  const std::string kExpected = "expected an agency records CSV (agency-records/1) whose first line is \"" +
                                kHeader + "\" (optionally followed by \",factors\")";
};

TEST_F(AgencyRecordsRefusalTest, refuses_a_file_with_another_header_naming_the_first_differing_field) {
  std::string file = scratch_.Write("x.csv", "record_id,agency,event,event_date\n");
  EXPECT_EQ(
      Refused({file}).ToString(),
      file +
          " line 1: the first line is not the header: its field 3 is not \"event_type\" (the line is not "
          "shown: it may hold personal data); " +
          kExpected);
}

TEST_F(AgencyRecordsRefusalTest, refuses_a_file_without_its_header_and_does_not_show_the_persons_record) {
  std::string file = scratch_.Write("x.csv", Row("YOS-1").Csv() + "\n");
  Status s = Refused({file});
  EXPECT_EQ(s.ToString(),
            file +
                " line 1: the first line is not the header: its field 1 is not \"record_id\" (the "
                "line is not shown: it may hold personal data); " +
                kExpected);
  EXPECT_EQ(s.ToString().find("Okafor"), std::string::npos);
}

TEST_F(AgencyRecordsRefusalTest, refuses_a_header_with_an_extra_field) {
  std::string file = scratch_.Write("x.csv", kHeader + ",nhs_number\n");
  EXPECT_EQ(Refused({file}).ToString(),
            file +
                " line 1: the first line is not the header: its field 10 is not \"factors\" "
                "(the line is not shown: it may hold personal data); " +
                kExpected);
}

TEST_F(AgencyRecordsRefusalTest, refuses_a_binary_file) {
  std::string file = scratch_.Write("x.csv", std::string("\x1F\x8B\x08\0", 4));
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is binary, not text; " + kExpected);
}

TEST_F(AgencyRecordsRefusalTest, refuses_an_empty_file) {
  std::string file = scratch_.Write("x.csv", "");
  EXPECT_EQ(Refused({file}).ToString(), file + ": the file is empty; " + kExpected);
}

TEST_F(AgencyRecordsRefusalTest, refuses_a_folder_with_one_wrong_file_among_good_ones) {
  scratch_.Write(
      "agencies/agency_probation.csv",
      FileText(kHeader, {Row("p").With(Field::kAgency, "probation").With(Field::kEvent, "breach").Csv()}));
  scratch_.Write("agencies/notes.csv", "note\n");
  EXPECT_EQ(Refused({scratch_.File("agencies")}).ToString(),
            scratch_.File("agencies/notes.csv") +
                " line 1: the first line is not the header: its field 1 is not \"record_id\" (the line is "
                "not shown: "
                "it may hold personal data); " +
                kExpected);
}

}  // namespace
}  // namespace harmlens
