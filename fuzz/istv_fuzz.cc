// Fuzz target: any bytes as an ISTV A&E submission, through the header check, the CSV
// reader and the row parser (with no geocoder: the geocoder has its own target), as
// ingest runs them. A crafted partner file must never crash the process or read out of
// bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/istv.h"

namespace {

const harmlens::ReferenceGeography& Geography() {
  static std::shared_ptr<const harmlens::ReferenceGeography> geography = [] {
    auto loaded = harmlens::ReferenceGeography::Load(harmlens::Env::Default(), HARMLENS_REFERENCE_DIR);
    if (!loaded.ok()) __builtin_trap();
    return *loaded;
  }();
  return *geography;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)harmlens::CheckIstvHeader("istv.csv", bytes);
  harmlens::IstvParser parser("istv.csv", Geography(), nullptr);
  harmlens::CsvReader reader(bytes);
  harmlens::CsvRecord record;
  harmlens::Incident incident;
  harmlens::QuarantinedRow rejected;
  while (reader.Next(&record)) (void)parser.Parse(record, &incident, &rejected);
  return 0;
}
