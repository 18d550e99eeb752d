// What the store keeps beside each segment of incidents, so as not to open the segment
// for the common questions: how many incidents fall in each summary cell (the
// incident_counts table, which `summary` reads) and the span of their occurred times.
// Made where the incidents are: on the parsing thread with the segment, or by the store.
#pragma once

#include <cstdint>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/text_hash.h"
#include "model/incident.h"

namespace harmlens {

// How many stored incidents share the fields a CSP summary groups and filters on. The
// same cell may be visited more than once (say, once per stored batch): callers add.
struct IncidentCount {
  Agency agency = Agency::kPoliceUk;
  CrimeType crime_type = CrimeType::kOtherCrime;
  YearMonth month;  // of the occurred time (a window's start)
  BehaviourSet behaviours;
  std::string_view csp_area;  // "" = outside LLR or no location; valid during the callback
  bool has_lsoa = false;      // an LSOA is known (reported or by point)
  int64_t incidents = 0;
};

// Keeps its own copy of each area code (a dozen at most), so the incidents may move or
// change after Add.
class SegmentSummary {
 public:
  void Add(const Incident& incident) {
    const IncidentLocation& where = incident.location;
    // A segment's rows mostly share a month: the calendar arithmetic once per run of them.
    if (incident.occurred.local_minute != month_of_minute_.first) {
      month_of_minute_ = {incident.occurred.local_minute, incident.occurred.month().Index()};
    }
    AddToCell(incident.source.agency, incident.crime_type, month_of_minute_.second,
              incident.behaviours.bits(), where.csp_area, !where.lsoa_reported.empty() || !where.lsoa_by_point.empty());
    min_minute_ = std::min(min_minute_, incident.occurred.local_minute);
    max_minute_ = std::max(max_minute_, incident.occurred.local_minute);
    involvements_ += static_cast<int64_t>(incident.involvements.size());
  }
  // Counts one incident in its cell only (for incidents read back from a segment).
  void AddToCell(Agency agency, CrimeType type, int month_index, uint32_t behaviours, std::string_view csp_area,
                 bool has_lsoa) {
    Key key{(static_cast<uint64_t>(behaviours) << 32) | static_cast<uint32_t>(month_index),
            static_cast<uint64_t>(agency) | static_cast<uint64_t>(type) << 8 |
                static_cast<uint64_t>(has_lsoa) << 16 | static_cast<uint64_t>(AreaIndex(csp_area)) << 32};
    if ((cells_.size() + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = KeyHash{}(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) {
        cells_.push_back({key, 1});
        slots_[i] = static_cast<uint32_t>(cells_.size());
        break;
      }
      Cell& cell = cells_[slots_[i] - 1];
      if (cell.key == key) {
        ++cell.incidents;
        break;
      }
    }
    ++rows_;
  }
  void Clear() {
    areas_.clear();
    cells_.clear();
    std::fill(slots_.begin(), slots_.end(), 0);
    rows_ = involvements_ = 0;
    min_minute_ = INT64_MAX;
    max_minute_ = INT64_MIN;
  }

  int64_t rows() const { return rows_; }
  // Of the incidents given to Add(): their earliest and latest occurred minutes, and
  // how many people are involved in them.
  int64_t min_minute() const { return min_minute_; }
  int64_t max_minute() const { return max_minute_; }
  int64_t involvements() const { return involvements_; }

  // Calls `visit` once per cell.
  template <typename Visit>
  Status ForEachCell(Visit visit) const {
    for (const auto& [key, n] : cells_) {
      IncidentCount cell;
      cell.agency = static_cast<Agency>(key.rest & 0xFF);
      cell.crime_type = static_cast<CrimeType>((key.rest >> 8) & 0xFF);
      cell.has_lsoa = ((key.rest >> 16) & 1) != 0;
      cell.csp_area = areas_[key.rest >> 32];
      cell.month = YearMonth::FromIndex(static_cast<int32_t>(key.month_and_behaviours & 0xFFFFFFFF));
      cell.behaviours = BehaviourSet::FromBits(static_cast<uint32_t>(key.month_and_behaviours >> 32));
      cell.incidents = n;
      HL_RETURN_IF_ERROR(visit(cell));
    }
    return Status::Ok();
  }

 private:
  struct Key {
    uint64_t month_and_behaviours;
    uint64_t rest;  // agency, crime type, has_lsoa, area index
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      const uint64_t h = (k.month_and_behaviours * 0x9E3779B97F4A7C15ull) ^ (k.rest * 0xBF58476D1CE4E5B9ull);
      return h ^ (h >> 29);
    }
  };
  struct Cell {
    Key key;
    int64_t incidents;
  };
  // Cells in first-seen order, found by open addressing (a flat table: std::unordered_map's
  // division and nodes were most of the counting); a cleared table keeps its size.
  void Grow() {
    slots_.assign(std::max<size_t>(64, slots_.size() * 2), 0);
    const size_t mask = slots_.size() - 1;
    for (size_t c = 0; c < cells_.size(); ++c) {
      size_t i = KeyHash{}(cells_[c].key) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(c + 1);
    }
  }
  // A batch holds a dozen distinct areas at most: a linear search beats hashing them.
  uint32_t AreaIndex(std::string_view area) {
    for (size_t i = 0; i < areas_.size(); ++i) {
      if (TextEquals(areas_[i], area)) return static_cast<uint32_t>(i);
    }
    areas_.emplace_back(area);
    return static_cast<uint32_t>(areas_.size() - 1);
  }
  std::pair<int64_t, int> month_of_minute_{INT64_MIN, 0};  // the last row's minute and month
  std::vector<std::string> areas_;
  std::vector<Cell> cells_;
  std::vector<uint32_t> slots_;  // 1 + a cell's index; 0 empty
  int64_t rows_ = 0;
  int64_t min_minute_ = INT64_MAX;
  int64_t max_minute_ = INT64_MIN;
  int64_t involvements_ = 0;
};

}  // namespace harmlens
