#include "server/api.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "engine/query.h"
#include "model/behaviour_rules.h"
#include "model/crime_type.h"
#include "model/geography.h"
#include "model/harmful_behaviour.h"
#include "model/incident.h"
#include "spatial/hot_spots.h"
#include "spatial/map_output.h"

namespace harmlens {
namespace {

using nlohmann::json;

constexpr std::string_view kDistrictBoundariesFile = "lad_llr_dissolved_from_lsoa11.geojson";
constexpr int kSourceCount = 3;  // police.uk, the extract, A&E: the sources of incidents
constexpr int kBaselineMonths = 12;
constexpr int kBaselineMinMonths = 6;
constexpr int kSparklineMonths = 12;

// A refusal that stops a route before it touches data.
struct ApiError {
  int status;
  std::string code;
  std::string message;
};

std::string Slugify(std::string_view name) {
  std::string slug;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string CrimeTypeSlug(CrimeType type) { return Slugify(CrimeTypeName(type)); }

constexpr const char* kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr Sex kSexes[] = {Sex::kUnknown, Sex::kFemale, Sex::kMale, Sex::kOther};
constexpr Weapon kWeapons[] = {Weapon::kUnknown, Weapon::kNone, Weapon::kKnifeOrSharp, Weapon::kFirearm,
                               Weapon::kOther};
constexpr AgeGroup kAgeGroups[] = {AgeGroup::kUnknown, AgeGroup::kUnder18, AgeGroup::k18To24,
                                   AgeGroup::k25AndOver};

std::string CspSlotSlug(int slot) {
  if (slot < kCspAreaCount) return std::string(LlrCspAreas()[slot].code);
  return slot == kCspSlotOutsideLlr ? "outside-llr" : "no-location";
}
std::string CspSlotLabel(int slot) {
  if (slot < kCspAreaCount) return std::string(LlrCspAreas()[slot].name);
  return slot == kCspSlotOutsideLlr ? "(outside LLR)" : "(no location)";
}

// Reads a comma-separated list of names into a bit mask, `name_of(i)` naming value i.
std::optional<ApiError> ReadMask(std::string_view param, const std::string& text, int values,
                                 const std::function<std::string(int)>& name_of, uint32_t* mask) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool found = false;
    for (int i = 0; i < values; ++i) {
      std::string name = name_of(i);
      if (!name.empty() && name == item) {
        *mask |= 1u << i;
        found = true;
        break;
      }
    }
    if (!found) {
      std::string expected;
      for (int i = 0; i < values; ++i) {
        std::string name = name_of(i);
        if (!name.empty()) expected += (expected.empty() ? "" : ", ") + name;
      }
      return ApiError{400, "bad_parameter",
                      std::string(param) + ": unknown value \"" + item.substr(0, 64) +
                          "\" (expected one or more of " + expected + ", separated by commas)"};
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

std::optional<int> ReadInt(const std::string& text, int lo, int hi) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) return std::nullopt;
  return value;
}

// What a data route was asked for, after every parameter has been checked.
struct ParsedQuery {
  AnalysisFilter filter;
  std::optional<GroupBy> group;
  std::string group_name;
  int limit = 0;
  int offset = 0;
  bool sort_by_incidents = false;
};

const std::vector<std::pair<std::string, GroupBy>>& GroupNames() {
  static const std::vector<std::pair<std::string, GroupBy>> kNames = {
      {"total", GroupBy::kTotal},
      {"csp", GroupBy::kCspArea},
      {"lsoa", GroupBy::kLsoa},
      {"month", GroupBy::kMonth},
      {"crime_type", GroupBy::kCrimeType},
      {"behaviour", GroupBy::kBehaviour},
      {"source", GroupBy::kSource},
      {"day_hour", GroupBy::kDayHour},
      {"imd_decile", GroupBy::kImdDecile},
      {"victim_age", GroupBy::kVictimAge},
      {"perpetrator_age", GroupBy::kPerpetratorAge},
  };
  return kNames;
}

// Parses the filter parameters every data route shares, plus those in `extra` (group,
// limit, offset, sort) when the route takes them. Unknown or repeated parameters are errors.
std::optional<ApiError> ParseQuery(const ApiRequest& request, const IncidentFacts& facts, int max_page_size,
                                   const std::set<std::string>& extra, ParsedQuery* out) {
  static const std::set<std::string> kFilters = {
      "from",       "to",         "crime_type",      "behaviour",       "weapon", "source",
      "victim_age", "victim_sex", "perpetrator_age", "perpetrator_sex", "day",    "hour",
      "csp",        "lsoa",       "imd_decile"};
  std::set<std::string> seen;
  AnalysisFilter& f = out->filter;
  out->limit = max_page_size;
  for (const auto& [name, value] : request.params) {
    if (!kFilters.count(name) && !extra.count(name)) {
      return ApiError{
          400, "unknown_parameter",
          "unknown parameter \"" + name.substr(0, 64) + "\" for " + request.path + " (docs/api.md)"};
    }
    if (!seen.insert(name).second) {
      return ApiError{400, "repeated_parameter",
                      name + " given twice: give one value, or several separated by commas"};
    }
    std::optional<ApiError> error;
    if (name == "from" || name == "to") {
      auto month = ParseYearMonth(value);
      if (!month)
        return ApiError{400, "bad_parameter",
                        name + ": expected a month as YYYY-MM, got \"" + value.substr(0, 32) + "\""};
      (name == "from" ? f.from_month : f.to_month) = month->Index();
    } else if (name == "crime_type") {
      error = ReadMask(
          name, value, 15,
          [](int i) { return i == 0 ? std::string() : CrimeTypeSlug(static_cast<CrimeType>(i)); },
          &f.crime_types);
    } else if (name == "behaviour") {
      error = ReadMask(
          name, value, kHarmfulBehaviourCount,
          [](int i) { return std::string(HarmfulBehaviourSlug(static_cast<HarmfulBehaviour>(i))); },
          &f.behaviours);
    } else if (name == "weapon") {
      error = ReadMask(
          name, value, 5, [](int i) { return std::string(WeaponName(kWeapons[i])); }, &f.weapons);
    } else if (name == "source") {
      error = ReadMask(
          name, value, kSourceCount, [](int i) { return std::string(AgencyName(static_cast<Agency>(i))); },
          &f.sources);
    } else if (name == "victim_age" || name == "perpetrator_age") {
      error = ReadMask(
          name, value, kAgeGroupCount, [](int i) { return std::string(AgeGroupSlug(kAgeGroups[i])); },
          name == "victim_age" ? &f.victim_ages : &f.perpetrator_ages);
    } else if (name == "victim_sex" || name == "perpetrator_sex") {
      error = ReadMask(
          name, value, 4, [](int i) { return std::string(SexName(kSexes[i])); },
          name == "victim_sex" ? &f.victim_sexes : &f.perpetrator_sexes);
    } else if (name == "day") {
      error = ReadMask(
          name, value, 7, [](int i) { return std::string(kDayNames[i]); }, &f.days);
    } else if (name == "hour") {
      error = ReadMask(
          name, value, 24, [](int i) { return std::to_string(i); }, &f.hours);
    } else if (name == "csp") {
      error = ReadMask(name, value, kCspSlotCount, CspSlotSlug, &f.csp_slots);
    } else if (name == "imd_decile") {
      error = ReadMask(
          name, value, 11, [](int i) { return i == 0 ? std::string() : std::to_string(i); }, &f.imd_deciles);
    } else if (name == "lsoa") {
      const Lsoa* lsoa = facts.geography().FindLsoa(value);
      if (!lsoa) {
        return ApiError{
            400, "bad_parameter",
            "lsoa: \"" + value.substr(0, 32) + "\" is not an LLR LSOA (2011 code, e.g. E01025631)"};
      }
      f.lsoa = static_cast<int>(lsoa - facts.geography().lsoas().data());
    } else if (name == "group") {
      for (const auto& [group_name, group] : GroupNames()) {
        if (group_name == value) {
          out->group = group;
          out->group_name = group_name;
        }
      }
      if (!out->group) {
        std::string names;
        for (const auto& g : GroupNames()) names += (names.empty() ? "" : ", ") + g.first;
        return ApiError{
            400, "bad_parameter",
            "group: unknown grouping \"" + value.substr(0, 32) + "\" (expected one of " + names + ")"};
      }
    } else if (name == "limit") {
      auto n = ReadInt(value, 1, INT32_MAX);
      if (!n)
        return ApiError{400, "bad_parameter",
                        "limit: expected a whole number from 1, got \"" + value.substr(0, 32) + "\""};
      if (*n > max_page_size) {
        return ApiError{
            400, "page_too_large",
            "limit: at most " + std::to_string(max_page_size) + " rows a page; use offset for the next page"};
      }
      out->limit = *n;
    } else if (name == "offset") {
      auto n = ReadInt(value, 0, INT32_MAX);
      if (!n)
        return ApiError{400, "bad_parameter",
                        "offset: expected a whole number from 0, got \"" + value.substr(0, 32) + "\""};
      out->offset = *n;
    } else if (name == "sort") {
      if (value != "key" && value != "incidents") {
        return ApiError{400, "bad_parameter",
                        "sort: expected key or incidents, got \"" + value.substr(0, 32) + "\""};
      }
      out->sort_by_incidents = value == "incidents";
    }
    if (error) return error;
  }
  if (f.from_month && f.to_month && *f.to_month < *f.from_month) {
    return ApiError{400, "bad_parameter", "the period is empty: to is before from"};
  }
  if (extra.count("group") && !out->group) {
    return ApiError{400, "missing_parameter", "group is required (e.g. group=lsoa)"};
  }
  return std::nullopt;
}

// Narrows the filter to what the principal may see (no-op for the local analyst). An
// empty intersection is a refusal, not an empty answer.
std::optional<ApiError> NarrowToPrincipal(const Principal& principal, AnalysisFilter* f) {
  if (!principal.sources.empty()) {
    uint32_t allowed = 0;
    for (uint8_t s : principal.sources) allowed |= 1u << s;
    uint32_t wanted = f->sources ? f->sources : allowed;
    if ((wanted & allowed) == 0) return ApiError{403, "forbidden", "these sources are not open to your role"};
    f->sources = wanted & allowed;
  }
  if (!principal.csp_areas.empty()) {
    uint32_t allowed = 0;
    for (int slot = 0; slot < kCspAreaCount; ++slot) {
      for (const std::string& code : principal.csp_areas) {
        if (LlrCspAreas()[slot].code == code) allowed |= 1u << slot;
      }
    }
    uint32_t wanted = f->csp_slots ? f->csp_slots : allowed;
    if ((wanted & allowed) == 0)
      return ApiError{403, "forbidden", "these CSP areas are not open to your role"};
    f->csp_slots = wanted & allowed;
  }
  return std::nullopt;
}

// Client text (a parameter's name or value) is echoed in messages and may not be UTF-8:
// invalid bytes become U+FFFD instead of an exception (found by fuzz/api_fuzz.cc).
std::string Dump(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

ApiResponse JsonResponse(const json& body) {
  ApiResponse response;
  response.body = Dump(body);
  return response;
}

ApiResponse FromError(const ApiError& error) {
  return ErrorResponse(error.status, error.code, error.message);
}

ApiResponse Timeout(std::chrono::milliseconds limit) {
  return ErrorResponse(503, "query_timeout",
                       "the query took longer than " + std::to_string(limit.count()) +
                           " ms and was stopped; narrow it (a shorter period, fewer areas) and try again");
}

// Months with data for the sources the filter selects: a month outside this set is "no
// data", never zero.
std::set<int> Coverage(const IncidentFacts& facts, uint32_t sources) {
  std::set<int> months;
  for (int s = 0; s < kSourceCount; ++s) {
    if (sources && !((sources >> s) & 1u)) continue;
    const auto& m = facts.MonthsWithData(s);
    months.insert(m.begin(), m.end());
  }
  return months;
}

// Mean monthly count over the kBaselineMonths before `month` that have data; nullopt
// with fewer than kBaselineMinMonths of them.
std::optional<double> BaselineBefore(int month, const std::set<int>& coverage,
                                     const std::map<int, int64_t>& counts) {
  int months = 0;
  int64_t total = 0;
  for (int m = month - kBaselineMonths; m < month; ++m) {
    if (!coverage.count(m)) continue;
    ++months;
    auto it = counts.find(m);
    total += it == counts.end() ? 0 : it->second;
  }
  if (months < kBaselineMinMonths) return std::nullopt;
  return static_cast<double>(total) / months;
}

json Round1(double value) { return std::round(value * 10.0) / 10.0; }

// A monthly series in the period with its latest value, baseline and change: the body of
// an SPB tile and of a Home Office measure.
json Progress(const std::map<int, int64_t>& counts, const std::set<int>& coverage) {
  json out;
  if (coverage.empty()) return out;
  int latest = *coverage.rbegin();
  auto value_at = [&](int m) -> json {
    if (!coverage.count(m)) return nullptr;
    auto it = counts.find(m);
    return it == counts.end() ? 0 : it->second;
  };
  out["latest"] = {{"month", YearMonth::FromIndex(latest).ToString()}, {"incidents", value_at(latest)}};
  auto baseline = BaselineBefore(latest, coverage, counts);
  out["baseline"] = baseline ? json(Round1(*baseline)) : json(nullptr);
  if (baseline && *baseline > 0) {
    int64_t now = counts.count(latest) ? counts.at(latest) : 0;
    out["change_percent"] = Round1(100.0 * (static_cast<double>(now) - *baseline) / *baseline);
  } else {
    out["change_percent"] = nullptr;
  }
  json spark = json::array();
  for (int m = latest - kSparklineMonths + 1; m <= latest; ++m) {
    spark.push_back({{"month", YearMonth::FromIndex(m).ToString()}, {"incidents", value_at(m)}});
  }
  out["sparkline"] = spark;
  return out;
}

std::map<int, int64_t> ToMap(const CountTable& table) {
  std::map<int, int64_t> map;
  for (const auto& [key, n] : table.rows) map[key] = n;
  return map;
}

json SyntheticSources(const ApiOptions& options, uint32_t selected) {
  json out = json::array();
  for (uint8_t s : options.synthetic_sources) {
    if (selected == 0 || ((selected >> s) & 1u)) out.push_back(AgencyName(static_cast<Agency>(s)));
  }
  return out;
}

std::string KeyLabel(GroupBy group, int key, const IncidentFacts& facts) {
  switch (group) {
    case GroupBy::kTotal:
      return "All incidents";
    case GroupBy::kCspArea:
      return CspSlotLabel(key);
    case GroupBy::kLsoa:
      return facts.geography().lsoas()[key].name;
    case GroupBy::kMonth:
      return YearMonth::FromIndex(key).ToString();
    case GroupBy::kCrimeType:
      return std::string(CrimeTypeName(static_cast<CrimeType>(key)));
    case GroupBy::kBehaviour:
      return std::string(HarmfulBehaviourTitle(static_cast<HarmfulBehaviour>(key)));
    case GroupBy::kSource:
      return AgencyName(static_cast<Agency>(key));
    case GroupBy::kDayHour: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s %02d:00", kDayNames[key / 24], key % 24);
      return buf;
    }
    case GroupBy::kImdDecile:
      return "IMD decile " + std::to_string(key);
    case GroupBy::kVictimAge:
    case GroupBy::kPerpetratorAge:
      return AgeGroupSlug(static_cast<AgeGroup>(key));
  }
  return "";
}

json KeyValue(GroupBy group, int key, const IncidentFacts& facts) {
  switch (group) {
    case GroupBy::kCspArea:
      return CspSlotSlug(key);
    case GroupBy::kLsoa:
      return facts.geography().lsoas()[key].code;
    case GroupBy::kMonth:
      return YearMonth::FromIndex(key).ToString();
    case GroupBy::kCrimeType:
      return CrimeTypeSlug(static_cast<CrimeType>(key));
    case GroupBy::kBehaviour:
      return std::string(HarmfulBehaviourSlug(static_cast<HarmfulBehaviour>(key)));
    case GroupBy::kSource:
      return AgencyName(static_cast<Agency>(key));
    case GroupBy::kVictimAge:
    case GroupBy::kPerpetratorAge:
      return AgeGroupSlug(static_cast<AgeGroup>(key));
    case GroupBy::kDayHour:
      return json{{"day", kDayNames[key / 24]}, {"hour", key % 24}};
    case GroupBy::kTotal:
    case GroupBy::kImdDecile:
      break;
  }
  return key;
}

// Residents behind a row (mid-2018), where the grouping is a place: for rates.
std::optional<int64_t> PopulationOf(GroupBy group, int key, const IncidentFacts& facts) {
  const auto& lsoas = facts.geography().lsoas();
  if (group == GroupBy::kLsoa) return lsoas[key].population;
  int64_t total = 0;
  if (group == GroupBy::kCspArea && key < kCspAreaCount) {
    for (const Lsoa& l : lsoas) {
      if (l.csp_area == LlrCspAreas()[key].code) total += l.population;
    }
    return total;
  }
  if (group == GroupBy::kImdDecile) {
    for (const Lsoa& l : lsoas) {
      if (l.imd_decile == key) total += l.population;
    }
    return total;
  }
  return std::nullopt;
}

}  // namespace

ApiResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  ApiResponse response;
  response.status = status;
  response.body = Dump(json{{"code", code}, {"message", message}});
  return response;
}

