// The incidents a spatial statistic runs on: the analysis engine's selection (any cut of
// the five variables, engine/query.h), each with its place in British National Grid
// metres, its time as precisely as the source gave it, its LSOA and its harm weight.
// Reads the store once; one call uses the store from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/incident_table.h"
#include "engine/query.h"
#include "model/incident.h"
#include "model/time.h"
#include "spatial/british_grid.h"
#include "store/store.h"

namespace harmlens {

struct IncidentPoint {
  GridPoint at;
  OccurredTime occurred;
  // The LSOA the source gave, else the one containing the point ("" if neither): as
  // police.uk and the summary count, so LSOA totals reconcile with police.uk's own.
  std::string lsoa;
  double harm_days = 0;  // the engine's harm weight (engine/harm_weights.h)
};

struct IncidentPoints {
  std::vector<IncidentPoint> points;
  int64_t matched = 0;        // incidents the query selects
  int64_t without_point = 0;  // ... of which have no point (not in `points`)
};

// The incidents `query` selects from `table` (its grouping and measures are ignored),
// read back from `store` for their full-precision points (the table holds floats).
Result<IncidentPoints> SelectIncidentPoints(Store* store, const IncidentTable& table, const Query& query,
                                            const BritishGrid& grid);

}  // namespace harmlens
