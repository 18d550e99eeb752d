// Ingest end to end through the library on small crafted files: one test per
// quarantine reason (file, line, column, value and exact message, read back from the
// store), line endings and quoting, idempotent reloads, and refusal of wrong files
// with nothing stored.
#include "ingest/ingest.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <array>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/police_uk.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::DataDir;
using ::harmlens::testing::ScratchDir;

const std::string kHeader(kPoliceUkHeader);
const std::string kExpectedHeaderMessage =
    "expected a police.uk street-level crime CSV whose first line is \"" + kHeader + "\"";

// One police.uk record, valid unless a test changes a field. Fields are written as
// given: a test that needs quotes writes them.
struct Row {
  enum Field {
    kCrimeId,
    kMonth,
    kReportedBy,
    kFallsWithin,
    kLongitude,
    kLatitude,
    kLocation,
    kLsoaCode,
    kLsoaName,
    kCrimeType,
    kOutcome,
    kContext
  };
  // Line 2 of the bundled 2018-10 file with a shorter Crime ID.
  std::array<std::string, 12> fields = {"c0ffee01",
                                        "2018-10",
                                        "Leicestershire Police",
                                        "Leicestershire Police",
                                        "-1.212224",
                                        "52.623430",
                                        "On or near Willoughby Gardens",
                                        "E01025631",
                                        "Blaby 002A",
                                        "Burglary",
                                        "Investigation complete; no suspect identified",
                                        ""};

  Row With(Field field, std::string value) const {
    Row changed = *this;
    changed.fields[field] = std::move(value);
    return changed;
  }
  std::string Csv() const {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
    return line;
  }
};

Row CrimeRow(const std::string& crime_id) { return Row().With(Row::kCrimeId, crime_id); }
Row AsbRow() {
  return Row()
      .With(Row::kCrimeId, "")
      .With(Row::kCrimeType, "Anti-social behaviour")
      .With(Row::kOutcome, "")
      .With(Row::kLocation, "On or near Boyers Walk");
}

std::string FileText(const std::vector<std::string>& rows, const std::string& eol = "\n") {
  std::string text = kHeader + eol;
  for (const std::string& row : rows) text += row + eol;
  return text;
}

class IngestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    geography_ = *loaded;
  }
  static void TearDownTestSuite() { geography_.reset(); }

  void SetUp() override { store_ = OpenStore("harmlens.db"); }

  std::unique_ptr<Store> OpenStore(const std::string& name) {
    auto store = OpenSqliteStore(scratch_.File(name));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  Result<IngestReport> Ingest(const std::vector<std::string>& paths, Store* store = nullptr,
                              int64_t batch_rows = 20000) {
    IngestOptions options;
    options.batch_rows = batch_rows;
    return IngestPoliceUk(store ? store : store_.get(), Env::Default(), *geography_, paths, options);
  }

  std::vector<QuarantinedRow> Quarantine() {
    auto rows = store_->ListQuarantine(std::nullopt);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<QuarantinedRow>{};
  }

  // Stored incidents by source line.
  std::map<int64_t, Incident> Stored(Store* store = nullptr) {
    std::map<int64_t, Incident> by_line;
    Status status = (store ? store : store_.get())->ReadIncidents({}, [&](int64_t, const Incident& incident) {
      by_line[incident.source.line] = incident;
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return by_line;
  }

  int64_t LoadCount() {
    auto loads = store_->ListLoads();
    EXPECT_TRUE(loads.ok());
    return loads.ok() ? static_cast<int64_t>(loads->size()) : -1;
  }

  int64_t IncidentCount() {
    auto count = store_->CountIncidents();
    EXPECT_TRUE(count.ok());
    return count.ok() ? *count : -1;
  }

  // Loads header, a good row (line 2), `bad_line` (line 3) and another good row
  // (line 4); checks the load went on past the bad row and returns the one
  // quarantined row.
  QuarantinedRow QuarantineOf(const std::string& bad_line) {
    std::string file =
        scratch_.Write("bad.csv", FileText({CrimeRow("before").Csv(), bad_line, CrimeRow("after").Csv()}));
    auto report = Ingest({file});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return {};
    EXPECT_EQ(report->total, (LoadCounts{.read = 3, .stored = 2, .already_present = 0, .quarantined = 1}));
    std::map<int64_t, Incident> stored = Stored();
    EXPECT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[2].source_id, "2018-10/before");
    EXPECT_EQ(stored[4].source_id, "2018-10/after");
    std::vector<QuarantinedRow> rows = Quarantine();
    EXPECT_EQ(rows.size(), 1u);
    if (rows.size() != 1) return {};
    EXPECT_EQ(rows[0].source.file, file);
    EXPECT_EQ(rows[0].source.line, 3);
    EXPECT_EQ(rows[0].raw, bad_line);  // the raw text survives byte for byte
    return rows[0];
  }

  ScratchDir scratch_;
  std::unique_ptr<Store> store_;
  inline static std::shared_ptr<const ReferenceGeography> geography_;
};

// ---------------------------------------------------------------- quarantine ---

TEST_F(IngestTest, quarantines_a_blank_line) {
  QuarantinedRow q = QuarantineOf("");
  EXPECT_EQ(q.column, "");
  EXPECT_EQ(q.column_index, -1);
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason, "the line is blank (expected a crime record)");
}

