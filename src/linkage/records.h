// Records as linkage sees them, in either mode: identifiers normalised in clear (partner
// side, or plaintext mode at the hub) or as keyed Bloom filters (the hub's normal case),
// each with its blocking tokens. Reading partner files and writing and reading encoding
// files (docs/formats/linkage-encodings.md). Messages name file, line and column but
// never repeat an identifier. Not thread-safe while being built; read-only after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "linkage/schema.h"

namespace harmlens::linkage {

inline constexpr std::string_view kEncodingsFormat = "harmlens-encodings/1";

// A partner's record with its identifiers normalised (schema field order). Personal data.
struct IdentifiedRecord {
  std::string key;
  std::string source;
  std::vector<std::string> carry;   // schema.carry order
  std::vector<std::string> values;  // normalised, "" = missing
};

// A police nominals file (person_key + identifiers, no record id or source column) is
// read with the person_key as record key and source "police" (docs/formats/police-nominals.md).
inline constexpr std::string_view kPoliceNominalKey = "person_key";
inline constexpr std::string_view kPoliceNominalSource = "police";

// Reads a CSV with a header naming the schema's record key, source, carry and field
// columns (others ignored; surrounding spaces trimmed, as FEBRL writes them), or a police
// nominals file.
struct ReadStats {
  int64_t rows = 0;
  int64_t refused = 0;           // malformed lines: counted, never echoed
  std::vector<int64_t> missing;  // per field, values that normalised to nothing
};
Result<std::vector<IdentifiedRecord>> ReadIdentifiedRecords(const std::string& file, std::string_view bytes,
                                                            const LinkageSchema& schema, ReadStats* stats);

enum class LinkMode { kEncoded, kPlaintext };
const char* LinkModeName(LinkMode mode);

// Records of one linkage run, column-wise so comparisons touch only what they need.
struct RecordSet {
  LinkMode mode = LinkMode::kEncoded;
  std::vector<std::string> keys;  // "source/record_key": unique in the set
  std::vector<std::string> sources;
  std::vector<std::vector<std::string>> carry;  // per record
  std::vector<std::vector<uint64_t>> tokens;    // per record, one per blocking rule (0: none)
  // kEncoded: per field, words_per_record[f] words for each record, and its popcount.
  std::vector<int> words;
  std::vector<std::vector<uint64_t>> filters;
  std::vector<std::vector<uint16_t>> popcounts;
  // kPlaintext: per field, the normalised value of each record.
  std::vector<std::vector<std::string>> values;

  size_t size() const { return keys.size(); }
  bool Missing(size_t field, size_t record) const;
};

// The blocking tokens of a record, one per rule in the schema's order: the first 8 bytes
// of HMAC-SHA-256(key, rule number and parts), or 0 when a part is missing. The partner's keyed tokens
// and the plaintext mode's (key of 32 zero bytes) are made the same way.
std::vector<uint64_t> BlockingTokens(const LinkageSchema& schema, const std::vector<std::string>& values,
                                     const std::vector<uint8_t>& key);

// Keyed Bloom-filter encoder (docs/linkage.md, "Encoding"). Holds keys derived from the
// partners' shared secret; never logs or writes them. Safe to use from one thread.
class KeyedEncoder {
 public:
  // The secret must be at least 16 bytes.
  static Result<KeyedEncoder> Create(const LinkageSchema& schema, std::string_view secret);
  // Bit positions set by q-gram `gram` of field `field` (a position may repeat).
  std::vector<uint32_t> Positions(size_t field, std::string_view gram) const;
  // The filter of one normalised value (empty value -> all zero = missing).
  std::vector<uint64_t> Filter(size_t field, std::string_view value) const;
  std::vector<uint64_t> Tokens(const std::vector<std::string>& values) const;

 private:
  const LinkageSchema* schema_ = nullptr;
  std::vector<std::vector<uint8_t>> field_keys_;
  std::vector<uint8_t> blocking_key_;
};

// Plaintext mode: the records as they are.
RecordSet PlaintextRecordSet(const LinkageSchema& schema, const std::vector<IdentifiedRecord>& records);
// Encoded mode built in memory (for evaluation: both modes from the same file).
RecordSet EncodedRecordSet(const LinkageSchema& schema, const KeyedEncoder& encoder,
                           const std::vector<IdentifiedRecord>& records);

// The encoding file: header `format,schema,record_key,source,<carry>,bf:<field>...,blocking`,
// filters base64, tokens hex. No identifier of any kind.
std::string WriteEncodings(const LinkageSchema& schema, const KeyedEncoder& encoder,
                           const std::vector<IdentifiedRecord>& records);
// Appends the records of an encoding file to `set` (mode kEncoded). Refuses a file of
// another schema or filter size, naming file, line and column.
Status ReadEncodings(const std::string& file, std::string_view bytes, const LinkageSchema& schema,
                     RecordSet* set);

}  // namespace harmlens::linkage
