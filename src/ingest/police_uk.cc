#include "ingest/police_uk.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "base/text_hash.h"
#include "ingest/partner_csv.h"
#include "model/behaviour_rules.h"

namespace harmlens {
namespace {

enum Column {
  kCrimeId = 0,
  kMonth,
  kReportedBy,
  kFallsWithin,
  kLongitude,
  kLatitude,
  kLocation,
  kLsoaCode,
  kLsoaName,
  kCrimeType,
  kLastOutcome,
  kContext,
};

constexpr std::array<std::string_view, kPoliceUkColumnCount> kColumnNames = {
    "Crime ID",  "Month",     "Reported by", "Falls within", "Longitude",             "Latitude",
    "Location",  "LSOA code", "LSOA name",   "Crime type",   "Last outcome category", "Context"};

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

std::string ContentHash(const CsvRecord& record) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 16);
  for (std::string_view field : record.fields) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
    const unsigned char sep = 0x1f;  // fields are joined with a unit separator
    crypto_generichash_update(&state, &sep, 1);
  }
  unsigned char digest[16];
  crypto_generichash_final(&state, digest, sizeof digest);
  return Hex(digest, sizeof digest);
}

}  // namespace

Status CheckPoliceUkHeader(const std::string& file, std::string_view bytes) {
  std::string expected = "expected a police.uk street-level crime CSV whose first line is \"" +
                         std::string(kPoliceUkHeader) + "\"";
  HL_RETURN_IF_ERROR(CheckTextFile(file, bytes, expected));
  std::string_view first = FirstLine(bytes);
  if (first != kPoliceUkHeader) {
    return Status::RejectedInput("the header is " + QuotedForMessage(first) + "; " + expected, {file, 1, ""});
  }
  return Status::Ok();
}