TEST_F(IngestTest, quarantines_a_row_that_is_not_valid_utf8) {
  std::string latin1 = CrimeRow("cafe").With(Row::kLocation, "On or near Caf\xE9 Rouge").Csv();
  QuarantinedRow q = QuarantineOf(latin1);
  EXPECT_EQ(q.column, "");
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason, "the row is not valid UTF-8 text (police.uk files are UTF-8)");
}

TEST_F(IngestTest, quarantines_a_row_whose_quote_is_never_closed) {
  QuarantinedRow q =
      QuarantineOf(CrimeRow("open").With(Row::kLocation, "\"On or near Asda, Thurmaston").Csv());
  EXPECT_EQ(q.column, "Location");
  EXPECT_EQ(q.column_index, 6);
  EXPECT_EQ(q.value,
            "\"On or near Asda, Thurmaston,E01025631,Blaby 002A,Burglary,"
            "Investigation complete; no suspect identified,");
  EXPECT_EQ(q.reason, "a quoted field is not closed before the end of the line");
}

TEST_F(IngestTest, quarantines_a_row_with_text_after_a_closing_quote) {
  QuarantinedRow q = QuarantineOf(CrimeRow("after-quote").With(Row::kLocation, "\"On or near\" Asda").Csv());
  EXPECT_EQ(q.column, "Location");
  EXPECT_EQ(q.value, "On or near");
  EXPECT_EQ(q.reason,
            "unexpected character after a closing quote (expected a delimiter or the end of the line)");
}

TEST_F(IngestTest, quarantines_a_row_with_too_many_fields) {
  // An unquoted comma in Location splits it in two: 13 fields.
  QuarantinedRow q =
      QuarantineOf(CrimeRow("split").With(Row::kLocation, "On or near Asda, Thurmaston").Csv());
  EXPECT_EQ(q.column, "");
  EXPECT_EQ(q.column_index, -1);
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason,
            "expected 12 fields, found 13 (a Location containing a comma must be in double quotes)");
}

TEST_F(IngestTest, quarantines_a_row_with_too_few_fields) {
  std::string short_row = CrimeRow("short").Csv();
  short_row.pop_back();  // drop the separator before the empty Context
  QuarantinedRow q = QuarantineOf(short_row);
  EXPECT_EQ(q.reason,
            "expected 12 fields, found 11 (a Location containing a comma must be in double quotes)");
}

TEST_F(IngestTest, quarantines_a_row_whose_month_cannot_be_read) {
  QuarantinedRow q = QuarantineOf(CrimeRow("m13").With(Row::kMonth, "2018-13").Csv());
  EXPECT_EQ(q.column, "Month");
  EXPECT_EQ(q.column_index, 1);
  EXPECT_EQ(q.value, "2018-13");
  EXPECT_EQ(q.reason, "cannot read \"2018-13\" as a month (expected YYYY-MM)");
}

