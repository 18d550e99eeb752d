// Tests of the incident segment codec. Format version 1 (what stores written before
// version 2 hold, and must stay readable): every field survives a round trip, the
// dictionary code width follows the number of distinct values, and a damaged blob is
// refused with a Corruption status, never read out of bounds; the damaged blobs are
// built by walking the format independently of the decoder (SegmentLayout below).
// Version 2 (written now): the same round trips, the same incidents as version 1, its
// compact columns, and refusal of damaged blobs.
#include "store/incident_segment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace harmlens {
namespace {

constexpr size_t kHeaderBytes = 16;  // magic (8), row count (4), column count (4)
constexpr char kDamaged[] = "incident segment is damaged: ";

std::vector<const Incident*> Pointers(const std::vector<Incident>& incidents) {
  std::vector<const Incident*> out;
  for (const Incident& inc : incidents) out.push_back(&inc);
  return out;
}

// An incident with every field the segment stores set to something non-default.
Incident FullIncident() {
  Incident inc;
  inc.source = {Agency::kPoliceExtract, "extract/2025-06.csv", 42};
  inc.source_id = "LE/12345/25";
  inc.occurred = {DaysFromCivil(2025, 6, 14) * 1440 + 23 * 60 + 17, TimePrecision::kMinute};
  inc.crime_type = CrimeType::kViolenceAndSexualOffences;
  inc.offence_code = "008/01";
  inc.weapon = Weapon::kKnifeOrSharp;
  inc.domestic = true;
  inc.behaviours.Add(HarmfulBehaviour::kSeriousViolence);
  inc.behaviours.Add(HarmfulBehaviour::kDomesticAbuse);
  inc.behaviours.Add(HarmfulBehaviour::kSpecificSites);
  inc.location.point = GeoPoint{-1.131, 52.634};
  inc.location.description = "On or near Granby Street";
  inc.location.lsoa_reported = "E01013648";
  inc.location.lsoa_by_point = "E01013649";
  inc.location.csp_area = "E06000016";
  inc.outcome = "Awaiting court outcome";
  inc.occurred_note = TimeNote::kAssaultWeekBeforeArrival;
  inc.location.method = "gazetteer:street";
  inc.location.radius_metres = 150;
  inc.location.confidence = 0.8;
  inc.location.type = LocationType::kLicensedPremises;
  inc.attendance.arrival_minute = inc.occurred.local_minute + 45;
  inc.attendance.method = AssaultMethod::kOther;
  inc.attendance.method_other = "bottle";
  inc.attendance.assailant = AssailantRelationship::kPartnerOrEx;
  return inc;
}

// Incidents that between them take every value of every enumerated field, with and
// without a point, unicode and empty text.
std::vector<Incident> VariedIncidents() {
  std::vector<Incident> out;
  const std::optional<bool> domestic_values[] = {std::nullopt, true, false};
  const TimePrecision precisions[] = {TimePrecision::kMonth, TimePrecision::kDay, TimePrecision::kMinute,
                                      TimePrecision::kWindow};
  const Weapon weapons[] = {Weapon::kUnknown, Weapon::kNone, Weapon::kKnifeOrSharp, Weapon::kFirearm,
                            Weapon::kOther};
  const Agency agencies[] = {Agency::kPoliceUk, Agency::kPoliceExtract, Agency::kEmergencyDepartment,
                             Agency::kPartnerAgency};
  for (int n = 0; n < 60; ++n) {
    Incident inc = FullIncident();
    inc.source.agency = agencies[n % 4];
    inc.source.line = 2 + n;
    inc.source_id = "id-" + std::to_string(n);
    inc.occurred = {-5000 + n * 1000003LL, precisions[n % 4]};
    if (inc.occurred.precision == TimePrecision::kWindow) inc.occurred.window_minutes = 1 + n * 37;
    inc.occurred_note = static_cast<TimeNote>(n % 3);
    inc.location.type = static_cast<LocationType>(n % 7);
    inc.attendance.method = static_cast<AssaultMethod>(n % 6);
    inc.attendance.assailant = static_cast<AssailantRelationship>(n % 6);
    if (n % 3 == 0) inc.attendance.arrival_minute.reset();
    if (n % 3 == 1) inc.location.radius_metres.reset();
    inc.location.confidence = (n % 11) / 10.0;
    inc.crime_type = AllCrimeTypes()[n % kCrimeTypeCount];
    inc.weapon = weapons[n % 5];
    inc.domestic = domestic_values[n % 3];
    inc.behaviours = BehaviourSet::FromBits(static_cast<uint32_t>(n * 37) & 0x3FF);
    if (n % 4 == 0) {
      inc.location.point.reset();
    } else if (n % 4 == 1) {
      inc.location.point = GeoPoint{0.0, 0.0};  // a real point, not "no point"
    } else {
      inc.location.point = GeoPoint{-1.1 - n * 1e-6, 52.6 + n * 1e-6};
    }
    if (n % 5 == 0) {
      inc.location = {inc.location.point, "", "", "", "", "", std::nullopt, 0, LocationType::kUnknown};
      inc.attendance.method_other.clear();
      inc.outcome.clear();
      inc.offence_code.clear();
    }
    if (n % 7 == 0) {
      inc.location.description = "Près de la “Clock Tower” — 時計台 🕰";
      inc.outcome = "Ymchwiliad wedi’i gwblhau";
    }
    out.push_back(inc);
  }
  out[7].source_id = "";  // an empty id is still a value of the unique-text column
  return out;
}

void ExpectSameIncident(const Incident& got, const Incident& want, const std::string& file) {
  EXPECT_EQ(got.source.agency, want.source.agency);
  EXPECT_EQ(got.source.file, file);
  EXPECT_EQ(got.source.line, want.source.line);
  EXPECT_EQ(got.source_id, want.source_id);
  EXPECT_EQ(got.occurred, want.occurred);
  EXPECT_EQ(got.crime_type, want.crime_type);
  EXPECT_EQ(got.offence_code, want.offence_code);
  EXPECT_EQ(got.weapon, want.weapon);
  EXPECT_EQ(got.domestic, want.domestic);
  EXPECT_EQ(got.behaviours, want.behaviours);
  ASSERT_EQ(got.location.point.has_value(), want.location.point.has_value()) << want.source_id;
  if (want.location.point) {
    EXPECT_EQ(got.location.point->longitude, want.location.point->longitude);
    EXPECT_EQ(got.location.point->latitude, want.location.point->latitude);
  }
  EXPECT_EQ(got.location.description, want.location.description);
  EXPECT_EQ(got.location.lsoa_reported, want.location.lsoa_reported);
  EXPECT_EQ(got.location.lsoa_by_point, want.location.lsoa_by_point);
  EXPECT_EQ(got.location.csp_area, want.location.csp_area);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.occurred_note, want.occurred_note);
  EXPECT_EQ(got.location.method, want.location.method);
  EXPECT_EQ(got.location.radius_metres, want.location.radius_metres);
  EXPECT_EQ(got.location.confidence, want.location.confidence);
  EXPECT_EQ(got.location.type, want.location.type);
  EXPECT_EQ(got.attendance, want.attendance);
  EXPECT_TRUE(got.involvements.empty());  // involvements are stored outside the segment
}