// The bounded LRU of answers, the pinned answers of the opening view, and the answers
// being computed, all under one lock. Only pointers are handled under the lock: an answer
// may be tens of kilobytes.
struct Api::ResponseCache {
  using Answer = std::shared_ptr<const ApiResponse>;
  explicit ResponseCache(size_t most) : capacity(most) {}

  // nullptr if not held. Called with `mutex` held.
  Answer Find(const std::string& key) {
    if (auto it = pinned.find(key); it != pinned.end()) return it->second;
    auto it = index.find(key);
    if (it == index.end()) return nullptr;
    entries.splice(entries.begin(), entries, it->second);
    return it->second->second;
  }
  // Keeps an answer worth keeping (200, or a 400 that will be 400 again). Called with
  // `mutex` held.
  void Keep(const std::string& key, const Answer& answer) {
    if (answer->status != 200 && answer->status != 400) return;
    if (index.count(key) || pinned.count(key)) return;
    entries.emplace_front(key, answer);
    index[key] = entries.begin();
    if (entries.size() > capacity) {
      index.erase(entries.back().first);
      entries.pop_back();
    }
  }

  const size_t capacity;
  std::mutex mutex;
  std::list<std::pair<std::string, Answer>> entries;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, Answer>>::iterator> index;
  std::unordered_map<std::string, Answer> pinned;  // the opening view; a fixed few
  // Requests being answered, and engine queries still running (perhaps after their
  // request gave up): a second identical request waits for the first's answer.
  std::unordered_map<std::string, std::shared_future<Answer>> in_flight;
  std::unordered_map<std::string, std::shared_future<Answer>> engine_in_flight;
};

