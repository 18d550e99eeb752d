// The map's kernel-density hot-spot layer: every incident's place projected once to
// British National Grid metres, and for each request the quartic KDE surface
// (spatial/kde.h) of the incidents a filter selects, on one grid covering LLR, as GeoJSON
// cells classed by multiples of the mean density. Any number of threads may ask at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/incident.h"
#include "server/incident_facts.h"
#include "spatial/british_grid.h"
#include "spatial/kde.h"

namespace harmlens {

class IncidentTable;

struct KdeLayerRequest {
  double bandwidth = 0;  // metres; 0 = the rule of thumb over the selected points
  double cell = 0;       // metres; 0 = a third of the bandwidth (kMinCell to kMaxCell, to 50 m)
};

// What the layer draws: the cells at or above the mean density of the cells with any,
// in classes 1 (1-2 × the mean) to 5 (5 × or more), as analysts class KDE hot spots
// (Chainey, "Examining the influence of cell size and bandwidth size on kernel density
// estimation crime hotspot maps", 2013): a threshold that means the same on any surface.
struct KdeLayerAnswer {
  int64_t matched = 0;        // incidents passing the filter
  int64_t without_point = 0;  // ... of which have no place: not in the surface
  double bandwidth = 0;       // metres, as used
  bool bandwidth_from_rule = false;
  double cell = 0;
  KdeMethod method = KdeMethod::kExact;
  double mean_density = 0;  // incidents per km², over the cells with a positive density
  int64_t cells_shown = 0;
  // Why there is no surface ("" when there is one): too few places for a bandwidth.
  std::string note;
  // A FeatureCollection of the cells shown: squares with density_per_km2, times_mean, class.
  std::string cells_geojson;
};

inline constexpr int kKdeClasses = 5;
const char* KdeClassColour(int kde_class);  // class 1..5, light to dark

class KdeLayer {
 public:
  // From the engine's columns: one place per incident, in the order IncidentFacts::FromTable
  // makes its rows. Projects on two threads (about 1.8 M points/s each).
  static Result<std::unique_ptr<KdeLayer>> FromTable(const IncidentTable& table);
  // From places given directly, one per facts row (NaN longitude: no place): tests.
  static Result<std::unique_ptr<KdeLayer>> FromPlaces(const std::vector<GeoPoint>& places,
                                                      const ReferenceGeography& geography);

  // The surface of the incidents `filter` selects from `facts` (made from the same rows).
  // nullopt if `deadline` passes first, waiting for another surface included; an error
  // for a request outside the limits.
  std::optional<Result<KdeLayerAnswer>> Surface(const IncidentFacts& facts, const AnalysisFilter& filter,
                                                const KdeLayerRequest& request, Deadline deadline) const;

  // The limits a request must keep: cells drawn in a browser, kernels worth computing.
  static constexpr double kMinCell = 200, kMaxCell = 2000;
  static constexpr double kMinBandwidth = 100, kMaxBandwidth = 10000;
  // A kernel wider than this many cells costs its square in every cell it touches, for a
  // surface no smoother to the eye.
  static constexpr double kMaxCellsPerBandwidth = 20;
  // Above this many kernel evaluations (points × cells within a bandwidth) the surface is
  // binned (spatial/kde.h), whose cost does not grow with the points; each point then
  // moves by at most half a cell diagonal.
  static constexpr double kMaxExactEvaluations = 1e8;

 private:
  KdeLayer(std::vector<float> x, std::vector<float> y, GridPoint llr_min, GridPoint llr_max,
           std::unique_ptr<BritishGrid> grid);
  static Result<std::unique_ptr<KdeLayer>> Build(const std::vector<float>& longitude,
                                                 const std::vector<float>& latitude,
                                                 const ReferenceGeography& geography);
  std::vector<float> x_, y_;  // grid metres per row; NaN where the incident has no place
  GridPoint llr_min_, llr_max_;  // the corners of the LLR LSOAs' extent
  std::unique_ptr<BritishGrid> grid_;  // for the cells' corners
  // One surface at a time: each holds its selection (up to 20 bytes an incident) while it
  // is computed, so 50 clients asking at once must not hold 50 of them.
  mutable std::timed_mutex computing_;
};

}  // namespace harmlens
