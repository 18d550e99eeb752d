// Reading a Query from `field=value` arguments and from JSON. Both end in the same
// per-field readers, so the two forms accept exactly the same values and fail with
// the same messages.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "engine/query.h"
#include "model/geography.h"

namespace harmlens {
namespace {

struct FieldInfo {
  std::string_view name;
  std::string_view variable;  // nature, perpetrator, victim, time, location, output
  std::string_view forms;
};

constexpr FieldInfo kFields[] = {
    {"category", "nature",
     "police.uk crime types, by name or slug (violence-and-sexual-offences), comma-separated"},
    {"offence", "nature", "Home Office offence codes, e.g. 8N,5D"},
    {"behaviour", "nature", "harmful behaviours, e.g. serious-violence,domestic-abuse"},
    {"weapon", "nature", "knife-or-sharp, firearm, other, none, unknown"},
    {"domestic", "nature", "yes, no, not-said"},
    {"source", "nature", "police-uk, police-extract, emergency-department"},
    {"offender_age", "perpetrator", "age bands (0-9, 10-17, 18-24, ..., 65+), N-M, N+, under-N, unknown"},
    {"offender_sex", "perpetrator", "female, male, other, unknown"},
    {"offender_repeat", "perpetrator",
     "yes (a suspect or offender in another incident in the 365 days before), no"},
    {"victim_age", "victim", "as offender_age"},
    {"victim_sex", "victim", "female, male, other, unknown"},
    {"victim_repeat", "victim", "yes (a victim in another incident in the 365 days before), no"},
    {"from", "time", "YYYY-MM or YYYY-MM-DD, inclusive"},
    {"to", "time", "YYYY-MM or YYYY-MM-DD, inclusive"},
    {"month", "time", "YYYY-MM, or a range YYYY-MM..YYYY-MM"},
    {"dow", "time", "mon .. sun, or a range mon-fri"},
    {"hour", "time", "0 .. 23, or a range 22-2 (wraps past midnight)"},
    {"csp", "location", "CSP areas by name or district code, e.g. Leicester,E07000130"},
    {"lsoa", "location", "2011 LSOA codes, e.g. E01025631"},
    {"imd_decile", "location", "1 (most deprived) .. 10, or a range 1-3"},
    {"near", "location", "longitude,latitude,metres: incidents with a point within that distance"},
    {"within", "location", "a polygon, vertices as \"longitude latitude\" separated by ';' (at least 3)"},
    {"by", "output",
     "up to three of: csp, lsoa, imd_decile, category, offence, behaviour, weapon, domestic, "
     "source, year, month, week, date, dow, hour, street, victim_age, victim_sex, "
     "victim_repeat, offender_age, offender_sex, offender_repeat"},
    {"measures", "output", "count, harm, rate, share (default count)"},
    {"top", "output", "N: keep the N rows with most incidents"},
};

constexpr std::pair<Dimension, std::string_view> kDimensionNames[] = {
    {Dimension::kCsp, "csp"},
    {Dimension::kLsoa, "lsoa"},
    {Dimension::kImdDecile, "imd_decile"},
    {Dimension::kCategory, "category"},
    {Dimension::kOffence, "offence"},
    {Dimension::kBehaviour, "behaviour"},
    {Dimension::kWeapon, "weapon"},
    {Dimension::kDomestic, "domestic"},
    {Dimension::kSource, "source"},
    {Dimension::kYear, "year"},
    {Dimension::kMonth, "month"},
    {Dimension::kWeek, "week"},
    {Dimension::kDate, "date"},
    {Dimension::kDayOfWeek, "dow"},
    {Dimension::kHour, "hour"},
    {Dimension::kStreet, "street"},
    {Dimension::kVictimAge, "victim_age"},
    {Dimension::kVictimSex, "victim_sex"},
    {Dimension::kVictimRepeat, "victim_repeat"},
    {Dimension::kOffenderAge, "offender_age"},
    {Dimension::kOffenderSex, "offender_sex"},
    {Dimension::kOffenderRepeat, "offender_repeat"},
};

constexpr std::string_view kDayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    parts.push_back(
        Trim(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

Status Bad(std::string_view field, std::string_view value, std::string_view expected) {
  return Status::InvalidArgument("query field \"" + std::string(field) + "\": cannot read \"" +
                                 std::string(value) + "\" (expected " + std::string(expected) + ")");
}

std::optional<int> ReadInt(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ReadDouble(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string Slug(std::string_view name) {
  std::string out;
  for (char ch : name) {
    unsigned char u = static_cast<unsigned char>(ch);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  return out;
}

Result<std::vector<AgeCut>> ReadAges(std::string_view field, std::string_view value) {
  std::vector<AgeCut> cuts;
  constexpr std::string_view kForms = "an age band like 18-24, N-M, N+, under-N or unknown";
  for (std::string_view part : Split(value, ',')) {
    std::string text = Lower(part);
    AgeCut cut;
    if (text == "unknown") {
      cut.unknown = true;
    } else if (text.rfind("under-", 0) == 0) {
      auto n = ReadInt(std::string_view(text).substr(6));
      if (!n || *n < 1 || *n > kOldestAgeYears) return Bad(field, part, kForms);
      cut = {0, *n - 1, false};
    } else if (!text.empty() && text.back() == '+') {
      auto n = ReadInt(std::string_view(text).substr(0, text.size() - 1));
      if (!n || *n < 0 || *n > kOldestAgeYears) return Bad(field, part, kForms);
      cut = {*n, kOldestAgeYears, false};
    } else {
      size_t dash = text.find('-');
      auto lo = ReadInt(std::string_view(text).substr(0, dash));
      auto hi = dash == std::string::npos ? lo : ReadInt(std::string_view(text).substr(dash + 1));
      if (!lo || !hi || *lo < 0 || *hi < *lo || *hi > kOldestAgeYears) return Bad(field, part, kForms);
      cut = {*lo, *hi, false};
    }
    cuts.push_back(cut);
  }
  return cuts;
}

Result<std::vector<Sex>> ReadSexes(std::string_view field, std::string_view value) {
  std::vector<Sex> sexes;
  for (std::string_view part : Split(value, ',')) {
    std::string text = Lower(part);
    bool found = false;
    for (Sex s : {Sex::kUnknown, Sex::kFemale, Sex::kMale, Sex::kOther}) {
      if (text == SexName(s)) {
        sexes.push_back(s);
        found = true;
      }
    }
    if (!found) return Bad(field, part, "female, male, other or unknown");
  }
  return sexes;
}

Result<bool> ReadYesNo(std::string_view field, std::string_view value) {
  std::string text = Lower(value);
  if (text == "yes" || text == "repeat" || text == "true") return true;
  if (text == "no" || text == "first" || text == "false") return false;
  return Bad(field, value, "yes or no");
}

// A date or month bound: the first minute of it, and the first minute after it.
Result<std::pair<int64_t, int64_t>> ReadBound(std::string_view field, std::string_view value) {
  if (auto ym = ParseYearMonth(value)) {
    return std::pair{OccurredTime::Month(*ym).local_minute,
                     OccurredTime::Month(YearMonth::FromIndex(ym->Index() + 1)).local_minute};
  }
  if (auto date = ParseCivilDate(value)) {
    int64_t day = date->DaysSinceEpoch();
    return std::pair{day * 1440, (day + 1) * 1440};
  }
  return Bad(field, value, "YYYY-MM or YYYY-MM-DD");
}

// Comma-separated integers or ranges "a-b" within [lo, hi]; `wrap` lets a range run
// past hi back to lo (hours 22-2).
Result<std::vector<int>> ReadIntList(std::string_view field, std::string_view value, int lo, int hi,
                                     bool wrap, std::string_view forms) {
  std::vector<int> out;
  for (std::string_view part : Split(value, ',')) {
    size_t dash = part.find('-');
    auto a = ReadInt(part.substr(0, dash));
    auto b = dash == std::string_view::npos ? a : ReadInt(part.substr(dash + 1));
    if (!a || !b || *a < lo || *a > hi || *b < lo || *b > hi || (!wrap && *b < *a))
      return Bad(field, part, forms);
    for (int v = *a;; v = v == hi ? lo : v + 1) {
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
      if (v == *b) break;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status SetField(Query* q, std::string_view field, std::string_view value) {
  if (value.empty()) return Bad(field, value, "a value");
  if (field == "category") {
    for (std::string_view part : Split(value, ',')) {
      std::optional<CrimeType> found;
      for (CrimeType t : AllCrimeTypes()) {
        if (Lower(CrimeTypeName(t)) == Lower(part) || Slug(CrimeTypeName(t)) == Lower(part)) found = t;
      }
      if (!found) return Bad(field, part, "a police.uk crime type, e.g. violence-and-sexual-offences");
      q->categories.push_back(*found);
    }
  } else if (field == "offence") {
    for (std::string_view part : Split(value, ',')) {
      bool ok = !part.empty() && part.size() <= 8 && std::all_of(part.begin(), part.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/';
      });
      if (!ok) return Bad(field, part, "a Home Office offence code such as 8N or 4/1");
      q->offence_codes.emplace_back(part);
    }
  } else if (field == "behaviour") {
    for (std::string_view part : Split(value, ',')) {
      auto b = HarmfulBehaviourFromSlug(Lower(part));
      if (!b) return Bad(field, part, "a harmful behaviour slug, e.g. serious-violence");
      q->behaviours.push_back(*b);
    }
  } else if (field == "weapon") {
    for (std::string_view part : Split(value, ',')) {
      std::string text = Lower(part);
      if (text == "knife") text = "knife-or-sharp";
      std::optional<Weapon> found;
      for (Weapon w :
           {Weapon::kUnknown, Weapon::kNone, Weapon::kKnifeOrSharp, Weapon::kFirearm, Weapon::kOther}) {
        if (text == WeaponName(w)) found = w;
      }
      if (!found) return Bad(field, part, "knife-or-sharp, firearm, other, none or unknown");
      q->weapons.push_back(*found);
    }
  } else if (field == "domestic") {
    for (std::string_view part : Split(value, ',')) {
      std::string text = Lower(part);
      if (text == "yes") {
        q->domestic.push_back(DomesticFlag::kYes);
      } else if (text == "no") {
        q->domestic.push_back(DomesticFlag::kNo);
      } else if (text == "not-said" || text == "unknown") {
        q->domestic.push_back(DomesticFlag::kNotSaid);
      } else {
        return Bad(field, part, "yes, no or not-said");
      }
    }
  } else if (field == "source") {
    for (std::string_view part : Split(value, ',')) {
      std::optional<Agency> found;
      for (Agency a : {Agency::kPoliceUk, Agency::kPoliceExtract, Agency::kEmergencyDepartment}) {
        if (Lower(part) == AgencyName(a)) found = a;
      }
      if (!found) return Bad(field, part, "police-uk, police-extract or emergency-department");
      q->sources.push_back(*found);
    }
  } else if (field == "offender_age" || field == "victim_age") {
    HL_ASSIGN_OR_RETURN(auto ages, ReadAges(field, value));
    (field == "victim_age" ? q->victim : q->offender).ages = std::move(ages);
  } else if (field == "offender_sex" || field == "victim_sex") {
    HL_ASSIGN_OR_RETURN(auto sexes, ReadSexes(field, value));
    (field == "victim_sex" ? q->victim : q->offender).sexes = std::move(sexes);
  } else if (field == "offender_repeat" || field == "victim_repeat") {
    HL_ASSIGN_OR_RETURN(bool repeat, ReadYesNo(field, value));
    (field == "victim_repeat" ? q->victim : q->offender).repeat = repeat;
  } else if (field == "from") {
    HL_ASSIGN_OR_RETURN(auto bound, ReadBound(field, value));
    q->from_minute = bound.first;
  } else if (field == "to") {
    HL_ASSIGN_OR_RETURN(auto bound, ReadBound(field, value));
    q->to_minute = bound.second;
  } else if (field == "month") {
    for (std::string_view part : Split(value, ',')) {
      size_t dots = part.find("..");
      auto a = ParseYearMonth(part.substr(0, dots));
      auto b = dots == std::string_view::npos ? a : ParseYearMonth(part.substr(dots + 2));
      if (!a || !b || *b < *a || b->Index() - a->Index() > 1200) {
        return Bad(field, part, "YYYY-MM or YYYY-MM..YYYY-MM");
      }
      for (int m = a->Index(); m <= b->Index(); ++m) q->months.push_back(YearMonth::FromIndex(m));
    }
  } else if (field == "dow") {
    for (std::string_view part : Split(value, ',')) {
      size_t dash = part.find('-');
      auto day = [](std::string_view text) -> std::optional<int> {
        std::string t = Lower(text).substr(0, 3);
        for (int d = 0; d < 7; ++d) {
          if (kDayNames[d] == t && text.size() >= 3) return d;
        }
        return std::nullopt;
      };
      auto a = day(part.substr(0, dash));
      auto b = dash == std::string_view::npos ? a : day(part.substr(dash + 1));
      if (!a || !b) return Bad(field, part, "mon, tue, wed, thu, fri, sat, sun or a range like mon-fri");
      for (int d = *a;; d = (d + 1) % 7) {
        if (std::find(q->days_of_week.begin(), q->days_of_week.end(), d) == q->days_of_week.end()) {
          q->days_of_week.push_back(d);
        }
        if (d == *b) break;
      }
      std::sort(q->days_of_week.begin(), q->days_of_week.end());
    }
  } else if (field == "hour") {
    HL_ASSIGN_OR_RETURN(q->hours, ReadIntList(field, value, 0, 23, true, "hours 0-23, or a range like 22-2"));
  } else if (field == "csp") {
    for (std::string_view part : Split(value, ',')) {
      auto area = FindCspArea(part);
      if (!area) {
        std::string names;
        for (const CspArea& a : LlrCspAreas()) names += (names.empty() ? "" : ", ") + std::string(a.name);
        return Bad(field, part, "a CSP area: " + names + ", or its district code");
      }
      q->csp_areas.emplace_back(area->code);
    }
  } else if (field == "lsoa") {
    for (std::string_view part : Split(value, ',')) {
      bool ok = part.size() == 9 && part[0] == 'E' &&
                std::all_of(part.begin() + 1, part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!ok) return Bad(field, part, "a 2011 LSOA code such as E01025631");
      q->lsoas.emplace_back(part);
    }
  } else if (field == "imd_decile") {
    HL_ASSIGN_OR_RETURN(q->imd_deciles,
                        ReadIntList(field, value, 1, 10, false, "deciles 1-10, or a range like 1-3"));
  } else if (field == "near") {
    auto parts = Split(value, ',');
    constexpr std::string_view kForms = "longitude,latitude,metres with a radius from 1 to 100000";
    if (parts.size() != 3) return Bad(field, value, kForms);
    auto lon = ReadDouble(parts[0]), lat = ReadDouble(parts[1]), radius = ReadDouble(parts[2]);
    if (!lon || !lat || !radius || *lon < -180 || *lon > 180 || *lat < -90 || *lat > 90 || *radius < 1 ||
        *radius > 100000) {
      return Bad(field, value, kForms);
    }
    q->near = Circle{{*lon, *lat}, *radius};
  } else if (field == "within") {
    for (std::string_view part : Split(value, ';')) {
      auto xy = Split(part, ' ');
      xy.erase(std::remove(xy.begin(), xy.end(), std::string_view()), xy.end());
      auto lon = xy.size() == 2 ? ReadDouble(xy[0]) : std::nullopt;
      auto lat = xy.size() == 2 ? ReadDouble(xy[1]) : std::nullopt;
      if (!lon || !lat || *lon < -180 || *lon > 180 || *lat < -90 || *lat > 90) {
        return Bad(field, part, "a vertex \"longitude latitude\"");
      }
      q->within.push_back({*lon, *lat});
    }
    if (q->within.size() < 3) return Bad(field, value, "a polygon of at least 3 vertices");
  } else if (field == "by") {
    for (std::string_view part : Split(value, ',')) {
      auto d = DimensionFromName(Lower(part));
      if (!d) {
        std::string names;
        for (const auto& [dim, name] : kDimensionNames)
          names += (names.empty() ? "" : ", ") + std::string(name);
        return Bad(field, part, "a dimension: " + names);
      }
      if (std::find(q->group_by.begin(), q->group_by.end(), *d) != q->group_by.end()) {
        return Bad(field, value, "each dimension once");
      }
      q->group_by.push_back(*d);
    }
    if (q->group_by.size() > 3) return Bad(field, value, "at most three dimensions");
  } else if (field == "measures") {
    for (std::string_view part : Split(value, ',')) {
      std::optional<Measure> found;
      for (Measure m : {Measure::kCount, Measure::kHarm, Measure::kRate, Measure::kShare}) {
        if (Lower(part) == MeasureName(m)) found = m;
      }
      if (!found) return Bad(field, part, "count, harm, rate or share");
      if (std::find(q->measures.begin(), q->measures.end(), *found) == q->measures.end())
        q->measures.push_back(*found);
    }
  } else if (field == "top") {
    auto n = ReadInt(value);
    if (!n || *n < 1 || *n > 1000000) return Bad(field, value, "a whole number from 1");
    q->top = *n;
  } else {
    std::string names;
    for (const FieldInfo& f : kFields) names += (names.empty() ? "" : ", ") + std::string(f.name);
    return Status::InvalidArgument("unknown query field \"" + std::string(field) +
                                   "\" (expected one of: " + names + ")");
  }
  return Status::Ok();
}

}  // namespace

std::string_view DimensionName(Dimension dimension) {
  for (const auto& [d, name] : kDimensionNames) {
    if (d == dimension) return name;
  }
  return "?";
}

std::optional<Dimension> DimensionFromName(std::string_view name) {
  for (const auto& [d, n] : kDimensionNames) {
    if (n == name) return d;
  }
  return std::nullopt;
}

std::string_view MeasureName(Measure measure) {
  switch (measure) {
    case Measure::kCount:
      return "count";
    case Measure::kHarm:
      return "harm";
    case Measure::kRate:
      return "rate";
    case Measure::kShare:
      return "share";
  }
  return "?";
}

bool PersonCut::under25() const {
  if (ages.empty()) return false;
  return std::all_of(ages.begin(), ages.end(),
                     [](const AgeCut& a) { return !a.unknown && a.max_years < 25; });
}

Result<Query> ParseQueryArgs(const std::vector<std::string>& args) {
  Query q;
  std::set<std::string, std::less<>> seen;
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("query: expected field=value, got \"" + arg +
                                     "\" (fields: harmlens analyse --help)");
    }
    std::string field = Lower(Trim(std::string_view(arg).substr(0, eq)));
    if (!seen.insert(field).second) {
      return Status::InvalidArgument("query field \"" + field +
                                     "\" is given twice; give one list instead (a,b)");
    }
    HL_RETURN_IF_ERROR(SetField(&q, field, Trim(std::string_view(arg).substr(eq + 1))));
  }
  return q;
}

Result<Query> ParseQueryJson(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("query: not valid JSON");
  if (!doc.is_object()) return Status::InvalidArgument("query: expected a JSON object of field: value");
  std::vector<std::string> args;
  auto scalar = [](const nlohmann::json& v, std::string* out) {
    if (v.is_string()) {
      *out = v.get<std::string>();
    } else if (v.is_number_integer()) {
      *out = std::to_string(v.get<int64_t>());
    } else if (v.is_number()) {
      *out = v.dump();
    } else if (v.is_boolean()) {
      *out = v.get<bool>() ? "yes" : "no";
    } else {
      return false;
    }
    return true;
  };
  for (const auto& [key, value] : doc.items()) {
    std::string text;
    if (key == "within" && value.is_array()) {
      for (const auto& vertex : value) {
        std::string lon, lat;
        if (!vertex.is_array() || vertex.size() != 2 || !vertex[0].is_number() || !vertex[1].is_number()) {
          return Status::InvalidArgument("query field \"within\": expected [[longitude, latitude], ...]");
        }
        scalar(vertex[0], &lon);
        scalar(vertex[1], &lat);
        text += (text.empty() ? "" : ";") + lon + " " + lat;
      }
    } else if (value.is_array()) {
      for (const auto& item : value) {
        std::string one;
        if (!scalar(item, &one)) {
          return Status::InvalidArgument("query field \"" + key +
                                         "\": expected a list of strings or numbers");
        }
        text += (text.empty() ? "" : ",") + one;
      }
    } else if (!scalar(value, &text)) {
      return Status::InvalidArgument("query field \"" + key + "\": expected a string, number or list");
    }
    args.push_back(key + "=" + text);
  }
  return ParseQueryArgs(args);
}

std::string QueryFieldsHelp() {
  std::string out;
  for (const FieldInfo& f : kFields) {
    out += "  " + std::string(f.name) + std::string(16 - std::min<size_t>(15, f.name.size()), ' ') + "[" +
           std::string(f.variable) + "] " + std::string(f.forms) + "\n";
  }
  return out;
}

}  // namespace harmlens
