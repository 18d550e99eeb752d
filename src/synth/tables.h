// The small bundled lists the synthetic LLR draws from (data/synth/): common given
// names by sex and birth era, common surnames, nickname and spelling variants, and a
// gazetteer of night-time-economy streets and town centres. Invented weights, no
// personal data (data/synth/README.md). Loaded once, then immutable: safe to share.
#pragma once

#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "model/incident.h"
#include "synth/random.h"

namespace harmlens::synth {

// Birth eras the given-name weights are split by.
enum class BirthEra : int { kBefore1970 = 0, k1970To1994 = 1, k1995On = 2 };
inline constexpr int kBirthEraCount = 3;

struct NameVariant {
  std::string text;
  bool nickname = false;  // false: a spelling variant
};

enum class PlaceKind : uint8_t { kNteStreet, kTownCentre, kSuburb };

struct Place {
  std::string name;
  PlaceKind kind = PlaceKind::kTownCentre;
  std::string csp_area;
  GeoPoint point;
  double weight = 1;
};

struct NameTables {
  // given[sex][era]: indices into given_names, drawn by weight. sex 0 = F, 1 = M.
  std::vector<std::string> given_names;
  std::vector<std::vector<NameVariant>> variants;  // per given name, maybe empty
  AliasTable given[2][kBirthEraCount];
  std::vector<std::vector<uint32_t>> given_index[2];  // alias slot -> name, per era
  std::vector<std::string> surnames;
  AliasTable surname;
  std::vector<Place> places;
};

// Reads given_names.csv, surnames.csv, name_variants.csv and places.csv from `dir`.
// Any malformed row refuses the whole load, naming file, line and column.
Result<std::unique_ptr<const NameTables>> LoadNameTables(Env* env, const std::string& dir);

}  // namespace harmlens::synth