// Where each column of a format-version-1 blob starts, found by walking the format as
// documented in incident_segment.h, without the decoder.
struct SegmentLayout {
  struct Column {
    size_t start = 0;         // first byte of the column
    size_t width_at = 0;      // text: offset of the code-width byte
    size_t codes_at = 0;      // text: offset of the first code
    uint32_t dict_size = 0;   // text
    uint8_t code_width = 0;   // text
  };
  uint32_t rows = 0;
  Column columns[SegmentReader::kColumnCount];
};

uint32_t U32At(const std::string& blob, size_t at) {
  uint32_t v;
  std::memcpy(&v, blob.data() + at, 4);
  return v;
}

void PutU32At(std::string* blob, size_t at, uint32_t v) { std::memcpy(blob->data() + at, &v, 4); }

bool IsText(int column) {
  return column == SegmentReader::kSourceId || column == SegmentReader::kLocation ||
         column == SegmentReader::kLsoaReported || column == SegmentReader::kLsoaByPoint ||
         column == SegmentReader::kCspArea || column == SegmentReader::kOutcome ||
         column == SegmentReader::kOffenceCode || column == SegmentReader::kLocationMethod ||
         column == SegmentReader::kAssaultMethodOther;
}

size_t FixedWidth(int column) {
  switch (column) {
    case SegmentReader::kSourceLine:
    case SegmentReader::kOccurredMinute:
    case SegmentReader::kLongitude:
    case SegmentReader::kLatitude:
    case SegmentReader::kOccurredEndMinute:
    case SegmentReader::kLocationRadius:
    case SegmentReader::kLocationConfidence:
    case SegmentReader::kArrivalMinute:
      return 8;
    case SegmentReader::kBehaviours:
      return 4;
    default:
      return 1;
  }
}