Result<std::unique_ptr<Api>> Api::Create(Env* env, const IncidentFacts& facts, const IncidentTable* engine,
                                         const std::string& data_dir, ApiOptions options) {
  HL_ASSIGN_OR_RETURN(auto lsoas, env->ReadFile(data_dir + "/reference/" + std::string(kLsoaBoundariesFile)));
  HL_ASSIGN_OR_RETURN(auto districts,
                      env->ReadFile(data_dir + "/reference/" + std::string(kDistrictBoundariesFile)));
  return std::make_unique<Api>(facts, std::move(options), std::string(lsoas->bytes()),
                               std::string(districts->bytes()), engine);
}

Api::Api(const IncidentFacts& facts, ApiOptions options, std::string lsoa_geojson,
         std::string district_geojson, const IncidentTable* engine)
    : facts_(facts),
      engine_(engine),
      options_(std::move(options)),
      lsoa_geojson_(std::move(lsoa_geojson)),
      district_geojson_(std::move(district_geojson)),
      cache_(std::make_shared<ResponseCache>(options_.cached_responses)) {
  // spdep poly2nb's default snap, sqrt(.Machine$double.eps), in degrees (as `harmlens hotspots`).
  constexpr double kQueenSnapDegrees = 1.4901161193847656e-08;
  const ReferenceGeography& geography = facts_.geography();
  std::vector<std::vector<std::vector<GridPoint>>> zones;
  for (size_t i = 0; i < geography.lsoas().size(); ++i) {
    std::vector<std::vector<GridPoint>> rings;
    for (const Ring& ring : geography.Polygon(i).rings) {
      std::vector<GridPoint> r;
      for (const GeoPoint& p : ring.points) r.push_back({p.longitude, p.latitude});
      rings.push_back(std::move(r));
    }
    zones.push_back(std::move(rings));
  }
  auto nb = QueenNeighbours(zones, /*include_self=*/true, kQueenSnapDegrees);
  if (nb.ok()) lsoa_neighbours_ = std::move(*nb);
  if (engine_) {
    auto layer = KdeLayer::FromTable(*engine_);
    if (layer.ok()) {
      kde_layer_ = std::move(*layer);
    } else {
      kde_layer_error_ = "the KDE layer could not be set up: " + layer.status().message();
    }
  } else {
    kde_layer_error_ = "the KDE layer needs the analysis engine (the incidents' places come from it)";
  }
}

