// Geocoding of free-text place descriptions, as A&E clerks write them in the ISTV
// location_description ("outside Wetherspoons Granby St", "town centre Loughborough",
// "park near Braunstone"), against the LLR gazetteer (geo/gazetteer.h) and a small curated
// alias list (data/reference/geocoding_aliases.csv). Every answer is a point, a radius
// and a confidence, or an explicit "unresolved" with its reason: nothing is guessed
// silently. docs/geocoding.md describes the method and its measured accuracy.
// A Geocoder is immutable once created: Geocode() may be called from several threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/gazetteer.h"
#include "model/incident.h"

namespace harmlens {

inline constexpr std::string_view kGeocodingAliasesFile = "geocoding_aliases.csv";
// The first line of the alias file, exactly (format `geocoding-aliases/1`).
inline constexpr std::string_view kGeocodingAliasesHeader = "kind,text,target,district,radius_m,source";

// What the caller knows besides the text. The treatment site's district makes places in
// it more likely (an ISTV adapter maps the site code: RWEAA, Leicester Royal Infirmary, ->
// E06000016) and lets "town centre" with no town mean that district's centre.
struct GeocodeHints {
  std::string site_district;  // LAD code, or "" for no preference
};

enum class GeocodeMethod {
  kNone,        // unresolved
  kStreet,      // a police.uk street: "Granby St"
  kNamedPlace,  // a named police.uk place: "Haymarket", "Leicester Royal Infirmary"
  kTownCentre,  // the centre of a town or the city: "town centre Loughborough", "clock tower"
  kWard,        // a 2013 ward or a village named in one: "Braunstone", "Quorn"
  kTown,        // a town made of wards: "Loughborough", "near Hinckley"
  kDistrict,    // a district: "Charnwood", "Leicester"
};

enum class UnresolvedReason {
  kNone,
  kEmpty,              // nothing written
  kNotKnown,           // "unknown", "not known", "n/k", "?"
  kPrivateAddress,     // "home", "home address", "friend's flat": no place named (and none wanted)
  kGenericPlaceOnly,   // a kind of place without a name we know: "park", "bus station", "school"
  kCentreWithoutTown,  // "town centre" with no town and no site district to read it by
  kAmbiguous,          // a name of several places and nothing to choose: "High Street"
  kNoPlaceName,        // no LLR street or place name recognised
};

// "none", "street", "place", "town-centre", "ward", "town", "district".
std::string_view GeocodeMethodName(GeocodeMethod method);
// "", "empty", "not-known", "private-address", "generic-place-only", "centre-without-town",
// "ambiguous", "no-place-name".
std::string_view UnresolvedReasonName(UnresolvedReason reason);

struct GeocodeResult {
  bool resolved = false;
  GeoPoint point;       // WGS84; meaningful only when resolved
  double radius_m = 0;  // the place is stated to lie within this distance of `point`
  // The estimated probability that the true location lies within radius_m of point
  // (0..1). Fixed per method and scaled down for typos, for choosing among several
  // same-named places, and for the site-district assumption (docs/geocoding.md).
  double confidence = 0;
  GeocodeMethod method = GeocodeMethod::kNone;
  bool fuzzy = false;               // matched a name within a small edit distance, not exactly
  bool partial_name = false;        // the street type was missing ("Granby" for Granby Street)
  bool qualified = false;           // a town, ward or district in the text chose among same-named places
  bool used_site_district = false;  // the hint's district decided the answer
  bool near = false;                // "near ..." widened the radius
  int candidates = 0;               // how many gazetteer places the matched name could mean
  std::string matched_name;         // "Granby Street (Leicester)", "Loughborough (town, Charnwood)"
  std::string district;             // CSP area (LAD) code of the answer
  UnresolvedReason reason = UnresolvedReason::kNone;
  std::string unresolved_reason;  // for people: why, and what would resolve it

