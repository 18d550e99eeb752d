// Fuzz target: any bytes as a police extract, exactly as ingest runs it. The input is
// split at the first NUL byte: before it, an incidents file; after it (if any), the
// persons file of the same extract. Both go through the header check, the persons
// reader and the incidents parser with its batch closing. A crafted partner file must
// never crash the process or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/police_extract.h"

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
  size_t nul = bytes.find('\0');
  std::string_view incidents = bytes.substr(0, nul);
  std::optional<harmlens::PoliceExtractPersons> persons;
  if (nul != std::string_view::npos) {
    std::string_view persons_bytes = bytes.substr(nul + 1);
    (void)harmlens::IdentifyPoliceExtractFile("persons.csv", persons_bytes);
    persons.emplace("persons.csv", persons_bytes);
  }
  (void)harmlens::IdentifyPoliceExtractFile("incidents.csv", incidents);
  harmlens::PoliceExtractParser parser("incidents.csv", Geography(), persons ? &*persons : nullptr);
  harmlens::CsvReader reader(incidents);
  harmlens::CsvRecord record;
  harmlens::Incident incident;
  harmlens::QuarantinedRow rejected;
  harmlens::IncidentBatch batch;
  reader.Next(&record);
  int rows = 0;
  while (reader.Next(&record)) {
    (void)parser.Parse(record, &incident, &rejected);
    if (++rows % 3 == 0) parser.CloseBatch(&batch, false);
  }
  parser.CloseBatch(&batch, true);
  return 0;
}
