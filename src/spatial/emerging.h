// Emerging hot spots: how each zone's hot- or cold-spot status changes over time. A
// zone × time-slice cube of values; Gi* in every slice (the same spatial weights); the
// Mann-Kendall trend of each zone's Gi* z series; and the classes of ArcGIS Pro's
// Emerging Hot Spot Analysis (new, consecutive, intensifying, persistent, diminishing,
// sporadic, oscillating, historical; hot and cold). Pure functions: thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "spatial/zones.h"

namespace harmlens {

// Mann-Kendall trend test: S = Σ_{i<j} sign(x_j − x_i), its variance corrected for
// ties, z with the continuity correction ((S − 1)/σ for S > 0, (S + 1)/σ for S < 0),
// and the two-sided normal p. Fewer than three values: S = z = 0, p = 1.
struct MannKendall {
  double s = 0;
  double z = 0;
  double p = 1;
};
MannKendall MannKendallTrend(const std::vector<double>& series);

enum class EmergingPattern {
  kNone,
  kNew,
  kConsecutive,
  kIntensifying,
  kPersistent,
  kDiminishing,
  kSporadic,
  kOscillating,
  kHistorical,
};

struct EmergingZone {
  EmergingPattern pattern = EmergingPattern::kNone;
  bool hot = true;  // the pattern is of hot spots (false: of cold spots)
  int hot_slices = 0;
  int cold_slices = 0;
  MannKendall trend;  // of the zone's Gi* z series
};
// "new hot spot", "persistent cold spot", ..., "no pattern".
std::string EmergingPatternName(const EmergingZone& zone);

struct EmergingOptions {
  double alpha = 0.05;        // a bin is hot (cold) if Gi* > 0 (< 0) and its BH q in its slice ≤ alpha
  double trend_alpha = 0.05;  // Mann-Kendall p for "intensifying" / "diminishing"
};

// `cube[t][i]`: the value of zone i in time slice t (oldest first), every slice with
// one value per zone of `nb` (binary weights including the zone itself).
Result<std::vector<EmergingZone>> EmergingHotSpots(const Neighbours& nb,
                                                   const std::vector<std::vector<double>>& cube,
                                                   const EmergingOptions& options);

// The classification alone, from a zone's significant-hot and significant-cold flags per
// slice (oldest first) and its trend; exposed so each rule can be tested on its own.
EmergingZone ClassifyEmerging(const std::vector<bool>& hot, const std::vector<bool>& cold,
                              const MannKendall& trend, double trend_alpha);

}  // namespace harmlens