int AsbOccurrences::Occurrence(std::string_view source_id) {
  if ((used_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = TextHash(source_id) & mask;
  while (slots_[i].seen > 0 && !TextEquals(IdAt(slots_[i]), source_id)) i = (i + 1) & mask;
  Slot& slot = slots_[i];
  if (slot.seen == 0) {
    slot.begin = static_cast<uint32_t>(ids_.size());
    slot.size = static_cast<uint32_t>(source_id.size());
    ids_ += source_id;
    ++used_;
  }
  return slot.seen++;
}

void AsbOccurrences::Grow() {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(std::max<size_t>(1024, slots_.size() * 2)));
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.seen == 0) continue;
    size_t i = TextHash(IdAt(slot)) & mask;
    while (slots_[i].seen > 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

PointLsoaCache::Entry& PointLsoaCache::SlotOf(uint64_t lon, uint64_t lat) {
  uint64_t h = (lon * 0x9E3779B97F4A7C15ull) ^ (lat + 0x632BE59BD9B4E019ull + (lon << 6) + (lon >> 2));
  h *= 0xBF58476D1CE4E5B9ull;
  const size_t mask = entries_.size() - 1;
  for (size_t i = (h ^ (h >> 31)) & mask;; i = (i + 1) & mask) {
    Entry& e = entries_[i];
    if ((e.lon == lon && e.lat == lat) || e.lon == kEmpty) return e;
  }
}

const Lsoa* PointLsoaCache::LsoaContaining(const GeoPoint& p, const ReferenceGeography& geography) {
  if ((size_ + 1) * 2 > entries_.size()) Grow();
  uint64_t lon, lat;
  const double x = p.longitude + 0.0, y = p.latitude + 0.0;  // -0.0 as 0.0: they are equal
  std::memcpy(&lon, &x, sizeof lon);
  std::memcpy(&lat, &y, sizeof lat);
  Entry& e = SlotOf(lon, lat);
  if (e.lon == kEmpty) {
    e = {lon, lat, geography.LsoaContaining(p)};
    ++size_;
  }
  return e.lsoa;
}

void PointLsoaCache::Grow() {
  std::vector<Entry> old = std::exchange(entries_, std::vector<Entry>(std::max<size_t>(1024, entries_.size() * 2)));
  for (const Entry& e : old) {
    if (e.lon != kEmpty) SlotOf(e.lon, e.lat) = e;
  }
}

PoliceUkParser::PoliceUkParser(std::string file, const ReferenceGeography& geography, bool number_asb_later)
    : file_(std::move(file)), geography_(geography), number_asb_later_(number_asb_later) {}

void PoliceUkParser::StartFile(std::string file) {
  file_ = std::move(file);
  asb_occurrences_ = AsbOccurrences();
}

bool PoliceUkParser::Reject(const CsvRecord& record, int column, std::string_view value, std::string reason,
                            QuarantinedRow* rejected) const {
  rejected->source = {Agency::kPoliceUk, file_, record.line};
  rejected->column_index = column;
  rejected->column = column >= 0 && column < kPoliceUkColumnCount ? std::string(kColumnNames[column]) : "";
  rejected->value = std::string(value);
  rejected->reason = std::move(reason);
  rejected->raw = std::string(record.raw);
  return false;
}

bool PoliceUkParser::Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected) {
  needs_occurrence_ = false;
  if (record.blank) return Reject(record, -1, "", "the line is blank (expected a crime record)", rejected);
  if (!record.ascii && !IsValidUtf8(record.raw)) {
    return Reject(record, -1, "", "the row is not valid UTF-8 text (police.uk files are UTF-8)", rejected);
  }
  if (!record.error.empty()) {
    int column = static_cast<int>(record.error_field);
    std::string_view value = record.error_field < record.fields.size() ? record.fields[record.error_field] : "";
    return Reject(record, column < kPoliceUkColumnCount ? column : -1, value, record.error, rejected);
  }
  const auto& f = record.fields;
  if (f.size() != kPoliceUkColumnCount) {
    return Reject(record, -1, "",
                  "expected " + std::to_string(kPoliceUkColumnCount) + " fields, found " +
                      std::to_string(f.size()) + " (a Location containing a comma must be in double quotes)",
                  rejected);
  }

  // A file's rows share one month: read again only when its text changes.
  if (f[kMonth] != last_month_text_) {
    const std::optional<YearMonth> month = ParseYearMonth(f[kMonth]);
    last_month_text_.assign(f[kMonth]);
    last_month_ = month ? std::optional(OccurredTime::Month(*month)) : std::nullopt;
  }
  if (!last_month_) {
    return Reject(record, kMonth, f[kMonth],
                  "cannot read " + QuotedForMessage(f[kMonth]) + " as a month (expected YYYY-MM)", rejected);
  }
  std::optional<CrimeType> type = CrimeTypeFromName(f[kCrimeType]);
  if (!type) {
    return Reject(record, kCrimeType, f[kCrimeType],
                  "unknown crime type " + QuotedForMessage(f[kCrimeType]) +
                      " (expected one of the 14 police.uk types, e.g. \"Burglary\")",
                  rejected);
  }
  std::string_view crime_id = f[kCrimeId];
  if (crime_id.empty() && *type != CrimeType::kAntiSocialBehaviour) {
    return Reject(record, kCrimeId, "",
                  "Crime ID is empty (only Anti-social behaviour rows may have no Crime ID)", rejected);
  }

  std::optional<GeoPoint> point;
  bool has_lon = !f[kLongitude].empty();
  bool has_lat = !f[kLatitude].empty();
  if (has_lon != has_lat) {
    int missing = has_lon ? kLatitude : kLongitude;
    return Reject(record, missing, "",
                  std::string(kColumnNames[missing]) + " is empty but " +
                      std::string(kColumnNames[has_lon ? kLongitude : kLatitude]) +
                      " is given (expected both or neither)",
                  rejected);
  }
  if (has_lon) {
    std::optional<double> lon = ParseDegrees(f[kLongitude]);
    if (!lon) {
      return Reject(record, kLongitude, f[kLongitude],
                    "cannot read " + QuotedForMessage(f[kLongitude]) +
                        " as a longitude (expected decimal degrees, e.g. -1.133)",
                    rejected);
    }
    std::optional<double> lat = ParseDegrees(f[kLatitude]);
    if (!lat) {
      return Reject(record, kLatitude, f[kLatitude],
                    "cannot read " + QuotedForMessage(f[kLatitude]) +
                        " as a latitude (expected decimal degrees, e.g. 52.634)",
                    rejected);
    }
    if (*lon < kMinLongitude || *lon > kMaxLongitude) {
      return Reject(record, kLongitude, f[kLongitude],
                    "longitude " + std::string(f[kLongitude]) + " is outside the United Kingdom (expected -8.7 to 1.9)",
                    rejected);
    }
    if (*lat < kMinLatitude || *lat > kMaxLatitude) {
      return Reject(record, kLatitude, f[kLatitude],
                    "latitude " + std::string(f[kLatitude]) + " is outside the United Kingdom (expected 49.8 to 60.9)",
                    rejected);
    }
    point = GeoPoint{*lon, *lat};
  }
  std::string_view lsoa = f[kLsoaCode];
  if (!lsoa.empty() && !IsLsoaCode(lsoa)) {
    return Reject(record, kLsoaCode, lsoa,
                  "cannot read " + QuotedForMessage(lsoa) + " as an LSOA code (expected E01 or W01 followed by six digits)",
                  rejected);
  }

  // The row is good: overwrite every field of the (possibly reused) incident.
  Incident& inc = *incident;
  inc.source.agency = Agency::kPoliceUk;
  inc.source.file = file_;
  inc.source.line = record.line;
  inc.occurred = *last_month_;
  inc.crime_type = *type;
  inc.offence_code.clear();
  inc.weapon = Weapon::kUnknown;
  inc.domestic.reset();
  inc.involvements.clear();
  inc.location.point = point;
  inc.location.lsoa_by_point.clear();
  if (point) {
    if (const Lsoa* containing = lsoa_by_point_.LsoaContaining(*point, geography_)) {
      inc.location.lsoa_by_point = containing->code;
    }
  }
  inc.location.lsoa_reported.assign(lsoa);
  // CSP area follows police.uk's own LSOA label, so counts reconcile with police.uk;
  // only a row without a label falls back to the polygon that contains its point.
  std::string_view area_lsoa = lsoa.empty() ? std::string_view(inc.location.lsoa_by_point) : lsoa;
  if (area_lsoa != last_area_code_) {
    last_area_code_.assign(area_lsoa);
    last_area_ = geography_.FindLsoa(area_lsoa);
  }
  const Lsoa* area = last_area_;
  if (area) {
    inc.location.csp_area = area->csp_area;
  } else {
    inc.location.csp_area.clear();
  }
  inc.location.description.assign(f[kLocation]);
  // police.uk moves every point to an anonymous "snap point" and does not say how far.
  // Rows (and the reused incident) almost always have the same method: a copy a row
  // cost 2% of police.uk parsing.
  AssignIfChanged(inc.location.method,
                  point ? kLocationPoliceUkSnapPoint : lsoa.empty() ? kLocationNotGiven : kLocationLsoaOnly);
  inc.location.radius_metres.reset();
  inc.location.confidence = point || !lsoa.empty() ? 1.0 : 0.0;
  inc.location.type = LocationType::kUnknown;
  inc.outcome.assign(f[kLastOutcome]);
  inc.occurred_note = TimeNote::kNone;
  inc.attendance.arrival_minute.reset();  // field by field: keeps the string's capacity
  inc.attendance.method = AssaultMethod::kUnknown;
  inc.attendance.method_other.clear();
  inc.attendance.assailant = AssailantRelationship::kUnknown;

  // police.uk republishes a crime in a later month now and then (same Crime ID); each
  // monthly record is kept, as police.uk's own monthly counts do.
  inc.source_id.assign(f[kMonth]);
  inc.source_id += '/';
  if (crime_id.empty()) {
    // "Month/asb-<content hash>", then "-<occurrence>": the month is part of the hashed
    // content, so counting whole ids counts identical rows.
    inc.source_id += "asb-";
    inc.source_id += ContentHash(record);
    if (number_asb_later_) {
      needs_occurrence_ = true;
    } else {
      asb_occurrences_.Number(&inc.source_id);
    }
  } else {
    inc.source_id.append(crime_id);
  }
  inc.behaviours = TagBehaviours(inc);
  return true;
}

}  // namespace harmlens