TEST_F(IngestTest, quarantines_a_row_with_an_unknown_crime_type) {
  QuarantinedRow q = QuarantineOf(CrimeRow("knife").With(Row::kCrimeType, "Knife crime").Csv());
  EXPECT_EQ(q.column, "Crime type");
  EXPECT_EQ(q.column_index, 9);
  EXPECT_EQ(q.value, "Knife crime");
  EXPECT_EQ(q.reason,
            "unknown crime type \"Knife crime\" (expected one of the 14 police.uk types, e.g. \"Burglary\")");
}

TEST_F(IngestTest, quarantines_a_crime_row_without_a_crime_id) {
  QuarantinedRow q = QuarantineOf(CrimeRow("").Csv());
  EXPECT_EQ(q.column, "Crime ID");
  EXPECT_EQ(q.column_index, 0);
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason, "Crime ID is empty (only Anti-social behaviour rows may have no Crime ID)");
}

TEST_F(IngestTest, quarantines_a_longitude_without_a_latitude) {
  QuarantinedRow q = QuarantineOf(CrimeRow("no-lat").With(Row::kLatitude, "").Csv());
  EXPECT_EQ(q.column, "Latitude");
  EXPECT_EQ(q.column_index, 5);
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason, "Latitude is empty but Longitude is given (expected both or neither)");
}

TEST_F(IngestTest, quarantines_a_latitude_without_a_longitude) {
  QuarantinedRow q = QuarantineOf(CrimeRow("no-lon").With(Row::kLongitude, "").Csv());
  EXPECT_EQ(q.column, "Longitude");
  EXPECT_EQ(q.column_index, 4);
  EXPECT_EQ(q.value, "");
  EXPECT_EQ(q.reason, "Longitude is empty but Latitude is given (expected both or neither)");
}

TEST_F(IngestTest, quarantines_a_longitude_that_is_not_a_number) {
  QuarantinedRow q = QuarantineOf(CrimeRow("west").With(Row::kLongitude, "1.2W").Csv());
  EXPECT_EQ(q.column, "Longitude");
  EXPECT_EQ(q.value, "1.2W");
  EXPECT_EQ(q.reason, "cannot read \"1.2W\" as a longitude (expected decimal degrees, e.g. -1.133)");
}

TEST_F(IngestTest, quarantines_a_latitude_that_is_not_a_number) {
  QuarantinedRow q = QuarantineOf(CrimeRow("north").With(Row::kLatitude, "52.6N").Csv());
  EXPECT_EQ(q.column, "Latitude");
  EXPECT_EQ(q.value, "52.6N");
  EXPECT_EQ(q.reason, "cannot read \"52.6N\" as a latitude (expected decimal degrees, e.g. 52.634)");
}

TEST_F(IngestTest, quarantines_a_point_outside_the_uk_by_longitude) {
  QuarantinedRow q =
      QuarantineOf(CrimeRow("paris").With(Row::kLongitude, "2.3522").With(Row::kLatitude, "48.8566").Csv());
  EXPECT_EQ(q.column, "Longitude");
  EXPECT_EQ(q.value, "2.3522");
  EXPECT_EQ(q.reason, "longitude 2.3522 is outside the United Kingdom (expected -8.7 to 1.9)");
}

TEST_F(IngestTest, quarantines_a_point_outside_the_uk_by_latitude) {
  // Longitude and latitude swapped, a common spreadsheet slip.
  QuarantinedRow q = QuarantineOf(
      CrimeRow("swapped").With(Row::kLongitude, "-1.212224").With(Row::kLatitude, "-52.623430").Csv());
  EXPECT_EQ(q.column, "Latitude");
  EXPECT_EQ(q.column_index, 5);
  EXPECT_EQ(q.value, "-52.623430");
  EXPECT_EQ(q.reason, "latitude -52.623430 is outside the United Kingdom (expected 49.8 to 60.9)");
}