std::optional<Permission> Api::PermissionFor(std::string_view path) const {
  static const std::map<std::string, Permission, std::less<>> kRoutes = {
      {"/api/v1/health", Permission::kReadReference},
      {"/api/v1/meta", Permission::kReadReference},
      {"/api/v1/geography/lsoas", Permission::kReadReference},
      {"/api/v1/geography/districts", Permission::kReadReference},
      {"/api/v1/counts", Permission::kReadAggregates},
      {"/api/v1/trend", Permission::kReadAggregates},
      {"/api/v1/spb", Permission::kReadAggregates},
      {"/api/v1/measures", Permission::kReadAggregates},
      {"/api/v1/hotspots", Permission::kReadAggregates},
      {"/api/v1/query", Permission::kReadAggregates},
  };
  auto it = kRoutes.find(path);
  if (it == kRoutes.end()) return std::nullopt;
  return it->second;
}

namespace {

// The cache key holds everything the answer depends on: path, parameters in order, and
// what the principal may see.
std::string CacheKey(const ApiRequest& request) {
  std::string key = request.path;
  for (const auto& [name, value] : request.params) key += "\n" + name + "=" + value;
  key += "\n#" + std::to_string(static_cast<int>(request.principal.role));
  for (uint8_t s : request.principal.sources) key += "," + std::to_string(s);
  for (const std::string& c : request.principal.csp_areas) key += "," + c;
  return key;
}

}  // namespace

ApiResponse Api::Handle(const ApiRequest& request) const {
  const std::string key = CacheKey(request);
  std::shared_future<ResponseCache::Answer> other;
  std::promise<ResponseCache::Answer> mine;
  {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (ResponseCache::Answer held = cache_->Find(key)) return *held;
    auto it = cache_->in_flight.find(key);
    if (it != cache_->in_flight.end()) {
      other = it->second;
    } else {
      cache_->in_flight.emplace(key, mine.get_future().share());
    }
  }
  if (other.valid()) {
    // The same request is being answered: wait for that answer rather than compute it
    // again, so a burst of one uncached request costs one computation.
    if (other.wait_for(options_.query_timeout) == std::future_status::ready) return *other.get();
    return Timeout(options_.query_timeout);
  }
  auto answer = std::make_shared<const ApiResponse>(Route(request, options_.query_timeout));
  {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    cache_->Keep(key, answer);
    cache_->in_flight.erase(key);
  }
  mine.set_value(answer);
  return *answer;
}

void Api::PrecomputeOpeningView() {
  // A generous time limit: this runs once, before the first request.
  constexpr std::chrono::milliseconds kOpeningTimeLimit{60000};
  for (const char* path : {"/api/v1/meta", "/api/v1/spb", "/api/v1/measures"}) {
    ApiRequest request{path, {}, {}};
    auto answer = std::make_shared<const ApiResponse>(Route(request, kOpeningTimeLimit));
    if (answer->status != 200) continue;  // answered per request as usual
    std::lock_guard<std::mutex> lock(cache_->mutex);
    cache_->pinned[CacheKey(request)] = answer;
  }
}

