// Running a Query over the IncidentTable: one pass over the incident columns per
// thread (contiguous row ranges), integer accumulators merged at the end, so the
// answer does not depend on the number of threads.
#include "engine/query.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>
#include <unordered_map>

#include "engine/harm_weights.h"

namespace harmlens {
namespace {

constexpr int64_t kMinutesPerDay = 1440;
constexpr uint32_t kNoneCode = 0x1FFFFF;      // the incident has no value (no victim, no LSOA)
constexpr uint32_t kUnplacedCode = 0x1FFFFE;  // its time is not that precise
constexpr uint32_t kSpecialCodes = 2;
constexpr uint32_t kAgeUnknownBand = kAgeBandCount;      // age not recorded
constexpr uint32_t kAgeAcrossBands = kAgeBandCount + 1;  // e.g. A&E 20-29
constexpr uint32_t kRepeatUnnamed = 2;                   // no person key: cannot tell
constexpr uint32_t kDayOffset = 100000;                  // keeps day codes positive
constexpr size_t kDenseCellLimit = size_t{1} << 18;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsVictim(uint8_t role) { return role == static_cast<uint8_t>(Role::kVictim); }
bool IsPerpetrator(uint8_t role) {
  return role == static_cast<uint8_t>(Role::kSuspect) || role == static_cast<uint8_t>(Role::kOffender);
}

// Time placement of an interval [first, last] in minutes. Each returns kUnplacedCode
// when the interval spans more than one value.
uint32_t DayCode(int64_t first, int64_t last) {
  int64_t a = FloorDiv(first, kMinutesPerDay), b = FloorDiv(last, kMinutesPerDay);
  return a == b ? static_cast<uint32_t>(a + kDayOffset) : kUnplacedCode;
}
uint32_t MonthCode(int64_t first, int64_t last) {
  CivilDate a = CivilDate::FromDays(FloorDiv(first, kMinutesPerDay));
  CivilDate b = CivilDate::FromDays(FloorDiv(last, kMinutesPerDay));
  int ia = a.year * 12 + a.month - 1, ib = b.year * 12 + b.month - 1;
  return ia == ib ? static_cast<uint32_t>(ia) : kUnplacedCode;
}
uint32_t YearCode(int64_t first, int64_t last) {
  int a = CivilDate::FromDays(FloorDiv(first, kMinutesPerDay)).year;
  int b = CivilDate::FromDays(FloorDiv(last, kMinutesPerDay)).year;
  return a == b ? static_cast<uint32_t>(a) : kUnplacedCode;
}
uint32_t DowOfDays(int64_t days) { return static_cast<uint32_t>(((days % 7) + 7 + 3) % 7); }
uint32_t WeekCode(int64_t first, int64_t last) {
  int64_t a = FloorDiv(first, kMinutesPerDay), b = FloorDiv(last, kMinutesPerDay);
  int64_t ma = a - DowOfDays(a), mb = b - DowOfDays(b);
  return ma == mb ? static_cast<uint32_t>(ma + kDayOffset) : kUnplacedCode;
}
uint32_t DowCode(int64_t first, int64_t last) {
  uint32_t day = DayCode(first, last);
  return day == kUnplacedCode ? day : DowOfDays(static_cast<int64_t>(day) - kDayOffset);
}
uint32_t HourCode(int64_t first, int64_t last) {
  int64_t a = FloorDiv(first, 60), b = FloorDiv(last, 60);
  return a == b ? static_cast<uint32_t>(((a % 24) + 24) % 24) : kUnplacedCode;
}

uint32_t AgeBandCode(uint8_t min_age, uint8_t max_age) {
  if (min_age == kUnknownAge) return kAgeUnknownBand;
  static constexpr int kBandFloor[kAgeBandCount] = {0, 10, 18, 25, 35, 45, 55, 65};
  auto band = [](int age) {
    int b = 0;
    while (b + 1 < kAgeBandCount && age >= kBandFloor[b + 1]) ++b;
    return b;
  };
  int a = band(min_age), b = band(max_age);
  return a == b ? static_cast<uint32_t>(a) : kAgeAcrossBands;
}

double HaversineMetres(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kEarthRadius = 6371008.8;  // mean radius, metres
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

bool InsideRing(const std::vector<GeoPoint>& ring, double lon, double lat) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const GeoPoint& a = ring[i];
    const GeoPoint& b = ring[j];
    if ((a.latitude > lat) != (b.latitude > lat) &&
        lon < (b.longitude - a.longitude) * (lat - a.latitude) / (b.latitude - a.latitude) + a.longitude) {
      inside = !inside;
    }
  }
  return inside;
}

// Why an incident that passed every other cut was left out by a time cut.
enum TimeCut { kCutPeriod = 0, kCutMonth, kCutDow, kCutHour, kTimeCutCount };
constexpr std::string_view kTimeCutNames[kTimeCutCount] = {"period (from/to)", "month", "day of week",
                                                           "hour"};

// The query with its lists turned into masks and lookup tables over the table's codes.
struct Compiled {
  const IncidentTable* table = nullptr;
  const Query* query = nullptr;
  uint32_t category_mask = 0;       // 0: no cut
  std::vector<uint8_t> offence_ok;  // empty: no cut
  uint32_t behaviour_mask = 0;
  uint32_t weapon_mask = 0, domestic_mask = 0, source_mask = 0, assault_mask = 0;
  uint32_t csp_mask = 0;
  std::vector<uint8_t> lsoa_ok;  // by LSOA index; empty: no lsoa/imd cut
  std::array<bool, 2> month_set_any = {};
  std::vector<uint8_t> month_ok;  // by month code - month_base
  int month_base = 0;
  uint32_t dow_mask = 0, hour_mask = 0;
  bool person_needed[2] = {};  // victim, perpetrator: rows must be looked at
};

bool PersonPasses(const PersonColumns& p, uint32_t r, const PersonCut& cut) {
  if (!cut.ages.empty()) {
    bool any = false;
    for (const AgeCut& a : cut.ages) {
      if (a.unknown
              ? p.age_min[r] == kUnknownAge
              : (p.age_min[r] != kUnknownAge && p.age_min[r] >= a.min_years && p.age_max[r] <= a.max_years)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (!cut.sexes.empty() &&
      std::find(cut.sexes.begin(), cut.sexes.end(), static_cast<Sex>(p.sex[r])) == cut.sexes.end()) {
    return false;
  }
  if (cut.repeat) {
    if (p.person[r] == 0) return false;  // an unnamed person is neither
    if ((p.repeat[r] != 0) != *cut.repeat) return false;
  }
  return true;
}

struct Persons {
  // Person rows of the incident that pass the cut of their part.
  std::vector<uint32_t> victims, perpetrators;
};

struct Tally {
  int64_t matched = 0;
  int64_t harm = 0;
  std::array<int64_t, kTimeCutCount> unplaced = {};
  uint32_t sources = 0;
};

// Evaluates every cut on row i. Returns false (and counts an imprecise time) if it
// fails; fills `persons` when person rows are needed.
bool Passes(const Compiled& cq, uint32_t i, Persons* persons, Tally* tally) {
  const IncidentColumns& c = cq.table->incidents();
  const Query& q = *cq.query;
  if (cq.category_mask && !(cq.category_mask >> c.crime_type[i] & 1)) return false;
  if (!cq.offence_ok.empty() && !cq.offence_ok[c.offence[i]]) return false;
  if (cq.behaviour_mask && !(cq.behaviour_mask & c.behaviours[i])) return false;
  if (cq.weapon_mask && !(cq.weapon_mask >> c.weapon[i] & 1)) return false;
  if (cq.domestic_mask && !(cq.domestic_mask >> c.domestic[i] & 1)) return false;
  if (cq.source_mask && !(cq.source_mask >> c.agency[i] & 1)) return false;
  if (cq.assault_mask && !(cq.assault_mask >> c.assault_method[i] & 1)) return false;
  if (cq.csp_mask && !(cq.csp_mask >> c.csp[i] & 1)) return false;
  if (!cq.lsoa_ok.empty() && (c.lsoa[i] == kNoLsoa || !cq.lsoa_ok[c.lsoa[i]])) return false;
  if (q.near || !q.within.empty()) {
    float lon = c.longitude[i], lat = c.latitude[i];
    if (std::isnan(lon) || std::isnan(lat)) return false;
    if (q.near && HaversineMetres(q.near->centre.longitude, q.near->centre.latitude, lon, lat) >
                      q.near->radius_metres) {
      return false;
    }
    if (!q.within.empty() && !InsideRing(q.within, lon, lat)) return false;
  }
  if (cq.person_needed[0] || cq.person_needed[1]) {
    const PersonColumns& p = cq.table->persons();
    persons->victims.clear();
    persons->perpetrators.clear();
    for (uint32_t r = c.person_begin[i]; r < c.person_begin[i + 1]; ++r) {
      if (IsVictim(p.role[r])) {
        if (PersonPasses(p, r, q.victim)) persons->victims.push_back(r);
      } else if (IsPerpetrator(p.role[r])) {
        if (PersonPasses(p, r, q.offender)) persons->perpetrators.push_back(r);
      }
    }
    if (q.victim.active() && persons->victims.empty()) return false;
    if (q.offender.active() && persons->perpetrators.empty()) return false;
  }
  // Time cuts last, so an incident left out only for an imprecise time is counted.
  const int64_t first = c.first_minute[i], last = c.last_minute[i];
  if (q.from_minute || q.to_minute) {
    int64_t from = q.from_minute.value_or(INT64_MIN), to = q.to_minute.value_or(INT64_MAX);
    if (last < from || first >= to) return false;
    if (first < from || last >= to) {
      ++tally->unplaced[kCutPeriod];
      return false;
    }
  }
  if (!cq.month_ok.empty()) {
    const uint16_t column = c.month[i];
    uint32_t m = column == kMonthSpansMonths ? MonthCode(first, last) : column + uint32_t{kMonthColumnBase};
    if (m == kUnplacedCode) {
      ++tally->unplaced[kCutMonth];
      return false;
    }
    int idx = static_cast<int>(m) - cq.month_base;
    if (idx < 0 || idx >= static_cast<int>(cq.month_ok.size()) || !cq.month_ok[idx]) return false;
  }
  if (cq.dow_mask) {
    uint32_t d = DowCode(first, last);
    if (d == kUnplacedCode) {
      ++tally->unplaced[kCutDow];
      return false;
    }
    if (!(cq.dow_mask >> d & 1)) return false;
  }
  if (cq.hour_mask) {
    uint32_t h = HourCode(first, last);
    if (h == kUnplacedCode) {
      ++tally->unplaced[kCutHour];
      return false;
    }
    if (!(cq.hour_mask >> h & 1)) return false;
  }
  return true;
}

bool IsPersonDimension(Dimension d) {
  return d == Dimension::kVictimAge || d == Dimension::kVictimSex || d == Dimension::kVictimRepeat ||
         d == Dimension::kOffenderAge || d == Dimension::kOffenderSex || d == Dimension::kOffenderRepeat;
}
bool IsTimeDimension(Dimension d) {
  return d == Dimension::kYear || d == Dimension::kMonth || d == Dimension::kWeek || d == Dimension::kDate ||
         d == Dimension::kDayOfWeek || d == Dimension::kHour;
}

// The codes row i takes on dimension d (several for multi-valued dimensions).
void Values(const Compiled& cq, Dimension d, uint32_t i, const Persons& persons, std::vector<uint32_t>* out) {
  const IncidentColumns& c = cq.table->incidents();
  out->clear();
  auto add = [out](uint32_t code) {
    if (std::find(out->begin(), out->end(), code) == out->end()) out->push_back(code);
  };
  const int64_t first = c.first_minute[i], last = c.last_minute[i];
  switch (d) {
    case Dimension::kCsp:
      add(c.csp[i]);
      return;
    case Dimension::kLsoa:
      add(c.lsoa[i] == kNoLsoa ? kNoneCode : c.lsoa[i]);
      return;
    case Dimension::kImdDecile:
      add(c.lsoa[i] == kNoLsoa ? kNoneCode
                               : static_cast<uint32_t>(cq.table->geography().lsoas()[c.lsoa[i]].imd_decile));
      return;
    case Dimension::kCategory:
      add(c.crime_type[i]);
      return;
    case Dimension::kOffence:
      add(c.offence[i]);
      return;
    case Dimension::kBehaviour:
      for (uint32_t b = 0; b < kHarmfulBehaviourCount; ++b) {
        if (c.behaviours[i] >> b & 1) add(b);
      }
      if (out->empty()) add(kNoneCode);
      return;
    case Dimension::kWeapon:
      add(c.weapon[i]);
      return;
    case Dimension::kDomestic:
      add(c.domestic[i]);
      return;
    case Dimension::kSource:
      add(c.agency[i]);
      return;
    case Dimension::kYear:
      add(YearCode(first, last));
      return;
    case Dimension::kMonth:
      add(MonthCode(first, last));
      return;
    case Dimension::kWeek:
      add(WeekCode(first, last));
      return;
    case Dimension::kDate:
      add(DayCode(first, last));
      return;
    case Dimension::kDayOfWeek:
      add(DowCode(first, last));
      return;
    case Dimension::kHour:
      add(HourCode(first, last));
      return;
    case Dimension::kStreet:
      add(c.street[i]);
      return;
    default:
      break;
  }
  const PersonColumns& p = cq.table->persons();
  bool victim = d == Dimension::kVictimAge || d == Dimension::kVictimSex || d == Dimension::kVictimRepeat;
  for (uint32_t r : victim ? persons.victims : persons.perpetrators) {
    switch (d) {
      case Dimension::kVictimAge:
      case Dimension::kOffenderAge:
        add(AgeBandCode(p.age_min[r], p.age_max[r]));
        break;
      case Dimension::kVictimSex:
      case Dimension::kOffenderSex:
        add(p.sex[r]);
        break;
      default:
        add(p.person[r] == 0 ? kRepeatUnnamed : p.repeat[r]);
        break;
    }
  }
  if (out->empty()) add(kNoneCode);
}

// Where a dimension's ordinary codes lie: [base, base + size). Special codes follow.
struct CodeSpace {
  uint32_t base = 0;
  uint32_t size = 0;
};

CodeSpace SpaceOf(const IncidentTable& t, Dimension d) {
  const int64_t lo = t.earliest_minute(), hi = t.latest_minute();
  auto span = [&](auto code_of) {
    uint32_t a = code_of(lo, lo), b = code_of(hi, hi);
    return CodeSpace{a, b >= a ? b - a + 1 : 1};
  };
  switch (d) {
    case Dimension::kCsp:
      return {0, kCspAreaCount + 2};
    case Dimension::kLsoa:
      return {0, static_cast<uint32_t>(t.geography().lsoas().size())};
    case Dimension::kImdDecile:
      return {0, 11};
    case Dimension::kCategory:
      return {0, kCrimeTypeCount + 1};
    case Dimension::kOffence:
      return {0, static_cast<uint32_t>(t.offence_codes().size())};
    case Dimension::kBehaviour:
      return {0, kHarmfulBehaviourCount};
    case Dimension::kWeapon:
      return {0, 5};
    case Dimension::kDomestic:
      return {0, 3};
    case Dimension::kSource:
      return {0, 4};
    case Dimension::kYear:
      return span(YearCode);
    case Dimension::kMonth:
      return span(MonthCode);
    case Dimension::kWeek:
      return span(WeekCode);
    case Dimension::kDate:
      return span(DayCode);
    case Dimension::kDayOfWeek:
      return {0, 7};
    case Dimension::kHour:
      return {0, 24};
    case Dimension::kStreet:
      return {0, static_cast<uint32_t>(t.streets().size())};
    case Dimension::kVictimAge:
    case Dimension::kOffenderAge:
      return {0, kAgeBandCount + 2};
    case Dimension::kVictimSex:
    case Dimension::kOffenderSex:
      return {0, 4};
    case Dimension::kVictimRepeat:
    case Dimension::kOffenderRepeat:
      return {0, 3};
  }
  return {0, 1};
}

std::string Label(const IncidentTable& t, Dimension d, uint32_t code) {
  if (code == kUnplacedCode) {
    switch (d) {
      case Dimension::kHour:
        return "(not known to the hour)";
      case Dimension::kDate:
      case Dimension::kDayOfWeek:
        return "(not known to the day)";
      case Dimension::kWeek:
        return "(not known to the week)";
      case Dimension::kMonth:
        return "(not known to the month)";
      default:
        return "(not known to the year)";
    }
  }
  if (code == kNoneCode) {
    switch (d) {
      case Dimension::kLsoa:
      case Dimension::kImdDecile:
        return "(no LLR LSOA)";
      case Dimension::kBehaviour:
        return "(none)";
      case Dimension::kVictimAge:
      case Dimension::kVictimSex:
      case Dimension::kVictimRepeat:
        return "(no victim recorded)";
      default:
        return "(no suspect or offender recorded)";
    }
  }
  char buf[32];
  switch (d) {
    case Dimension::kCsp:
      if (code < kCspAreaCount) return std::string(LlrCspAreas()[code].name);
      return code == kCspOutsideLlr ? "(outside LLR)" : "(no location)";
    case Dimension::kLsoa:
      return t.geography().lsoas()[code].code;
    case Dimension::kImdDecile:
      return std::to_string(code);
    case Dimension::kCategory:
      return std::string(CrimeTypeName(static_cast<CrimeType>(code)));
    case Dimension::kOffence:
      return code == 0 ? "(no offence code)" : t.offence_codes()[code];
    case Dimension::kBehaviour:
      return std::string(HarmfulBehaviourSlug(static_cast<HarmfulBehaviour>(code)));
    case Dimension::kWeapon:
      return WeaponName(static_cast<Weapon>(code));
    case Dimension::kDomestic:
      return code == 2 ? "yes" : code == 1 ? "no" : "not said";
    case Dimension::kSource:
      return AgencyName(static_cast<Agency>(code));
    case Dimension::kYear:
      return std::to_string(code);
    case Dimension::kMonth:
      return YearMonth::FromIndex(static_cast<int>(code)).ToString();
    case Dimension::kWeek:
    case Dimension::kDate:
      return CivilDate::FromDays(static_cast<int64_t>(code) - kDayOffset).ToString();
    case Dimension::kDayOfWeek: {
      static constexpr std::string_view kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
      return std::string(kDays[code % 7]);
    }
    case Dimension::kHour:
      std::snprintf(buf, sizeof buf, "%02u", code);
      return buf;
    case Dimension::kStreet:
      return code == 0 ? "(no description)" : t.streets()[code];
    case Dimension::kVictimAge:
    case Dimension::kOffenderAge:
      if (code < kAgeBandCount) return std::string(kAgeBandLabels[code]);
      return code == kAgeUnknownBand ? "(age not known)" : "(age not in one band)";
    case Dimension::kVictimSex:
    case Dimension::kOffenderSex:
      return SexName(static_cast<Sex>(code));
    case Dimension::kVictimRepeat:
    case Dimension::kOffenderRepeat:
      return code == 1 ? "repeat" : code == 0 ? "first" : "(not identified)";
  }
  return "?";
}

struct Cell {
  int64_t count = 0;
  int64_t harm = 0;
};

// Cells keyed by up to three codes of 21 bits each.
uint64_t PackKey(const uint32_t* codes, size_t n) {
  uint64_t key = 0;
  for (size_t k = 0; k < n; ++k) key |= static_cast<uint64_t>(codes[k]) << (21 * k);
  return key;
}

struct Partial {
  Tally tally;
  std::vector<Cell> dense;
  std::unordered_map<uint64_t, Cell> sparse;
  std::vector<uint32_t> matches;  // MatchingIncidents only
  std::array<int64_t, 3> unplaced_group = {};
};

struct Layout {
  std::vector<CodeSpace> spaces;
  std::vector<size_t> stride;
  bool dense = false;
  size_t cells = 1;
};

uint32_t DenseIndex(const CodeSpace& s, uint32_t code) {
  if (code >= kUnplacedCode) return s.size + (code - kUnplacedCode);
  return code - s.base;
}
uint32_t CodeOfDense(const CodeSpace& s, uint32_t index) {
  return index < s.size ? s.base + index : kUnplacedCode + (index - s.size);
}

bool IsMultiValued(Dimension d) { return IsPersonDimension(d) || d == Dimension::kBehaviour; }

// Codes of a single-valued dimension for the selected rows, one tight loop each.
void FillCodes(const Compiled& cq, Dimension d, const std::vector<uint32_t>& sel,
               std::vector<uint32_t>* out) {
  const IncidentColumns& c = cq.table->incidents();
  out->resize(sel.size());
  uint32_t* code = out->data();
  const size_t n = sel.size();
  // The time dimensions code each row from its [first, last] minutes.
  auto by_time = [&](uint32_t (*time_code)(int64_t, int64_t)) {
    for (size_t j = 0; j < n; ++j) code[j] = time_code(c.first_minute[sel[j]], c.last_minute[sel[j]]);
  };
  switch (d) {
    case Dimension::kCsp:
      for (size_t j = 0; j < n; ++j) code[j] = c.csp[sel[j]];
      return;
    case Dimension::kCategory:
      for (size_t j = 0; j < n; ++j) code[j] = c.crime_type[sel[j]];
      return;
    case Dimension::kWeapon:
      for (size_t j = 0; j < n; ++j) code[j] = c.weapon[sel[j]];
      return;
    case Dimension::kDomestic:
      for (size_t j = 0; j < n; ++j) code[j] = c.domestic[sel[j]];
      return;
    case Dimension::kSource:
      for (size_t j = 0; j < n; ++j) code[j] = c.agency[sel[j]];
      return;
    case Dimension::kOffence:
      for (size_t j = 0; j < n; ++j) code[j] = c.offence[sel[j]];
      return;
    case Dimension::kStreet:
      for (size_t j = 0; j < n; ++j) code[j] = c.street[sel[j]];
      return;
    case Dimension::kLsoa:
      for (size_t j = 0; j < n; ++j) code[j] = c.lsoa[sel[j]] == kNoLsoa ? kNoneCode : c.lsoa[sel[j]];
      return;
    case Dimension::kImdDecile: {
      const auto& lsoas = cq.table->geography().lsoas();
      std::vector<uint32_t> decile(lsoas.size());
      for (size_t k = 0; k < lsoas.size(); ++k) decile[k] = static_cast<uint32_t>(lsoas[k].imd_decile);
      for (size_t j = 0; j < n; ++j) code[j] = c.lsoa[sel[j]] == kNoLsoa ? kNoneCode : decile[c.lsoa[sel[j]]];
      return;
    }
    case Dimension::kMonth:
      for (size_t j = 0; j < n; ++j) {
        uint16_t m = c.month[sel[j]];
        code[j] = m == kMonthSpansMonths ? MonthCode(c.first_minute[sel[j]], c.last_minute[sel[j]])
                                         : static_cast<uint32_t>(m) + kMonthColumnBase;
      }
      return;
    case Dimension::kYear:
      return by_time(YearCode);
    case Dimension::kWeek:
      return by_time(WeekCode);
    case Dimension::kDate:
      return by_time(DayCode);
    case Dimension::kDayOfWeek:
      return by_time(DowCode);
    case Dimension::kHour:
      return by_time(HourCode);
    default:
      for (size_t j = 0; j < n; ++j) {
        static const Persons kNoPersons;
        std::vector<uint32_t> one;
        Values(cq, d, sel[j], kNoPersons, &one);
        code[j] = one[0];
      }
      return;
  }
}

void Scan(const Compiled& cq, const Layout& layout, uint32_t begin, uint32_t end, bool keep_matches,
          Partial* out) {
  const Query& q = *cq.query;
  const IncidentColumns& c = cq.table->incidents();
  Persons persons;
  const size_t dims = q.group_by.size();
  if (layout.dense) out->dense.assign(layout.cells, Cell{});
  bool multi = false;
  for (Dimension d : q.group_by) multi |= IsMultiValued(d);
  // A period cut alone is checked inline; anything else goes through Passes.
  const bool rest = q.near || !q.within.empty() || cq.person_needed[0] || cq.person_needed[1] ||
                    !cq.month_ok.empty() || cq.dow_mask || cq.hour_mask;
  const bool period = q.from_minute || q.to_minute;
  const int64_t from = q.from_minute.value_or(INT64_MIN), to = q.to_minute.value_or(INT64_MAX);
  if (!multi) {
    // Columnar, a block of rows at a time so the block's masks and codes stay in cache:
    // one tight loop per cut over its column (no branches), the survivors' rows, one
    // loop per dimension, then a flat accumulation into dense cells.
    constexpr uint32_t kBlock = 4096;
    uint8_t keep[kBlock];
    std::vector<uint32_t> sel;
    sel.reserve(kBlock);
    std::vector<uint32_t> codes[3];
    std::vector<uint32_t> cell_of;
    const uint8_t* byte_column[3] = {nullptr, nullptr, nullptr};
    size_t byte_stride[3] = {0, 0, 0};
    bool byte_dims = layout.dense && dims > 0;
    for (size_t k = 0; k < dims && byte_dims; ++k) {
      switch (q.group_by[k]) {
        case Dimension::kCsp:
          byte_column[k] = c.csp.data();
          break;
        case Dimension::kCategory:
          byte_column[k] = c.crime_type.data();
          break;
        case Dimension::kWeapon:
          byte_column[k] = c.weapon.data();
          break;
        case Dimension::kDomestic:
          byte_column[k] = c.domestic.data();
          break;
        case Dimension::kSource:
          byte_column[k] = c.agency.data();
          break;
        default:
          byte_dims = false;
          break;
      }
      byte_stride[k] = byte_dims ? layout.stride[k] : 0;
      if (byte_dims && layout.spaces[k].base != 0) byte_dims = false;
    }
    auto cut = [&](const auto* column, uint32_t mask, uint32_t b, uint32_t len) {
      if (!mask) return;
      for (uint32_t j = 0; j < len; ++j) keep[j] &= static_cast<uint8_t>(mask >> column[b + j] & 1u);
    };
    for (uint32_t b = begin; b < end; b += kBlock) {
      const uint32_t len = std::min(kBlock, end - b);
      std::fill(keep, keep + len, uint8_t{1});
      cut(c.crime_type.data(), cq.category_mask, b, len);
      cut(c.weapon.data(), cq.weapon_mask, b, len);
      cut(c.domestic.data(), cq.domestic_mask, b, len);
      cut(c.agency.data(), cq.source_mask, b, len);
      cut(c.assault_method.data(), cq.assault_mask, b, len);
      cut(c.csp.data(), cq.csp_mask, b, len);
      if (cq.behaviour_mask) {
        const uint16_t* col = c.behaviours.data() + b;
        for (uint32_t j = 0; j < len; ++j) keep[j] &= static_cast<uint8_t>((cq.behaviour_mask & col[j]) != 0);
      }
      if (!cq.offence_ok.empty()) {
        const uint16_t* col = c.offence.data() + b;
        for (uint32_t j = 0; j < len; ++j) keep[j] &= cq.offence_ok[col[j]];
      }
      if (!cq.lsoa_ok.empty()) {
        const uint16_t* col = c.lsoa.data() + b;
        const size_t known = cq.lsoa_ok.size();
        for (uint32_t j = 0; j < len; ++j)
          keep[j] &= static_cast<uint8_t>(col[j] < known && cq.lsoa_ok[col[j]]);
      }
      if (period && !rest) {
        // An incident that passed the other cuts but straddles the period is counted
        // as left out for its time.
        const int32_t* first = c.first_minute.data() + b;
        const int32_t* last = c.last_minute.data() + b;
        int64_t straddling = 0;
        for (uint32_t j = 0; j < len; ++j) {
          const bool overlaps = !(last[j] < from || first[j] >= to);
          const bool inside = first[j] >= from && last[j] < to;
          straddling += keep[j] & static_cast<uint8_t>(overlaps && !inside);
          keep[j] &= static_cast<uint8_t>(inside);
        }
        out->tally.unplaced[kCutPeriod] += straddling;
      }
      sel.resize(len);
      uint32_t n = 0;
      for (uint32_t j = 0; j < len; ++j) {
        sel[n] = b + j;
        n += keep[j];
      }
      sel.resize(n);
      if (rest) {
        size_t kept = 0;
        for (uint32_t i : sel) {
          if (Passes(cq, i, &persons, &out->tally)) sel[kept++] = i;
        }
        sel.resize(kept);
      }
      if (sel.empty()) continue;
      out->tally.matched += static_cast<int64_t>(sel.size());
      uint32_t sources = 0;
      for (uint32_t i : sel) {
        out->tally.harm += c.harm_centidays[i];
        sources |= 1u << c.agency[i];
      }
      out->tally.sources |= sources;
      if (keep_matches) out->matches.insert(out->matches.end(), sel.begin(), sel.end());
      if (byte_dims) {
        // Every dimension is a one-byte column whose code is its dense index: the cell
        // straight from the columns, no code vectors.
        Cell* cells = out->dense.data();
        for (uint32_t i : sel) {
          size_t cell = 0;
          for (size_t k = 0; k < dims; ++k) cell += byte_column[k][i] * byte_stride[k];
          Cell& target = cells[cell];
          ++target.count;
          target.harm += c.harm_centidays[i];
        }
        continue;
      }
      for (size_t k = 0; k < dims; ++k) {
        FillCodes(cq, q.group_by[k], sel, &codes[k]);
        int64_t unplaced = 0;
        for (uint32_t code : codes[k]) unplaced += code == kUnplacedCode;
        out->unplaced_group[k] += unplaced;
      }
      const size_t m = sel.size();
      if (layout.dense) {
        cell_of.assign(m, 0);
        for (size_t k = 0; k < dims; ++k) {
          const CodeSpace space = layout.spaces[k];
          const uint32_t stride = static_cast<uint32_t>(layout.stride[k]);
          const uint32_t* code = codes[k].data();
          for (size_t j = 0; j < m; ++j) cell_of[j] += DenseIndex(space, code[j]) * stride;
        }
        Cell* cells = out->dense.data();
        for (size_t j = 0; j < m; ++j) {
          Cell& target = cells[cell_of[j]];
          ++target.count;
          target.harm += c.harm_centidays[sel[j]];
        }
      } else {
        for (size_t j = 0; j < m; ++j) {
          uint32_t key_codes[3] = {0, 0, 0};
          for (size_t k = 0; k < dims; ++k) key_codes[k] = codes[k][j];
          Cell& target = out->sparse[PackKey(key_codes, dims)];
          ++target.count;
          target.harm += c.harm_centidays[sel[j]];
        }
      }
    }
    return;
  }
  std::vector<uint32_t> values[3];
  for (uint32_t i = begin; i < end; ++i) {
    if (!Passes(cq, i, &persons, &out->tally)) continue;
    ++out->tally.matched;
    out->tally.harm += c.harm_centidays[i];
    out->tally.sources |= 1u << c.agency[i];
    if (keep_matches) out->matches.push_back(i);
    for (size_t k = 0; k < dims; ++k) {
      Values(cq, q.group_by[k], i, persons, &values[k]);
      if (values[k].size() == 1 && values[k][0] == kUnplacedCode) ++out->unplaced_group[k];
    }
    // Every combination of the dimensions' values counts the incident once.
    uint32_t codes[3] = {0, 0, 0};
    size_t at[3] = {0, 0, 0};
    while (true) {
      for (size_t k = 0; k < dims; ++k) codes[k] = values[k][at[k]];
      if (layout.dense) {
        size_t cell = 0;
        for (size_t k = 0; k < dims; ++k) cell += DenseIndex(layout.spaces[k], codes[k]) * layout.stride[k];
        Cell& target = out->dense[cell];
        ++target.count;
        target.harm += c.harm_centidays[i];
      } else {
        Cell& target = out->sparse[PackKey(codes, dims)];
        ++target.count;
        target.harm += c.harm_centidays[i];
      }
      size_t k = 0;
      while (k < dims && ++at[k] == values[k].size()) at[k++] = 0;
      if (k == dims) break;
    }
  }
}

Status Compile(const IncidentTable& table, const Query& q, Compiled* cq) {
  cq->table = &table;
  cq->query = &q;
  for (CrimeType t : q.categories) cq->category_mask |= 1u << static_cast<uint32_t>(t);
  if (!q.offence_codes.empty()) {
    cq->offence_ok.assign(table.offence_codes().size(), 0);
    for (const std::string& code : q.offence_codes) {
      if (auto k = table.OffenceCode(code)) cq->offence_ok[*k] = 1;
    }
  }
  for (HarmfulBehaviour b : q.behaviours) cq->behaviour_mask |= 1u << static_cast<uint32_t>(b);
  for (Weapon w : q.weapons) cq->weapon_mask |= 1u << static_cast<uint32_t>(w);
  for (DomesticFlag f : q.domestic) cq->domestic_mask |= 1u << static_cast<uint32_t>(f);
  for (Agency a : q.sources) cq->source_mask |= 1u << static_cast<uint32_t>(a);
  for (AssaultMethod m : q.assault_methods) cq->assault_mask |= 1u << static_cast<uint32_t>(m);
  for (const std::string& code : q.csp_areas) {
    for (int a = 0; a < kCspAreaCount; ++a) {
      if (LlrCspAreas()[a].code == code) cq->csp_mask |= 1u << a;
    }
  }
  const auto& lsoas = table.geography().lsoas();
  if (!q.lsoas.empty() || !q.imd_deciles.empty()) {
    cq->lsoa_ok.assign(lsoas.size(), 1);
    if (!q.lsoas.empty()) {
      std::vector<uint8_t> named(lsoas.size(), 0);
      for (const std::string& code : q.lsoas) {
        const Lsoa* l = table.geography().FindLsoa(code);
        if (!l)
          return Status::InvalidArgument("query field \"lsoa\": " + code + " is not an LLR LSOA (2011)");
        named[static_cast<size_t>(l - lsoas.data())] = 1;
      }
      for (size_t k = 0; k < lsoas.size(); ++k) cq->lsoa_ok[k] &= named[k];
    }
    if (!q.imd_deciles.empty()) {
      for (size_t k = 0; k < lsoas.size(); ++k) {
        bool ok =
            std::find(q.imd_deciles.begin(), q.imd_deciles.end(), lsoas[k].imd_decile) != q.imd_deciles.end();
        cq->lsoa_ok[k] &= ok ? 1 : 0;
      }
    }
  }
  if (!q.months.empty()) {
    int lo = q.months.front().Index(), hi = lo;
    for (const YearMonth& m : q.months) {
      lo = std::min(lo, m.Index());
      hi = std::max(hi, m.Index());
    }
    cq->month_base = lo;
    cq->month_ok.assign(static_cast<size_t>(hi - lo + 1), 0);
    for (const YearMonth& m : q.months) cq->month_ok[static_cast<size_t>(m.Index() - lo)] = 1;
  }
  for (int d : q.days_of_week) cq->dow_mask |= 1u << d;
  for (int h : q.hours) cq->hour_mask |= 1u << h;
  bool victim_dim = false, perpetrator_dim = false;
  for (Dimension d : q.group_by) {
    if (d == Dimension::kVictimAge || d == Dimension::kVictimSex || d == Dimension::kVictimRepeat)
      victim_dim = true;
    if (d == Dimension::kOffenderAge || d == Dimension::kOffenderSex || d == Dimension::kOffenderRepeat) {
      perpetrator_dim = true;
    }
  }
  cq->person_needed[0] = q.victim.active() || victim_dim;
  cq->person_needed[1] = q.offender.active() || perpetrator_dim;
  if (q.from_minute && q.to_minute && *q.to_minute <= *q.from_minute) {
    return Status::InvalidArgument("query: the period is empty (\"to\" is before \"from\")");
  }
  if (q.group_by.size() > 3) return Status::InvalidArgument("query field \"by\": at most three dimensions");
  if (q.within.size() == 1 || q.within.size() == 2) {
    return Status::InvalidArgument("query field \"within\": a polygon needs at least 3 vertices");
  }
  return Status::Ok();
}

std::string PrecisionWords(const IncidentTable&, TimeCut cut) {
  switch (cut) {
    case kCutHour:
      return "a time known only to the day, month or a window longer than the hour";
    case kCutDow:
      return "a time known only to the month or a window spanning days";
    case kCutMonth:
      return "a window spanning months";
    default:
      return "a time (e.g. a police.uk month) that straddles the period's start or end";
  }
}

Result<std::vector<Partial>> Execute(const IncidentTable& table, const Query& query, const Layout& layout,
                                     int threads, bool keep_matches, Compiled* cq) {
  HL_RETURN_IF_ERROR(Compile(table, query, cq));
  const uint32_t n = static_cast<uint32_t>(table.incident_count());
  threads = std::clamp(threads, 1, 64);
  if (n < 4096) threads = 1;
  std::vector<Partial> partials(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    uint32_t begin = static_cast<uint32_t>(uint64_t{n} * t / threads);
    uint32_t end = static_cast<uint32_t>(uint64_t{n} * (t + 1) / threads);
    if (t + 1 == threads) {
      Scan(*cq, layout, begin, end, keep_matches, &partials[t]);
    } else {
      workers.emplace_back([&, begin, end, t] { Scan(*cq, layout, begin, end, keep_matches, &partials[t]); });
    }
  }
  for (std::thread& w : workers) w.join();
  return partials;
}

}  // namespace

Result<QueryResult> RunQuery(const IncidentTable& table, const Query& query, const QueryOptions& options) {
  Layout layout;
  for (Dimension d : query.group_by) layout.spaces.push_back(SpaceOf(table, d));
  layout.dense = true;
  for (const CodeSpace& s : layout.spaces) {
    layout.stride.push_back(layout.cells);
    layout.cells *= s.size + kSpecialCodes;
    if (layout.cells > kDenseCellLimit) layout.dense = false;
  }
  std::vector<Measure> measures =
      query.measures.empty() ? std::vector<Measure>{Measure::kCount} : query.measures;
  const bool want_rate = std::find(measures.begin(), measures.end(), Measure::kRate) != measures.end();
  const bool under25 = query.victim.under25() || query.offender.under25();
  if (want_rate) {
    if (query.near || !query.within.empty()) {
      return Status::InvalidArgument(
          "query: a rate needs a population, and none is known for a radius or polygon; cut by csp, lsoa or "
          "imd_decile instead, or ask for counts");
    }
    bool small_area = !query.lsoas.empty() || !query.imd_deciles.empty();
    for (Dimension d : query.group_by) small_area |= d == Dimension::kLsoa || d == Dimension::kImdDecile;
    if (under25 && small_area) {
      return Status::InvalidArgument(
          "query: a rate per 1,000 under-25s is known per CSP area only (Census 2021 ages are on 2021 "
          "LSOAs); "
          "drop the lsoa/imd_decile cut or grouping, or ask for counts");
    }
  }

  Compiled cq;
  HL_ASSIGN_OR_RETURN(std::vector<Partial> partials,
                      Execute(table, query, layout, options.threads, /*keep_matches=*/false, &cq));
  // Merge in thread order; sums of integers, so the order does not change the answer.
  Partial total;
  std::map<std::vector<uint32_t>, Cell> cells;
  const size_t dims = query.group_by.size();
  for (Partial& p : partials) {
    total.tally.matched += p.tally.matched;
    total.tally.harm += p.tally.harm;
    total.tally.sources |= p.tally.sources;
    for (int k = 0; k < kTimeCutCount; ++k) total.tally.unplaced[k] += p.tally.unplaced[k];
    for (size_t k = 0; k < 3; ++k) total.unplaced_group[k] += p.unplaced_group[k];
    if (layout.dense) {
      for (size_t cell = 0; cell < p.dense.size(); ++cell) {
        if (p.dense[cell].count == 0) continue;
        std::vector<uint32_t> codes(dims);
        for (size_t k = 0; k < dims; ++k) {
          uint32_t index =
              static_cast<uint32_t>(cell / layout.stride[k] % (layout.spaces[k].size + kSpecialCodes));
          codes[k] = CodeOfDense(layout.spaces[k], index);
        }
        Cell& target = cells[codes];
        target.count += p.dense[cell].count;
        target.harm += p.dense[cell].harm;
      }
    } else {
      for (const auto& [key, cell] : p.sparse) {
        std::vector<uint32_t> codes(dims);
        for (size_t k = 0; k < dims; ++k) codes[k] = static_cast<uint32_t>(key >> (21 * k) & 0x1FFFFF);
        Cell& target = cells[codes];
        target.count += cell.count;
        target.harm += cell.harm;
      }
    }
  }

  QueryResult result;
  result.dimensions = query.group_by;
  result.measures = measures;
  result.incidents = total.tally.matched;
  result.harm_days = static_cast<double>(total.tally.harm) / 100.0;
  result.harm_weights_version = std::string(kHarmWeightsVersion);

  // An impossible cut: nothing matched, and something would have but for its time.
  for (int k = 0; k < kTimeCutCount; ++k) {
    int64_t left_out = total.tally.unplaced[k];
    if (left_out == 0) continue;
    if (total.tally.matched == 0) {
      return Status::InvalidArgument(
          "query: cannot cut by " + std::string(kTimeCutNames[k]) + ": all " + std::to_string(left_out) +
          " incidents that pass the other cuts have " + PrecisionWords(table, static_cast<TimeCut>(k)) +
          " (police.uk records are monthly); cut by month instead, or by source=police-extract");
    }
    result.notes.push_back(std::to_string(left_out) + " incidents left out of the " +
                           std::string(kTimeCutNames[k]) + " cut: they have " +
                           PrecisionWords(table, static_cast<TimeCut>(k)));
  }
  for (size_t k = 0; k < dims; ++k) {
    if (!IsTimeDimension(query.group_by[k]) || total.unplaced_group[k] == 0) continue;
    if (total.unplaced_group[k] == total.tally.matched) {
      return Status::InvalidArgument("query: cannot group by " +
                                     std::string(DimensionName(query.group_by[k])) + ": none of the " +
                                     std::to_string(total.tally.matched) +
                                     " incidents has a time that precise (police.uk records are monthly); "
                                     "group by month, or cut source=police-extract");
    }
    result.notes.push_back(std::to_string(total.unplaced_group[k]) +
                           " incidents are grouped as not known to that " +
                           std::string(DimensionName(query.group_by[k])) + ": their time is less precise");
  }
  if (std::popcount(total.tally.sources) > 1) {
    result.notes.push_back(
        "incidents from more than one source are counted: one event held by police.uk and the force's "
        "extract "
        "(or A&E) counts once per source; cut by source to count one");
  }
  for (Dimension d : query.group_by) {
    if (IsPersonDimension(d) || d == Dimension::kBehaviour) {
      result.notes.push_back("an incident counts once under each value of " + std::string(DimensionName(d)) +
                             " it has, so rows can add up to more than the incidents matched");
      break;
    }
  }

  // Populations for rates: LSOAs that pass the location cuts, narrowed by each row.
  const auto& lsoas = table.geography().lsoas();
  const Denominators& den = table.denominators();
  auto area_ok = [&](size_t k) {
    const Lsoa& l = lsoas[k];
    if (!cq.lsoa_ok.empty() && !cq.lsoa_ok[k]) return false;
    if (!query.csp_areas.empty() &&
        std::find(query.csp_areas.begin(), query.csp_areas.end(), l.csp_area) == query.csp_areas.end()) {
      return false;
    }
    return true;
  };
  if (want_rate) {
    result.denominator = under25 ? "residents aged under 25 (Census 2021, per CSP area)"
                                 : "residents (ONS mid-2018 LSOA estimates)";
    bool location_cut = !query.csp_areas.empty() || !query.lsoas.empty() || !query.imd_deciles.empty();
    for (Dimension d : query.group_by) {
      location_cut |= d == Dimension::kCsp || d == Dimension::kLsoa || d == Dimension::kImdDecile;
    }
    if (!location_cut) {
      result.notes.push_back(
          "the rate is over all LLR residents and counts every matched incident, including any "
          "outside LLR or without a place; cut by csp to count LLR only");
    }
  }
  for (const auto& [codes, cell] : cells) {
    ResultRow row;
    for (size_t k = 0; k < dims; ++k) row.keys.push_back(Label(table, query.group_by[k], codes[k]));
    row.count = cell.count;
    row.harm_days = static_cast<double>(cell.harm) / 100.0;
    row.share_percent = result.incidents ? 100.0 * static_cast<double>(cell.count) / result.incidents : 0;
    if (want_rate) {
      int64_t population = 0;
      bool known = true;
      if (under25) {
        for (int a = 0; a < kCspAreaCount; ++a) {
          std::string_view code = LlrCspAreas()[a].code;
          if (!query.csp_areas.empty() &&
              std::find(query.csp_areas.begin(), query.csp_areas.end(), code) == query.csp_areas.end()) {
            continue;
          }
          bool row_ok = true;
          for (size_t k = 0; k < dims; ++k) {
            if (query.group_by[k] == Dimension::kCsp && codes[k] != static_cast<uint32_t>(a)) row_ok = false;
          }
          if (row_ok) population += den.csp_under25[a];
        }
      } else {
        for (size_t l = 0; l < lsoas.size(); ++l) {
          if (!area_ok(l)) continue;
          bool row_ok = true;
          for (size_t k = 0; k < dims; ++k) {
            uint32_t code = codes[k];
            switch (query.group_by[k]) {
              case Dimension::kCsp:
                row_ok &= code < kCspAreaCount && LlrCspAreas()[code].code == lsoas[l].csp_area;
                break;
              case Dimension::kLsoa:
                row_ok &= code == l;
                break;
              case Dimension::kImdDecile:
                row_ok &= code == static_cast<uint32_t>(lsoas[l].imd_decile);
                break;
              default:
                break;
            }
          }
          if (row_ok) population += den.lsoa_residents[l];
        }
      }
      for (size_t k = 0; k < dims; ++k) {
        Dimension d = query.group_by[k];
        if ((d == Dimension::kCsp && codes[k] >= kCspAreaCount) ||
            ((d == Dimension::kLsoa || d == Dimension::kImdDecile) && codes[k] == kNoneCode)) {
          known = false;
        }
      }
      if (known && population > 0) row.rate_per_1000 = 1000.0 * static_cast<double>(cell.count) / population;
    }
    result.rows.push_back(std::move(row));
  }
  if (dims == 0 && result.rows.empty()) {
    ResultRow row;
    if (want_rate) row.rate_per_1000 = 0;
    result.rows.push_back(row);
  }
  if (query.top > 0) {
    std::stable_sort(result.rows.begin(), result.rows.end(),
                     [](const ResultRow& a, const ResultRow& b) { return a.count > b.count; });
    if (result.rows.size() > static_cast<size_t>(query.top))
      result.rows.resize(static_cast<size_t>(query.top));
  }
  return result;
}

std::vector<std::string> ResultColumnNames(const QueryResult& result) {
  std::vector<std::string> names;
  for (Dimension d : result.dimensions) names.emplace_back(DimensionName(d));
  for (Measure m : result.measures) {
    switch (m) {
      case Measure::kCount:
        names.emplace_back("count");
        break;
      case Measure::kHarm:
        names.emplace_back("harm_days");
        break;
      case Measure::kRate:
        names.emplace_back("rate_per_1000");
        break;
      case Measure::kShare:
        names.emplace_back("share_percent");
        break;
    }
  }
  return names;
}

std::vector<std::vector<std::string>> ResultCells(const QueryResult& result) {
  std::vector<std::vector<std::string>> rows;
  char buf[64];
  for (const ResultRow& row : result.rows) {
    std::vector<std::string> cells = row.keys;
    for (Measure m : result.measures) {
      switch (m) {
        case Measure::kCount:
          cells.push_back(std::to_string(row.count));
          break;
        case Measure::kHarm:
          std::snprintf(buf, sizeof buf, "%.2f", row.harm_days);
          cells.emplace_back(buf);
          break;
        case Measure::kRate:
          if (row.rate_per_1000) {
            std::snprintf(buf, sizeof buf, "%.3f", *row.rate_per_1000);
            cells.emplace_back(buf);
          } else {
            cells.emplace_back();
          }
          break;
        case Measure::kShare:
          std::snprintf(buf, sizeof buf, "%.1f", row.share_percent);
          cells.emplace_back(buf);
          break;
      }
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

Result<std::vector<uint32_t>> MatchingIncidents(const IncidentTable& table, const Query& query) {
  Layout layout;  // no grouping needed: one cell
  Query plain = query;
  plain.group_by.clear();
  layout.dense = true;
  Compiled cq;
  HL_ASSIGN_OR_RETURN(std::vector<Partial> partials,
                      Execute(table, plain, layout, 1, /*keep_matches=*/true, &cq));
  return std::move(partials[0].matches);
}

}  // namespace harmlens
