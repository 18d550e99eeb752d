#include "spatial/kde.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>

namespace harmlens {

std::optional<Kernel> KernelFromName(std::string_view name) {
  if (name == "quartic") return Kernel::kQuartic;
  if (name == "gaussian") return Kernel::kGaussian;
  return std::nullopt;
}

const char* KernelName(Kernel kernel) { return kernel == Kernel::kQuartic ? "quartic" : "gaussian"; }

double KernelValue(Kernel kernel, double bandwidth, double d2) {
  double h2 = bandwidth * bandwidth;
  if (kernel == Kernel::kGaussian) return std::exp(-d2 / (2 * h2)) / (2 * std::numbers::pi * h2);
  if (d2 >= h2) return 0;
  double u = 1 - d2 / h2;
  return 3 / (std::numbers::pi * h2) * u * u;
}

GridFrame GridFrame::Covering(const std::vector<GridPoint>& points, double cell, double pad) {
  GridFrame f;
  f.cell = cell;
  if (points.empty() || !(cell >= 1e-3) || !(pad >= 0) || pad > kMaxGridCoordinate) return f;
  double min_x = points[0].x, max_x = points[0].x, min_y = points[0].y, max_y = points[0].y;
  for (const GridPoint& p : points) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  double c0 = std::floor((min_x - pad) / cell), c1 = std::floor((max_x + pad) / cell);
  double r0 = std::floor((min_y - pad) / cell), r1 = std::floor((max_y + pad) / cell);
  f.x0 = c0 * cell;
  f.y0 = r0 * cell;
  // Clamped so a silly cell size cannot overflow an int: KernelDensity refuses the size.
  f.cols = static_cast<int>(std::min(c1 - c0 + 1, 1e9));
  f.rows = static_cast<int>(std::min(r1 - r0 + 1, 1e9));
  return f;
}

namespace {

// A surface larger than this is almost certainly a unit mistake (degrees for metres).
constexpr double kMaxCells = 400e6;

Status CheckInputs(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                   const KdeOptions& options, const GridFrame& frame) {
  if (!(options.bandwidth > 0) || !std::isfinite(options.bandwidth)) {
    return Status::InvalidArgument("kernel density: the bandwidth must be a positive number of metres, got " +
                                   std::to_string(options.bandwidth));
  }
  if (!(frame.cell >= 1e-3) || !std::isfinite(frame.cell)) {
    return Status::InvalidArgument("kernel density: the cell size must be at least a millimetre, got " +
                                   std::to_string(frame.cell));
  }
  if (static_cast<double>(frame.cols) * frame.rows > kMaxCells) {
    return Status::InvalidArgument("kernel density: the grid would have " +
                                   std::to_string(static_cast<double>(frame.cols) * frame.rows) +
                                   " cells (more than 400 million); use a larger cell size");
  }
  if (!weights.empty() && weights.size() != points.size()) {
    return Status::InvalidArgument("kernel density: " + std::to_string(weights.size()) + " weights for " +
                                   std::to_string(points.size()) + " points");
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (!IsPlausibleGridPoint(points[i])) {
      return Status::InvalidArgument("kernel density: point " + std::to_string(i + 1) +
                                     " is not in British National Grid metres");
    }
  }
  return Status::Ok();
}

}  // namespace

namespace {

// The binned method: counts per cell (points outside the frame are dropped: they would
// be placed at a cell centre they are not near), then the kernel at whole-cell offsets.
Surface BinnedDensity(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                      const KdeOptions& options, const GridFrame& frame) {
  const int cols = frame.cols, rows = frame.rows;
  std::vector<double> counts(frame.size(), 0.0);
  for (size_t i = 0; i < points.size(); ++i) {
    double fc = std::floor((points[i].x - frame.x0) / frame.cell),
           fr = std::floor((points[i].y - frame.y0) / frame.cell);
    if (fc < 0 || fr < 0 || fc >= cols || fr >= rows) continue;
    counts[static_cast<size_t>(fr) * cols + static_cast<size_t>(fc)] += weights.empty() ? 1.0 : weights[i];
  }
  const double h = options.bandwidth, cell = frame.cell;
  Surface s{frame, std::vector<double>(frame.size(), 0.0)};
  if (options.kernel == Kernel::kGaussian) {
    const double reach = h * std::sqrt(-2 * std::log(kGaussianTailRatio));
    const int r = static_cast<int>(std::min(std::floor(reach / cell), double(std::max(cols, rows))));
    std::vector<double> g(2 * r + 1);
    for (int k = -r; k <= r; ++k) g[k + r] = std::exp(-(k * cell) * (k * cell) / (2 * h * h));
    const double norm = 1 / (2 * std::numbers::pi * h * h);
    std::vector<double> along(frame.size(), 0.0);
    for (int row = 0; row < rows; ++row) {
      const double* in = counts.data() + static_cast<size_t>(row) * cols;
      double* out = along.data() + static_cast<size_t>(row) * cols;
      for (int c = 0; c < cols; ++c) {
        if (in[c] == 0) continue;
        int lo = std::max(0, c - r), hi = std::min(cols - 1, c + r);
        for (int t = lo; t <= hi; ++t) out[t] += in[c] * g[t - c + r];
      }
    }
    for (int row = 0; row < rows; ++row) {
      const double* in = along.data() + static_cast<size_t>(row) * cols;
      int lo = std::max(0, row - r), hi = std::min(rows - 1, row + r);
      for (int t = lo; t <= hi; ++t) {
        double f = g[t - row + r] * norm;
        double* out = s.values.data() + static_cast<size_t>(t) * cols;
        for (int c = 0; c < cols; ++c) out[c] += in[c] * f;
      }
    }
    return s;
  }
  const int r = static_cast<int>(std::min(std::floor(h / cell), double(std::max(cols, rows))));
  for (int row = 0; row < rows; ++row) {
    for (int c = 0; c < cols; ++c) {
      double w = counts[static_cast<size_t>(row) * cols + c];
      if (w == 0) continue;
      for (int dr = std::max(-r, -row); dr <= std::min(r, rows - 1 - row); ++dr) {
        double* out = s.values.data() + static_cast<size_t>(row + dr) * cols;
        for (int dc = std::max(-r, -c); dc <= std::min(r, cols - 1 - c); ++dc) {
          out[c + dc] +=
              w * KernelValue(Kernel::kQuartic, h, (dr * cell) * (dr * cell) + (dc * cell) * (dc * cell));
        }
      }
    }
  }
  return s;
}

}  // namespace

Result<Surface> KernelDensity(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                              const KdeOptions& options, const GridFrame& frame) {
  HL_RETURN_IF_ERROR(CheckInputs(points, weights, options, frame));
  if (options.method == KdeMethod::kBinned) return BinnedDensity(points, weights, options, frame);
  Surface s{frame, std::vector<double>(frame.size(), 0.0)};
  // Points at one place (police.uk snap points: about one distinct place per five
  // incidents) add one kernel, with their weights summed.
  std::vector<uint32_t> order(points.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return points[a].x < points[b].x || (points[a].x == points[b].x && points[a].y < points[b].y);
  });
  std::vector<GridPoint> places;
  std::vector<double> place_weight;
  for (uint32_t i : order) {
    double w = weights.empty() ? 1.0 : weights[i];
    if (!places.empty() && places.back() == points[i]) {
      place_weight.back() += w;
    } else {
      places.push_back(points[i]);
      place_weight.push_back(w);
    }
  }
  const double h = options.bandwidth, h2 = h * h, cell = frame.cell;
  const bool gaussian = options.kernel == Kernel::kGaussian;
  const double reach = gaussian ? h * std::sqrt(-2 * std::log(kGaussianTailRatio)) : h;
  const double norm = gaussian ? 1 / (2 * std::numbers::pi * h2) : 3 / (std::numbers::pi * h2);
  std::vector<double> kx, ky;
  for (size_t i = 0; i < places.size(); ++i) {
    const GridPoint p = places[i];
    const double w = place_weight[i] * norm;
    // Cells whose centre lies within [p - reach, p + reach] on each axis.
    // In doubles first: a bandwidth of many grid widths must not overflow an int.
    auto first = [&](double v, int n) {
      return static_cast<int>(std::clamp(std::ceil(v / cell - 0.5), 0.0, double(n)));
    };
    auto last = [&](double v, int n) {
      return static_cast<int>(std::clamp(std::floor(v / cell - 0.5), -1.0, double(n - 1)));
    };
    int c0 = first(p.x - reach - frame.x0, frame.cols), c1 = last(p.x + reach - frame.x0, frame.cols);
    int r0 = first(p.y - reach - frame.y0, frame.rows), r1 = last(p.y + reach - frame.y0, frame.rows);
    if (c0 > c1 || r0 > r1) continue;
    kx.resize(c1 - c0 + 1);
    ky.resize(r1 - r0 + 1);
    for (int c = c0; c <= c1; ++c) {
      double dx = frame.x0 + (c + 0.5) * cell - p.x;
      kx[c - c0] = gaussian ? std::exp(-dx * dx / (2 * h2)) : dx * dx;
    }
    for (int r = r0; r <= r1; ++r) {
      double dy = frame.y0 + (r + 0.5) * cell - p.y;
      ky[r - r0] = gaussian ? w * std::exp(-dy * dy / (2 * h2)) : dy * dy;
    }
    for (int r = r0; r <= r1; ++r) {
      double* row = s.values.data() + static_cast<size_t>(r) * frame.cols;
      const double fy = ky[r - r0];
      if (gaussian) {
        for (int c = c0; c <= c1; ++c) row[c] += fy * kx[c - c0];
      } else {
        for (int c = c0; c <= c1; ++c) {
          double d2 = fy + kx[c - c0];
          if (d2 < h2) {
            double u = 1 - d2 / h2;
            row[c] += w * u * u;
          }
        }
      }
    }
  }
  return s;
}