SegmentLayout LayoutOf(const std::string& blob) {
  SegmentLayout layout;
  layout.rows = U32At(blob, 8);
  size_t at = kHeaderBytes;
  for (int c = 0; c < SegmentReader::kColumnCount; ++c) {
    SegmentLayout::Column& col = layout.columns[c];
    col.start = at;
    if (!IsText(c)) {
      at += layout.rows * FixedWidth(c);
      continue;
    }
    col.dict_size = U32At(blob, at);
    size_t offsets_at = at + 4;
    uint32_t text_bytes = U32At(blob, offsets_at + 4 * col.dict_size);
    col.width_at = offsets_at + 4 * (col.dict_size + 1) + text_bytes;
    col.code_width = static_cast<uint8_t>(blob[col.width_at]);
    col.codes_at = col.width_at + 1;
    at = col.codes_at + layout.rows * col.code_width;
  }
  EXPECT_EQ(at, blob.size()) << "the test's reading of the format disagrees with the encoder";
  return layout;
}

// Opens a copy of `bytes` in a heap block of exactly its size, so AddressSanitizer
// reports any read past the end.
Result<SegmentReader> OpenExact(std::string_view bytes, std::unique_ptr<char[]>* storage) {
  *storage = std::make_unique<char[]>(bytes.size());
  if (!bytes.empty()) std::memcpy(storage->get(), bytes.data(), bytes.size());
  return SegmentReader::Open(std::string_view(storage->get(), bytes.size()));
}

// Reads every field of every row; under ASan this proves the reader stays in bounds.
size_t TouchEveryField(const SegmentReader& reader) {
  size_t sum = 0;
  for (uint32_t i = 0; i < reader.row_count(); ++i) {
    Incident inc = reader.ToIncident(i, "f.csv");
    sum += inc.source_id.size() + inc.location.description.size() + inc.outcome.size() +
           inc.offence_code.size() + reader.csp_area(i).size() + reader.lsoa_reported(i).size() +
           reader.lsoa_by_point(i).size() + static_cast<size_t>(inc.crime_type) + inc.location.method.size() +
           inc.attendance.method_other.size() + static_cast<size_t>(inc.occurred.end_minute() & 1);
  }
  return sum;
}

std::string SmallSegment() {
  std::vector<Incident> incidents = VariedIncidents();
  incidents.resize(3);
  return EncodeSegment(Pointers(incidents), 1);
}

void ExpectDamaged(const Result<SegmentReader>& result, const std::string& what) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(result.status().message(), kDamaged + what);
}

TEST(IncidentSegment, round_trips_every_field_of_every_incident) {
  std::vector<Incident> incidents = VariedIncidents();
  std::string blob = EncodeSegment(Pointers(incidents), 1);
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ(reader->row_count(), incidents.size());
  for (size_t i = 0; i < incidents.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    ExpectSameIncident(reader->ToIncident(i, "load.csv"), incidents[i], "load.csv");
    EXPECT_EQ(reader->agency(i), incidents[i].source.agency);
    EXPECT_EQ(reader->source_id(i), incidents[i].source_id);
    EXPECT_EQ(reader->occurred(i), incidents[i].occurred);
    EXPECT_EQ(reader->behaviours(i), incidents[i].behaviours);
    EXPECT_EQ(reader->csp_area(i), incidents[i].location.csp_area);
  }
}

TEST(IncidentSegment, round_trips_an_empty_segment) {
  std::string blob = EncodeSegment({}, 1);
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->row_count(), 0u);
}

TEST(IncidentSegment, keeps_a_point_whose_coordinates_are_zero_apart_from_no_point) {
  std::vector<Incident> incidents(2, FullIncident());
  incidents[0].location.point = GeoPoint{0.0, -0.0};
  incidents[1].location.point.reset();
  std::string blob = EncodeSegment(Pointers(incidents), 1);
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE(reader->ToIncident(0, "").location.point.has_value());
  EXPECT_FALSE(reader->ToIncident(1, "").location.point.has_value());
}