ApiResponse Api::Route(const ApiRequest& request, std::chrono::milliseconds time_limit) const {
  const std::string& path = request.path;
  const Deadline deadline = std::chrono::steady_clock::now() + time_limit;

  if (path == "/api/v1/geography/lsoas" || path == "/api/v1/geography/districts") {
    if (!request.params.empty())
      return ErrorResponse(400, "unknown_parameter", path + " takes no parameters");
    ApiResponse response;
    response.content_type = "application/geo+json";
    response.body = path == "/api/v1/geography/lsoas" ? lsoa_geojson_ : district_geojson_;
    return response;
  }
  if (path == "/api/v1/health") {
    return JsonResponse({{"status", "ok"}, {"incidents", facts_.size()}});
  }
  if (path == "/api/v1/meta") {
    if (!request.params.empty())
      return ErrorResponse(400, "unknown_parameter", path + " takes no parameters");
    json meta;
    meta["incidents"] = facts_.size();
    json sources = json::array();
    for (int s = 0; s < kSourceCount; ++s) {
      const auto& months = facts_.MonthsWithData(s);
      bool synthetic =
          std::count(options_.synthetic_sources.begin(), options_.synthetic_sources.end(), s) > 0;
      json months_json = json::array();
      for (int m : months) months_json.push_back(YearMonth::FromIndex(m).ToString());
      sources.push_back(
          {{"slug", AgencyName(static_cast<Agency>(s))}, {"synthetic", synthetic}, {"months", months_json}});
    }
    meta["sources"] = sources;
    json types = json::array();
    for (CrimeType t : AllCrimeTypes())
      types.push_back({{"slug", CrimeTypeSlug(t)}, {"name", CrimeTypeName(t)}});
    meta["crime_types"] = types;
    std::set<HarmfulBehaviour> with_rule;
    for (const BehaviourRule& r : BehaviourRules()) with_rule.insert(r.behaviour);
    json behaviours = json::array();
    for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
      behaviours.push_back({{"slug", HarmfulBehaviourSlug(b)},
                            {"title", HarmfulBehaviourTitle(b)},
                            {"has_rule", with_rule.count(b) > 0},
                            {"seen", ((facts_.BehavioursSeen() >> static_cast<int>(b)) & 1u) != 0}});
    }
    meta["behaviours"] = behaviours;
    json areas = json::array();
    for (int a = 0; a < kCspAreaCount; ++a) {
      areas.push_back({{"code", LlrCspAreas()[a].code},
                       {"name", LlrCspAreas()[a].name},
                       {"population", *PopulationOf(GroupBy::kCspArea, a, facts_)}});
    }
    meta["csp_areas"] = areas;
    json lsoas = json::array();
    for (const Lsoa& l : facts_.geography().lsoas()) {
      lsoas.push_back({{"code", l.code},
                       {"name", l.name},
                       {"csp", l.csp_area},
                       {"imd_decile", l.imd_decile},
                       {"population", l.population}});
    }
    meta["lsoas"] = lsoas;
    json weapons = json::array();
    for (Weapon w : kWeapons) weapons.push_back(WeaponName(w));
    meta["weapons"] = weapons;
    json ages = json::array();
    for (AgeGroup g : kAgeGroups) ages.push_back(AgeGroupSlug(g));
    meta["age_groups"] = ages;
    json groups = json::array();
    for (const auto& g : GroupNames()) groups.push_back(g.first);
    meta["groups"] = groups;
    meta["limits"] = {{"page_size_max", options_.max_page_size},
                      {"query_timeout_ms", options_.query_timeout.count()}};
    // What is not there yet, so the front end can say so instead of drawing zeros.
    meta["harm_available"] = engine_ != nullptr;
    meta["engine"] = engine_ != nullptr;
    meta["hotspots_available"] = lsoa_neighbours_.has_value();
    meta["kde_available"] = kde_layer_ != nullptr;
    meta["analysis"] = engine_ ? "engine (/api/v1/query); fixed views from server/incident_facts"
                               : "server/incident_facts only (no engine)";
    return JsonResponse(meta);
  }
  if (path == "/api/v1/hotspots") return HotSpots(request);

  if (path == "/api/v1/query") return EngineQuery(request, CacheKey(request));

  const bool is_counts = path == "/api/v1/counts";
  std::set<std::string> extra;
  if (is_counts) extra = {"group", "limit", "offset", "sort"};
  ParsedQuery query;
  if (auto error = ParseQuery(request, facts_, options_.max_page_size, extra, &query))
    return FromError(*error);
  if (auto error = NarrowToPrincipal(request.principal, &query.filter)) return FromError(*error);
  AnalysisFilter& filter = query.filter;

  if (is_counts) {
    auto table = facts_.Count(filter, *query.group, deadline);
    if (!table) return Timeout(time_limit);
    std::vector<std::pair<int, int64_t>> rows = table->rows;
    if (query.sort_by_incidents) {
      std::stable_sort(rows.begin(), rows.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
    }
    json out;
    out["group"] = query.group_name;
    out["matched"] = table->matched;
    out["not_grouped"] = table->not_grouped;
    out["total_rows"] = rows.size();
    out["offset"] = query.offset;
    out["limit"] = query.limit;
    out["harm_available"] = false;
    out["synthetic_sources"] = SyntheticSources(options_, filter.sources);
    json list = json::array();
    for (size_t i = static_cast<size_t>(query.offset);
         i < rows.size() && i < static_cast<size_t>(query.offset) + static_cast<size_t>(query.limit); ++i) {
      auto [key, n] = rows[i];
      json row = {{"key", KeyValue(*query.group, key, facts_)},
                  {"label", KeyLabel(*query.group, key, facts_)},
                  {"incidents", n},
                  {"harm", nullptr}};
      if (auto population = PopulationOf(*query.group, key, facts_); population && *population > 0) {
        row["population"] = *population;
        row["rate_per_1000"] =
            std::round(1e5 * static_cast<double>(n) / static_cast<double>(*population)) / 100.0;
      }
      list.push_back(row);
    }
    out["rows"] = list;
    return JsonResponse(out);
  }

  if (path == "/api/v1/trend") {
    // The series runs over the period asked (or every month with data); months with no
    // data for the chosen sources are null, not 0, so the line breaks there.
    std::set<int> coverage = Coverage(facts_, filter.sources);
    AnalysisFilter all_time = filter;
    all_time.from_month.reset();
    all_time.to_month.reset();
    auto table = facts_.Count(all_time, GroupBy::kMonth, deadline);
    if (!table) return Timeout(time_limit);
    std::map<int, int64_t> counts = ToMap(*table);
    json series = json::array();
    if (!coverage.empty()) {
      int first = std::max(filter.from_month.value_or(INT32_MIN), *coverage.begin());
      int last = std::min(filter.to_month.value_or(INT32_MAX), *coverage.rbegin());
      for (int m = first; m <= last; ++m) {
        json point = {{"month", YearMonth::FromIndex(m).ToString()}};
        if (coverage.count(m)) {
          point["incidents"] = counts.count(m) ? counts[m] : 0;
        } else {
          point["incidents"] = nullptr;
        }
        auto baseline = BaselineBefore(m, coverage, counts);
        point["baseline"] = baseline ? json(Round1(*baseline)) : json(nullptr);
        series.push_back(point);
      }
    }
    return JsonResponse(
        {{"series", series},
         {"baseline_definition",
          "mean monthly count over the 12 months before, counting only months with data; shown when "
          "at least 6 of them have data"},
         {"synthetic_sources", SyntheticSources(options_, filter.sources)}});
  }

  if (path == "/api/v1/spb") {
    std::set<HarmfulBehaviour> with_rule;
    for (const BehaviourRule& r : BehaviourRules()) with_rule.insert(r.behaviour);
    std::set<int> coverage = Coverage(facts_, filter.sources);
    if (filter.from_month || filter.to_month) {
      std::erase_if(coverage, [&](int m) {
        return m < filter.from_month.value_or(INT32_MIN) - kBaselineMonths ||
               m > filter.to_month.value_or(INT32_MAX);
      });
    }
    AnalysisFilter all_time = filter;
    all_time.from_month.reset();
    all_time.to_month.reset();
    json tiles = json::array();
    std::optional<IncidentFacts::BehaviourSeries> series;
    for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
      json tile = {{"slug", HarmfulBehaviourSlug(b)}, {"title", HarmfulBehaviourTitle(b)}};
      const bool seen = ((facts_.BehavioursSeen() >> static_cast<int>(b)) & 1u) != 0;
      if (!with_rule.count(b)) {
        tile["status"] = "no_data";
        tile["reason"] = std::string("No data yet: no rule in ") + std::string(kBehaviourRulesVersion) +
                         " identifies this behaviour in any feed.";
      } else if (!seen) {
        tile["status"] = "no_data";
        tile["reason"] =
            "No data yet: none of the sources loaded records what this behaviour's rule needs "
            "(docs/behaviours.md).";
      } else if (coverage.empty()) {
        tile["status"] = "no_data";
        tile["reason"] = "No data for the sources and period chosen.";
      } else {
        AnalysisFilter one = all_time;
        one.behaviours = (filter.behaviours ? filter.behaviours : ~0u) & (1u << static_cast<int>(b));
        if (one.behaviours == 0) {
          tile["status"] = "no_data";
          tile["reason"] = "Not among the behaviours chosen.";
        } else {
          if (!series) {
            series = facts_.CountBehaviourSeries(all_time, deadline);  // one pass for every tile
            if (!series) return Timeout(time_limit);
          }
          const int index = static_cast<int>(b);
          tile["status"] = "ok";
          tile.update(Progress(series->by_month[index], coverage));
          // No incident at all: no source contributed (a 0 mask would mean "every source").
          tile["synthetic_sources"] =
              series->sources[index] ? SyntheticSources(options_, series->sources[index]) : json::array();
        }
      }
      tiles.push_back(tile);
    }
    return JsonResponse(
        {{"tiles", tiles},
         {"baseline_definition",
          "mean monthly count over the 12 months before the latest, counting only months with data "
          "(at least 6)"},
         {"synthetic_sources", SyntheticSources(options_, filter.sources)}});
  }

  if (path == "/api/v1/measures") {
    struct HomeOfficeMeasure {
      const char* slug;
      const char* title;
      uint32_t sources;
      uint32_t weapons;
      uint32_t behaviours;
      const char* unavailable;  // non-null: cannot be computed from what is stored
    };
    const uint32_t kKnife = 1u << static_cast<int>(Weapon::kKnifeOrSharp);
    const HomeOfficeMeasure kMeasures[] = {
        {"knife-assault-hospital-attendances",
         "Hospital attendances for assault with a knife or sharp object (A&E, ISTV; the Home Office measure "
         "counts "
         "admissions)",
         1u << static_cast<int>(Agency::kEmergencyDepartment), kKnife, 0, nullptr},
        {"knife-enabled-serious-violence", "Knife-enabled serious violence (police extract)",
         1u << static_cast<int>(Agency::kPoliceExtract), kKnife,
         1u << static_cast<int>(HarmfulBehaviour::kSeriousViolence), nullptr},
        {"non-domestic-homicide", "Non-domestic homicide", 0, 0, 0,
         "No data yet: needs homicide offence codes, which the analysis engine's measures will read."},
    };
    json measures = json::array();
    for (const HomeOfficeMeasure& m : kMeasures) {
      json out = {{"slug", m.slug}, {"title", m.title}};
      uint32_t sources = filter.sources ? (filter.sources & m.sources) : m.sources;
      std::set<int> coverage = m.unavailable ? std::set<int>{} : Coverage(facts_, sources);
      if (m.unavailable) {
        out["status"] = "no_data";
        out["reason"] = m.unavailable;
      } else if (sources == 0 || coverage.empty()) {
        out["status"] = "no_data";
        out["reason"] = "No data yet: the source this measure needs has not been loaded.";
      } else {
        AnalysisFilter one = filter;
        one.from_month.reset();
        one.to_month.reset();
        one.sources = sources;
        one.weapons = m.weapons;
        if (m.behaviours) one.behaviours = m.behaviours;
        auto all = facts_.Count(one, GroupBy::kMonth, deadline);
        AnalysisFilter young = one;
        young.victim_ages =
            (1u << static_cast<int>(AgeGroup::kUnder18)) | (1u << static_cast<int>(AgeGroup::k18To24));
        auto under25 = facts_.Count(young, GroupBy::kMonth, deadline);
        if (!all || !under25) return Timeout(time_limit);
        out["status"] = "ok";
        out.update(Progress(ToMap(*all), coverage));
        out["under_25"] = Progress(ToMap(*under25), coverage);
        out["synthetic_sources"] = SyntheticSources(options_, sources);
      }
      measures.push_back(out);
    }
    return JsonResponse(
        {{"measures", measures}, {"synthetic_sources", SyntheticSources(options_, filter.sources)}});
  }
  return ErrorResponse(404, "not_found",
                       "no such route: " + path.substr(0, 128) + " (docs/api.md lists them)");
}

