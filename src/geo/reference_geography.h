// The reference geography harmlens reads from data/reference: every LLR LSOA (2011)
// with its CSP area, IMD 2019 rank and decile, mid-2018 population and polygon. Loaded
// once, then immutable: safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/lsoa_index.h"
#include "model/geography.h"

namespace harmlens {

// File names inside the reference directory.
inline constexpr std::string_view kLsoaBoundariesFile = "lsoa11_llr.geojson";
inline constexpr std::string_view kLsoaDistrictLookupFile = "lsoa11_to_lad19_llr.csv";
inline constexpr std::string_view kImdFile = "imd2019_file1_llr.csv";
inline constexpr std::string_view kPopulationFile = "population_mid2018_lsoa11_llr.csv";

class ReferenceGeography {
 public:
  // Reads and cross-checks the four files; any missing LSOA, polygon or value is an
  // error naming the file, line and column.
  static Result<std::shared_ptr<const ReferenceGeography>> Load(Env* env, const std::string& dir);

  const std::vector<Lsoa>& lsoas() const { return lsoas_; }
  // nullptr if `code` is not an LLR LSOA.
  const Lsoa* FindLsoa(std::string_view code) const;
  // The LSOA whose polygon contains the point, or nullptr (outside LLR).
  const Lsoa* LsoaContaining(GeoPoint point) const;
  // The polygon of lsoas()[i] (the same order), e.g. to place points inside an LSOA.
  const ZonePolygon& Polygon(size_t i) const { return index_.zones()[i]; }

 private:
  std::vector<Lsoa> lsoas_;  // in boundary-file order; index_ zones share the order
  struct CodeHash {
    using is_transparent = void;
    size_t operator()(std::string_view code) const { return std::hash<std::string_view>()(code); }
  };
  std::unordered_map<std::string, size_t, CodeHash, std::equal_to<>> by_code_;
  LsoaIndex index_;
};

}  // namespace harmlens
