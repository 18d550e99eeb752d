#include "spatial/kde.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
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
  if (points.empty() || !(cell > 0)) return f;
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
  f.cols = static_cast<int>(c1 - c0) + 1;
  f.rows = static_cast<int>(r1 - r0) + 1;
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
  if (!(frame.cell > 0) || !std::isfinite(frame.cell)) {
    return Status::InvalidArgument("kernel density: the cell size must be a positive number of metres, got " +
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
    if (!std::isfinite(points[i].x) || !std::isfinite(points[i].y)) {
      return Status::InvalidArgument("kernel density: point " + std::to_string(i + 1) +
                                     " is not a finite coordinate");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Surface> KernelDensity(const std::vector<GridPoint>& points, const std::vector<double>& weights,
                              const KdeOptions& options, const GridFrame& frame) {
  HL_RETURN_IF_ERROR(CheckInputs(points, weights, options, frame));
  Surface s{frame, std::vector<double>(frame.size(), 0.0)};
  const double h = options.bandwidth, h2 = h * h, cell = frame.cell;
  const bool gaussian = options.kernel == Kernel::kGaussian;
  const double reach = gaussian ? h * std::sqrt(-2 * std::log(kGaussianTailRatio)) : h;
  const double norm = gaussian ? 1 / (2 * std::numbers::pi * h2) : 3 / (std::numbers::pi * h2);
  std::vector<double> kx, ky;
  for (size_t i = 0; i < points.size(); ++i) {
    const GridPoint p = points[i];
    const double w = (weights.empty() ? 1.0 : weights[i]) * norm;
    // Cells whose centre lies within [p - reach, p + reach] on each axis.
    int c0 = std::max(0, static_cast<int>(std::ceil((p.x - reach - frame.x0) / cell - 0.5)));
    int c1 = std::min(frame.cols - 1, static_cast<int>(std::floor((p.x + reach - frame.x0) / cell - 0.5)));
    int r0 = std::max(0, static_cast<int>(std::ceil((p.y - reach - frame.y0) / cell - 0.5)));
    int r1 = std::min(frame.rows - 1, static_cast<int>(std::floor((p.y + reach - frame.y0) / cell - 0.5)));
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
  std::sort(d.begin(), d.end());
  double median = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
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
