#include "spatial/incident_points.h"

#include <unordered_map>

namespace harmlens {

Result<IncidentPoints> SelectIncidentPoints(Store* store, const IncidentTable& table, const Query& query,
                                            const BritishGrid& grid) {
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, MatchingIncidents(table, query));
  const IncidentColumns& c = table.incidents();
  std::unordered_map<int64_t, double> harm_by_id;
  harm_by_id.reserve(rows.size());
  for (uint32_t r : rows) harm_by_id.emplace(c.id[r], c.harm_centidays[r] / 100.0);
  IncidentPoints out;
  out.matched = static_cast<int64_t>(rows.size());
  std::vector<GeoPoint> geo;
  Status status = store->ScanIncidents({}, [&](const IncidentRow& row) {
    auto it = harm_by_id.find(row.id);
    if (it == harm_by_id.end()) return;
    if (!row.point) {
      ++out.without_point;
      return;
    }
    geo.push_back(*row.point);
    IncidentPoint p;
    p.occurred = row.occurred;
    p.lsoa = std::string(!row.lsoa_reported.empty() ? row.lsoa_reported : row.lsoa_by_point);
    p.harm_days = it->second;
    out.points.push_back(std::move(p));
  });
  HL_RETURN_IF_ERROR(status);
  HL_ASSIGN_OR_RETURN(std::vector<GridPoint> at, grid.ToGrid(geo));
  for (size_t i = 0; i < at.size(); ++i) out.points[i].at = at[i];
  return out;
}

}  // namespace harmlens
