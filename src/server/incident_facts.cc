#include "server/incident_facts.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include "model/geography.h"
#include "model/incident.h"

namespace harmlens {
namespace {

AgeGroup GroupOf(const std::optional<AgeRange>& age) {
  if (!age) return AgeGroup::kUnknown;
  if (age->EntirelyUnder(18)) return AgeGroup::kUnder18;
  if (age->min_years >= 18 && age->EntirelyUnder(25)) return AgeGroup::k18To24;
  if (age->min_years >= 25) return AgeGroup::k25AndOver;
  return AgeGroup::kUnknown;  // a band across 18 or 25: not guessed
}

uint8_t PersonCode(const Involvement& person) {
  return static_cast<uint8_t>(static_cast<uint8_t>(GroupOf(person.age)) |
                              (static_cast<uint8_t>(person.sex) << 4));
}

int CspSlot(std::string_view code, bool has_lsoa) {
  if (code.empty()) return has_lsoa ? kCspSlotOutsideLlr : kCspSlotNoLocation;
  const auto& areas = LlrCspAreas();
  for (int a = 0; a < kCspAreaCount; ++a) {
    if (areas[a].code == code) return a;
  }
  return kCspSlotOutsideLlr;  // a district code that is not one of the nine
}

bool Allowed(uint32_t mask, int value) { return mask == 0 || (value >= 0 && (mask >> value) & 1u); }

}  // namespace

const char* AgeGroupSlug(AgeGroup group) {
  switch (group) {
    case AgeGroup::kUnder18:
      return "under-18";
    case AgeGroup::k18To24:
      return "18-24";
    case AgeGroup::k25AndOver:
      return "25-and-over";
    case AgeGroup::kUnknown:
      break;
  }
  return "unknown";
}

std::string AnalysisFilter::Key() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%d:%d:%x:%x:%x:%x:%x:%x:%x:%x:%x:%x:%x:%d:%x", from_month.value_or(-1),
                to_month.value_or(-1), crime_types, behaviours, weapons, sources, victim_ages, victim_sexes,
                perpetrator_ages, perpetrator_sexes, days, hours, csp_slots, lsoa, imd_deciles);
  return buf;
}

IncidentFact FactOf(const Incident& incident, const ReferenceGeography& geography) {
  IncidentFact fact;
  fact.month = incident.occurred.month().Index();
  // The LSOA the source gave, else the one its point falls in (as the summary counts).
  const Lsoa* lsoa = geography.FindLsoa(incident.location.lsoa_reported);
  if (!lsoa) lsoa = geography.FindLsoa(incident.location.lsoa_by_point);
  if (lsoa) fact.lsoa = static_cast<int16_t>(lsoa - geography.lsoas().data());
  fact.behaviours = static_cast<uint16_t>(incident.behaviours.bits());
  fact.crime_type = static_cast<uint8_t>(incident.crime_type);
  fact.source = static_cast<uint8_t>(incident.source.agency);
  bool has_lsoa = !incident.location.lsoa_reported.empty() || !incident.location.lsoa_by_point.empty();
  fact.csp = static_cast<uint8_t>(CspSlot(incident.location.csp_area, has_lsoa));
  const TimePrecision precision = incident.occurred.precision;
  if (precision == TimePrecision::kDay || precision == TimePrecision::kMinute) {
    int64_t days = incident.occurred.local_minute >= 0 ? incident.occurred.local_minute / 1440
                                                       : (incident.occurred.local_minute - 1439) / 1440;
    fact.day = static_cast<int8_t>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
    if (precision == TimePrecision::kMinute) {
      int64_t minute_of_day = incident.occurred.local_minute - days * 1440;
      fact.hour = static_cast<int8_t>(minute_of_day / 60);
    }
  }
  fact.weapon = static_cast<uint8_t>(incident.weapon);
  bool victim_seen = false;
  bool perpetrator_seen = false;
  for (const Involvement& person : incident.involvements) {
    if (person.role == Role::kVictim && !victim_seen) {
      fact.victim = PersonCode(person);
      victim_seen = true;
    } else if ((person.role == Role::kSuspect || person.role == Role::kOffender) && !perpetrator_seen) {
      fact.perpetrator = PersonCode(person);
      perpetrator_seen = true;
    }
  }
  return fact;
}

Result<std::unique_ptr<IncidentFacts>> IncidentFacts::Load(Store* store,
                                                           const ReferenceGeography& geography) {
  std::vector<IncidentFact> facts;
  HL_ASSIGN_OR_RETURN(int64_t count, store->CountIncidents());
  facts.reserve(static_cast<size_t>(count));
  HL_RETURN_IF_ERROR(store->ReadIncidents(IncidentScan{}, [&](int64_t, const Incident& incident) {
    facts.push_back(FactOf(incident, geography));
  }));
  return std::make_unique<IncidentFacts>(std::move(facts), geography);
}

IncidentFacts::IncidentFacts(std::vector<IncidentFact> facts, const ReferenceGeography& geography)
    : facts_(std::move(facts)), geography_(geography) {
  for (const Lsoa& lsoa : geography.lsoas()) lsoa_decile_.push_back(static_cast<uint8_t>(lsoa.imd_decile));
  std::array<std::set<int>, 4> months;
  for (const IncidentFact& f : facts_) {
    if (f.source < 4) months[f.source].insert(f.month);
    behaviours_seen_ |= f.behaviours;
  }
  for (int s = 0; s < 4; ++s) months_with_data_[s].assign(months[s].begin(), months[s].end());
}