TEST_F(IngestTest, accepts_points_on_the_edges_of_the_uk_box_and_quarantines_points_just_outside) {
  // docs/formats/police-uk-street.md: longitude -8.7..1.9, latitude 49.8..60.9.
  auto at = [](const std::string& id, const std::string& lon, const std::string& lat) {
    return CrimeRow(id).With(Row::kLongitude, lon).With(Row::kLatitude, lat).Csv();
  };
  auto report = Ingest({scratch_.Write(
      "edges.csv",
      FileText({at("west", "-8.7", "55"), at("east", "1.9", "52"), at("south", "-5", "49.8"),
                at("north", "-1", "60.9"), at("too-west", "-8.71", "55"), at("too-east", "1.91", "52"),
                at("too-south", "-5", "49.79"), at("too-north", "-1", "60.91")}))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, (LoadCounts{.read = 8, .stored = 4, .already_present = 0, .quarantined = 4}));
  std::vector<QuarantinedRow> q = Quarantine();
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].reason, "longitude -8.71 is outside the United Kingdom (expected -8.7 to 1.9)");
  EXPECT_EQ(q[1].reason, "longitude 1.91 is outside the United Kingdom (expected -8.7 to 1.9)");
  EXPECT_EQ(q[2].reason, "latitude 49.79 is outside the United Kingdom (expected 49.8 to 60.9)");
  EXPECT_EQ(q[3].reason, "latitude 60.91 is outside the United Kingdom (expected 49.8 to 60.9)");
}

TEST_F(IngestTest, quarantines_a_malformed_lsoa_code) {
  QuarantinedRow q = QuarantineOf(CrimeRow("lsoa").With(Row::kLsoaCode, "E0102563").Csv());
  EXPECT_EQ(q.column, "LSOA code");
  EXPECT_EQ(q.column_index, 7);
  EXPECT_EQ(q.value, "E0102563");
  EXPECT_EQ(q.reason,
            "cannot read \"E0102563\" as an LSOA code (expected E01 or W01 followed by six digits)");
}


