// The linkage schema (docs/linkage.md, data/linkage/schema-*.json): which identifiers are
// compared, how each is normalised, encoded (q, Bloom filter bits, hashes per q-gram) and
// compared in clear, how records are blocked, and the Fellegi-Sunter settings. Partners
// and hub must use the same schema version: it travels with every encoding file.
// Immutable after loading; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "linkage/normalise.h"

namespace harmlens::linkage {

inline constexpr std::string_view kSchemaFormat = "harmlens-linkage/1";

// How a field is compared in plaintext mode (encodings are always compared by Dice).
enum class PlaintextComparator { kJaroWinkler, kDate, kPostcode, kExact };

struct FieldSpec {
  std::string name;    // as the schema and the encoding file's "bf:<name>" column call it
  std::string column;  // the input file's column holding the identifier
  Normaliser normaliser = Normaliser::kName;
  int q = 2;
  int bits = 512;  // a multiple of 64
  int k = 20;      // bit positions set per q-gram
  PlaintextComparator plaintext = PlaintextComparator::kJaroWinkler;
  // Similarity cut-offs, highest first: level 0 is "at least levels[0]", ..., and
  // level levels.size() is "below the last". Shared by both modes.
  std::vector<double> levels;
};

// One part of a blocking key: a field and what of it to take.
struct BlockingPart {
  int field = 0;
  enum class Take { kExact, kSoundex, kFirst, kYear, kOutward } take = Take::kExact;
  int length = 0;  // for kFirst
};
using BlockingRule = std::vector<BlockingPart>;

struct LinkageSchema {
  std::string name;  // e.g. "agency-records-1": the version partners quote
  std::string record_key;
  std::string source_column;       // "" = every record from one source
  std::vector<std::string> carry;  // non-identifying columns copied to the output
  // Carried columns an input file may lack (older files): carried empty, not refused.
  std::vector<std::string> optional_carry;
  std::vector<FieldSpec> fields;
  std::vector<BlockingRule> blocking;
  double prior_match_probability = 0.001;
  double match_threshold = 0.5;    // pair match probability
  double cluster_threshold = 0.5;  // mean match probability across two clusters to merge them
  int em_iterations = 60;
  std::string text;  // the JSON as read, for the run record

  int FieldIndex(std::string_view name) const;
};

// Reads and checks a schema; errors name the file and the key at fault.
Result<LinkageSchema> ParseLinkageSchema(const std::string& file, std::string_view json);

}  // namespace harmlens::linkage
