// The on-disk form of a batch of stored incidents: one columnar "segment" per batch,
// so a load writes a few large blobs instead of millions of rows, and the engine reads
// columns back at memory speed. Format versions 1 and 2 (compact columns; what is
// written) are documented in docs/formats/incident-segment.md; both are read.
// Decoding validates every length and code first: a damaged blob is refused, never
// read out of bounds. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/incident.h"

namespace harmlens {

inline constexpr uint32_t kSegmentFormatVersion = 2;

// Encodes the incidents (their involvements are stored elsewhere) as one segment of
// `version` (1 only to test that stores written before version 2 stay readable).
std::string EncodeSegment(const std::vector<const Incident*>& incidents,
                          uint32_t version = kSegmentFormatVersion);

// EncodeSegment row by row, for a caller that has just made each row (the police.uk
// parsing threads): its values are read while still in the cache, and text is copied
// into the builder's dictionaries, so the incident may move or change after Add.
class SegmentBuilder {
 public:
  explicit SegmentBuilder(uint32_t version = kSegmentFormatVersion);
  ~SegmentBuilder();
  SegmentBuilder(const SegmentBuilder&) = delete;
  SegmentBuilder& operator=(const SegmentBuilder&) = delete;

  void Add(const Incident& incident);
  // Replaces the source id of row `row` (police.uk's anti-social-behaviour ids are
  // completed after parsing).
  void SetSourceId(size_t row, std::string_view id);
  size_t rows() const;
  // The segment of the rows added.
  std::string Encode() const;
  // Forgets the rows, for the next segment.
  void Clear();

 private:
  struct Columns;
  uint32_t version_;
  std::unique_ptr<Columns> columns_;
};

class SegmentReader {
 public:
  // Checks the whole blob; the reader keeps views into it, so it must outlive them.
  static Result<SegmentReader> Open(std::string_view blob);

  uint32_t row_count() const { return rows_; }
  uint32_t format_version() const { return version_; }

  Agency agency(size_t i) const { return static_cast<Agency>(U8(kAgency, i)); }
  std::string_view source_id(size_t i) const { return Text(kSourceId, i); }
  int64_t source_line(size_t i) const { return I64(kSourceLine, i); }
  OccurredTime occurred(size_t i) const {
    int64_t from = I64(kOccurredMinute, i);
    return {from, static_cast<TimePrecision>(U8(kTimePrecision, i)), EndMinute(i) - from};
  }
  CrimeType crime_type(size_t i) const { return static_cast<CrimeType>(U8(kCrimeType, i)); }
  BehaviourSet behaviours(size_t i) const;
  std::string_view csp_area(size_t i) const { return Text(kCspArea, i); }
  std::string_view lsoa_reported(size_t i) const { return Text(kLsoaReported, i); }
  std::string_view lsoa_by_point(size_t i) const { return Text(kLsoaByPoint, i); }
  std::string_view offence_code(size_t i) const { return Text(kOffenceCode, i); }
  std::string_view location_description(size_t i) const { return Text(kLocation, i); }
  Weapon weapon(size_t i) const { return static_cast<Weapon>(U8(kWeapon, i)); }
  uint8_t domestic_code(size_t i) const { return U8(kDomestic, i); }   // 0 unknown, 1 no, 2 yes
  double longitude(size_t i) const { return F64(kLongitude, i); }      // NaN = no point
  double latitude(size_t i) const { return F64(kLatitude, i); }
  TimeNote time_note(size_t i) const { return static_cast<TimeNote>(U8(kTimeNote, i)); }
  AssaultMethod assault_method(size_t i) const { return static_cast<AssaultMethod>(U8(kAssaultMethod, i)); }

  // Every field, for exports and checks; `file` is the source file of the segment's load.
  Incident ToIncident(size_t i, const std::string& file) const;

