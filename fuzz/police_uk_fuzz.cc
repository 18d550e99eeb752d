// Fuzz target: any bytes as a police.uk file, through the header check, the CSV reader
// and the row parser, exactly as ingest runs them. A crafted partner file must never
// crash the process or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/police_uk.h"

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
  (void)harmlens::CheckPoliceUkHeader("fuzz.csv", bytes);
  harmlens::PoliceUkParser parser("fuzz.csv", Geography());
  harmlens::CsvReader reader(bytes);
  harmlens::CsvRecord record;
  harmlens::Incident incident;
  harmlens::QuarantinedRow rejected;
  while (reader.Next(&record)) (void)parser.Parse(record, &incident, &rejected);
  return 0;
}