Result<Surface> KernelDensityDirect(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                                    const KdeOptions& options, const GridFrame& frame) {
  HL_RETURN_IF_ERROR(CheckInputs(points, weights, options, frame));
  Surface s{frame, std::vector<double>(frame.size(), 0.0)};
  for (int r = 0; r < frame.rows; ++r) {
    for (int c = 0; c < frame.cols; ++c) {
      GridPoint centre = frame.Centre(c, r);
      double sum = 0;
      for (size_t i = 0; i < points.size(); ++i) {
        double dx = centre.x - points[i].x, dy = centre.y - points[i].y;
        sum += (weights.empty() ? 1.0 : weights[i]) *
               KernelValue(options.kernel, options.bandwidth, dx * dx + dy * dy);
      }
      s.values[static_cast<size_t>(r) * frame.cols + c] = sum;
    }
  }
  return s;
}

Result<double> RuleOfThumbBandwidth(const std::vector<GridPoint>& points) {
  const size_t n = points.size();
  if (n < 2)
    return Status::InvalidArgument("bandwidth rule: needs at least two points, got " + std::to_string(n));
  double mx = 0, my = 0;
  for (const GridPoint& p : points) {
    mx += p.x;
    my += p.y;
  }
  mx /= n;
  my /= n;
  std::vector<double> d(n);
  double ss = 0;
  for (size_t i = 0; i < n; ++i) {
    double d2 = (points[i].x - mx) * (points[i].x - mx) + (points[i].y - my) * (points[i].y - my);
    ss += d2;
    d[i] = std::sqrt(d2);
  }
  double sd = std::sqrt(ss / n);
  // The median by selection, not a sort: the dashboard asks for it over millions of points.
  std::nth_element(d.begin(), d.begin() + n / 2, d.end());
  double median = d[n / 2];
  if (n % 2 == 0) median = (*std::max_element(d.begin(), d.begin() + n / 2) + median) / 2;
  double h =
      0.9 * std::min(sd, std::sqrt(1 / std::numbers::ln2) * median) * std::pow(static_cast<double>(n), -0.2);
  if (!(h > 0))
    return Status::InvalidArgument("bandwidth rule: the points are all at one place; give --bandwidth");
  return h;
}

