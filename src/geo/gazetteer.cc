#include "geo/gazetteer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "base/csv.h"
#include "geo/lsoa_index.h"
#include "model/geography.h"

namespace harmlens {
namespace {

constexpr std::string_view kOnOrNear = "On or near ";

// Every generic label police.uk uses in the bundled Leicestershire files (all 22 months):
// labels of a kind of place, each found in 3 to 14 of the 9 districts' LSOAs.
constexpr std::array<std::string_view, 17> kGenericPoliceUkLocations = {
    "Airport/Airfield",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Further/Higher Educational Building",
    "Hospital",
    "Motorway Service Area",
    "Nightclub",
    "Park/Open Space",
    "Parking Area",
    "Pedestrian Subway",
    "Petrol Station",
    "Police Station",
    "Prison",
    "Shopping Area",
    "Sports/Recreation Area",
    "Supermarket",
    "Theatre/Concert Hall",
};

// Last words that make a police.uk location a street rather than a named place.
constexpr std::array<std::string_view, 30> kStreetTypes = {
    "Approach", "Avenue", "Boulevard", "Circle", "Close",   "Court", "Crescent", "Croft",  "Drive", "End",
    "Gardens",  "Gate",   "Green",     "Grove",  "Hill",    "Lane",  "Mews",     "Parade", "Place", "Rise",
    "Road",     "Row",    "Square",    "Street", "Terrace", "View",  "Walk",     "Way",    "Wharf", "Yard",
};

constexpr std::string_view kCompass[] = {"north", "south", "east", "west"};

// Lower-case ASCII words of a name, apostrophes dropped, any other non-alphanumeric byte
// a separator: "St Martin'S" and "St Martins" both give "st martins".
std::string GroupingKey(std::string_view name) {
  std::string key;
  bool pending_space = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\'') continue;
    if (std::isalnum(u) || u >= 0x80) {
      if (pending_space && !key.empty()) key += ' ';
      pending_space = false;
      key += static_cast<char>(std::tolower(u));
    } else {
      pending_space = true;
    }
  }
  return key;
}

int32_t MicroDegrees(double degrees) { return static_cast<int32_t>(std::llround(degrees * 1e6)); }
double Degrees(int32_t micro) { return static_cast<double>(micro) / 1e6; }

struct RowPoint {
  int32_t lon = 0, lat = 0;  // micro-degrees
  int32_t ward = -1;         // index into the ward list, -1 if no ward polygon holds it
  int32_t district = -1;     // index into LlrCspAreas() by the row's LSOA label
};

struct Ward {
  std::string code, name, district;
  int32_t district_index = -1;
};

// Median point (lower median of each coordinate, on integers: exact and reproducible)
// and 90th percentile distance, at least kMinimumRadiusMetres, rounded up to 10 m.
void Summarise(std::vector<RowPoint>& rows, GazetteerEntry* entry) {
  std::vector<int32_t> lons, lats;
  lons.reserve(rows.size());
  lats.reserve(rows.size());
  for (const RowPoint& r : rows) {
    lons.push_back(r.lon);
    lats.push_back(r.lat);
  }
  size_t mid = (rows.size() - 1) / 2;
  std::nth_element(lons.begin(), lons.begin() + static_cast<std::ptrdiff_t>(mid), lons.end());
  std::nth_element(lats.begin(), lats.begin() + static_cast<std::ptrdiff_t>(mid), lats.end());
  entry->point = {Degrees(lons[mid]), Degrees(lats[mid])};
  std::vector<double> distances;
  distances.reserve(rows.size());
  for (const RowPoint& r : rows)
    distances.push_back(DistanceMetres(entry->point, {Degrees(r.lon), Degrees(r.lat)}));
  size_t p90 = (rows.size() * 9 + 9) / 10 - 1;  // ceil(0.9 n) - 1
  std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(p90), distances.end());
  int radius = static_cast<int>(std::ceil(distances[p90] / 10.0)) * 10;
  entry->radius_m = std::max(radius, kMinimumRadiusMetres);
  entry->rows = static_cast<int64_t>(rows.size());
}