namespace {

// The body of an engine query's answer (or its refusal).
ApiResponse RenderQueryAnswer(const Result<QueryResult>& answer, const Query& query, int limit, int offset,
                              const ApiOptions& options) {
  if (!answer.ok()) {
    if (answer.status().code() == StatusCode::kInvalidArgument) {
      return ErrorResponse(400, "bad_query", answer.status().message());
    }
    return ErrorResponse(500, "internal", "the query failed: " + answer.status().message());
  }
  const QueryResult& result = *answer;
  json out;
  json dimensions = json::array();
  for (Dimension d : result.dimensions) dimensions.push_back(DimensionName(d));
  out["dimensions"] = dimensions;
  out["columns"] = ResultColumnNames(result);
  out["incidents"] = result.incidents;
  out["harm_days"] = std::round(result.harm_days * 100.0) / 100.0;
  out["harm_weights_version"] = result.harm_weights_version;
  out["denominator"] = result.denominator;
  out["notes"] = result.notes;
  out["total_rows"] = result.rows.size();
  out["offset"] = offset;
  out["limit"] = limit;
  uint32_t sources = 0;
  for (Agency a : query.sources) sources |= 1u << static_cast<int>(a);
  out["synthetic_sources"] = SyntheticSources(options, sources);
  const auto cells = ResultCells(result);
  json rows = json::array();
  for (size_t i = static_cast<size_t>(offset);
       i < cells.size() && i < static_cast<size_t>(offset) + static_cast<size_t>(limit); ++i) {
    rows.push_back(cells[i]);
  }
  out["rows"] = rows;
  return JsonResponse(out);
}

}  // namespace

