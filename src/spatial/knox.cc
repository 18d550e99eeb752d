#include "spatial/knox.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "spatial/random.h"

namespace harmlens {

const char* KnoxTimeUnitName(KnoxTimeUnit unit, bool plural) {
  if (unit == KnoxTimeUnit::kDay) return plural ? "days" : "day";
  return plural ? "months" : "month";
}

namespace {

std::string Metres(double m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", m);
  return buf;
}

// Pairs of events whose times differ by less than x, for sorted times.
int64_t PairsCloserThan(const std::vector<int64_t>& sorted, int64_t x) {
  if (x <= 0) return 0;
  int64_t count = 0;
  size_t lo = 0;
  for (size_t hi = 0; hi < sorted.size(); ++hi) {
    while (sorted[hi] - sorted[lo] >= x) ++lo;
    count += static_cast<int64_t>(hi - lo);
  }
  return count;
}

}  // namespace

std::string KnoxDistanceLabel(const KnoxOptions& o, int band) {
  if (band >= o.distance_bands) return Metres(o.distance_band * o.distance_bands) + " m or more";
  return Metres(o.distance_band * band) + " to <" + Metres(o.distance_band * (band + 1)) + " m";
}

std::string KnoxTimeLabel(const KnoxOptions& o, int band) {
  const char* unit = KnoxTimeUnitName(o.unit, true);
  if (band >= o.time_bands) {
    return std::to_string(o.time_band * o.time_bands) + " " + unit + " or more";
  }
  int64_t lo = o.time_band * band, hi = o.time_band * (band + 1) - 1;
  if (lo == hi) {
    if (lo == 0) return std::string("0 ") + unit + " (same " + KnoxTimeUnitName(o.unit, false) + ")";
    return std::to_string(lo) + " " + (lo == 1 ? KnoxTimeUnitName(o.unit, false) : unit);
  }
  return std::to_string(lo) + "-" + std::to_string(hi) + " " + unit;
}

Result<KnoxResult> KnoxTest(const std::vector<KnoxEvent>& events, const KnoxOptions& o) {
  if (!(o.distance_band > 0) || o.distance_bands < 1 || o.distance_bands > 100) {
    return Status::InvalidArgument("Knox: distance bands must be positive metres, 1 to 100 of them");
  }
  if (o.time_band < 1 || o.time_bands < 1 || o.time_bands > 100) {
    return Status::InvalidArgument("Knox: time bands must be at least one whole unit, 1 to 100 of them");
  }
  if (o.permutations < 1 || o.permutations > 100000) {
    return Status::InvalidArgument("Knox: permutations must be 1 to 100000, got " +
                                   std::to_string(o.permutations));
  }
  const size_t n = events.size();
  if (n < 3) return Status::InvalidArgument("Knox: needs at least three events, got " + std::to_string(n));
  if (n > 2'000'000) return Status::InvalidArgument("Knox: more than two million events");
  const int D = o.distance_bands, T = o.time_bands;
  const int cols = T + 1;
  const double max_d = o.distance_band * D;
  const int64_t max_t = o.time_band * T;

  // Close pairs (closer than max_d), found through buckets max_d wide.
  std::vector<int32_t> pi, pj;
  std::vector<uint8_t> pband;
  {
    auto key = [](int64_t cx, int64_t cy) {
      return (static_cast<uint64_t>(cx) << 32) ^ (static_cast<uint64_t>(cy) & 0xffffffffULL);
    };
    std::unordered_map<uint64_t, std::vector<int32_t>> buckets;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(events[i].at.x) || !std::isfinite(events[i].at.y)) {
        return Status::InvalidArgument("Knox: event " + std::to_string(i + 1) + " has no finite coordinate");
      }
      buckets[key(static_cast<int64_t>(std::floor(events[i].at.x / max_d)),
                  static_cast<int64_t>(std::floor(events[i].at.y / max_d)))]
          .push_back(static_cast<int32_t>(i));
    }
    for (size_t i = 0; i < n; ++i) {
      int64_t cx = static_cast<int64_t>(std::floor(events[i].at.x / max_d));
      int64_t cy = static_cast<int64_t>(std::floor(events[i].at.y / max_d));
      for (int64_t dx = -1; dx <= 1; ++dx) {
        for (int64_t dy = -1; dy <= 1; ++dy) {
          auto it = buckets.find(key(cx + dx, cy + dy));
          if (it == buckets.end()) continue;
          for (int32_t j : it->second) {
            if (static_cast<size_t>(j) <= i) continue;
            double ex = events[j].at.x - events[i].at.x, ey = events[j].at.y - events[i].at.y;
            double d = std::sqrt(ex * ex + ey * ey);
            if (d >= max_d) continue;
            int band = std::min(D - 1, static_cast<int>(d / o.distance_band));
            pi.push_back(static_cast<int32_t>(i));
            pj.push_back(j);
            pband.push_back(static_cast<uint8_t>(band));
          }
        }
      }
    }
  }
  const size_t m = pi.size();
  std::vector<int64_t> times(n);
  for (size_t i = 0; i < n; ++i) times[i] = events[i].time;

  // Counts of the close pairs for one assignment of times to places.
  auto count_close = [&](const std::vector<int64_t>& t, std::vector<int64_t>& counts) {
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t k = 0; k < m; ++k) {
      int64_t dt = std::abs(t[pi[k]] - t[pj[k]]);
      int tb = dt >= max_t ? T : static_cast<int>(dt / o.time_band);
      ++counts[static_cast<size_t>(pband[k]) * cols + tb];
    }
  };
  // Pairs per time band over all pairs do not depend on the permutation.
  std::vector<int64_t> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> all_by_time(cols);
  int64_t total_pairs = static_cast<int64_t>(n) * static_cast<int64_t>(n - 1) / 2;
  for (int tb = 0; tb < T; ++tb) {
    all_by_time[tb] =
        PairsCloserThan(sorted, o.time_band * (tb + 1)) - PairsCloserThan(sorted, o.time_band * tb);
  }
  all_by_time[T] = total_pairs - PairsCloserThan(sorted, max_t);

  std::vector<int64_t> observed(static_cast<size_t>(D) * cols);
  count_close(times, observed);

  // Permutation k shuffles the times with stream k of the seed: the result does not
  // depend on how many threads share the work.
  const int threads = std::max(1, std::min(o.threads, o.permutations));
  std::vector<std::vector<double>> sum(threads, std::vector<double>(observed.size(), 0));
  std::vector<std::vector<int64_t>> at_least(threads, std::vector<int64_t>(observed.size(), 0));
  auto work = [&](int w) {
    std::vector<int64_t> t(n), counts(observed.size());
    for (int k = w; k < o.permutations; k += threads) {
      t = times;
      SeededRandom rng(o.seed, static_cast<uint64_t>(k) + 1);
      for (size_t i = n - 1; i > 0; --i) std::swap(t[i], t[rng.Below(i + 1)]);
      count_close(t, counts);
      for (size_t c = 0; c < counts.size(); ++c) {
        sum[w][c] += static_cast<double>(counts[c]);
        if (counts[c] >= observed[c]) ++at_least[w][c];
      }
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& th : pool) th.join();

  KnoxResult r;
  r.events = static_cast<int64_t>(n);
  r.pairs = total_pairs;
  r.close_pairs = static_cast<int64_t>(m);
  r.options = o;
  // The last distance band (D) is every pair not close: all pairs in the time band
  // minus the close ones, observed and in each permutation alike.
  std::vector<double> close_sum_by_time(cols, 0), close_obs_by_time(cols, 0);
  for (int db = 0; db <= D; ++db) {
    for (int tb = 0; tb < cols; ++tb) {
      KnoxCell cell;
      cell.distance = KnoxDistanceLabel(o, db);
      cell.time = KnoxTimeLabel(o, tb);
      if (db < D) {
        size_t c = static_cast<size_t>(db) * cols + tb;
        double s = 0;
        int64_t ge = 0;
        for (int w = 0; w < threads; ++w) {
          s += sum[w][c];
          ge += at_least[w][c];
        }
        cell.observed = observed[c];
        cell.expected = s / o.permutations;
        cell.p = static_cast<double>(ge + 1) / (o.permutations + 1);
        close_sum_by_time[tb] += cell.expected;
        close_obs_by_time[tb] += static_cast<double>(cell.observed);
      } else {
        cell.observed = all_by_time[tb] - static_cast<int64_t>(close_obs_by_time[tb]);
        cell.expected = static_cast<double>(all_by_time[tb]) - close_sum_by_time[tb];
        cell.p = std::numeric_limits<double>::quiet_NaN();  // not tested: the complement of the rows above
      }
      cell.ratio = cell.expected > 0 ? static_cast<double>(cell.observed) / cell.expected
                                     : std::numeric_limits<double>::quiet_NaN();
      r.cells.push_back(std::move(cell));
    }
  }
  return r;
}

}  // namespace harmlens