std::optional<CountTable> IncidentFacts::Count(const AnalysisFilter& filter, GroupBy group,
                                               Deadline deadline) const {
  // Dense counters: the largest key space is day x hour (168) or LSOA (611); months are
  // offset from the first month stored.
  int month_base = 0;
  int month_span = 1;
  if (group == GroupBy::kMonth && !facts_.empty()) {
    auto [lo, hi] =
        std::minmax_element(facts_.begin(), facts_.end(),
                            [](const IncidentFact& a, const IncidentFact& b) { return a.month < b.month; });
    month_base = lo->month;
    month_span = hi->month - lo->month + 1;
  }
  size_t keys = 1;
  switch (group) {
    case GroupBy::kTotal:
      keys = 1;
      break;
    case GroupBy::kCspArea:
      keys = kCspSlotCount;
      break;
    case GroupBy::kLsoa:
      keys = geography_.lsoas().size();
      break;
    case GroupBy::kMonth:
      keys = static_cast<size_t>(month_span);
      break;
    case GroupBy::kCrimeType:
      keys = 256;
      break;
    case GroupBy::kBehaviour:
      keys = 16;
      break;
    case GroupBy::kSource:
      keys = 256;
      break;
    case GroupBy::kDayHour:
      keys = 7 * 24;
      break;
    case GroupBy::kImdDecile:
      keys = 11;
      break;
    case GroupBy::kVictimAge:
    case GroupBy::kPerpetratorAge:
      keys = kAgeGroupCount;
      break;
  }
  std::vector<int64_t> counts(keys, 0);
  CountTable table;
  const int from = filter.from_month.value_or(INT32_MIN);
  const int to = filter.to_month.value_or(INT32_MAX);
  constexpr size_t kRowsBetweenClockChecks = 1 << 16;
  for (size_t start = 0; start < facts_.size(); start += kRowsBetweenClockChecks) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    const size_t end = std::min(facts_.size(), start + kRowsBetweenClockChecks);
    for (size_t i = start; i < end; ++i) {
      const IncidentFact& f = facts_[i];
      if (f.month < from || f.month > to) continue;
      if (!Allowed(filter.crime_types, f.crime_type)) continue;
      if (filter.behaviours && !(filter.behaviours & f.behaviours)) continue;
      if (!Allowed(filter.sources, f.source)) continue;
      if (!Allowed(filter.csp_slots, f.csp)) continue;
      if (filter.lsoa >= 0 && f.lsoa != filter.lsoa) continue;
      if (filter.imd_deciles && !Allowed(filter.imd_deciles, f.lsoa >= 0 ? lsoa_decile_[f.lsoa] : -1))
        continue;
      if (!Allowed(filter.days, f.day)) continue;
      if (!Allowed(filter.hours, f.hour)) continue;
      if (!Allowed(filter.weapons, f.weapon)) continue;
      if (!Allowed(filter.victim_ages, f.victim & 0xF)) continue;
      if (!Allowed(filter.victim_sexes, f.victim >> 4)) continue;
      if (!Allowed(filter.perpetrator_ages, f.perpetrator & 0xF)) continue;
      if (!Allowed(filter.perpetrator_sexes, f.perpetrator >> 4)) continue;
      ++table.matched;
      int key = 0;
      switch (group) {
        case GroupBy::kTotal:
          key = 0;
          break;
        case GroupBy::kCspArea:
          key = f.csp;
          break;
        case GroupBy::kLsoa:
          key = f.lsoa;
          break;
        case GroupBy::kMonth:
          key = f.month - month_base;
          break;
        case GroupBy::kCrimeType:
          key = f.crime_type;
          break;
        case GroupBy::kBehaviour:
          if (f.behaviours == 0) ++table.not_grouped;
          for (int b = 0; b < 16; ++b) {
            if ((f.behaviours >> b) & 1u) ++counts[b];
          }
          continue;
        case GroupBy::kSource:
          key = f.source;
          break;
        case GroupBy::kDayHour:
          key = (f.day >= 0 && f.hour >= 0) ? f.day * 24 + f.hour : -1;
          break;
        case GroupBy::kImdDecile:
          key = f.lsoa >= 0 ? lsoa_decile_[f.lsoa] : -1;
          break;
        case GroupBy::kVictimAge:
          key = f.victim & 0xF;
          break;
        case GroupBy::kPerpetratorAge:
          key = f.perpetrator & 0xF;
          break;
      }
      if (key < 0 || static_cast<size_t>(key) >= keys) {
        ++table.not_grouped;
        continue;
      }
      ++counts[static_cast<size_t>(key)];
    }
  }
  for (size_t k = 0; k < keys; ++k) {
    if (counts[k] == 0) continue;
    int key = static_cast<int>(k) + (group == GroupBy::kMonth ? month_base : 0);
    table.rows.emplace_back(key, counts[k]);
  }
  return table;
}

}  // namespace harmlens
