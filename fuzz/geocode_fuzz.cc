// Fuzz target: any bytes as an ISTV location_description, through the geocoder with and
// without a site district. Clerks' free text is untrusted: it must never crash the
// process, and every answer must be either a point with a radius and a confidence in
// 0..1, or unresolved with a reason.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/env.h"
#include "geo/geocode.h"

namespace {

const harmlens::Geocoder& TheGeocoder() {
  static std::unique_ptr<const harmlens::Geocoder> geocoder = [] {
    auto loaded = harmlens::Geocoder::Load(harmlens::Env::Default(), HARMLENS_REFERENCE_DIR);
    if (!loaded.ok()) __builtin_trap();
    return std::move(loaded).value();
  }();
  return *geocoder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* site : {"", "E06000016"}) {
    harmlens::GeocodeResult r = TheGeocoder().Geocode(text, harmlens::GeocodeHints{site});
    if (r.resolved) {
      if (!(r.confidence > 0 && r.confidence <= 1) || !(r.radius_m >= 100)) __builtin_trap();
    } else if (r.reason == harmlens::UnresolvedReason::kNone || r.unresolved_reason.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