// The most frequent value among `values` (ties: the smallest), or -1 if all are -1.
int32_t Majority(const std::vector<int32_t>& values) {
  std::map<int32_t, int64_t> counts;
  for (int32_t v : values) {
    if (v >= 0) ++counts[v];
  }
  int32_t best = -1;
  int64_t best_count = 0;
  for (auto [v, n] : counts) {
    if (n > best_count) {
      best = v;
      best_count = n;
    }
  }
  return best;
}

Result<std::string> ReadWholeFile(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  return std::string(file->bytes());
}

// LSOA code -> index into LlrCspAreas(), from the lookup that defines "inside LLR".
Result<std::unordered_map<std::string, int32_t>> ReadLsoaDistricts(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  CsvReader reader(file->bytes());
  CsvRecord record;
  std::unordered_map<std::string, int32_t> out;
  size_t code_col = SIZE_MAX, lad_col = SIZE_MAX;
  bool header = true;
  const auto& areas = LlrCspAreas();
  while (reader.Next(&record)) {
    if (record.blank) continue;
    if (!record.error.empty()) return Status::RejectedInput(record.error, {path, record.line, ""});
    if (header) {
      for (size_t i = 0; i < record.fields.size(); ++i) {
        if (record.fields[i] == "LSOA11CD") code_col = i;
        if (record.fields[i] == "LAD19CD") lad_col = i;
      }
      if (code_col == SIZE_MAX || lad_col == SIZE_MAX) {
        return Status::RejectedInput("expected columns LSOA11CD and LAD19CD", {path, record.line, ""});
      }
      header = false;
      continue;
    }
    if (record.fields.size() <= std::max(code_col, lad_col)) {
      return Status::RejectedInput("too few fields", {path, record.line, ""});
    }
    int32_t district = -1;
    for (size_t a = 0; a < areas.size(); ++a) {
      if (areas[a].code == record.fields[lad_col]) district = static_cast<int32_t>(a);
    }
    if (district < 0) {
      return Status::RejectedInput(
          "\"" + std::string(record.fields[lad_col]) + "\" is not an LLR district code",
          {path, record.line, "LAD19CD"});
    }
    out[std::string(record.fields[code_col])] = district;
  }
  if (out.empty()) return Status::RejectedInput("no LSOAs", {path, 0, ""});
  return out;
}

Result<std::vector<Ward>> ReadWards(Env* env, const std::string& path, std::vector<ZonePolygon>* zones) {
  HL_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(env, path));
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") || !doc["features"].is_array()) {
    return Status::RejectedInput("not a GeoJSON FeatureCollection", {path, 0, ""});
  }
  auto text = [](const nlohmann::json& holder, const char* key) -> std::string {
    if (!holder.is_object()) return "";
    auto it = holder.find(key);
    return it != holder.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::vector<Ward> wards;
  const auto& areas = LlrCspAreas();
  for (const auto& feature : doc["features"]) {
    std::string where = "ward feature " + std::to_string(wards.size() + 1);
    if (!feature.is_object() || !feature.contains("properties") || !feature.contains("geometry")) {
      return Status::RejectedInput(where + " is not a Feature with properties and geometry", {path, 0, ""});
    }
    Ward ward{text(feature["properties"], "WD13CD"), text(feature["properties"], "WD13NM"),
              text(feature["properties"], "LAD13CD"), -1};
    for (size_t a = 0; a < areas.size(); ++a) {
      if (areas[a].code == ward.district) ward.district_index = static_cast<int32_t>(a);
    }
    if (ward.code.empty() || ward.name.empty() || ward.district_index < 0) {
      return Status::RejectedInput(where + " needs WD13CD, WD13NM and an LLR LAD13CD", {path, 0, ""});
    }
    const nlohmann::json& geometry = feature["geometry"];
    if (!geometry.is_object() || text(geometry, "type") != "Polygon" || !geometry.contains("coordinates") ||
        !geometry["coordinates"].is_array()) {
      return Status::RejectedInput(where + " (" + ward.code + ") is not a Polygon", {path, 0, ""});
    }
    ZonePolygon zone;
    zone.code = ward.code;
    bool first = true;
    for (const auto& ring_json : geometry["coordinates"]) {
      if (!ring_json.is_array())
        return Status::RejectedInput(where + ": ring is not an array", {path, 0, ""});
      Ring ring;
      for (const auto& pt : ring_json) {
        if (!pt.is_array() || pt.size() < 2 || !pt[0].is_number() || !pt[1].is_number()) {
          return Status::RejectedInput(where + ": position is not [longitude, latitude]", {path, 0, ""});
        }
        GeoPoint p{pt[0].get<double>(), pt[1].get<double>()};
        if (first) {
          zone.min_lon = zone.max_lon = p.longitude;
          zone.min_lat = zone.max_lat = p.latitude;
          first = false;
        }
        zone.min_lon = std::min(zone.min_lon, p.longitude);
        zone.max_lon = std::max(zone.max_lon, p.longitude);
        zone.min_lat = std::min(zone.min_lat, p.latitude);
        zone.max_lat = std::max(zone.max_lat, p.latitude);
        ring.points.push_back(p);
      }
      zone.rings.push_back(std::move(ring));
    }
    if (first) return Status::RejectedInput(where + " (" + ward.code + ") has no points", {path, 0, ""});
    zones->push_back(std::move(zone));
    wards.push_back(std::move(ward));
  }
  if (wards.empty()) return Status::RejectedInput("no wards", {path, 0, ""});
  return wards;
}

