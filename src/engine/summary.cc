#include "engine/summary.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "model/geography.h"

namespace harmlens {

Result<std::vector<SummaryRow>> Summarise(Store* store, const SummaryQuery& query) {
  if (query.from && query.to && *query.to < *query.from) {
    return Status::InvalidArgument("the period is empty: --to " + query.to->ToString() +
                                   " is before --from " + query.from->ToString());
  }
  const auto& areas = LlrCspAreas();
  // Area slot: 0..8 the LLR areas in code order, 9 outside LLR, 10 no location.
  constexpr int kOutsideSlot = kCspAreaCount;
  constexpr int kNoLocationSlot = kCspAreaCount + 1;
  std::map<std::tuple<int, int, int>, int64_t> counts;
  // The store's per-cell counts, not its incidents: a summary of millions of incidents
  // then reads a few thousand rows.
  Status status = store->ScanIncidentCounts(query.from, query.to, [&](const IncidentCount& cell) {
    if (query.agency && cell.agency != *query.agency) return;
    if (query.behaviour && !cell.behaviours.Has(*query.behaviour)) return;
    int slot = kNoLocationSlot;
    if (!cell.csp_area.empty()) {
      // A district code that is not one of the nine is still a location: outside LLR.
      slot = kOutsideSlot;
      for (int a = 0; a < kCspAreaCount; ++a) {
        if (areas[a].code == cell.csp_area) {
          slot = a;
          break;
        }
      }
    } else if (cell.has_lsoa) {
      slot = kOutsideSlot;
    }
    if (query.csp_area && (slot >= kCspAreaCount || areas[slot].code != *query.csp_area)) return;
    counts[{slot, cell.month.Index(), static_cast<int>(cell.crime_type)}] += cell.incidents;
  });
  HL_RETURN_IF_ERROR(status);

  std::vector<SummaryRow> rows;
  rows.reserve(counts.size());
  for (const auto& [key, n] : counts) {
    auto [slot, month, type] = key;
    SummaryRow row;
    if (slot < kCspAreaCount) {
      row.csp_area = std::string(areas[slot].name);
      row.csp_code = std::string(areas[slot].code);
    } else {
      row.csp_area = std::string(slot == kOutsideSlot ? kOutsideLlr : kNoLocation);
    }
    row.month = YearMonth::FromIndex(month);
    row.crime_type = static_cast<CrimeType>(type);
    row.incidents = n;
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<Agency>> SourcesIn(Store* store, const SummaryQuery& query) {
  bool seen[4] = {};
  HL_RETURN_IF_ERROR(store->ScanIncidentCounts(query.from, query.to, [&](const IncidentCount& cell) {
    if (static_cast<size_t>(cell.agency) < 4 && cell.incidents > 0)
      seen[static_cast<size_t>(cell.agency)] = true;
  }));
  std::vector<Agency> sources;
  for (int a = 0; a < 4; ++a) {
    if (seen[a]) sources.push_back(static_cast<Agency>(a));
  }
  return sources;
}

}  // namespace harmlens
