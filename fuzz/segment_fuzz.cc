// Fuzz target: any bytes as a stored incident segment. A damaged store file must be
// refused with a Corruption status, never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/incident_segment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader = harmlens::SegmentReader::Open(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) return 0;
  for (uint32_t i = 0; i < reader->row_count(); ++i) (void)reader->ToIncident(i, "fuzz");
  return 0;
}