  // The method as evaluation tables show it: "street", "street+area", "fuzzy-street",
  // "place", "town-centre", "town-centre+site", "ward", "town", "district", ...
  std::string MethodLabel() const;
};

// Counts of answers, so a feed can report how much it geocoded and why the rest was not.
struct GeocodeTally {
  int64_t total = 0;
  int64_t resolved = 0;
  std::map<std::string, int64_t> by_method;   // MethodLabel() of resolved answers
  std::map<std::string, int64_t> unresolved;  // UnresolvedReasonName() of the rest
  void Add(const GeocodeResult& result);
};

class Geocoder {
 public:
  // Reads reference_dir/gazetteer_llr.csv and reference_dir/geocoding_aliases.csv.
  static Result<std::unique_ptr<const Geocoder>> Load(Env* env, const std::string& reference_dir);
  // From entries already built (e.g. BuildGazetteer) and the alias file's bytes; an alias
  // whose target is not in `entries` is an error naming its line.
  static Result<std::unique_ptr<const Geocoder>> Create(std::vector<GazetteerEntry> entries,
                                                        std::string_view aliases_csv,
                                                        const std::string& aliases_path);

  GeocodeResult Geocode(std::string_view text, const GeocodeHints& hints = {}) const;

  // The words the matcher sees: lower case, punctuation dropped, abbreviations made
  // canonical ("Street" and "St" both "st"), "the" dropped. Exposed for tests.
  std::vector<std::string> Words(std::string_view text) const;
  const std::vector<GazetteerEntry>& entries() const { return entries_; }

 private:
  struct Centre {
    int entry = -1;  // the street or place marking the centre
    double radius_m = 0;
  };
  struct Target {
    int entry = -1;          // an entry of entries_, or
    int centre_of = -1;      // the centre of this area entry (a landmark such as "clock tower")
    bool ward_part = false;  // a part of a ward's name ("St Johns" of "Enderby and St John's")
  };
  struct Match;
  struct Resolution;

  Geocoder() = default;
  Status AddAliases(std::string_view csv, const std::string& path);
  void AddKey(const std::string& key, Target target);
  std::string KeyOf(std::string_view name) const;
  // Adds each target to m's streets, areas or centre.
  void Sort(const std::vector<Target>& targets, Match* m) const;
  std::vector<Match> ExactMatches(const std::vector<std::string>& words) const;
  // The key nearest by edit distance to one of `spans` (start, length), or "".
  std::string NearestKey(const std::vector<std::string>& words,
                         const std::vector<std::pair<size_t, size_t>>& spans) const;
  GeocodeResult ResolveStreet(const std::vector<int>& candidates, const std::vector<const Match*>& qualifiers,
                              const GeocodeHints& hints) const;
  GeocodeResult ResolveArea(const std::vector<int>& candidates, const std::vector<const Match*>& qualifiers,
                            const GeocodeHints& hints) const;
  GeocodeResult ResolveCentre(int area_entry, bool by_site) const;
  bool InArea(const GazetteerEntry& place, const GazetteerEntry& area) const;
  std::string Describe(const GazetteerEntry& entry) const;

  std::vector<GazetteerEntry> entries_;
  std::unordered_map<std::string, std::string> abbreviations_;          // lower-case word -> canonical word
  std::vector<std::pair<std::string, std::string>> long_street_types_;  // "street" -> "st", for typos
  std::unordered_map<std::string, std::vector<Target>> by_key_;
  std::unordered_map<std::string, std::vector<std::string>> keys_by_signature_;  // sorted words -> keys
  std::unordered_map<std::string, std::vector<std::string>> keys_by_stem_;       // street without its type
  // (length, first byte) -> (letter set, key) of every name but vocabulary words.
  std::unordered_map<uint32_t, std::vector<std::pair<uint32_t, std::string>>> fuzzy_buckets_;
  std::unordered_map<int, Centre> centres_;  // area entry -> centre
};

// Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
// substitutions and adjacent transpositions), or limit + 1 once it must exceed `limit`.
int EditDistance(std::string_view a, std::string_view b, int limit);

}  // namespace harmlens