// All that one police.uk name contributes: its spellings and its rows.
struct NameRows {
  std::map<std::string, int64_t> spellings;
  std::vector<RowPoint> rows;
};

struct PoliceUkRows {
  std::map<std::string, NameRows> by_name;  // by GroupingKey
  std::vector<std::vector<RowPoint>> by_ward;
};

Status ReadPoliceUk(Env* env, const std::string& dir,
                    const std::unordered_map<std::string, int32_t>& lsoa_district,
                    const LsoaIndex& ward_index, PoliceUkRows* out) {
  HL_ASSIGN_OR_RETURN(std::vector<std::string> files, env->ListFilesRecursively(dir));
  std::unordered_map<uint64_t, int32_t> ward_of_point;
  int csv_files = 0;
  for (const std::string& path : files) {
    if (path.size() < 4 || path.compare(path.size() - 4, 4, ".csv") != 0) continue;
    ++csv_files;
    HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
    CsvReader reader(file->bytes());
    CsvRecord record;
    size_t lon_col = SIZE_MAX, lat_col = SIZE_MAX, loc_col = SIZE_MAX, lsoa_col = SIZE_MAX;
    bool header = true;
    while (reader.Next(&record)) {
      if (record.blank) continue;
      if (header) {
        for (size_t i = 0; i < record.fields.size(); ++i) {
          if (record.fields[i] == "Longitude") lon_col = i;
          if (record.fields[i] == "Latitude") lat_col = i;
          if (record.fields[i] == "Location") loc_col = i;
          if (record.fields[i] == "LSOA code") lsoa_col = i;
        }
        if (lon_col == SIZE_MAX || lat_col == SIZE_MAX || loc_col == SIZE_MAX || lsoa_col == SIZE_MAX) {
          return Status::RejectedInput(
              "not a police.uk street-level CSV (needs Longitude, Latitude, Location, LSOA code)",
              {path, record.line, ""});
        }
        header = false;
        continue;
      }
      // A malformed row is left out: the gazetteer is built from the rows that read cleanly.
      if (!record.error.empty() || record.fields.size() <= std::max({lon_col, lat_col, loc_col, lsoa_col}))
        continue;
      auto district = lsoa_district.find(std::string(record.fields[lsoa_col]));
      if (district == lsoa_district.end()) continue;  // no location, or outside LLR
      double lon = 0, lat = 0;
      std::string_view lon_text = record.fields[lon_col], lat_text = record.fields[lat_col];
      auto [p1, e1] = std::from_chars(lon_text.data(), lon_text.data() + lon_text.size(), lon);
      auto [p2, e2] = std::from_chars(lat_text.data(), lat_text.data() + lat_text.size(), lat);
      if (e1 != std::errc() || e2 != std::errc() || lon_text.empty() || lat_text.empty()) continue;
      RowPoint row{MicroDegrees(lon), MicroDegrees(lat), -1, district->second};
      uint64_t point_key =
          (static_cast<uint64_t>(static_cast<uint32_t>(row.lon)) << 32) | static_cast<uint32_t>(row.lat);
      auto cached = ward_of_point.find(point_key);
      if (cached == ward_of_point.end()) {
        cached =
            ward_of_point.emplace(point_key, ward_index.Find({Degrees(row.lon), Degrees(row.lat)})).first;
      }
      row.ward = cached->second;
      if (row.ward >= 0) out->by_ward[static_cast<size_t>(row.ward)].push_back(row);

      std::string_view location = record.fields[loc_col];
      if (location.substr(0, kOnOrNear.size()) != kOnOrNear) continue;
      std::string_view name = location.substr(kOnOrNear.size());
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (name.empty() || IsGenericPoliceUkLocation(name)) continue;
      std::string key = GroupingKey(name);
      if (key.empty()) continue;
      NameRows& named = out->by_name[key];
      ++named.spellings[std::string(name)];
      named.rows.push_back(row);
    }
  }
  if (csv_files == 0) return Status::NotFound("no police.uk CSV files below " + dir);
  return Status::Ok();
}