// The analysis engine's query (src/engine/query.h) over HTTP: its own field names as
// parameters (the same as the CLI's field=value), plus limit and offset for paging.
ApiResponse Api::EngineQuery(const ApiRequest& request, const std::string& cache_key) const {
  if (!engine_) {
    return ErrorResponse(501, "not_implemented", "this server was started without the analysis engine");
  }
  std::vector<std::string> args;
  std::set<std::string> seen;
  int limit = options_.max_page_size;
  int offset = 0;
  for (const auto& [name, value] : request.params) {
    if (!seen.insert(name).second) {
      return ErrorResponse(400, "repeated_parameter",
                           name + " given twice: give several values separated by commas");
    }
    if (name == "limit" || name == "offset") {
      auto n = ReadInt(value, name == "limit" ? 1 : 0, INT32_MAX);
      if (!n)
        return ErrorResponse(400, "bad_parameter",
                             name + ": expected a whole number, got \"" + value.substr(0, 32) + "\"");
      if (name == "limit" && *n > options_.max_page_size) {
        return ErrorResponse(400, "page_too_large",
                             "limit: at most " + std::to_string(options_.max_page_size) +
                                 " rows a page; use offset for the next page");
      }
      (name == "limit" ? limit : offset) = *n;
      continue;
    }
    args.push_back(name + "=" + value);
  }
  Result<Query> parsed = ParseQueryArgs(args);
  if (!parsed.ok()) {
    const bool unknown = parsed.status().message().find("unknown query field") != std::string::npos;
    return ErrorResponse(400, unknown ? "unknown_parameter" : "bad_parameter", parsed.status().message());
  }
  Query query = std::move(*parsed);
  // What the principal may see narrows the query (nothing, for the local analyst).
  if (!request.principal.sources.empty()) {
    std::vector<Agency> allowed;
    for (uint8_t s : request.principal.sources) {
      Agency a = static_cast<Agency>(s);
      if (query.sources.empty() || std::count(query.sources.begin(), query.sources.end(), a))
        allowed.push_back(a);
    }
    if (allowed.empty()) return ErrorResponse(403, "forbidden", "these sources are not open to your role");
    query.sources = allowed;
  }
  if (!request.principal.csp_areas.empty()) {
    std::vector<std::string> allowed;
    for (const std::string& code : request.principal.csp_areas) {
      if (query.csp_areas.empty() || std::count(query.csp_areas.begin(), query.csp_areas.end(), code)) {
        allowed.push_back(code);
      }
    }
    if (allowed.empty()) return ErrorResponse(403, "forbidden", "these CSP areas are not open to your role");
    query.csp_areas = allowed;
  }
  // The engine has no cancellation: the query runs on its own thread and the request
  // stops waiting at the time limit. The thread still leaves its answer in the cache, and
  // an identical request meanwhile waits for that thread instead of starting another, so
  // a slow query never runs twice at once.
  std::shared_future<ResponseCache::Answer> answer;
  {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    auto it = cache_->engine_in_flight.find(cache_key);
    if (it != cache_->engine_in_flight.end()) {
      answer = it->second;
    } else {
      auto promise = std::make_shared<std::promise<ResponseCache::Answer>>();
      answer = promise->get_future().share();
      cache_->engine_in_flight.emplace(cache_key, answer);
      std::thread([engine = engine_, query, promise, cache = cache_, cache_key, limit, offset,
                   options = options_] {
        auto done = std::make_shared<const ApiResponse>(
            RenderQueryAnswer(RunQuery(*engine, query), query, limit, offset, options));
        {
          std::lock_guard<std::mutex> done_lock(cache->mutex);
          cache->Keep(cache_key, done);
          cache->engine_in_flight.erase(cache_key);
        }
        promise->set_value(done);
      }).detach();
    }
  }
  if (answer.wait_for(options_.query_timeout) != std::future_status::ready)
    return Timeout(options_.query_timeout);
  return *answer.get();
}

