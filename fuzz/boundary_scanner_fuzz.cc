// Fuzz target: any bytes as the LSOA boundary file. The fast reader must never read out
// of bounds, and must only accept what is valid JSON (whatever it declines, the
// general reader then reads and reports); an accepted zone always has points and bounds.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "geo/boundary_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<harmlens::ZonePolygon> zones;
  if (!harmlens::ScanLsoaBoundaries(text, &zones)) {
    if (!zones.empty()) std::abort();  // declined: nothing half-read is handed back
    return 0;
  }
  if (!nlohmann::json::accept(text)) std::abort();
  for (const harmlens::ZonePolygon& zone : zones) {
    if (zone.rings.empty() || zone.min_lon > zone.max_lon || zone.min_lat > zone.max_lat) std::abort();
  }
  return 0;
}