TEST_F(IngestTest, keeps_loading_past_bad_rows_in_every_batch_and_lists_them_in_line_order) {
  std::vector<std::string> rows;
  for (int i = 0; i < 10; ++i) {
    rows.push_back(i % 3 == 1 ? CrimeRow("bad" + std::to_string(i)).With(Row::kMonth, "Oct-18").Csv()
                              : CrimeRow("good" + std::to_string(i)).Csv());
  }
  std::string file = scratch_.Write("mixed.csv", FileText(rows));
  auto report = Ingest({file}, nullptr, /*batch_rows=*/2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // Rows 1, 4 and 7 (file lines 3, 6, 9) are bad; the other seven are stored.
  EXPECT_EQ(report->total, (LoadCounts{.read = 10, .stored = 7, .already_present = 0, .quarantined = 3}));
  std::vector<QuarantinedRow> quarantined = Quarantine();
  ASSERT_EQ(quarantined.size(), 3u);
  EXPECT_EQ(quarantined[0].source.line, 3);
  EXPECT_EQ(quarantined[1].source.line, 6);
  EXPECT_EQ(quarantined[2].source.line, 9);
  EXPECT_EQ(quarantined[2].raw, rows[7]);
  std::map<int64_t, Incident> stored = Stored();
  EXPECT_EQ(stored.size(), 7u);
  EXPECT_EQ(stored[11].source_id, "2018-10/good9");  // the last row, after the last bad one
}

// A file is cut into batches, and hashed, a 128 KB chunk at a time: 3,000 rows of
// about 420 bytes with 700-row batches cut lines at chunk ends everywhere, and one row
// of 300 KB spans whole chunks. Every batch holds exactly its 700 lines, every row is
// stored at its line, and the load's hash is SHA-256 of the whole file at once.
TEST_F(IngestTest, cuts_batches_at_whole_lines_and_hashes_the_file_across_chunk_ends) {
  std::vector<std::string> rows;
  for (int i = 0; i < 3000; ++i) {
    const std::string street(i == 1234 ? 300000 : 300 + i % 97, static_cast<char>('a' + i % 26));
    rows.push_back(CrimeRow("row" + std::to_string(i)).With(Row::kLocation, "On or near " + street).Csv());
  }
  const std::string text = FileText(rows, "\r\n");
  const std::string file = scratch_.Write("long-lines.csv", text);
  IngestOptions options;
  options.batch_rows = 700;
  std::vector<std::pair<int64_t, int64_t>> batches;
  options.on_batch_committed = [&](const FileLoadReport&, const CommittedBatch& batch) {
    batches.emplace_back(batch.first_line, batch.last_line);
  };
  auto report = IngestPoliceUk(store_.get(), Env::Default(), *geography_, {file}, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, (LoadCounts{.read = 3000, .stored = 3000, .already_present = 0, .quarantined = 0}));
  const std::vector<std::pair<int64_t, int64_t>> expected = {{2, 701}, {702, 1401}, {1402, 2101}, {2102, 2801},
                                                             {2802, 3001}};
  EXPECT_EQ(batches, expected);
  std::map<int64_t, Incident> stored = Stored();
  ASSERT_EQ(stored.size(), 3000u);
  for (int i = 0; i < 3000; i += 7) EXPECT_EQ(stored[i + 2].source_id, "2018-10/row" + std::to_string(i));
  EXPECT_EQ(stored[1236].location.description.size(), std::string("On or near ").size() + 300000);

  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  for (unsigned char b : digest) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
  auto loads = store_->ListLoads();
  ASSERT_TRUE(loads.ok());
  ASSERT_EQ(loads->size(), 1u);
  EXPECT_EQ((*loads)[0].content_hash, "sha256:" + hex);
}

TEST_F(IngestTest, shortens_a_long_bad_value_in_a_message_without_splitting_a_character) {
  // 59 ASCII letters then "é" (2 bytes): a cut at 60 bytes would fall inside it.
  std::string type = std::string(59, 'x') + "\xC3\xA9" + "tail";
  QuarantinedRow q = QuarantineOf(CrimeRow("long").With(Row::kCrimeType, type).Csv());
  EXPECT_EQ(q.value, type);
  EXPECT_EQ(q.reason, "unknown crime type \"" + std::string(59, 'x') +
                          "...\" (expected one of the 14 police.uk types, e.g. \"Burglary\")");
  EXPECT_TRUE(IsValidUtf8(q.reason));
}

// ------------------------------------------------------ line endings, quoting ---

// Everything stored about an incident except the file it came from, one line each.
std::string Describe(const std::map<int64_t, Incident>& incidents) {
  std::ostringstream out;
  out.precision(10);
  for (const auto& [line, i] : incidents) {
    out << line << '|' << i.source_id << '|' << i.occurred.local_minute << '|'
        << static_cast<int>(i.crime_type) << '|';
    if (i.location.point) out << i.location.point->longitude << ' ' << i.location.point->latitude;
    out << '|' << i.location.description << '|' << i.location.lsoa_reported << '|' << i.location.lsoa_by_point
        << '|' << i.location.csp_area << '|' << i.outcome << '|' << i.behaviours.bits() << '\n';
  }
  return out.str();
}

const std::vector<std::string> kVariedRows = {
    CrimeRow("comma").With(Row::kLocation, "\"On or near Asda, Thurmaston\"").Csv(),
    CrimeRow("quotes").With(Row::kLocation, "\"On or near \"\"The Swan\"\", Loughborough\"").Csv(),
    AsbRow().Csv(),
    CrimeRow("nowhere")
        .With(Row::kLongitude, "")
        .With(Row::kLatitude, "")
        .With(Row::kLocation, "No Location")
        .With(Row::kLsoaCode, "")
        .With(Row::kLsoaName, "")
        .Csv(),
    CrimeRow("plain").With(Row::kCrimeType, "Violence and sexual offences").Csv(),
};

TEST_F(IngestTest, stores_the_same_incidents_from_lf_crlf_and_byte_order_mark_files) {
  const std::string lf = FileText(kVariedRows, "\n");
  const std::string crlf = FileText(kVariedRows, "\r\n");
  const std::map<std::string, std::string> variants = {
      {"lf.csv", lf},
      {"crlf.csv", crlf},
      {"bom-lf.csv", "\xEF\xBB\xBF" + lf},
      {"bom-crlf.csv", "\xEF\xBB\xBF" + crlf},
      {"lf-no-final-newline.csv", lf.substr(0, lf.size() - 1)},
      {"crlf-no-final-newline.csv", crlf.substr(0, crlf.size() - 2)},
  };
  std::string first_description;
  for (const auto& [name, text] : variants) {
    SCOPED_TRACE(name);
    std::unique_ptr<Store> store = OpenStore(name + ".db");
    auto report = Ingest({scratch_.Write(name, text)}, store.get());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->total, (LoadCounts{.read = 5, .stored = 5, .already_present = 0, .quarantined = 0}));
    std::map<int64_t, Incident> stored = Stored(store.get());
    ASSERT_EQ(stored.size(), 5u);
    EXPECT_EQ(stored[2].location.description, "On or near Asda, Thurmaston");
    EXPECT_EQ(stored[3].location.description, "On or near \"The Swan\", Loughborough");
    EXPECT_EQ(stored[6].outcome, "Investigation complete; no suspect identified");  // no stray \r
    if (first_description.empty()) first_description = Describe(stored);
    EXPECT_EQ(Describe(stored), first_description);
  }
}

