// Fuzz target: any bytes as the plain CSVs analysts bring to `harmlens hotspots` and
// `harmlens nearrepeat` (points, zones, events), and what the readers accept through a
// small Gi* and Knox run. A crafted file must never crash the process or read out of
// bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spatial/hot_spots.h"
#include "spatial/knox.h"
#include "spatial/plain_csv.h"
#include "spatial/zones.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)harmlens::ReadPlainPoints(bytes, "points.csv");
  auto zones = harmlens::ReadPlainZones(bytes, "zones.csv");
  if (zones.ok() && zones->ids.size() <= 200) {
    auto nb = harmlens::DistanceBandNeighbours(zones->centres, 100, true);
    if (nb.ok()) (void)harmlens::GiStarHotSpots(*nb, zones->values);
  }
  auto events = harmlens::ReadPlainEvents(bytes, "events.csv");
  if (events.ok() && events->events.size() <= 200) {
    harmlens::KnoxOptions options;
    options.permutations = 9;
    options.threads = 1;
    (void)harmlens::KnoxTest(events->events, options);
  }
  return 0;
}
