// Local statistics of clustering over zones: Getis-Ord Gi* with Benjamini-Hochberg
// false-discovery-rate classes, and local Moran's I with conditional permutation
// inference from a recorded seed. Pure functions over plain values: safe to call from
// several threads at once. Definitions: docs/spatial.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "spatial/zones.h"

namespace harmlens {

// Gi* z-score of each zone for binary weights `nb` that include the zone itself (as
// spdep localG with include.self): with n zones, x̄ the mean and s² = Σ(x − x̄)²/n,
//   z_i = (Σ_{j∈N(i)} x_j − x̄·W_i) / √(s² · (n·W_i − W_i²)/(n − 1)),  W_i = |N(i)|.
// A zone whose every neighbour is all zones, or values that do not vary, give NaN.
Result<std::vector<double>> GiStar(const Neighbours& nb, const std::vector<double>& values);

// Two-sided p-value of a standard normal z: 2·(1 − Φ(|z|)). NaN stays NaN.
double TwoSidedNormalP(double z);

// Benjamini-Hochberg adjusted p-values (R p.adjust(method = "BH")): q_(k) = min over
// m ≥ k of p_(m)·n/m, capped at 1. NaN p-values are left NaN and not counted in n.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p);

// The hot/cold class of a zone from its z and its FDR-adjusted q: +3 "hot-99" when
// z > 0 and q ≤ 0.01, +2 "hot-95" (q ≤ 0.05), +1 "hot-90" (q ≤ 0.10), 0 "none", and
// the same negative for cold spots (z < 0). As ArcGIS Pro's Gi_Bin with its FDR option.
int FdrClass(double z, double q);
const char* FdrClassName(int fdr_class);  // "hot-99", ..., "none", ..., "cold-99"

struct HotSpot {
  double z = 0;
  double p = 0;
  double q = 0;  // BH-adjusted p
  int fdr_class = 0;
};
// Gi*, p, q and class for every zone.
Result<std::vector<HotSpot>> GiStarHotSpots(const Neighbours& nb, const std::vector<double>& values);

// Local Moran's I with row-standardised weights (`nb` must not include the zone
// itself): with z = x − x̄ and m₂ = Σz²/n,  I_i = z_i/m₂ · Σ_{j∈N(i)} z_j / |N(i)|
// (spdep localmoran). Inference by conditional permutation: zone i keeps its value and
// its |N(i)| neighbours are drawn without replacement from the other n − 1 values,
// `permutations` times; the pseudo p-value is (1 + #{simulated I as far out on the
// observed side of the simulated mean as the observed I}) / (permutations + 1). Zone
// i's draws come from a generator seeded by (seed, i), so the result does not depend
// on the order zones are visited. Quadrant: "high-high", "low-low", "high-low",
// "low-high" from the signs of z_i and its neighbours' mean (empty: no neighbours).
struct LocalMoran {
  double i = 0;
  double p = 0;
  double q = 0;  // BH-adjusted p
  std::string quadrant;
};
struct LocalMoranOptions {
  int permutations = 999;
  uint64_t seed = 1;
};
Result<std::vector<LocalMoran>> LocalMoranI(const Neighbours& nb, const std::vector<double>& values,
                                            const LocalMoranOptions& options);

}  // namespace harmlens