TEST_F(IngestTest, takes_one_empty_line_at_the_end_of_a_file_as_its_last_line_ending) {
  // Editors often leave one; it is not a record. An empty line anywhere else is one,
  // and is quarantined (quarantines_a_blank_line).
  auto report = Ingest({scratch_.Write("trailing.csv", FileText({CrimeRow("only").Csv()}, "\r\n") + "\r\n")});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, (LoadCounts{.read = 1, .stored = 1, .already_present = 0, .quarantined = 0}));
  EXPECT_TRUE(Quarantine().empty());
}

TEST_F(IngestTest, recognises_the_same_rows_in_lf_and_crlf_files_as_already_present) {
  auto lf = Ingest({scratch_.Write("lf.csv", FileText(kVariedRows, "\n"))});
  auto crlf = Ingest({scratch_.Write("crlf.csv", "\xEF\xBB\xBF" + FileText(kVariedRows, "\r\n"))});
  ASSERT_TRUE(lf.ok() && crlf.ok());
  EXPECT_EQ(lf->total.stored, 5);
  EXPECT_EQ(crlf->total, (LoadCounts{.read = 5, .stored = 0, .already_present = 5, .quarantined = 0}));
}

// --------------------------------------------------------------- idempotency ---

TEST_F(IngestTest, adds_nothing_when_the_same_file_is_loaded_again) {
  std::string file = scratch_.Write("2018-10.csv", FileText(kVariedRows));
  auto first = Ingest({file});
  auto second = Ingest({file});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->total, (LoadCounts{.read = 5, .stored = 5, .already_present = 0, .quarantined = 0}));
  EXPECT_EQ(second->total, (LoadCounts{.read = 5, .stored = 0, .already_present = 5, .quarantined = 0}));
  EXPECT_EQ(IncidentCount(), 5);
  auto loads = store_->ListLoads();
  ASSERT_TRUE(loads.ok());
  ASSERT_EQ(loads->size(), 2u);  // both loads are recorded, with their accounting
  EXPECT_TRUE((*loads)[0].complete && (*loads)[1].complete);
  EXPECT_EQ((*loads)[1].counts, second->total);
  EXPECT_EQ((*loads)[0].content_hash, (*loads)[1].content_hash);
  EXPECT_EQ((*loads)[0].content_hash.substr(0, 7), "sha256:");
  EXPECT_EQ((*loads)[0].content_hash.size(), 7u + 64u);
}

TEST_F(IngestTest, stores_two_identical_asb_rows_in_one_file_and_adds_nothing_on_reload) {
  std::string file = scratch_.Write("asb.csv", FileText({AsbRow().Csv(), AsbRow().Csv()}));
  auto first = Ingest({file});
  auto second = Ingest({file});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->total, (LoadCounts{.read = 2, .stored = 2, .already_present = 0, .quarantined = 0}));
  EXPECT_EQ(second->total, (LoadCounts{.read = 2, .stored = 0, .already_present = 2, .quarantined = 0}));
  EXPECT_EQ(IncidentCount(), 2);
}