// Incidents whose location descriptions take `distinct` different values.
std::vector<Incident> WithDistinctLocations(size_t rows, size_t distinct) {
  std::vector<Incident> incidents(rows);
  for (size_t i = 0; i < rows; ++i) {
    incidents[i].crime_type = CrimeType::kBurglary;
    incidents[i].source_id = std::to_string(i);
    incidents[i].location.description = "street " + std::to_string(i % distinct);
  }
  return incidents;
}

void ExpectCodeWidthAndRoundTrip(size_t rows, size_t distinct, uint8_t expected_width) {
  SCOPED_TRACE(std::to_string(distinct) + " distinct values");
  std::vector<Incident> incidents = WithDistinctLocations(rows, distinct);
  std::string blob = EncodeSegment(Pointers(incidents), 1);
  SegmentLayout layout = LayoutOf(blob);
  EXPECT_EQ(layout.columns[SegmentReader::kLocation].dict_size, distinct);
  EXPECT_EQ(layout.columns[SegmentReader::kLocation].code_width, expected_width);
  EXPECT_EQ(layout.columns[SegmentReader::kSourceId].code_width, 0);  // ids: one value per row
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  size_t mismatches = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (reader->ToIncident(i, "").location.description != incidents[i].location.description) ++mismatches;
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(IncidentSegment, uses_one_byte_codes_for_up_to_255_distinct_values) {
  ExpectCodeWidthAndRoundTrip(600, 255, 1);
}

TEST(IncidentSegment, uses_two_byte_codes_from_256_to_65535_distinct_values) {
  ExpectCodeWidthAndRoundTrip(600, 256, 2);
  ExpectCodeWidthAndRoundTrip(70000, 65535, 2);
}

TEST(IncidentSegment, uses_four_byte_codes_beyond_65535_distinct_values) {
  ExpectCodeWidthAndRoundTrip(70000, 65536, 4);
}

TEST(IncidentSegment, refuses_every_truncation_of_a_segment) {
  std::string blob = SmallSegment();
  ASSERT_TRUE(SegmentReader::Open(blob).ok());
  for (size_t length = 0; length < blob.size(); ++length) {
    std::unique_ptr<char[]> storage;
    auto reader = OpenExact(std::string_view(blob).substr(0, length), &storage);
    ASSERT_FALSE(reader.ok()) << "a prefix of " << length << " of " << blob.size() << " bytes was accepted";
    EXPECT_EQ(reader.status().code(), StatusCode::kCorruption) << length;
    EXPECT_EQ(reader.status().message().rfind(kDamaged, 0), 0u) << reader.status().message();
  }
}

TEST(IncidentSegment, refuses_a_wrong_magic_or_format_version) {
  std::string blob = SmallSegment();
  std::string wrong_magic = blob;
  wrong_magic[0] = 'X';
  ExpectDamaged(SegmentReader::Open(wrong_magic),
                "it does not start with a segment header of format version 1 or 2");
  std::string version_three = blob;
  version_three[7] = 3;
  ExpectDamaged(SegmentReader::Open(version_three),
                "it does not start with a segment header of format version 1 or 2");
}

TEST(IncidentSegment, refuses_a_wrong_column_count) {
  std::string blob = SmallSegment();
  PutU32At(&blob, 12, SegmentReader::kColumnCount + 1);
  ExpectDamaged(SegmentReader::Open(blob), "expected 27 columns");
}

TEST(IncidentSegment, refuses_a_dictionary_larger_than_the_row_count) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  PutU32At(&blob, layout.columns[SegmentReader::kLocation].start, layout.rows + 1);
  ExpectDamaged(SegmentReader::Open(blob), "column 11 has a bad dictionary size");
}

TEST(IncidentSegment, refuses_a_dictionary_whose_offsets_run_past_the_end) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  // The last column's dictionary claims more entries than the bytes left can hold.
  PutU32At(&blob, layout.columns[SegmentReader::kOffenceCode].start, layout.rows);
  std::string cut = blob.substr(0, layout.columns[SegmentReader::kOffenceCode].start + 8);
  ExpectDamaged(SegmentReader::Open(cut), "column 16 has a bad dictionary size");
}

