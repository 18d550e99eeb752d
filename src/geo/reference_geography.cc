#include "geo/reference_geography.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <limits>

#include "base/csv.h"
#include "geo/boundary_scanner.h"

namespace harmlens {
namespace {

// IoD2019 ranks every LSOA in England: 1 (most deprived) to 32,844.
constexpr int kImdLsoaCount = 32844;

// A small CSV table with columns found by name.
struct Table {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;

  Result<size_t> Column(std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return Status::RejectedInput("missing column \"" + std::string(name) + "\"", {path, 1, ""});
  }
};

Result<Table> ReadTable(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  Table table;
  table.path = path;
  CsvReader reader(file->bytes());
  CsvRecord record;
  bool first = true;
  while (reader.Next(&record)) {
    if (record.blank) continue;
    if (!record.error.empty()) {
      return Status::RejectedInput(record.error, {path, record.line, ""});
    }
    std::vector<std::string> fields(record.fields.begin(), record.fields.end());
    if (first) {
      table.header = std::move(fields);
      first = false;
      continue;
    }
    if (fields.size() != table.header.size()) {
      return Status::RejectedInput("expected " + std::to_string(table.header.size()) +
                                       " fields, found " + std::to_string(fields.size()),
                                   {path, record.line, ""});
    }
    table.rows.push_back(std::move(fields));
    table.lines.push_back(record.line);
  }
  if (first) return Status::RejectedInput("the file is empty", {path, 0, ""});
  return table;
}

// Integers as the IoD files write them, thousands separators included ("1,928"), and
// within [min, max]: a decile of 11 or a negative population is refused, not loaded.
Result<int> ReadCount(const Table& table, size_t row, size_t column, int min, int max) {
  std::string digits;
  for (char c : table.rows[row][column]) {
    if (c != ',') digits += c;
  }
  int value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) {
    return Status::RejectedInput(
        "cannot read \"" + table.rows[row][column] + "\" as a whole number",
        {table.path, table.lines[row], table.header[column]});
  }
  if (value < min || value > max) {
    return Status::RejectedInput(
        "\"" + table.rows[row][column] + "\" is outside " + std::to_string(min) + ".." + std::to_string(max),
        {table.path, table.lines[row], table.header[column]});
  }
  return value;
}

Status AddRings(const nlohmann::json& polygon, ZonePolygon* zone) {
  if (!polygon.is_array()) return Status::RejectedInput("polygon coordinates are not an array");
  for (const auto& ring_json : polygon) {
    if (!ring_json.is_array()) return Status::RejectedInput("ring is not an array");
    Ring ring;
    for (const auto& pt : ring_json) {
      if (!pt.is_array() || pt.size() < 2 || !pt[0].is_number() || !pt[1].is_number()) {
        return Status::RejectedInput("position is not [longitude, latitude]");
      }
      ring.points.push_back({pt[0].get<double>(), pt[1].get<double>()});
    }
    zone->rings.push_back(std::move(ring));
  }
  return Status::Ok();
}

Result<std::vector<ZonePolygon>> ReadLsoaPolygons(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  std::vector<ZonePolygon> scanned;
  if (ScanLsoaBoundaries(file->bytes(), &scanned)) return scanned;
  nlohmann::json doc = nlohmann::json::parse(file->bytes(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") ||
      !doc["features"].is_array()) {
    return Status::RejectedInput("not a GeoJSON FeatureCollection", {path, 0, ""});
  }
  std::vector<ZonePolygon> zones;
  size_t feature_no = 0;
  // Members are looked up without json::value(), which throws when the holder is not an
  // object (GeoJSON allows "geometry": null) or the member has another type.
  auto member = [](const nlohmann::json& holder, const char* key) -> const nlohmann::json& {
    static const nlohmann::json kAbsent;
    if (!holder.is_object()) return kAbsent;
    auto it = holder.find(key);
    return it == holder.end() ? kAbsent : *it;
  };
  for (const auto& feature : doc["features"]) {
    ++feature_no;
    std::string where = "feature " + std::to_string(feature_no) + ": ";
    if (!feature.is_object()) {
      return Status::RejectedInput(where + "not a GeoJSON Feature object", {path, 0, ""});
    }
    const nlohmann::json& code = member(member(feature, "properties"), "LSOA11CD");
    if (!code.is_string()) {
      return Status::RejectedInput(where + "no LSOA11CD property", {path, 0, "LSOA11CD"});
    }
    ZonePolygon zone;
    zone.code = code.get<std::string>();
    const nlohmann::json& geometry = member(feature, "geometry");
    const nlohmann::json& type_json = member(geometry, "type");
    std::string type = type_json.is_string() ? type_json.get<std::string>() : "";
    const nlohmann::json& coords = member(geometry, "coordinates");
    Status status;
    if (type == "Polygon") {
      status = AddRings(coords, &zone);
    } else if (type == "MultiPolygon" && coords.is_array()) {
      for (const auto& part : coords) {
        status = AddRings(part, &zone);
        if (!status.ok()) break;
      }
    } else {
      status = Status::RejectedInput("geometry is neither Polygon nor MultiPolygon");
    }
    if (!status.ok()) {
      return Status::RejectedInput(where + zone.code + ": " + status.message(), {path, 0, ""});
    }
    if (!SetZoneBounds(&zone)) return Status::RejectedInput(where + zone.code + " has no points", {path, 0, ""});
    zones.push_back(std::move(zone));
  }
  return zones;
}

}  // namespace

Result<std::shared_ptr<const ReferenceGeography>> ReferenceGeography::Load(Env* env,
                                                                           const std::string& dir) {
  auto path = [&](std::string_view name) { return dir + "/" + std::string(name); };
  auto geo = std::make_shared<ReferenceGeography>();

  HL_ASSIGN_OR_RETURN(std::vector<ZonePolygon> zones, ReadLsoaPolygons(env, path(kLsoaBoundariesFile)));
  for (const ZonePolygon& zone : zones) {
    if (geo->by_code_.count(zone.code) != 0) {
      return Status::RejectedInput("LSOA " + zone.code + " appears twice",
                                   {path(kLsoaBoundariesFile), 0, "LSOA11CD"});
    }
    geo->by_code_[zone.code] = geo->lsoas_.size();
    geo->lsoas_.push_back(Lsoa{zone.code, "", "", 0, 0, 0});
  }

  HL_ASSIGN_OR_RETURN(Table lookup, ReadTable(env, path(kLsoaDistrictLookupFile)));
  HL_ASSIGN_OR_RETURN(size_t lk_code, lookup.Column("LSOA11CD"));
  HL_ASSIGN_OR_RETURN(size_t lk_name, lookup.Column("LSOA11NM"));
  HL_ASSIGN_OR_RETURN(size_t lk_lad, lookup.Column("LAD19CD"));
  for (size_t r = 0; r < lookup.rows.size(); ++r) {
    auto it = geo->by_code_.find(lookup.rows[r][lk_code]);
    if (it == geo->by_code_.end()) {
      return Status::RejectedInput("LSOA " + lookup.rows[r][lk_code] + " has no boundary in " +
                                       std::string(kLsoaBoundariesFile),
                                   {lookup.path, lookup.lines[r], "LSOA11CD"});
    }
    // The code exactly: FindCspArea also accepts names and any case.
    std::optional<CspArea> area = FindCspArea(lookup.rows[r][lk_lad]);
    if (!area || area->code != lookup.rows[r][lk_lad]) {
      return Status::RejectedInput("\"" + lookup.rows[r][lk_lad] + "\" is not an LLR district code",
                                   {lookup.path, lookup.lines[r], "LAD19CD"});
    }
    Lsoa& lsoa = geo->lsoas_[it->second];
    lsoa.name = lookup.rows[r][lk_name];
    lsoa.csp_area = lookup.rows[r][lk_lad];
  }

  HL_ASSIGN_OR_RETURN(Table imd, ReadTable(env, path(kImdFile)));
  HL_ASSIGN_OR_RETURN(size_t imd_code, imd.Column("LSOA code (2011)"));
  HL_ASSIGN_OR_RETURN(size_t imd_rank, imd.Column("Index of Multiple Deprivation (IMD) Rank"));
  HL_ASSIGN_OR_RETURN(size_t imd_decile, imd.Column("Index of Multiple Deprivation (IMD) Decile"));
  for (size_t r = 0; r < imd.rows.size(); ++r) {
    auto it = geo->by_code_.find(imd.rows[r][imd_code]);
    if (it == geo->by_code_.end()) continue;  // national rows are allowed; we keep LLR
    HL_ASSIGN_OR_RETURN(geo->lsoas_[it->second].imd_rank, ReadCount(imd, r, imd_rank, 1, kImdLsoaCount));
    HL_ASSIGN_OR_RETURN(geo->lsoas_[it->second].imd_decile, ReadCount(imd, r, imd_decile, 1, 10));
  }

  HL_ASSIGN_OR_RETURN(Table pop, ReadTable(env, path(kPopulationFile)));
  HL_ASSIGN_OR_RETURN(size_t pop_code, pop.Column("LSOA11CD"));
  HL_ASSIGN_OR_RETURN(size_t pop_count, pop.Column("Mid-2018 population"));
  for (size_t r = 0; r < pop.rows.size(); ++r) {
    auto it = geo->by_code_.find(pop.rows[r][pop_code]);
    if (it == geo->by_code_.end()) continue;
    HL_ASSIGN_OR_RETURN(geo->lsoas_[it->second].population,
                        ReadCount(pop, r, pop_count, 1, std::numeric_limits<int>::max()));
  }

  for (const Lsoa& lsoa : geo->lsoas_) {
    auto missing = [&](std::string_view what, std::string_view file) {
      return Status::RejectedInput("LSOA " + lsoa.code + " has no " + std::string(what),
                                   {path(file), 0, ""});
    };
    if (lsoa.csp_area.empty()) return missing("district", kLsoaDistrictLookupFile);
    if (lsoa.imd_decile == 0) return missing("IMD decile", kImdFile);
    if (lsoa.population == 0) return missing("population", kPopulationFile);
  }
  geo->index_ = LsoaIndex(std::move(zones));
  return std::shared_ptr<const ReferenceGeography>(std::move(geo));
}

const Lsoa* ReferenceGeography::FindLsoa(std::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &lsoas_[it->second];
}

const Lsoa* ReferenceGeography::LsoaContaining(GeoPoint point) const {
  int zi = index_.Find(point);
  return zi < 0 ? nullptr : &lsoas_[static_cast<size_t>(zi)];
}

}  // namespace harmlens
