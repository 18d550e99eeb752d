#include "spatial/emerging.h"

#include <cmath>
#include <map>

#include "spatial/hot_spots.h"

namespace harmlens {

MannKendall MannKendallTrend(const std::vector<double>& x) {
  MannKendall mk;
  const size_t n = x.size();
  if (n < 3) return mk;
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) s += (x[j] > x[i]) - (x[j] < x[i]);
  }
  std::map<double, int> ties;
  for (double v : x) ++ties[v];
  const double dn = static_cast<double>(n);
  double var = dn * (dn - 1) * (2 * dn + 5);
  for (const auto& [value, t] : ties) var -= static_cast<double>(t) * (t - 1) * (2.0 * t + 5);
  var /= 18;
  mk.s = s;
  if (var <= 0) return mk;
  mk.z = s > 0 ? (s - 1) / std::sqrt(var) : s < 0 ? (s + 1) / std::sqrt(var) : 0;
  mk.p = TwoSidedNormalP(mk.z);
  return mk;
}

namespace {

// The classification for one polarity: `sig` the slices significant in it, `other` those
// significant in the opposite one, `rising` whether the trend goes the polarity's way.
EmergingPattern Classify(const std::vector<bool>& sig, const std::vector<bool>& other, bool trend_significant,
                         bool rising) {
  const size_t n = sig.size();
  if (n == 0) return EmergingPattern::kNone;
  size_t count = 0;
  for (bool b : sig) count += b;
  const bool mostly = static_cast<double>(count) >= 0.9 * static_cast<double>(n);
  if (!sig.back()) return mostly ? EmergingPattern::kHistorical : EmergingPattern::kNone;
  if (mostly) {
    if (!trend_significant) return EmergingPattern::kPersistent;
    return rising ? EmergingPattern::kIntensifying : EmergingPattern::kDiminishing;
  }
  size_t run = 0;
  while (run < n && sig[n - 1 - run]) ++run;
  if (run == count) {  // never significant before the final run
    return run == 1 ? EmergingPattern::kNew : EmergingPattern::kConsecutive;
  }
  for (size_t t = 0; t < n; ++t) {
    if (other[t]) return EmergingPattern::kOscillating;
  }
  return EmergingPattern::kSporadic;
}

}  // namespace

EmergingZone ClassifyEmerging(const std::vector<bool>& hot, const std::vector<bool>& cold,
                              const MannKendall& trend, double trend_alpha) {
  EmergingZone z;
  z.trend = trend;
  for (bool b : hot) z.hot_slices += b;
  for (bool b : cold) z.cold_slices += b;
  const bool significant = trend.p <= trend_alpha && trend.z != 0;
  // Which polarity the zone is judged in: the one of its final slice if significant,
  // else the one it was significant in more often (hot on a tie).
  bool hot_side = hot.empty() || hot.back() || (!cold.back() && z.hot_slices >= z.cold_slices);
  z.hot = hot_side;
  z.pattern = hot_side ? Classify(hot, cold, significant, trend.z > 0)
                       : Classify(cold, hot, significant, trend.z < 0);
  return z;
}

std::string EmergingPatternName(const EmergingZone& zone) {
  const char* name = "";
  switch (zone.pattern) {
    case EmergingPattern::kNone:
      return "no pattern";
    case EmergingPattern::kNew:
      name = "new";
      break;
    case EmergingPattern::kConsecutive:
      name = "consecutive";
      break;
    case EmergingPattern::kIntensifying:
      name = "intensifying";
      break;
    case EmergingPattern::kPersistent:
      name = "persistent";
      break;
    case EmergingPattern::kDiminishing:
      name = "diminishing";
      break;
    case EmergingPattern::kSporadic:
      name = "sporadic";
      break;
    case EmergingPattern::kOscillating:
      name = "oscillating";
      break;
    case EmergingPattern::kHistorical:
      name = "historical";
      break;
  }
  return std::string(name) + (zone.hot ? " hot spot" : " cold spot");
}

Result<std::vector<EmergingZone>> EmergingHotSpots(const Neighbours& nb,
                                                   const std::vector<std::vector<double>>& cube,
                                                   const EmergingOptions& options) {
  if (cube.empty()) return Status::InvalidArgument("emerging hot spots: no time slices");
  const size_t zones = nb.zones();
  std::vector<std::vector<double>> z(zones, std::vector<double>(cube.size()));
  std::vector<std::vector<bool>> hot(zones, std::vector<bool>(cube.size())), cold = hot;
  for (size_t t = 0; t < cube.size(); ++t) {
    auto slice = GiStarHotSpots(nb, cube[t]);
    if (!slice.ok())
      return slice.status().WithPrefix("emerging hot spots: time slice " + std::to_string(t + 1) + ": ");
    for (size_t i = 0; i < zones; ++i) {
      const HotSpot& h = (*slice)[i];
      z[i][t] = std::isnan(h.z) ? 0 : h.z;
      bool sig = !std::isnan(h.q) && h.q <= options.alpha;
      hot[i][t] = sig && h.z > 0;
      cold[i][t] = sig && h.z < 0;
    }
  }
  std::vector<EmergingZone> out(zones);
  for (size_t i = 0; i < zones; ++i) {
    out[i] = ClassifyEmerging(hot[i], cold[i], MannKendallTrend(z[i]), options.trend_alpha);
  }
  return out;
}

}  // namespace harmlens
