#include "spatial/hot_spots.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "spatial/random.h"

namespace harmlens {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status CheckValues(const Neighbours& nb, const std::vector<double>& values, const char* what) {
  if (nb.zones() != values.size()) {
    return Status::InvalidArgument(std::string(what) + ": " + std::to_string(values.size()) + " values for " +
                                   std::to_string(nb.zones()) + " zones");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Status::InvalidArgument(std::string(what) + ": the value of zone " + std::to_string(i + 1) +
                                     " is not a finite number");
    }
  }
  if (values.size() < 3) return Status::InvalidArgument(std::string(what) + ": needs at least three zones");
  return Status::Ok();
}
}  // namespace

Result<std::vector<double>> GiStar(const Neighbours& nb, const std::vector<double>& values) {
  HL_RETURN_IF_ERROR(CheckValues(nb, values, "Gi*"));
  const size_t n = values.size();
  const double dn = static_cast<double>(n);
  double mean = std::accumulate(values.begin(), values.end(), 0.0) / dn;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double s2 = ss / dn;
  std::vector<double> z(n);
  for (size_t i = 0; i < n; ++i) {
    double lag = 0;
    for (const int32_t* j = nb.begin(i); j != nb.end(i); ++j) lag += values[*j];
    double w = static_cast<double>(nb.Count(i));
    double var = s2 * (dn * w - w * w) / (dn - 1);
    z[i] = var > 0 ? (lag - mean * w) / std::sqrt(var) : kNaN;
  }
  return z;
}

double TwoSidedNormalP(double z) { return std::isnan(z) ? kNaN : std::erfc(std::abs(z) / std::sqrt(2.0)); }

std::vector<double> BenjaminiHochberg(const std::vector<double>& p) {
  std::vector<size_t> order;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(p.size(), kNaN);
  const double m = static_cast<double>(order.size());
  double running = 1.0;
  for (size_t k = order.size(); k-- > 0;) {
    running = std::min(running, p[order[k]] * m / static_cast<double>(k + 1));
    q[order[k]] = running;
  }
  return q;
}

int FdrClass(double z, double q) {
  if (std::isnan(z) || std::isnan(q) || z == 0) return 0;
  int level = q <= 0.01 ? 3 : q <= 0.05 ? 2 : q <= 0.10 ? 1 : 0;
  return z > 0 ? level : -level;
}

const char* FdrClassName(int fdr_class) {
  switch (fdr_class) {
    case 3:
      return "hot-99";
    case 2:
      return "hot-95";
    case 1:
      return "hot-90";
    case -1:
      return "cold-90";
    case -2:
      return "cold-95";
    case -3:
      return "cold-99";
    default:
      return "none";
  }
}

Result<std::vector<HotSpot>> GiStarHotSpots(const Neighbours& nb, const std::vector<double>& values) {
  HL_ASSIGN_OR_RETURN(std::vector<double> z, GiStar(nb, values));
  std::vector<double> p(z.size());
  for (size_t i = 0; i < z.size(); ++i) p[i] = TwoSidedNormalP(z[i]);
  std::vector<double> q = BenjaminiHochberg(p);
  std::vector<HotSpot> out(z.size());
  for (size_t i = 0; i < z.size(); ++i) out[i] = {z[i], p[i], q[i], FdrClass(z[i], q[i])};
  return out;
}

Result<std::vector<LocalMoran>> LocalMoranI(const Neighbours& nb, const std::vector<double>& values,
                                            const LocalMoranOptions& options) {
  HL_RETURN_IF_ERROR(CheckValues(nb, values, "local Moran's I"));
  if (options.permutations < 1 || options.permutations > 1'000'000) {
    return Status::InvalidArgument("local Moran's I: permutations must be 1 to 1000000, got " +
                                   std::to_string(options.permutations));
  }
  const size_t n = values.size();
  double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(n);
  std::vector<double> z(n);
  double m2 = 0;
  for (size_t i = 0; i < n; ++i) {
    z[i] = values[i] - mean;
    m2 += z[i] * z[i];
  }
  m2 /= static_cast<double>(n);
  std::vector<LocalMoran> out(n);
  std::vector<int32_t> pool(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t k = nb.Count(i);
    LocalMoran& r = out[i];
    if (k == 0 || m2 == 0) {
      r.i = k == 0 ? 0 : kNaN;
      r.p = kNaN;
      continue;
    }
    double lag = 0;
    for (const int32_t* j = nb.begin(i); j != nb.end(i); ++j) lag += z[*j];
    lag /= static_cast<double>(k);
    r.i = z[i] / m2 * lag;
    r.quadrant = z[i] >= 0 ? (lag >= 0 ? "high-high" : "high-low") : (lag >= 0 ? "low-high" : "low-low");
    // The other n − 1 zones; a partial Fisher-Yates shuffle draws k of them.
    std::iota(pool.begin(), pool.end(), 0);
    std::swap(pool[i], pool[n - 1]);
    SeededRandom rng(options.seed, i);
    std::vector<double> sims(static_cast<size_t>(options.permutations));
    double sim_sum = 0;
    for (int s = 0; s < options.permutations; ++s) {
      double sim_lag = 0;
      for (int64_t d = 0; d < k; ++d) {
        size_t pick = static_cast<size_t>(d) + rng.Below(n - 1 - static_cast<size_t>(d));
        std::swap(pool[static_cast<size_t>(d)], pool[pick]);
        sim_lag += z[pool[static_cast<size_t>(d)]];
      }
      sims[s] = z[i] / m2 * sim_lag / static_cast<double>(k);
      sim_sum += sims[s];
    }
    double sim_mean = sim_sum / options.permutations;
    int64_t extreme = 0;
    for (double v : sims) {
      if (r.i >= sim_mean ? v >= r.i : v <= r.i) ++extreme;
    }
    r.p = static_cast<double>(extreme + 1) / (options.permutations + 1);
  }
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = out[i].p;
  std::vector<double> q = BenjaminiHochberg(p);
  for (size_t i = 0; i < n; ++i) out[i].q = q[i];
  return out;
}

}  // namespace harmlens
