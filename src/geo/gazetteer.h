// The LLR gazetteer: the places an ISTV clerk can name, each as a representative point,
// a radius and the police.uk rows behind it. Streets and named places come from the
// police.uk "On or near <name>" locations (one entry per spatially separate stretch of a
// name: the many High Streets of LLR are separate entries); wards from the 2013 ward
// polygons, towns from ward names that share a first part ("Loughborough Southfields",
// "Loughborough Storer", ...), districts from the nine LADs. BuildGazetteer derives it
// from the bundled data (`harmlens gazetteer`); the result is committed as
// data/reference/gazetteer_llr.csv (docs/formats/gazetteer.md) so the geocoder only
// reads one small file. Plain values: safe to share between threads once built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "model/incident.h"

namespace harmlens {

inline constexpr std::string_view kGazetteerFile = "gazetteer_llr.csv";
// The first line of a gazetteer file, exactly (format `gazetteer/1`).
inline constexpr std::string_view kGazetteerHeader =
    "kind,name,district,wards,longitude,latitude,radius_m,rows";

enum class PlaceKind {
  kStreet,      // a police.uk location whose last word is a street type: "Granby Street"
  kNamedPlace,  // any other named police.uk location: "Haymarket", "Leicester Royal Infirmiry" (sic)
  kWard,        // a 2013 ward: "Braunstone Park and Rowley Fields"
  kTown,        // wards sharing a first part: "Loughborough" (11 wards)
  kDistrict,    // one of the nine LADs (CSP areas): "Charnwood"
};

// "street", "place", "ward", "town", "district" — the `kind` column.
std::string_view PlaceKindName(PlaceKind kind);

// Distances inside the gazetteer and the geocoder use a local equirectangular
// approximation with fixed factors for LLR's latitude (52.6°N), the same as the synthetic
// generator's: under 0.5% error across LLR (52.39–52.98°N) at the scale of a town, and
// exact to reproduce on every machine (no libm). A projected grid (British National Grid
// via PROJ) arrives with the spatial layer.
inline constexpr double kMetresPerDegreeLatitude = 111'250;
inline constexpr double kMetresPerDegreeLongitude = 67'620;
double DistanceMetres(GeoPoint a, GeoPoint b);

// The smallest radius an entry states. police.uk maps a crime to the centre point of its
// street (or of a public place), so a street with one snap point still means "somewhere
// along it": 150 m is half of a typical 300 m residential street (an assumption).
inline constexpr int kMinimumRadiusMetres = 150;
// Snap points of one name further apart than this (single linkage) are different places.
inline constexpr double kSameStreetGapMetres = 1000;

struct GazetteerEntry {
  PlaceKind kind = PlaceKind::kStreet;
  std::string name;      // as the source spells it (the commonest police.uk spelling)
  std::string district;  // LAD (CSP area) code, e.g. "E06000016"
  // Ward codes (WD13CD): for a street, place or ward the one ward holding most of its
  // rows; for a town its member wards; empty for a district (it holds all its wards).
  std::vector<std::string> wards;
  GeoPoint point;    // median longitude and median latitude of its police.uk rows
  int radius_m = 0;  // 90th percentile distance of those rows from `point`, >= kMinimumRadiusMetres
  int64_t rows = 0;  // police.uk rows behind it (the prior that a report means this place)
};

// Builds the gazetteer from `data_dir` (the bundled data/ folder): every police.uk file
// below data_dir/police-uk, the LSOA-to-district lookup and the ward and district
// boundaries in data_dir/reference. Rows without coordinates, outside LLR or at a
// generic police.uk location ("On or near Supermarket", "On or near Parking Area", ...)
// name nothing and are left out of streets (but counted in wards, towns and districts).
// Deterministic: the same files give the same entries in the same order.
Result<std::vector<GazetteerEntry>> BuildGazetteer(Env* env, const std::string& data_dir);

// The police.uk location labels that are kinds of place, not names ("Supermarket",
// "Parking Area", "Nightclub", ...), as police.uk writes them after "On or near ".
bool IsGenericPoliceUkLocation(std::string_view name);

// The parts of a ward name that name places: "Braunstone Park and Rowley Fields" ->
// {"Braunstone Park", "Rowley Fields"}; "Market Harborough-Logan" -> {"Market Harborough",
// "Logan"}; "Ratby, Bagworth and Thornton" -> three. A hyphen splits only before a
// capital and after a part with no hyphen ("Frisby-on-the-Wreake" is one place).
std::vector<std::string> WardNameParts(std::string_view name);

// The gazetteer as CSV bytes (kGazetteerHeader, then one line per entry, LF).
std::string WriteGazetteerCsv(const std::vector<GazetteerEntry>& entries);
// Reads what WriteGazetteerCsv wrote; `path` names the file in errors.
Result<std::vector<GazetteerEntry>> ReadGazetteerCsv(std::string_view bytes, const std::string& path);

}  // namespace harmlens
