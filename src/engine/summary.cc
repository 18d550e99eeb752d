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
  IncidentScan scan;
  if (query.from) scan.from_minute = OccurredTime::Month(*query.from).local_minute;
  if (query.to) {
    scan.to_minute = OccurredTime::Month(YearMonth::FromIndex(query.to->Index() + 1)).local_minute;
  }
  const auto& areas = LlrCspAreas();
  // Area slot: 0..8 the LLR areas in code order, 9 outside LLR, 10 no location.
  constexpr int kOutsideSlot = kCspAreaCount;
  constexpr int kNoLocationSlot = kCspAreaCount + 1;
  std::map<std::tuple<int, int, int>, int64_t> counts;
  Status status = store->ScanIncidents(scan, [&](const IncidentRow& row) {
    if (query.agency && row.agency != *query.agency) return;
    if (query.behaviour && !row.behaviours.Has(*query.behaviour)) return;
    int slot = kNoLocationSlot;
    if (!row.csp_area.empty()) {
      // A district code that is not one of the nine is still a location: outside LLR.
      slot = kOutsideSlot;
      for (int a = 0; a < kCspAreaCount; ++a) {
        if (areas[a].code == row.csp_area) {
          slot = a;
          break;
        }
      }
    } else if (!row.lsoa_reported.empty() || !row.lsoa_by_point.empty()) {
      slot = kOutsideSlot;
    }
    if (query.csp_area && (slot >= kCspAreaCount || areas[slot].code != *query.csp_area)) return;
    ++counts[{slot, row.occurred.month().Index(), static_cast<int>(row.crime_type)}];
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
  IncidentScan scan;
  if (query.from) scan.from_minute = OccurredTime::Month(*query.from).local_minute;
  if (query.to) {
    scan.to_minute = OccurredTime::Month(YearMonth::FromIndex(query.to->Index() + 1)).local_minute;
  }
  bool seen[4] = {};
  HL_RETURN_IF_ERROR(store->ScanIncidents(scan, [&](const IncidentRow& row) {
    if (static_cast<size_t>(row.agency) < 4) seen[static_cast<size_t>(row.agency)] = true;
  }));
  std::vector<Agency> sources;
  for (int a = 0; a < 4; ++a) {
    if (seen[a]) sources.push_back(static_cast<Agency>(a));
  }
  return sources;
}

}  // namespace harmlens