// Splits the rows of one name into places: single linkage over distinct snap points.
std::vector<std::vector<RowPoint>> SeparatePlaces(const std::vector<RowPoint>& rows) {
  std::vector<std::pair<int32_t, int32_t>> points;
  for (const RowPoint& r : rows) points.emplace_back(r.lon, r.lat);
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<size_t> parent(points.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  double gap_lon = kSameStreetGapMetres / kMetresPerDegreeLongitude * 1e6;
  for (size_t i = 0; i < points.size(); ++i) {
    // Points are sorted by longitude: stop once the longitude gap alone is too wide.
    for (size_t j = i + 1; j < points.size() && points[j].first - points[i].first <= gap_lon; ++j) {
      GeoPoint a{Degrees(points[i].first), Degrees(points[i].second)};
      GeoPoint b{Degrees(points[j].first), Degrees(points[j].second)};
      if (DistanceMetres(a, b) <= kSameStreetGapMetres) parent[find(i)] = find(j);
    }
  }
  std::map<size_t, size_t> cluster_of_root;  // root -> output index, in order of first point
  std::vector<size_t> cluster_of_point(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    auto [it, added] = cluster_of_root.emplace(find(i), cluster_of_root.size());
    cluster_of_point[i] = it->second;
  }
  std::vector<std::vector<RowPoint>> places(cluster_of_root.size());
  for (const RowPoint& r : rows) {
    size_t i = static_cast<size_t>(std::lower_bound(points.begin(), points.end(), std::pair{r.lon, r.lat}) -
                                   points.begin());
    places[cluster_of_point[i]].push_back(r);
  }
  return places;
}

// "Granby Street", and "Narborough Road North" (a street type, then a compass point).
bool IsStreetName(std::string_view name) {
  auto last_word = [](std::string_view s) {
    size_t space = s.rfind(' ');
    return space == std::string_view::npos ? s : s.substr(space + 1);
  };
  std::string_view last = last_word(name);
  if ((last == "North" || last == "South" || last == "East" || last == "West") && last.size() < name.size()) {
    last = last_word(name.substr(0, name.size() - last.size() - 1));
  }
  return std::find(kStreetTypes.begin(), kStreetTypes.end(), last) != kStreetTypes.end();
}

}  // namespace

