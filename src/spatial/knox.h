// The Knox test for near repeats: do pairs of events close in space also fall close in
// time more often than chance? Pairs are counted in distance band × time band cells and
// compared with Monte Carlo permutations of the event times over the event places
// (the Near Repeat Calculator's method), from a recorded seed. Pure function: safe to
// call from several threads; it uses up to `threads` threads of its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"

namespace harmlens {

// The unit every event time is counted in. Month-only data (police.uk) can only give
// month bands: a "same week" cannot be seen in it.
enum class KnoxTimeUnit { kDay, kMonth };
const char* KnoxTimeUnitName(KnoxTimeUnit unit, bool plural);

struct KnoxEvent {
  GridPoint at;
  int64_t time = 0;  // whole days or months (KnoxTimeUnit) from any fixed origin
};

// Distance band k is [k·distance_band, (k+1)·distance_band) metres for k <
// distance_bands, and one last band for everything further. Time band k is
// [k·time_band, (k+1)·time_band) whole units apart (so with 7-day bands, "0-6 days"),
// and one last band for everything further apart.
struct KnoxOptions {
  double distance_band = 100;
  int distance_bands = 5;
  int64_t time_band = 7;
  int time_bands = 4;
  KnoxTimeUnit unit = KnoxTimeUnit::kDay;
  int permutations = 999;
  uint64_t seed = 1;
  int threads = 2;
};

struct KnoxCell {
  std::string distance;  // e.g. "0 to <100 m", "500 m or more"
  std::string time;      // e.g. "0-6 days", "28 days or more", "0 months (same month)"
  int64_t observed = 0;  // pairs of events in this cell
  double expected = 0;   // mean over the permutations
  double ratio = 0;      // observed / expected (NaN when expected is 0)
  double p = 0;          // (1 + #{permutations with at least as many pairs}) / (permutations + 1)
};

struct KnoxResult {
  int64_t events = 0;
  int64_t pairs = 0;        // n·(n−1)/2
  int64_t close_pairs = 0;  // pairs closer than the last distance edge
  KnoxOptions options;
  std::vector<KnoxCell> cells;  // distance-major: every time band of distance band 0, then 1, ...
};

// Band labels, exactly as computed (bands are half-open; times are whole units).
std::string KnoxDistanceLabel(const KnoxOptions& options, int band);
std::string KnoxTimeLabel(const KnoxOptions& options, int band);

Result<KnoxResult> KnoxTest(const std::vector<KnoxEvent>& events, const KnoxOptions& options);

}  // namespace harmlens