  // Column numbers (both versions), in the order they are written.
  enum ColumnId {
    kAgency = 0,             // u8
    kSourceId,               // text
    kSourceLine,             // i64
    kOccurredMinute,         // i64
    kTimePrecision,          // u8
    kCrimeType,              // u8
    kWeapon,                 // u8
    kDomestic,               // u8: 0 unknown, 1 no, 2 yes
    kBehaviours,             // u32 bitmask
    kLongitude,              // f64, NaN = no point
    kLatitude,               // f64
    kLocation,               // text
    kLsoaReported,           // text
    kLsoaByPoint,            // text
    kCspArea,                // text
    kOutcome,                // text
    kOffenceCode,            // text
    kOccurredEndMinute,      // i64: = occurred_minute unless the precision is window (v2: end - start)
    kLocationMethod,         // text
    kLocationRadius,         // f64, NaN = not known
    kLocationConfidence,     // f64, 0..1
    kLocationType,           // u8
    kArrivalMinute,          // i64, INT64_MIN = none
    kAssaultMethod,          // u8
    kAssaultMethodOther,     // text
    kAssailantRelationship,  // u8
    kTimeNote,               // u8
    kColumnCount
  };

 private:
  // A text column: a dictionary of distinct values and one code per row.
  struct TextColumn {
    const uint8_t* offsets = nullptr;  // dict_size + 1 little-endian u32
    const char* bytes = nullptr;
    const uint8_t* codes = nullptr;  // rows_ codes of code_width bytes (0: see Text())
    uint32_t dict_size = 0;
    uint8_t code_width = 0;
  };
  // A fixed-width column (u8, u32, i64, f64), as its values' bits. Version 1 stores
  // every value (kRaw); version 2 may store one value for all rows, small offsets from
  // a base, or one-byte codes into a short table.
  enum class Fixed : uint8_t { kRaw = 0, kConstant = 1, kOffsets = 2, kTable = 3 };
  struct FixedColumn {
    Fixed mode = Fixed::kRaw;
    uint8_t width = 0;  // bytes per row: the value (kRaw), offset or code
    uint64_t base = 0;  // the constant, or the base the offsets add to
    const uint8_t* data = nullptr;
    const uint8_t* table = nullptr;  // kTable: up to 255 values of 8 bytes
  };

  uint64_t Bits(ColumnId column, size_t i) const {
    const FixedColumn& c = fixed_[column];
    switch (c.mode) {
      case Fixed::kRaw:
        return Unsigned(c.data + i * c.width, c.width);
      case Fixed::kConstant:
        return c.base;
      case Fixed::kOffsets:
        return c.base + Unsigned(c.data + i * c.width, c.width);
      case Fixed::kTable:
        return Unsigned(c.table + 8 * static_cast<size_t>(c.data[i]), 8);
    }
    return 0;
  }
  static uint64_t Unsigned(const uint8_t* p, uint8_t width) {
    uint64_t v = 0;
    std::memcpy(&v, p, width);  // little-endian: the low bytes
    return v;
  }
  uint8_t U8(ColumnId column, size_t i) const { return static_cast<uint8_t>(Bits(column, i)); }
  int64_t EndMinute(size_t i) const {
    // Version 2 stores the end as minutes after the start (0 unless a window).
    return version_ == 1 ? I64(kOccurredEndMinute, i)
                         : static_cast<int64_t>(static_cast<uint64_t>(I64(kOccurredMinute, i)) +
                                                Bits(kOccurredEndMinute, i));
  }
  std::string_view Text(ColumnId column, size_t i) const;
  static Result<std::shared_ptr<const std::string>> ReadSplitIds(const uint8_t*& p, const uint8_t* end,
                                                                 size_t rows, const std::string& name);
  int64_t I64(ColumnId column, size_t i) const { return static_cast<int64_t>(Bits(column, i)); }
  double F64(ColumnId column, size_t i) const;

  uint32_t rows_ = 0;
  uint32_t version_ = 1;
  FixedColumn fixed_[kColumnCount];
  TextColumn text_[kColumnCount];
  // Version 2 source ids, spelled out at Open (their column then reads as version 1's).
  std::shared_ptr<const std::string> ids_;
};

}  // namespace harmlens
