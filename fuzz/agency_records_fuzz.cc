// Fuzz target: any bytes as an agency records file, through the header check (which
// must never show the first line), the CSV reader and the row parser, as ingest runs
// them. A crafted partner file must never crash the process or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/csv.h"
#include "ingest/agency_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)harmlens::CheckAgencyRecordsHeader("agency.csv", bytes);
  harmlens::AgencyRecordParser parser("agency.csv");
  harmlens::CsvReader reader(bytes);
  harmlens::CsvRecord record;
  harmlens::AgencyRecord agency_record;
  harmlens::QuarantinedRow rejected;
  while (reader.Next(&record)) {
    (void)parser.Parse(record, &agency_record, &rejected);
    (void)harmlens::IsPersonName(record.raw);
  }
  return 0;
}