// Batches are parsed on several threads, but identical ASB rows are numbered in file
// order: five copies in batches of two (and a crime row between) get -0 to -4 by line.
TEST_F(IngestTest, numbers_identical_asb_rows_in_file_order_across_batches) {
  Row asb = AsbRow();
  auto report = Ingest({scratch_.Write("asb.csv", FileText({asb.Csv(), asb.Csv(), CrimeRow("between").Csv(),
                                                            asb.Csv(), asb.Csv(), asb.Csv()}))},
                       nullptr, /*batch_rows=*/2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total, (LoadCounts{.read = 6, .stored = 6, .already_present = 0, .quarantined = 0}));
  std::map<int64_t, Incident> stored = Stored();
  const std::string first = stored[2].source_id;
  ASSERT_EQ(first.substr(first.size() - 2), "-0");
  const std::string content_id = first.substr(0, first.size() - 2);  // "2018-10/asb-<hash>"
  EXPECT_EQ(content_id.substr(0, 12), "2018-10/asb-");
  int occurrence = 0;
  for (int64_t line : {2, 3, 5, 6, 7}) {
    EXPECT_EQ(stored[line].source_id, content_id + "-" + std::to_string(occurrence++)) << "line " << line;
  }
  EXPECT_EQ(stored[4].source_id, "2018-10/between");
}

TEST_F(IngestTest, adds_only_the_new_rows_of_a_file_that_overlaps_an_earlier_one) {
  Row asb = AsbRow();
  auto first =
      Ingest({scratch_.Write("a.csv", FileText({CrimeRow("r1").Csv(), CrimeRow("r2").Csv(), asb.Csv()}))});
  // r2 and the ASB report again; r4, r5 and a second identical ASB report are new.
  auto second =
      Ingest({scratch_.Write("b.csv", FileText({CrimeRow("r2").Csv(), asb.Csv(), CrimeRow("r4").Csv(),
                                                asb.Csv(), CrimeRow("r5").Csv()}))});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->total, (LoadCounts{.read = 3, .stored = 3, .already_present = 0, .quarantined = 0}));
  EXPECT_EQ(second->total, (LoadCounts{.read = 5, .stored = 3, .already_present = 2, .quarantined = 0}));
  EXPECT_EQ(IncidentCount(), 6);
}

// The new rows of a batch that also holds stored ones are taken out of the batch's
// encoded rows and encoded again: they must be stored exactly as a load of the same
// file into an empty store stores them (the rows after the first three lines of b.csv).
TEST_F(IngestTest, stores_the_new_rows_of_an_overlapping_file_as_an_empty_store_would) {
  Row asb = AsbRow();
  const std::string b = scratch_.Write(
      "b.csv", FileText({CrimeRow("r2").Csv(), asb.Csv(), CrimeRow("r4").Csv(), asb.Csv(),
                         CrimeRow("r5").With(Row::kLocation, "\"On or near Asda, Thurmaston\"").Csv()}));
  ASSERT_TRUE(Ingest({scratch_.Write("a.csv", FileText({CrimeRow("r2").Csv(), asb.Csv()}))}).ok());
  ASSERT_TRUE(Ingest({b}).ok());
  std::map<int64_t, Incident> added;
  ASSERT_TRUE(store_->ReadIncidents({}, [&](int64_t, const Incident& incident) {
                      if (incident.source.file == b) added[incident.source.line] = incident;
                    }).ok());

  std::unique_ptr<Store> empty = OpenStore("empty.db");
  ASSERT_TRUE(Ingest({b}, empty.get()).ok());
  std::map<int64_t, Incident> alone = Stored(empty.get());
  alone.erase(2);  // r2 and the first ASB report, already stored from a.csv
  alone.erase(3);
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(Describe(added), Describe(alone));
  EXPECT_EQ(added[5].source_id.substr(added[5].source_id.size() - 2), "-1");  // the second identical report
}

TEST_F(IngestTest, counts_a_repeated_crime_id_within_one_month_as_already_present) {
  auto report =
      Ingest({scratch_.Write("dup.csv", FileText({CrimeRow("same").Csv(), CrimeRow("same").Csv()}))});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total, (LoadCounts{.read = 2, .stored = 1, .already_present = 1, .quarantined = 0}));
}

TEST_F(IngestTest, keeps_a_crime_republished_in_a_later_month_in_both_months) {
  auto report = Ingest({scratch_.Write(
      "two-months.csv",
      FileText({CrimeRow("same").Csv(), CrimeRow("same").With(Row::kMonth, "2018-11").Csv()}))});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total, (LoadCounts{.read = 2, .stored = 2, .already_present = 0, .quarantined = 0}));
}