std::vector<std::string> WardNameParts(std::string_view name) {
  std::vector<std::string> parts;
  std::string current;
  auto flush = [&] {
    while (!current.empty() && current.back() == ' ') current.pop_back();
    size_t start = current.find_first_not_of(' ');
    if (start != std::string::npos) parts.push_back(current.substr(start));
    current.clear();
  };
  size_t i = 0;
  while (i < name.size()) {
    auto starts = [&](std::string_view w) { return name.substr(i, w.size()) == w; };
    if (starts(" and ")) {
      flush();
      i += 5;
    } else if (starts(" with ")) {
      flush();
      i += 6;
    } else if (starts(", ")) {
      flush();
      i += 2;
    } else if (name[i] == '-' && i + 1 < name.size() &&
               std::isupper(static_cast<unsigned char>(name[i + 1])) &&
               current.find('-') == std::string::npos) {
      flush();
      i += 1;
    } else {
      current += name[i++];
    }
  }
  flush();
  return parts;
}

std::string_view PlaceKindName(PlaceKind kind) {
  switch (kind) {
    case PlaceKind::kStreet:
      return "street";
    case PlaceKind::kNamedPlace:
      return "place";
    case PlaceKind::kWard:
      return "ward";
    case PlaceKind::kTown:
      return "town";
    case PlaceKind::kDistrict:
      return "district";
  }
  return "?";
}

double DistanceMetres(GeoPoint a, GeoPoint b) {
  double dx = (a.longitude - b.longitude) * kMetresPerDegreeLongitude;
  double dy = (a.latitude - b.latitude) * kMetresPerDegreeLatitude;
  return std::sqrt(dx * dx + dy * dy);
}

bool IsGenericPoliceUkLocation(std::string_view name) {
  return std::find(kGenericPoliceUkLocations.begin(), kGenericPoliceUkLocations.end(), name) !=
         kGenericPoliceUkLocations.end();
}