TEST(IncidentSegment, refuses_a_one_value_per_row_column_with_the_wrong_dictionary_size) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  const SegmentLayout::Column& ids = layout.columns[SegmentReader::kSourceId];
  ASSERT_EQ(ids.code_width, 0);
  ASSERT_EQ(ids.dict_size, layout.rows);
  // Rewrite the source id column well formed in every other way, but holding one value
  // fewer than there are rows (code width 0 means row i has value i).
  const uint32_t kept = layout.rows - 1;
  std::string column;
  column.append(4, '\0');
  PutU32At(&column, 0, kept);
  column.append(blob, ids.start + 4, 4 * (kept + 1));  // the first kept + 1 offsets
  column.append(blob, ids.start + 4 + 4 * (ids.dict_size + 1), U32At(blob, ids.start + 4 + 4 * kept));
  column.push_back('\0');  // code width 0
  std::string damaged = blob.substr(0, ids.start) + column + blob.substr(ids.width_at + 1);
  ExpectDamaged(SegmentReader::Open(damaged), "column 1 has a bad dictionary size");
}

TEST(IncidentSegment, refuses_unordered_offsets) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  size_t offsets_at = layout.columns[SegmentReader::kLocation].start + 4;
  std::string not_from_zero = blob;
  PutU32At(&not_from_zero, offsets_at, 1);
  ExpectDamaged(SegmentReader::Open(not_from_zero), "column 11 has unordered offsets");
  std::string decreasing = blob;
  ASSERT_GE(layout.columns[SegmentReader::kLocation].dict_size, 2u);
  PutU32At(&decreasing, offsets_at + 8, 0);  // entry 2 starts before entry 1 ends
  PutU32At(&decreasing, offsets_at + 4, 5);
  ExpectDamaged(SegmentReader::Open(decreasing), "column 11 has unordered offsets");
}

TEST(IncidentSegment, refuses_text_longer_than_the_blob) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  const SegmentLayout::Column& col = layout.columns[SegmentReader::kOffenceCode];
  size_t last_offset_at = col.start + 4 + 4 * col.dict_size;
  for (uint32_t claimed : {static_cast<uint32_t>(blob.size()), 0x7FFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFFu}) {
    SCOPED_TRACE(claimed);
    std::string damaged = blob;
    PutU32At(&damaged, last_offset_at, claimed);
    std::unique_ptr<char[]> storage;
    ExpectDamaged(OpenExact(damaged, &storage), "column 16 text is truncated");
  }
}

TEST(IncidentSegment, refuses_a_code_width_other_than_0_1_2_or_4) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  std::string damaged = blob;
  damaged[layout.columns[SegmentReader::kLocation].width_at] = 3;
  ExpectDamaged(SegmentReader::Open(damaged), "column 11 has a bad code width");
}

TEST(IncidentSegment, refuses_a_code_outside_its_dictionary) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  const SegmentLayout::Column& col = layout.columns[SegmentReader::kCspArea];
  ASSERT_EQ(col.code_width, 1);
  std::string damaged = blob;
  damaged[col.codes_at + 2] = static_cast<char>(col.dict_size);  // one past the last value
  ExpectDamaged(SegmentReader::Open(damaged), "column 14 has a code outside its dictionary");
}

TEST(IncidentSegment, refuses_trailing_bytes) {
  std::string blob = SmallSegment() + "x";
  ExpectDamaged(SegmentReader::Open(blob), "it has trailing bytes");
}

TEST(IncidentSegment, refuses_out_of_range_enumerated_values) {
  std::string blob = SmallSegment();
  SegmentLayout layout = LayoutOf(blob);
  struct Case {
    int column;
    uint8_t value;
  };
  const Case cases[] = {{SegmentReader::kAgency, 4},         {SegmentReader::kTimePrecision, 4},
                        {SegmentReader::kCrimeType, 0},      {SegmentReader::kCrimeType, 15},
                        {SegmentReader::kWeapon, 5},         {SegmentReader::kDomestic, 3},
                        {SegmentReader::kLocationType, 7},   {SegmentReader::kAssaultMethod, 6},
                        {SegmentReader::kAssailantRelationship, 6}, {SegmentReader::kTimeNote, 3}};
  for (const Case& c : cases) {
    SCOPED_TRACE("column " + std::to_string(c.column) + " value " + std::to_string(c.value));
    std::string damaged = blob;
    damaged[layout.columns[c.column].start + 1] = static_cast<char>(c.value);
    ExpectDamaged(SegmentReader::Open(damaged), "row 1 has an out-of-range code");
  }
}

// Writes an i64 into row `row` of a fixed-width column.
void PutI64At(std::string* blob, const SegmentLayout& layout, int column, size_t row, int64_t v) {
  std::memcpy(blob->data() + layout.columns[column].start + 8 * row, &v, 8);
}

