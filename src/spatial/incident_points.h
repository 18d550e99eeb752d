// The incidents a spatial statistic runs on: a filtered selection from the store, each
// with its place in British National Grid metres, its time as precisely as the source
// gave it and its LSOA. Until the analysis engine's query interface lands, the filters
// are the summary's (CSP area, months, crime type, behaviour, source). Reads through the
// Store interface; one call uses the store from one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/crime_type.h"
#include "model/harmful_behaviour.h"
#include "model/incident.h"
#include "model/time.h"
#include "spatial/british_grid.h"
#include "store/store.h"

namespace harmlens {

struct IncidentFilter {
  std::optional<std::string> csp_area;  // district code
  std::optional<YearMonth> from;        // inclusive
  std::optional<YearMonth> to;          // inclusive
  std::optional<CrimeType> crime_type;
  std::optional<HarmfulBehaviour> behaviour;
  std::optional<Agency> agency;
};

struct IncidentPoint {
  GridPoint at;
  OccurredTime occurred;
  // The LSOA the source gave, else the one containing the point ("" if neither): as the
  // summary counts, so LSOA totals reconcile with police.uk's own.
  std::string lsoa;
};

struct IncidentPoints {
  std::vector<IncidentPoint> points;
  int64_t matched = 0;        // incidents that pass the filter
  int64_t without_point = 0;  // ... of which have no point (not in `points`)
};

Result<IncidentPoints> SelectIncidentPoints(Store* store, const IncidentFilter& filter,
                                            const BritishGrid& grid);

}  // namespace harmlens
