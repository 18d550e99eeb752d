// Fuzz target: any bytes as what the hub receives from a partner — an encodings file,
// a record file in plaintext mode, or a linkage schema. A crafted file must never crash
// the hub or read out of bounds; a readable one must give comparable records.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "linkage/comparators.h"
#include "linkage/linker.h"
#include "linkage/records.h"
#include "linkage/schema.h"

namespace {

const harmlens::linkage::LinkageSchema& Schema() {
  static const harmlens::linkage::LinkageSchema schema = [] {
    std::ifstream in(std::string(HARMLENS_REFERENCE_DIR) + "/../linkage/schema-1.json");
    std::stringstream text;
    text << in.rdbuf();
    return *harmlens::linkage::ParseLinkageSchema("schema-1.json", text.str());
  }();
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace harmlens::linkage;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)ParseLinkageSchema("fuzz.json", bytes);
  RecordSet encoded;
  if (ReadEncodings("fuzz.enc", bytes, Schema(), &encoded).ok() && encoded.size() >= 2) {
    const CandidatePairs pairs = BlockRecords(encoded);
    for (size_t i = 0; i < pairs.pairs.size() && i < 100; ++i) {
      (void)Compare(Schema(), encoded, pairs.pairs[i].first, pairs.pairs[i].second);
    }
  }
  ReadStats stats;
  auto records = ReadIdentifiedRecords("fuzz.csv", bytes, Schema(), &stats);
  if (records.ok() && records->size() >= 2) {
    const RecordSet plain = PlaintextRecordSet(Schema(), *records);
    (void)Compare(Schema(), plain, 0, 1);
  }
  return 0;
}