TEST(IncidentSegment, keeps_the_end_of_a_window_and_ends_every_other_time_where_it_starts) {
  std::vector<Incident> incidents(2, FullIncident());
  incidents[0].occurred = OccurredTime::Window(1000, 1000 + 44640);
  incidents[1].occurred = {5000, TimePrecision::kDay};
  std::string blob = EncodeSegment(Pointers(incidents), 1);
  SegmentLayout layout = LayoutOf(blob);
  int64_t ends[2];
  std::memcpy(ends, blob.data() + layout.columns[SegmentReader::kOccurredEndMinute].start, sizeof ends);
  EXPECT_EQ(ends[0], 1000 + 44640);  // the end minute itself, as docs/formats/incident-segment.md says
  EXPECT_EQ(ends[1], 5000);
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->occurred(0), OccurredTime::Window(1000, 1000 + 44640));
  EXPECT_EQ(reader->occurred(0).end_minute(), 1000 + 44640);
  EXPECT_EQ(reader->occurred(1), (OccurredTime{5000, TimePrecision::kDay}));
}

TEST(IncidentSegment, refuses_an_end_minute_that_does_not_fit_the_precision) {
  std::vector<Incident> incidents(2, FullIncident());
  incidents[0].occurred = OccurredTime::Window(1000, 2000);
  incidents[1].occurred = {5000, TimePrecision::kMinute};
  const std::string blob = EncodeSegment(Pointers(incidents), 1);
  SegmentLayout layout = LayoutOf(blob);
  const std::string kMessage = " has an occurred end minute that does not fit its precision";
  std::string window_ends_at_start = blob;
  PutI64At(&window_ends_at_start, layout, SegmentReader::kOccurredEndMinute, 0, 1000);
  ExpectDamaged(SegmentReader::Open(window_ends_at_start), "row 0" + kMessage);
  std::string window_ends_before_start = blob;
  PutI64At(&window_ends_before_start, layout, SegmentReader::kOccurredEndMinute, 0, 999);
  ExpectDamaged(SegmentReader::Open(window_ends_before_start), "row 0" + kMessage);
  std::string minute_with_an_end = blob;
  PutI64At(&minute_with_an_end, layout, SegmentReader::kOccurredEndMinute, 1, 5001);
  ExpectDamaged(SegmentReader::Open(minute_with_an_end), "row 1" + kMessage);
  std::string overflowing = blob;  // end - start does not fit in 64 bits
  PutI64At(&overflowing, layout, SegmentReader::kOccurredMinute, 0, INT64_MIN);
  PutI64At(&overflowing, layout, SegmentReader::kOccurredEndMinute, 0, INT64_MAX);
  ExpectDamaged(SegmentReader::Open(overflowing), "row 0" + kMessage);
}

// Flips 1-4 random bytes of `blob` 5,000 times (seed printed): every damaged segment is
// either refused as corrupt or readable in every field. Most flips land in a length,
// offset, code or enumerated value and must be caught.
void ExpectRandomByteFlipsCaught(const std::string& blob) {
  const uint32_t seed = std::random_device{}();
  std::cout << "random byte flip seed: " << seed << "\n";
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> position(0, blob.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), flips(1, 4);
  int refused = 0, accepted = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string damaged = blob;
    for (int f = flips(rng); f > 0; --f) damaged[position(rng)] = static_cast<char>(byte(rng));
    std::unique_ptr<char[]> storage;
    auto reader = OpenExact(damaged, &storage);
    if (reader.ok()) {
      ++accepted;
      (void)TouchEveryField(*reader);
    } else {
      ++refused;
      EXPECT_EQ(reader.status().code(), StatusCode::kCorruption);
    }
  }
  EXPECT_GT(refused, 500) << accepted << " accepted";
}

TEST(IncidentSegment, survives_thousands_of_random_byte_flips) {
  ExpectRandomByteFlipsCaught(SmallSegment());
}

// --- Format version 2 ------------------------------------------------------------