TEST_F(IngestTest, accounts_for_every_row_of_a_reload_that_has_bad_rows) {
  std::string file = scratch_.Write(
      "mixed.csv",
      FileText({CrimeRow("ok").Csv(), CrimeRow("bad").With(Row::kMonth, "2018/10").Csv(), AsbRow().Csv()}));
  auto first = Ingest({file});
  auto second = Ingest({file});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->total, (LoadCounts{.read = 3, .stored = 2, .already_present = 0, .quarantined = 1}));
  EXPECT_EQ(second->total, (LoadCounts{.read = 3, .stored = 0, .already_present = 2, .quarantined = 1}));
}

// ------------------------------------------------------ refusal of wrong files ---

class RefusalTest : public IngestTest {
 protected:
  // Ingests `paths` into a store that already holds one load, expects a refusal and
  // checks that the store is unchanged. Returns the refusal.
  Status Refused(const std::vector<std::string>& paths) {
    auto earlier = Ingest({scratch_.Write("earlier/2018-10.csv", FileText({CrimeRow("earlier").Csv()}))});
    EXPECT_TRUE(earlier.ok());
    auto report = Ingest(paths);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(LoadCount(), 1);
    EXPECT_EQ(IncidentCount(), 1);
    EXPECT_TRUE(Quarantine().empty());
    return report.ok() ? Status::Ok() : report.status();
  }
};

TEST_F(RefusalTest, refuses_a_file_with_another_header_and_stores_nothing) {
  std::string file = scratch_.Write("outcomes.csv", "Crime ID,Month,Reported by,Falls within,Outcome type\n");
  Status status = Refused({file});
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), file +
                                   " line 1: the header is \"Crime ID,Month,Reported by,Falls within,Outcome "
                                   "type\"; " +
                                   kExpectedHeaderMessage);
}

TEST_F(RefusalTest, refuses_a_binary_file_and_stores_nothing) {
  std::string file = scratch_.Write("archive.csv", std::string("PK\x03\x04\x14\0\0\0\x08\0", 10) + kHeader);
  Status status = Refused({file});
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), file + ": the file is binary, not text; " + kExpectedHeaderMessage);
}

TEST_F(RefusalTest, refuses_an_empty_file_and_stores_nothing) {
  std::string file = scratch_.Write("empty.csv", "");
  Status status = Refused({file});
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), file + ": the file is empty; " + kExpectedHeaderMessage);
}

TEST_F(RefusalTest, refuses_a_directory_of_csv_files_that_are_not_police_uk) {
  scratch_.Write("other/a-and-e.csv", "attendance_id,arrived_at\n1,2022-01-01T00:10\n");
  scratch_.Write("other/notes.txt", "not a csv\n");
  Status status = Refused({scratch_.File("other")});
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), scratch_.File("other/a-and-e.csv") +
                                   " line 1: the header is \"attendance_id,arrived_at\"; " +
                                   kExpectedHeaderMessage);
}

TEST_F(RefusalTest, refuses_a_directory_without_csv_files) {
  scratch_.Write("docs/readme.txt", "hello\n");
  Status status = Refused({scratch_.File("docs")});
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.ToString(), scratch_.File("docs") + ": no .csv files in the directory");
}

TEST_F(RefusalTest, refuses_a_path_that_does_not_exist) {
  Status status = Refused({scratch_.File("2019-01.csv")});
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.ToString(), scratch_.File("2019-01.csv") + ": no such file or directory");
}

TEST_F(RefusalTest, stores_nothing_from_good_files_given_with_a_wrong_one) {
  std::string good1 = scratch_.Write("good/2018-11.csv", FileText({CrimeRow("n1").Csv()}));
  std::string good2 = scratch_.Write("good/2018-12.csv", FileText({CrimeRow("d1").Csv()}));
  std::string wrong = scratch_.Write("wrong.csv", "a,b\n1,2\n");
  Status status = Refused({scratch_.File("good"), good1, wrong, good2});
  EXPECT_EQ(status.ToString(), wrong + " line 1: the header is \"a,b\"; " + kExpectedHeaderMessage);
}

}  // namespace
}  // namespace harmlens