// Getis-Ord Gi* over the 611 LSOAs (queen contiguity including the zone itself) of the
// incidents passing the filters, with Benjamini-Hochberg FDR classes (src/spatial); or,
// with method=kde, the kernel density surface of their places (server/kde_layer.h).
ApiResponse Api::HotSpots(const ApiRequest& request) const {
  ParsedQuery query;
  if (auto error = ParseQuery(request, facts_, options_.max_page_size, {"method", "bandwidth", "cell"}, &query))
    return FromError(*error);
  bool kde = false;
  std::optional<std::string> kde_option;
  KdeLayerRequest kde_request;
  for (const auto& [name, value] : request.params) {
    if (name == "method") {
      if (value != "gi" && value != "kde")
        return ErrorResponse(400, "bad_parameter", "method: expected gi or kde, got \"" + value.substr(0, 32) + "\"");
      kde = value == "kde";
    } else if (name == "bandwidth" || name == "cell") {
      kde_option = name;
      std::optional<int> metres = ReadInt(value, 1, 1000000);
      if (!metres) {
        return ErrorResponse(400, "bad_parameter",
                             name + ": expected whole metres, got \"" + value.substr(0, 32) + "\"");
      }
      (name == "bandwidth" ? kde_request.bandwidth : kde_request.cell) = *metres;
    }
  }
  if (kde_option && !kde) {
    return ErrorResponse(400, "unknown_parameter", *kde_option + " is a parameter of method=kde, not of gi");
  }
  if (auto error = NarrowToPrincipal(request.principal, &query.filter)) return FromError(*error);
  if (kde) return KdeHotSpots(query.filter, kde_request);
  if (!lsoa_neighbours_) {
    return ErrorResponse(501, "not_implemented", "the LSOA boundaries could not be read as zones for Gi*");
  }
  auto table =
      facts_.Count(query.filter, GroupBy::kLsoa, std::chrono::steady_clock::now() + options_.query_timeout);
  if (!table) return Timeout(options_.query_timeout);
  const auto& lsoas = facts_.geography().lsoas();
  std::vector<double> values(lsoas.size(), 0);
  for (const auto& [key, n] : table->rows) values[static_cast<size_t>(key)] = static_cast<double>(n);
  auto spots = GiStarHotSpots(*lsoa_neighbours_, values);
  if (!spots.ok()) return ErrorResponse(400, "bad_query", "Gi*: " + spots.status().message());
  json rows = json::array();
  for (size_t i = 0; i < lsoas.size(); ++i) {
    const HotSpot& h = (*spots)[i];
    rows.push_back({{"key", lsoas[i].code},
                    {"incidents", values[i]},
                    {"z", std::isfinite(h.z) ? json(std::round(h.z * 1000) / 1000) : json(nullptr)},
                    {"q", std::isfinite(h.q) ? json(h.q) : json(nullptr)},
                    {"class", FdrClassName(h.fdr_class)},
                    {"colour", FdrClassColour(h.fdr_class)}});
  }
  return JsonResponse(
      {{"method", "gi"},
       {"weights", "queen contiguity of the 611 LSOAs, each zone its own neighbour (Gi*)"},
       {"values", "incidents per LSOA passing the filters"},
       {"classes", "hot-99/95/90 and cold-99/95/90: z > 0 (< 0) with Benjamini-Hochberg q <= 0.01/0.05/0.10"},
       {"matched", table->matched},
       {"not_grouped", table->not_grouped},
       {"rows", rows},
       {"synthetic_sources", SyntheticSources(options_, query.filter.sources)}});
}

ApiResponse Api::KdeHotSpots(const AnalysisFilter& filter, const KdeLayerRequest& kde) const {
  if (!kde_layer_) return ErrorResponse(501, "not_implemented", kde_layer_error_);
  auto answer = kde_layer_->Surface(facts_, filter, kde, std::chrono::steady_clock::now() + options_.query_timeout);
  if (!answer) return Timeout(options_.query_timeout);
  if (!answer->ok()) {
    const bool internal = answer->status().code() == StatusCode::kInternal;
    return ErrorResponse(internal ? 500 : 400, internal ? "internal" : "bad_parameter", answer->status().message());
  }
  const KdeLayerAnswer& a = **answer;
  json classes = json::array();
  for (int k = 1; k <= kKdeClasses; ++k) {
    classes.push_back({{"class", k},
                       {"label", k < kKdeClasses ? std::to_string(k) + "-" + std::to_string(k + 1) + " x mean"
                                                 : std::to_string(k) + " x mean or more"},
                       {"colour", KdeClassColour(k)}});
  }
  json head = {{"method", "kde"},
               {"kernel", "quartic"},
               {"bandwidth_m", std::round(a.bandwidth * 10) / 10},
               {"bandwidth_from", a.bandwidth_from_rule ? "rule of thumb (docs/spatial.md)" : "given"},
               {"cell_m", a.cell},
               {"computation", a.method == KdeMethod::kExact ? "exact" : "binned"},
               {"unit", "incidents per km2"},
               {"mean_density", a.mean_density},
               {"shown", "cells at or above the mean density of the cells with any, classed by multiples of it"},
               {"classes", classes},
               {"matched", a.matched},
               {"without_point", a.without_point},
               {"cells_shown", a.cells_shown},
               {"note", a.note},
               {"synthetic_sources", SyntheticSources(options_, filter.sources)}};
  // The cells are GeoJSON text already: spliced in rather than parsed and dumped again.
  ApiResponse response = JsonResponse(head);
  response.body.pop_back();
  response.body += ",\"cells\":" + a.cells_geojson + "}";
  return response;
}

}  // namespace harmlens