// police.uk-like rows: 64-hex Crime IDs under a month, ASB content ids, the same method,
// radius and time precision on every row, a few areas and crime types.
std::vector<Incident> PoliceUkLike(size_t rows) {
  std::vector<Incident> incidents(rows);
  std::mt19937 rng(7);
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < rows; ++i) {
    Incident& inc = incidents[i];
    inc.source = {Agency::kPoliceUk, "2022-01.csv", static_cast<int64_t>(i + 2)};
    std::string id(64, '0');
    for (char& c : id) c = kHex[rng() % 16];
    inc.source_id =
        i % 10 == 0 ? "2022-01/asb-" + id.substr(0, 32) + "-" + std::to_string(i % 3) : "2022-01/" + id;
    inc.occurred = OccurredTime::Month({2022, 1 + static_cast<int>(i % 2)});
    inc.crime_type = i % 3 == 0 ? CrimeType::kAntiSocialBehaviour : CrimeType::kBurglary;
    if (i % 17 != 0) inc.location.point = GeoPoint{-1.1 - 0.001 * static_cast<double>(i % 50), 52.6};
    inc.location.description = "On or near street " + std::to_string(i % 40);
    inc.location.lsoa_reported = "E0101" + std::to_string(3000 + i % 60);
    inc.location.lsoa_by_point = inc.location.lsoa_reported;
    inc.location.csp_area = i % 2 ? "E06000016" : "E07000129";
    inc.location.method = "police.uk snap point";
    inc.location.confidence = i % 17 != 0 ? 1.0 : 0.0;
    inc.outcome = i % 4 ? "Under investigation" : "";
    inc.behaviours = i % 5 ? BehaviourSet() : BehaviourSet::FromBits(0b101);
  }
  return incidents;
}

void ExpectReadsBack(const std::vector<Incident>& incidents, uint32_t version) {
  std::string blob = EncodeSegment(Pointers(incidents), version);
  auto reader = SegmentReader::Open(blob);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->format_version(), version);
  ASSERT_EQ(reader->row_count(), incidents.size());
  for (size_t i = 0; i < incidents.size(); ++i) {
    SCOPED_TRACE("version " + std::to_string(version) + " row " + std::to_string(i));
    ExpectSameIncident(reader->ToIncident(i, "load.csv"), incidents[i], "load.csv");
    EXPECT_EQ(reader->source_id(i), incidents[i].source_id);
    EXPECT_EQ(reader->occurred(i), incidents[i].occurred);
  }
}

TEST(IncidentSegmentV2, is_the_version_written_by_default) {
  std::vector<Incident> incidents = PoliceUkLike(3);
  auto reader = SegmentReader::Open(EncodeSegment(Pointers(incidents)));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->format_version(), kSegmentFormatVersion);
  EXPECT_EQ(kSegmentFormatVersion, 2u);
}

TEST(IncidentSegmentV2, round_trips_every_field_in_both_versions) {
  ExpectReadsBack(VariedIncidents(), 2);
  ExpectReadsBack(VariedIncidents(), 1);
  ExpectReadsBack(PoliceUkLike(1000), 2);
  ExpectReadsBack(PoliceUkLike(1000), 1);
  ExpectReadsBack(PoliceUkLike(1), 2);
  std::vector<Incident> one_full{FullIncident()};
  ExpectReadsBack(one_full, 2);
}

TEST(IncidentSegmentV2, round_trips_ids_that_are_not_lowercase_hex) {
  std::vector<Incident> incidents = PoliceUkLike(9);
  const char* ids[] = {"",           "/",  "no-slash", "2022-01/ABCDEF",   "2022-01/abc",
                       "a/b/c0ffee", "x/", "/00",      "2022-01/\xff\x00z"};
  for (size_t i = 0; i < incidents.size(); ++i) incidents[i].source_id = ids[i];
  incidents[8].source_id.push_back('\0');
  ExpectReadsBack(incidents, 2);
}

TEST(IncidentSegmentV2, round_trips_ids_with_one_byte_that_is_not_a_lowercase_hex_digit_anywhere) {
  // Hexadecimal is packed sixteen digits at a time with word arithmetic: every byte
  // next to the digits' ranges, at every position of a word and of the tail, must be
  // kept as written, never packed as if it were a digit.
  const std::string digits = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01";
  const char near[] = {'g', 'h', 'o', 'p', 'w', '`', 'G', 'A', 'F', '/', ':', '@', ' ', '\x80', '\xe6', '\0'};
  std::vector<Incident> incidents;
  for (size_t length : {2, 16, 18, 64, 66}) {
    for (size_t at = 0; at < length; ++at) {
      for (char c : near) {
        Incident inc = PoliceUkLike(1)[0];
        inc.source_id = "2022-01/" + digits.substr(0, length);
        inc.source_id[8 + at] = c;
        incidents.push_back(inc);
      }
    }
  }
  Incident valid = PoliceUkLike(1)[0];
  valid.source_id = "2022-01/" + digits;
  incidents.push_back(valid);
  ExpectReadsBack(incidents, 2);
}

