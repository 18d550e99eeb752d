// The one question the engine answers: incidents cut by any of the five variables
// (nature, perpetrator, victim, time, location), grouped by up to three dimensions,
// counted, harm-weighted, as a rate or as a share. A Query is a plain value, built from
// CLI-style `field=value` arguments or from JSON (the same field names); every unknown
// field, bad value and impossible cut is an InvalidArgument naming the field.
// RunQuery only reads the IncidentTable, so any number may run at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/incident_table.h"
#include "model/crime_type.h"
#include "model/harmful_behaviour.h"
#include "model/incident.h"
#include "model/time.h"

namespace harmlens {

// What a result can be grouped by. Person dimensions take their values from the persons
// of that part (victims; suspects and offenders) who pass the query's cut on that part,
// so an incident with two victims aged 16 and 30 counts once under each band.
enum class Dimension : uint8_t {
  kCsp,             // "csp": CSP area name, "(outside LLR)", "(no location)"
  kLsoa,            // "lsoa": 2011 LSOA code
  kImdDecile,       // "imd_decile": 1 (most deprived) .. 10, of the incident's LSOA
  kCategory,        // "category": police.uk crime type
  kOffence,         // "offence": Home Office offence code
  kBehaviour,       // "behaviour": SPB harmful behaviour (an incident may carry several)
  kWeapon,          // "weapon"
  kDomestic,        // "domestic": yes, no, not said
  kSource,          // "source": police-uk, police-extract, emergency-department, ...
  kYear,            // "year"
  kMonth,           // "month": YYYY-MM
  kWeek,            // "week": the Monday that starts it, YYYY-MM-DD
  kDate,            // "date": YYYY-MM-DD
  kDayOfWeek,       // "dow": Mon .. Sun
  kHour,            // "hour": 00 .. 23
  kStreet,          // "street": the location description (police.uk "On or near ...")
  kVictimAge,       // "victim_age": band (kAgeBands)
  kVictimSex,       // "victim_sex"
  kVictimRepeat,    // "victim_repeat": repeat, first
  kOffenderAge,     // "offender_age"
  kOffenderSex,     // "offender_sex"
  kOffenderRepeat,  // "offender_repeat"
};
std::string_view DimensionName(Dimension dimension);
std::optional<Dimension> DimensionFromName(std::string_view name);

// Age bands used to group persons. A person whose recorded age range does not fit in
// one band (an A&E band 20-29) is grouped as "(age not in one band)".
inline constexpr int kAgeBandCount = 8;
inline constexpr std::string_view kAgeBandLabels[kAgeBandCount] = {"0-9",   "10-17", "18-24", "25-34",
                                                                   "35-44", "45-54", "55-64", "65+"};

enum class Measure : uint8_t {
  kCount,  // "count": incidents
  kHarm,   // "harm": sum of harm weights in days (harm_weights.h)
  kRate,   // "rate": incidents per 1,000 residents (under-25s when the cut is under 25)
  kShare,  // "share": percent of the query's matched incidents
};
std::string_view MeasureName(Measure measure);

// Persons pass when their whole recorded age range lies in [min_years, max_years]
// (so an A&E band 18-24 is under 25); `unknown` selects persons of no recorded age.
struct AgeCut {
  int min_years = 0;
  int max_years = kOldestAgeYears;
  bool unknown = false;
  bool operator==(const AgeCut&) const = default;
};

// A cut on one part (victims, or suspects and offenders): an incident passes when one
// person of that part passes every condition given.
struct PersonCut {
  std::vector<AgeCut> ages;    // any of
  std::vector<Sex> sexes;      // any of
  std::optional<bool> repeat;  // PersonColumns::repeat
  bool active() const { return !ages.empty() || !sexes.empty() || repeat.has_value(); }
  // Every age cut lies under 25: rates are then per under-25 resident.
  bool under25() const;
  bool operator==(const PersonCut&) const = default;
};

struct Circle {
  GeoPoint centre;
  double radius_metres = 0;
  bool operator==(const Circle& o) const {
    return centre.longitude == o.centre.longitude && centre.latitude == o.centre.latitude &&
           radius_metres == o.radius_metres;
  }
};

enum class DomesticFlag : uint8_t { kNotSaid = 0, kNo = 1, kYes = 2 };

struct Query {
  // Nature. Each list is "any of"; an empty list does not filter.
  std::vector<CrimeType> categories;
  std::vector<std::string> offence_codes;
  std::vector<HarmfulBehaviour> behaviours;
  std::vector<Weapon> weapons;
  std::vector<DomesticFlag> domestic;
  std::vector<Agency> sources;
  // Perpetrator (suspects and offenders) and victim.
  PersonCut offender;
  PersonCut victim;
  // Time: [from_minute, to_minute) in local civil minutes; an incident passes only if
  // its whole possible interval lies inside (see IncidentColumns).
  std::optional<int64_t> from_minute;
  std::optional<int64_t> to_minute;
  std::vector<YearMonth> months;
  std::vector<int> days_of_week;  // 0 = Monday .. 6 = Sunday
  std::vector<int> hours;         // 0 .. 23
  // Location.
  std::vector<std::string> csp_areas;  // district codes
  std::vector<std::string> lsoas;      // 2011 LSOA codes
  std::vector<int> imd_deciles;        // 1 .. 10
  std::optional<Circle> near;          // incidents with a point within the circle
  std::vector<GeoPoint> within;        // incidents with a point inside this ring (>= 3 vertices)
  // Output.
  std::vector<Dimension> group_by;  // at most 3
  std::vector<Measure> measures;    // empty: count
  int top = 0;                      // keep the N rows with most incidents (0: all)
  bool operator==(const Query&) const = default;
};

// `field=value` arguments, e.g. {"csp=Leicester", "hour=22-23,0-2", "by=month"}.
// Fields and value forms: QueryFieldsHelp().
Result<Query> ParseQueryArgs(const std::vector<std::string>& args);
// A JSON object with the same field names; values are strings in the CLI form, numbers,
// or arrays of either ("near": [lon, lat, metres]; "within": [[lon, lat], ...]).
Result<Query> ParseQueryJson(std::string_view json);
// One line per field: name, what it cuts, the value forms it takes.
std::string QueryFieldsHelp();

struct ResultRow {
  std::vector<std::string> keys;  // one label per group_by dimension
  int64_t count = 0;              // incidents
  double harm_days = 0;
  std::optional<double> rate_per_1000;  // nullopt where no population is known
  double share_percent = 0;             // of QueryResult::incidents
};

struct QueryResult {
  std::vector<Dimension> dimensions;
  std::vector<Measure> measures;
  // In dimension order (areas in code order, time in time order, "(...)" labels last),
  // or by count descending when Query::top is set.
  std::vector<ResultRow> rows;
  int64_t incidents = 0;  // distinct incidents matched
  double harm_days = 0;
  std::string denominator;  // what rates are per, "" when no rate was asked
  std::string harm_weights_version;
  // Things the reader must know to read the figures, e.g. incidents left out because
  // their time is known only to the month.
  std::vector<std::string> notes;
};

// The result as text, the same for every output form: column names (the dimensions,
// then "count", "harm_days", "rate_per_1000", "share_percent" as asked) and one row of
// cells per ResultRow. Counts are whole numbers, harm to 2 decimals, rates to 3,
// shares to 1; a rate with no known population is "".
std::vector<std::string> ResultColumnNames(const QueryResult& result);
std::vector<std::vector<std::string>> ResultCells(const QueryResult& result);

struct QueryOptions {
  int threads = 1;  // results are identical for any number
};

Result<QueryResult> RunQuery(const IncidentTable& table, const Query& query,
                             const QueryOptions& options = {});

// The rows (IncidentColumns index) of the incidents the query's cuts select, in table
// order: what a figure was counted from.
Result<std::vector<uint32_t>> MatchingIncidents(const IncidentTable& table, const Query& query);

}  // namespace harmlens