Result<std::vector<GazetteerEntry>> BuildGazetteer(Env* env, const std::string& data_dir) {
  const std::string reference = data_dir + "/reference";
  HL_ASSIGN_OR_RETURN(auto lsoa_district, ReadLsoaDistricts(env, reference + "/lsoa11_to_lad19_llr.csv"));
  std::vector<ZonePolygon> zones;
  HL_ASSIGN_OR_RETURN(std::vector<Ward> wards, ReadWards(env, reference + "/wards2013_llr.geojson", &zones));
  LsoaIndex ward_index(std::move(zones));
  PoliceUkRows rows;
  rows.by_ward.resize(wards.size());
  HL_RETURN_IF_ERROR(ReadPoliceUk(env, data_dir + "/police-uk", lsoa_district, ward_index, &rows));
  const auto& areas = LlrCspAreas();

  std::vector<GazetteerEntry> entries;
  // Streets and named places.
  for (auto& [key, named] : rows.by_name) {
    std::string spelling;
    int64_t best = 0;
    for (const auto& [text, count] : named.spellings) {
      if (count > best) {  // ties keep the first in byte order
        spelling = text;
        best = count;
      }
    }
    std::vector<GazetteerEntry> places;
    for (std::vector<RowPoint>& place_rows : SeparatePlaces(named.rows)) {
      GazetteerEntry entry;
      entry.kind = IsStreetName(spelling) ? PlaceKind::kStreet : PlaceKind::kNamedPlace;
      entry.name = spelling;
      std::vector<int32_t> ward_ids, district_ids;
      for (const RowPoint& r : place_rows) {
        ward_ids.push_back(r.ward);
        district_ids.push_back(r.district);
      }
      int32_t ward = Majority(ward_ids);
      if (ward >= 0) {
        entry.wards = {wards[static_cast<size_t>(ward)].code};
        entry.district = wards[static_cast<size_t>(ward)].district;
      } else {
        entry.district = std::string(areas[static_cast<size_t>(Majority(district_ids))].code);
      }
      Summarise(place_rows, &entry);
      places.push_back(std::move(entry));
    }
    std::sort(places.begin(), places.end(), [](const GazetteerEntry& a, const GazetteerEntry& b) {
      if (a.district != b.district) return a.district < b.district;
      if (a.point.longitude != b.point.longitude) return a.point.longitude < b.point.longitude;
      return a.point.latitude < b.point.latitude;
    });
    for (GazetteerEntry& e : places) entries.push_back(std::move(e));
  }

  // Wards.
  for (size_t w = 0; w < wards.size(); ++w) {
    GazetteerEntry entry;
    entry.kind = PlaceKind::kWard;
    entry.name = wards[w].name;
    entry.district = wards[w].district;
    entry.wards = {wards[w].code};
    if (rows.by_ward[w].empty()) {
      return Status::RejectedInput("ward " + wards[w].code + " " + wards[w].name + " holds no police.uk row");
    }
    Summarise(rows.by_ward[w], &entry);
    entries.push_back(std::move(entry));
  }

  // Towns: a leading run of words that at least two wards of one district share as the
  // start of a name part ("Loughborough" in "Loughborough Ashby", "Loughborough Dishley");
  // of runs shared by the same wards the longest ("Broughton Astley", not "Broughton"),
  // and never one ending in a compass point ("Oakham North" names no town).
  std::map<std::pair<std::string, std::string>, std::set<size_t>> runs;  // (district, run) -> wards
  for (size_t w = 0; w < wards.size(); ++w) {
    for (const std::string& part : WardNameParts(wards[w].name)) {
      std::string run;
      size_t pos = 0;
      while (pos != std::string::npos) {
        size_t space = part.find(' ', pos);
        std::string word = part.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
        run += (run.empty() ? "" : " ") + word;
        runs[{wards[w].district, run}].insert(w);
        pos = space == std::string::npos ? space : space + 1;
      }
    }
  }
  for (const auto& [where, members] : runs) {
    const auto& [district, run] = where;
    if (members.size() < 2) continue;
    std::string last = run.substr(run.rfind(' ') == std::string::npos ? 0 : run.rfind(' ') + 1);
    std::string last_lower = GroupingKey(last);
    if (std::find(std::begin(kCompass), std::end(kCompass), last_lower) != std::end(kCompass)) continue;
    bool longer_exists = false;
    for (const auto& [other, other_members] : runs) {
      if (other.first == district && other.second.size() > run.size() &&
          other.second.compare(0, run.size() + 1, run + " ") == 0 && other_members == members) {
        longer_exists = true;
      }
    }
    if (longer_exists) continue;
    GazetteerEntry entry;
    entry.kind = PlaceKind::kTown;
    entry.name = run;
    entry.district = district;
    std::vector<RowPoint> town_rows;
    for (size_t w : members) {
      entry.wards.push_back(wards[w].code);
      town_rows.insert(town_rows.end(), rows.by_ward[w].begin(), rows.by_ward[w].end());
    }
    std::sort(entry.wards.begin(), entry.wards.end());
    Summarise(town_rows, &entry);
    entries.push_back(std::move(entry));
  }

  // Districts.
  for (size_t a = 0; a < areas.size(); ++a) {
    GazetteerEntry entry;
    entry.kind = PlaceKind::kDistrict;
    entry.name = std::string(areas[a].name);
    entry.district = std::string(areas[a].code);
    std::vector<RowPoint> district_rows;
    for (size_t w = 0; w < wards.size(); ++w) {
      if (wards[w].district_index == static_cast<int32_t>(a)) {
        district_rows.insert(district_rows.end(), rows.by_ward[w].begin(), rows.by_ward[w].end());
      }
    }
    if (district_rows.empty())
      return Status::RejectedInput("district " + entry.name + " holds no police.uk row");
    Summarise(district_rows, &entry);
    entries.push_back(std::move(entry));
  }
  return entries;
}

