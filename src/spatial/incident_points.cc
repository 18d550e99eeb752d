#include "spatial/incident_points.h"

namespace harmlens {

Result<IncidentPoints> SelectIncidentPoints(Store* store, const IncidentFilter& filter,
                                            const BritishGrid& grid) {
  IncidentScan scan;
  if (filter.from) scan.from_minute = DaysFromCivil(filter.from->year, filter.from->month, 1) * 1440;
  if (filter.to) {
    YearMonth next = YearMonth::FromIndex(filter.to->Index() + 1);
    scan.to_minute = DaysFromCivil(next.year, next.month, 1) * 1440;
  }
  IncidentPoints out;
  std::vector<GeoPoint> geo;
  Status status = store->ReadIncidents(scan, [&](int64_t, const Incident& incident) {
    if (filter.csp_area && incident.location.csp_area != *filter.csp_area) return;
    if (filter.crime_type && incident.crime_type != *filter.crime_type) return;
    if (filter.behaviour && !incident.behaviours.Has(*filter.behaviour)) return;
    if (filter.agency && incident.source.agency != *filter.agency) return;
    ++out.matched;
    if (!incident.location.point) {
      ++out.without_point;
      return;
    }
    geo.push_back(*incident.location.point);
    IncidentPoint p;
    p.occurred = incident.occurred;
    p.lsoa = !incident.location.lsoa_reported.empty() ? incident.location.lsoa_reported
                                                      : incident.location.lsoa_by_point;
    out.points.push_back(std::move(p));
  });
  HL_RETURN_IF_ERROR(status);
  HL_ASSIGN_OR_RETURN(std::vector<GridPoint> at, grid.ToGrid(geo));
  for (size_t i = 0; i < at.size(); ++i) out.points[i].at = at[i];
  return out;
}

}  // namespace harmlens
