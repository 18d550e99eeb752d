// Kernel density surfaces on a regular grid in British National Grid metres: quartic
// and Gaussian kernels, optional weights (harm), and the dual (risk-adjusted) surface of
// incidents per resident. Plain functions over plain values: safe to call from several
// threads at once.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"

namespace harmlens {

enum class Kernel {
  kQuartic,   // 3/(πh²)·(1 − d²/h²)² for d < h, else 0 (CrimeStat, ArcGIS)
  kGaussian,  // 1/(2πh²)·exp(−d²/2h²) (spatstat density.ppp)
};
std::optional<Kernel> KernelFromName(std::string_view name);  // "quartic", "gaussian"
const char* KernelName(Kernel kernel);

// The kernel's value (per square metre) at squared distance d2 for bandwidth h.
double KernelValue(Kernel kernel, double bandwidth, double d2);

// A regular grid: cell (col, row) spans [x0 + col·cell, x0 + (col+1)·cell) ×
// [y0 + row·cell, ...); row 0 is the southernmost. Values are row-major.
struct GridFrame {
  double x0 = 0;
  double y0 = 0;
  double cell = 0;
  int cols = 0;
  int rows = 0;

  // The smallest grid with corners on multiples of `cell` whose cells cover every point
  // expanded by `pad` metres on each side. Empty input gives an empty grid.
  static GridFrame Covering(const std::vector<GridPoint>& points, double cell, double pad = 0);
  GridPoint Centre(int col, int row) const { return {x0 + (col + 0.5) * cell, y0 + (row + 0.5) * cell}; }
  size_t size() const { return static_cast<size_t>(cols) * static_cast<size_t>(rows); }
};

struct Surface {
  GridFrame frame;
  std::vector<double> values;  // size() == frame.size(), row-major from the south-west
  double At(int col, int row) const { return values[static_cast<size_t>(row) * frame.cols + col]; }
};

struct KdeOptions {
  Kernel kernel = Kernel::kQuartic;
  double bandwidth = 0;  // metres, > 0
  double cell = 0;       // metres, > 0
};

// Gaussian kernels are truncated where they fall below 1e-15 of their peak
// (d > 8.31·h): each cell then differs from the untruncated sum by at most
// 1e-15 · (sum of weights) · K(0), so every cell with at least 1e-9 of that as density is
// within 1e-6 relative error of direct summation (kde_test checks it).
inline constexpr double kGaussianTailRatio = 1e-15;

// Density (points, or weight, per square metre) at the centre of every cell of `frame`:
// Σ wᵢ·K(dᵢ). Each point adds its kernel to the cells within its reach, the Gaussian
// as an outer product of two 1-D factors, so the cost is points × reach² and not
// points × cells. `weights` is empty (every point weighs 1) or one per point.
Result<Surface> KernelDensity(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                              const KdeOptions& options, const GridFrame& frame);
// The same by direct summation over every point for every cell (no truncation): the
// reference the fast method is tested against, and slow.
Result<Surface> KernelDensityDirect(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                                    const KdeOptions& options, const GridFrame& frame);

// The bandwidth rule of ArcGIS Pro's Kernel Density (Silverman's rule on the standard
// distance): h = 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−1/5), SD the standard distance of
// the points from their mean centre, Dm the median distance to it. Weights are not used.
// Needs at least two distinct points.
Result<double> RuleOfThumbBandwidth(const std::vector<GridPoint>& points);
// ArcGIS Pro's default cell: the shorter side of the points' extent divided by 250.
Result<double> DefaultCellSize(const std::vector<GridPoint>& points);

// The dual (risk-adjusted) surface: incidents per `per_residents` residents,
// incidents / residents · per_residents, at each cell of two surfaces on the same frame.
// Cells whose resident density is below `min_resident_density` (residents per m²) are
// set to NaN: a ratio over almost nobody is noise, not risk.
Result<Surface> RiskSurface(const Surface& incidents, const Surface& residents, double per_residents,
                            double min_resident_density);

}  // namespace harmlens
