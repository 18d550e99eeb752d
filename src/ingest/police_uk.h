// The police.uk street-level crime adapter: the national open CSV format (12 columns,
// month-only dates, anonymised "snap point" locations). Turns one record into an
// Incident or a QuarantinedRow with a reason a person can act on. Pure: no I/O, no
// store; one parser per thread (it keeps per-file state for duplicate ASB rows).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/csv.h"
#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/incident.h"
#include "model/load.h"

namespace harmlens {

inline constexpr std::string_view kPoliceUkFeed = "police-uk";
inline constexpr std::string_view kPoliceUkHeader =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context";
inline constexpr int kPoliceUkColumnCount = 12;

// OK if `bytes` start with the police.uk street header (a UTF-8 BOM and CRLF allowed);
// otherwise RejectedInput naming `file` and the expected header.
Status CheckPoliceUkHeader(const std::string& file, std::string_view bytes);

// Identical anti-social-behaviour rows in one file are distinct reports: the n-th copy
// (in file order) gets occurrence n, so a reload of the same file maps each copy to the
// same key. One per file; not thread-safe.
class AsbOccurrences {
 public:
  // How many times `source_id` was seen before; counts it.
  int Occurrence(std::string_view source_id);
  // Appends "-n" to the id of a row whose id is its content (see PoliceUkParser).
  void Number(std::string* source_id) { AppendOccurrence(source_id, Occurrence(*source_id)); }
  // Appends "-occurrence" to an id, as Number does.
  static void AppendOccurrence(std::string* source_id, int occurrence) {
    *source_id += '-';
    *source_id += std::to_string(occurrence);
  }

 private:
  // Each distinct id once, in one buffer, with how often it has been seen: a flat
  // table, as std::unordered_map's node and string per id cost 3% of a big ingest.
  struct Slot {
    uint32_t begin = 0, size = 0;  // of the id in ids_
    int32_t seen = 0;              // 0: the slot is empty
  };
  void Grow();
  std::string_view IdAt(const Slot& slot) const {
    return std::string_view(ids_).substr(slot.begin, slot.size);
  }

  std::string ids_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

// The LSOA polygon holding each distinct point seen, found once per point. A flat table
// (one cache line a lookup): std::unordered_map's bucket division and node chasing were
// four fifths of police.uk row parsing on a 2 M-row file.
class PointLsoaCache {
 public:
  // The LSOA containing `p` (null outside every LSOA); `p` must be finite.
  const Lsoa* LsoaContaining(const GeoPoint& p, const ReferenceGeography& geography);

 private:
  struct Entry {
    uint64_t lon = kEmpty, lat = 0;  // the coordinates' bits, -0.0 read as 0.0
    const Lsoa* lsoa = nullptr;
  };
  static constexpr uint64_t kEmpty = 0x7FF8DEADBEEF0000ull;  // a NaN: never a finite coordinate
  // The entry holding (lon, lat), or the empty one where it belongs.
  Entry& SlotOf(uint64_t lon, uint64_t lat);
  void Grow();

  std::vector<Entry> entries_;
  size_t size_ = 0;
};

class PoliceUkParser {
 public:
  // `geography` must outlive the parser. With `number_asb_later`, the id of a row
  // without a Crime ID is left without its occurrence number (NeedsOccurrenceNumber()
  // says so), for the caller to add in file order with an AsbOccurrences: so that
  // several parsers can share one file, each parsing a stretch of it.
  PoliceUkParser(std::string file, const ReferenceGeography& geography, bool number_asb_later = false);

  // One data record (not the header): fills `incident` and returns true, or fills
  // `rejected` and returns false. Every field of `incident` is overwritten, so callers
  // may reuse one object (and its string capacity) for row after row.
  bool Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected);
  // Whether the row just parsed awaits its occurrence number (only if number_asb_later).
  bool NeedsOccurrenceNumber() const { return needs_occurrence_; }
  // Goes on to the records of another file, keeping the points already placed: the
  // monthly files of one force share most of their snap points.
  void StartFile(std::string file);

 private:
  bool Reject(const CsvRecord& record, int column, std::string_view value, std::string reason,
              QuarantinedRow* rejected) const;

  std::string file_;
  const ReferenceGeography& geography_;
  bool number_asb_later_ = false;
  bool needs_occurrence_ = false;
  // The last Month field read, and the time it was read as (none if it was not a month).
  std::string last_month_text_;
  std::optional<OccurredTime> last_month_;
  // The LSOA code the last row's CSP area was found by, and that LSOA (null if none):
  // rows of a police.uk file come grouped by LSOA.
  std::string last_area_code_;
  const Lsoa* last_area_ = nullptr;
  AsbOccurrences asb_occurrences_;
  // police.uk snaps every point to one of a limited set of map points, so the polygon
  // lookup for each distinct point is done once per parser.
  PointLsoaCache lsoa_by_point_;
};

}  // namespace harmlens