namespace {

void AppendCsvField(std::string* out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  *out += '"';
  for (char c : field) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

void AppendMicroDegrees(std::string* out, double degrees) {
  int64_t micro = std::llround(degrees * 1e6);
  if (micro < 0) {
    *out += '-';
    micro = -micro;
  }
  std::string fraction = std::to_string(micro % 1'000'000);
  *out += std::to_string(micro / 1'000'000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}

}  // namespace

std::string WriteGazetteerCsv(const std::vector<GazetteerEntry>& entries) {
  std::string out(kGazetteerHeader);
  out += '\n';
  for (const GazetteerEntry& e : entries) {
    out += PlaceKindName(e.kind);
    out += ',';
    AppendCsvField(&out, e.name);
    out += ',' + e.district + ',';
    for (size_t i = 0; i < e.wards.size(); ++i) out += (i ? ";" : "") + e.wards[i];
    out += ',';
    AppendMicroDegrees(&out, e.point.longitude);
    out += ',';
    AppendMicroDegrees(&out, e.point.latitude);
    out += ',' + std::to_string(e.radius_m) + ',' + std::to_string(e.rows) + '\n';
  }
  return out;
}

Result<std::vector<GazetteerEntry>> ReadGazetteerCsv(std::string_view bytes, const std::string& path) {
  CsvReader reader(bytes);
  CsvRecord record;
  std::vector<GazetteerEntry> entries;
  bool header = true;
  while (reader.Next(&record)) {
    if (header) {
      if (record.raw != kGazetteerHeader) {
        return Status::RejectedInput("expected a gazetteer (gazetteer/1) whose first line is \"" +
                                         std::string(kGazetteerHeader) + "\"",
                                     {path, record.line, ""});
      }
      header = false;
      continue;
    }
    if (record.blank) continue;
    auto bad = [&](const char* column, const std::string& why) {
      return Status::RejectedInput(why, {path, record.line, column});
    };
    if (!record.error.empty()) return bad("", record.error);
    if (record.fields.size() != 8)
      return bad("", "expected 8 fields, found " + std::to_string(record.fields.size()));
    GazetteerEntry e;
    std::string_view kind = record.fields[0];
    if (kind == "street") {
      e.kind = PlaceKind::kStreet;
    } else if (kind == "place") {
      e.kind = PlaceKind::kNamedPlace;
    } else if (kind == "ward") {
      e.kind = PlaceKind::kWard;
    } else if (kind == "town") {
      e.kind = PlaceKind::kTown;
    } else if (kind == "district") {
      e.kind = PlaceKind::kDistrict;
    } else {
      return bad("kind", "\"" + std::string(kind) + "\" is not street, place, ward, town or district");
    }
    e.name = std::string(record.fields[1]);
    if (e.name.empty()) return bad("name", "empty name");
    e.district = std::string(record.fields[2]);
    std::optional<CspArea> area = FindCspArea(e.district);
    if (!area || area->code != e.district)
      return bad("district", "\"" + e.district + "\" is not an LLR district code");
    std::string_view wards = record.fields[3];
    while (!wards.empty()) {
      size_t semi = wards.find(';');
      e.wards.emplace_back(wards.substr(0, semi));
      wards = semi == std::string_view::npos ? std::string_view() : wards.substr(semi + 1);
    }
    auto number = [&](size_t i, const char* column, double lo, double hi, double* value) -> Status {
      std::string_view t = record.fields[i];
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *value);
      if (ec != std::errc() || ptr != t.data() + t.size() || t.empty() || !(*value >= lo && *value <= hi)) {
        return bad(column, "cannot read \"" + std::string(t) + "\" as a number from " + std::to_string(lo) +
                               " to " + std::to_string(hi));
      }
      return Status::Ok();
    };
    double radius = 0, rows = 0;
    HL_RETURN_IF_ERROR(number(4, "longitude", -3.0, 0.5, &e.point.longitude));
    HL_RETURN_IF_ERROR(number(5, "latitude", 52.0, 53.5, &e.point.latitude));
    HL_RETURN_IF_ERROR(number(6, "radius_m", kMinimumRadiusMetres, 100'000, &radius));
    HL_RETURN_IF_ERROR(number(7, "rows", 0, 1e9, &rows));
    e.radius_m = static_cast<int>(radius);
    e.rows = static_cast<int64_t>(rows);
    entries.push_back(std::move(e));
  }
  if (header) return Status::RejectedInput("the file is empty", {path, 0, ""});
  return entries;
}

}  // namespace harmlens