TEST(SegmentBuilder, writes_what_encode_segment_writes_even_if_each_row_changes_after_it_is_added) {
  for (uint32_t version : {1u, 2u}) {
    const std::vector<Incident> incidents = PoliceUkLike(500);
    SegmentBuilder builder(version);
    Incident row;  // one object reused for every row, as the parsing threads reuse theirs
    for (const Incident& inc : incidents) {
      row = inc;
      builder.Add(row);
      row.source_id = "overwritten";  // the builder must have copied the text
      row.location.description = "overwritten";
      row.location.csp_area = "E00000000";
    }
    EXPECT_EQ(builder.rows(), 500u);
    EXPECT_EQ(builder.Encode(), EncodeSegment(Pointers(incidents), version)) << "version " << version;

    // An id completed after its row was added (police.uk numbers identical ASB rows).
    std::vector<Incident> few(incidents.begin() + 7, incidents.begin() + 19);
    builder.Clear();
    for (const Incident& inc : few) builder.Add(inc);
    few[3].source_id += "-1";
    builder.SetSourceId(3, few[3].source_id);
    EXPECT_EQ(builder.Encode(), EncodeSegment(Pointers(few), version)) << "version " << version;
  }
}

TEST(IncidentSegmentV2, round_trips_an_empty_segment) {
  auto reader = SegmentReader::Open(EncodeSegment({}, 2));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->row_count(), 0u);
}

TEST(IncidentSegmentV2, keeps_extreme_integers_and_special_doubles) {
  std::vector<Incident> incidents(4, FullIncident());
  incidents[0].source.line = INT64_MAX;
  incidents[1].source.line = INT64_MIN;
  incidents[2].attendance.arrival_minute.reset();  // stored as INT64_MIN
  incidents[0].occurred = {INT64_MIN / 2, TimePrecision::kWindow, INT64_MAX / 2};
  incidents[3].location.confidence = -0.0;
  incidents[2].location.radius_metres = std::numeric_limits<double>::infinity();
  ExpectReadsBack(incidents, 2);
}

TEST(IncidentSegmentV2, stores_police_uk_rows_in_less_than_half_the_bytes_of_version_1) {
  std::vector<Incident> incidents = PoliceUkLike(20000);
  const double v1 = static_cast<double>(EncodeSegment(Pointers(incidents), 1).size()) / 20000;
  const double v2 = static_cast<double>(EncodeSegment(Pointers(incidents), 2).size()) / 20000;
  EXPECT_LT(v2, v1 / 2) << "bytes per incident: version 1 " << v1 << ", version 2 " << v2;
}

TEST(IncidentSegmentV2, refuses_an_unknown_column_encoding) {
  std::vector<Incident> incidents = PoliceUkLike(10);
  std::string blob = EncodeSegment(Pointers(incidents), 2);
  std::string bad = blob;
  bad[kHeaderBytes] = 7;  // the agency column's encoding byte
  ExpectDamaged(SegmentReader::Open(bad), "column 0 has an unknown encoding");
}

TEST(IncidentSegmentV2, refuses_every_truncation) {
  std::vector<Incident> incidents = PoliceUkLike(12);
  incidents[3] = FullIncident();
  const std::string blob = EncodeSegment(Pointers(incidents), 2);
  ASSERT_TRUE(SegmentReader::Open(blob).ok());
  for (size_t length = 0; length < blob.size(); ++length) {
    std::unique_ptr<char[]> storage;
    auto reader = OpenExact(std::string_view(blob).substr(0, length), &storage);
    ASSERT_FALSE(reader.ok()) << "a prefix of " << length << " of " << blob.size() << " bytes was accepted";
    EXPECT_EQ(reader.status().code(), StatusCode::kCorruption) << length;
  }
}

TEST(IncidentSegmentV2, survives_thousands_of_random_byte_flips) {
  std::vector<Incident> incidents = PoliceUkLike(12);
  incidents[3] = FullIncident();
  ExpectRandomByteFlipsCaught(EncodeSegment(Pointers(incidents), 2));
}

}  // namespace
}  // namespace harmlens