Result<double> DefaultCellSize(const std::vector<GridPoint>& points) {
  if (points.size() < 2) return Status::InvalidArgument("cell size rule: needs at least two points");
  auto [xmin, xmax] = std::minmax_element(points.begin(), points.end(),
                                          [](const GridPoint& a, const GridPoint& b) { return a.x < b.x; });
  auto [ymin, ymax] = std::minmax_element(points.begin(), points.end(),
                                          [](const GridPoint& a, const GridPoint& b) { return a.y < b.y; });
  double side = std::min(xmax->x - xmin->x, ymax->y - ymin->y);
  if (!(side > 0)) return Status::InvalidArgument("cell size rule: the points lie on a line; give --cell");
  return side / 250;
}

Result<Surface> RiskSurface(const Surface& incidents, const Surface& residents, double per_residents,
                            double min_resident_density) {
  const GridFrame& a = incidents.frame;
  const GridFrame& b = residents.frame;
  if (a.x0 != b.x0 || a.y0 != b.y0 || a.cell != b.cell || a.cols != b.cols || a.rows != b.rows) {
    return Status::InvalidArgument("risk surface: the incident and resident surfaces must share one grid");
  }
  Surface s{a, std::vector<double>(a.size())};
  for (size_t i = 0; i < s.values.size(); ++i) {
    double r = residents.values[i];
    s.values[i] = r >= min_resident_density && r > 0 ? incidents.values[i] / r * per_residents
                                                     : std::numeric_limits<double>::quiet_NaN();
  }
  return s;
}

}  // namespace harmlens
