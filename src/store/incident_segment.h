// The on-disk form of a batch of stored incidents: one columnar "segment" per batch,
// so a load writes a few large blobs instead of millions of rows, and the engine reads
// columns back at memory speed. Format version 1 is documented in
// docs/formats/incident-segment.md. Decoding validates every length and code first:
// a damaged blob is refused, never read out of bounds. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/incident.h"

namespace harmlens {

inline constexpr uint32_t kSegmentFormatVersion = 1;

// Encodes the incidents (their involvements are stored elsewhere) as one segment.
std::string EncodeSegment(const std::vector<const Incident*>& incidents);

class SegmentReader {
 public:
  // Checks the whole blob; the reader keeps views into it, so it must outlive them.
  static Result<SegmentReader> Open(std::string_view blob);

  uint32_t row_count() const { return rows_; }

  Agency agency(size_t i) const { return static_cast<Agency>(u8_[kAgency][i]); }
  std::string_view source_id(size_t i) const { return Text(kSourceId, i); }
  int64_t source_line(size_t i) const { return I64(kSourceLine, i); }
  OccurredTime occurred(size_t i) const {
    int64_t from = I64(kOccurredMinute, i);
    return {from, static_cast<TimePrecision>(u8_[kTimePrecision][i]), I64(kOccurredEndMinute, i) - from};
  }
  CrimeType crime_type(size_t i) const { return static_cast<CrimeType>(u8_[kCrimeType][i]); }
  BehaviourSet behaviours(size_t i) const;
  std::string_view csp_area(size_t i) const { return Text(kCspArea, i); }
  std::string_view lsoa_reported(size_t i) const { return Text(kLsoaReported, i); }
  std::string_view lsoa_by_point(size_t i) const { return Text(kLsoaByPoint, i); }
  std::string_view offence_code(size_t i) const { return Text(kOffenceCode, i); }
  std::string_view location_description(size_t i) const { return Text(kLocation, i); }
  Weapon weapon(size_t i) const { return static_cast<Weapon>(u8_[kWeapon][i]); }
  uint8_t domestic_code(size_t i) const { return u8_[kDomestic][i]; }  // 0 unknown, 1 no, 2 yes
  double longitude(size_t i) const { return F64(kLongitude, i); }      // NaN = no point
  double latitude(size_t i) const { return F64(kLatitude, i); }
  TimeNote time_note(size_t i) const { return static_cast<TimeNote>(u8_[kTimeNote][i]); }
  AssaultMethod assault_method(size_t i) const { return static_cast<AssaultMethod>(u8_[kAssaultMethod][i]); }

  // Every field, for exports and checks; `file` is the source file of the segment's load.
  Incident ToIncident(size_t i, const std::string& file) const;

  // Column numbers in format version 1, in the order they are written.
  enum ColumnId {
    kAgency = 0,      // u8
    kSourceId,        // text
    kSourceLine,      // i64
    kOccurredMinute,  // i64
    kTimePrecision,   // u8
    kCrimeType,       // u8
    kWeapon,          // u8
    kDomestic,        // u8: 0 unknown, 1 no, 2 yes
    kBehaviours,      // u32 bitmask
    kLongitude,       // f64, NaN = no point
    kLatitude,        // f64
    kLocation,        // text
    kLsoaReported,    // text
    kLsoaByPoint,     // text
    kCspArea,         // text
    kOutcome,         // text
    kOffenceCode,     // text
    kOccurredEndMinute,     // i64: = occurred_minute unless the precision is window
    kLocationMethod,        // text
    kLocationRadius,        // f64, NaN = not known
    kLocationConfidence,    // f64, 0..1
    kLocationType,          // u8
    kArrivalMinute,         // i64, INT64_MIN = none
    kAssaultMethod,         // u8
    kAssaultMethodOther,    // text
    kAssailantRelationship, // u8
    kTimeNote,              // u8
    kColumnCount
  };

 private:
  // A text column: a dictionary of distinct values and one code per row.
  struct TextColumn {
    const uint8_t* offsets = nullptr;  // dict_size + 1 little-endian u32
    const char* bytes = nullptr;
    const uint8_t* codes = nullptr;    // rows_ codes of code_width bytes (0: code = row)
    uint32_t dict_size = 0;
    uint8_t code_width = 0;
  };

  std::string_view Text(ColumnId column, size_t i) const;
  int64_t I64(ColumnId column, size_t i) const;
  double F64(ColumnId column, size_t i) const;

  uint32_t rows_ = 0;
  const uint8_t* u8_[kColumnCount] = {};
  const uint8_t* fixed_[kColumnCount] = {};  // i64 / f64 / u32 columns
  TextColumn text_[kColumnCount];
};

}  // namespace harmlens
