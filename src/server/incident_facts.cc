#include "server/incident_facts.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "engine/incident_table.h"
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

// Day of week and hour from a local minute, where the precision says them.
void SetDayAndHour(int64_t local_minute, TimePrecision precision, IncidentFact* fact) {
  if (precision != TimePrecision::kDay && precision != TimePrecision::kMinute) return;
  int64_t days = local_minute >= 0 ? local_minute / 1440 : (local_minute - 1439) / 1440;
  fact->day = static_cast<int8_t>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  if (precision == TimePrecision::kMinute) {
    int64_t minute_of_day = local_minute - days * 1440;
    fact->hour = static_cast<int8_t>(minute_of_day / 60);
  }
}

// The key a fact is counted under, or -1 when it has no value for the grouping. The row
// scan and the pre-aggregated counts both call this, so they cannot disagree on a key.
// kBehaviour is not here: an incident counts once per behaviour it carries.
int GroupKey(GroupBy group, const IncidentFact& f, const std::vector<uint8_t>& lsoa_decile) {
  switch (group) {
    case GroupBy::kTotal:
      return 0;
    case GroupBy::kCspArea:
      return f.csp;
    case GroupBy::kLsoa:
      return f.lsoa;
    case GroupBy::kMonth:
      return f.month;
    case GroupBy::kCrimeType:
      return f.crime_type;
    case GroupBy::kBehaviour:
      return -1;
    case GroupBy::kSource:
      return f.source;
    case GroupBy::kDayHour:
      return (f.day >= 0 && f.hour >= 0) ? f.day * 24 + f.hour : -1;
    case GroupBy::kImdDecile:
      return f.lsoa >= 0 ? lsoa_decile[static_cast<size_t>(f.lsoa)] : -1;
    case GroupBy::kVictimAge:
      return f.victim & 0xF;
    case GroupBy::kPerpetratorAge:
      return f.perpetrator & 0xF;
  }
  return -1;
}

// How many keys a grouping has (keys at or above are "not grouped"); months are
// handled by the caller.
size_t KeySpace(GroupBy group, size_t lsoa_count) {
  switch (group) {
    case GroupBy::kTotal:
      return 1;
    case GroupBy::kCspArea:
      return kCspSlotCount;
    case GroupBy::kLsoa:
      return lsoa_count;
    case GroupBy::kMonth:
      return std::numeric_limits<int>::max();
    case GroupBy::kCrimeType:
    case GroupBy::kSource:
      return 256;
    case GroupBy::kBehaviour:
      return 16;
    case GroupBy::kDayHour:
      return 7 * 24;
    case GroupBy::kImdDecile:
      return 11;
    case GroupBy::kVictimAge:
    case GroupBy::kPerpetratorAge:
      return kAgeGroupCount;
  }
  return 1;
}

// ---- the pre-aggregated counts ----
//
// A cube is a dense array of counts over a few of a fact's fields, each field coded by a
// dictionary of the values present. A query that filters and groups only on a cube's
// fields is answered exactly by adding the cells of the allowed values, so its cost is
// the number of such cells, not the number of incidents.

enum class Field : uint8_t { kSource, kCrimeType, kMonth, kPlace, kCsp, kDayHour };

// The parts of a filter, so a cube can say which it can apply.
enum FilterPart : uint32_t {
  kPartMonth = 1u << 0,
  kPartSource = 1u << 1,
  kPartCrimeType = 1u << 2,
  kPartCsp = 1u << 3,
  kPartLsoa = 1u << 4,
  kPartImd = 1u << 5,
  kPartDay = 1u << 6,
  kPartHour = 1u << 7,
  kPartOther = 1u << 8,  // behaviour, weapon, victim and perpetrator: in no cube
};

uint32_t PartsOf(const AnalysisFilter& f) {
  uint32_t parts = 0;
  if (f.from_month || f.to_month) parts |= kPartMonth;
  if (f.sources) parts |= kPartSource;
  if (f.crime_types) parts |= kPartCrimeType;
  if (f.csp_slots) parts |= kPartCsp;
  if (f.lsoa >= 0) parts |= kPartLsoa;
  if (f.imd_deciles) parts |= kPartImd;
  if (f.days) parts |= kPartDay;
  if (f.hours) parts |= kPartHour;
  if (f.behaviours || f.weapons || f.victim_ages || f.victim_sexes || f.perpetrator_ages ||
      f.perpetrator_sexes)
    parts |= kPartOther;
  return parts;
}

uint32_t PartsOf(Field field) {
  switch (field) {
    case Field::kSource:
      return kPartSource;
    case Field::kCrimeType:
      return kPartCrimeType;
    case Field::kMonth:
      return kPartMonth;
    case Field::kPlace:
      return kPartCsp | kPartLsoa | kPartImd;
    case Field::kCsp:
      return kPartCsp;
    case Field::kDayHour:
      return kPartDay | kPartHour;
  }
  return 0;
}

// Whether a field holds a grouping's key (kPlace: the LSOA and the CSP slot together).
bool Holds(Field field, GroupBy group) {
  switch (group) {
    case GroupBy::kCspArea:
      return field == Field::kPlace || field == Field::kCsp;
    case GroupBy::kLsoa:
    case GroupBy::kImdDecile:
      return field == Field::kPlace;
    case GroupBy::kMonth:
      return field == Field::kMonth;
    case GroupBy::kCrimeType:
      return field == Field::kCrimeType;
    case GroupBy::kSource:
      return field == Field::kSource;
    case GroupBy::kDayHour:
      return field == Field::kDayHour;
    default:
      return false;
  }
}

// A field's value as one int; SetField is its inverse. A place is the (LSOA, CSP slot)
// pair, since the CSP slot follows the source's label, not always the LSOA.
int FieldValue(Field field, const IncidentFact& f) {
  switch (field) {
    case Field::kSource:
      return f.source;
    case Field::kCrimeType:
      return f.crime_type;
    case Field::kMonth:
      return f.month;
    case Field::kPlace:
      return (f.lsoa + 1) * kCspSlotCount + f.csp;
    case Field::kCsp:
      return f.csp;
    case Field::kDayHour:
      return (f.day + 1) * 25 + (f.hour + 1);
  }
  return 0;
}

void SetField(Field field, int value, IncidentFact* f) {
  switch (field) {
    case Field::kSource:
      f->source = static_cast<uint8_t>(value);
      break;
    case Field::kCrimeType:
      f->crime_type = static_cast<uint8_t>(value);
      break;
    case Field::kMonth:
      f->month = value;
      break;
    case Field::kPlace:
      f->lsoa = static_cast<int16_t>(value / kCspSlotCount - 1);
      f->csp = static_cast<uint8_t>(value % kCspSlotCount);
      break;
    case Field::kCsp:
      f->csp = static_cast<uint8_t>(value);
      break;
    case Field::kDayHour:
      f->day = static_cast<int8_t>(value / 25 - 1);
      f->hour = static_cast<int8_t>(value % 25 - 1);
      break;
  }
}

// The part of IncidentFacts::Passes that concerns one field.
bool PassesField(Field field, const IncidentFact& f, const AnalysisFilter& filter,
                 const std::vector<uint8_t>& lsoa_decile) {
  switch (field) {
    case Field::kSource:
      return Allowed(filter.sources, f.source);
    case Field::kCrimeType:
      return Allowed(filter.crime_types, f.crime_type);
    case Field::kMonth:
      return f.month >= filter.from_month.value_or(INT32_MIN) &&
             f.month <= filter.to_month.value_or(INT32_MAX);
    case Field::kPlace:
      if (!Allowed(filter.csp_slots, f.csp)) return false;
      if (filter.lsoa >= 0 && f.lsoa != filter.lsoa) return false;
      return !filter.imd_deciles ||
             Allowed(filter.imd_deciles, f.lsoa >= 0 ? lsoa_decile[static_cast<size_t>(f.lsoa)] : -1);
    case Field::kCsp:
      return Allowed(filter.csp_slots, f.csp);
    case Field::kDayHour:
      return Allowed(filter.days, f.day) && Allowed(filter.hours, f.hour);
  }
  return false;
}

// At most this many cells a cube (4 bytes each): past it the row scan answers instead.
constexpr size_t kMaxCubeCells = size_t{1} << 24;

}  // namespace

struct IncidentFacts::Cube {
  std::vector<Field> fields;
  std::vector<std::vector<int>> values;  // per dimension: the values present, ascending
  std::vector<size_t> strides;           // row-major, the last dimension contiguous
  std::vector<uint32_t> counts;
  uint32_t parts = 0;  // the filter parts it can apply
};

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
  // The LSOA its point falls in, else the one the source gave: the engine's rule
  // (engine/incident_table.cc), so the map and /api/v1/query agree.
  const std::string& code = incident.location.lsoa_by_point.empty() ? incident.location.lsoa_reported
                                                                    : incident.location.lsoa_by_point;
  const Lsoa* lsoa = geography.FindLsoa(code);
  if (lsoa) fact.lsoa = static_cast<int16_t>(lsoa - geography.lsoas().data());
  fact.behaviours = static_cast<uint16_t>(incident.behaviours.bits());
  fact.crime_type = static_cast<uint8_t>(incident.crime_type);
  fact.source = static_cast<uint8_t>(incident.source.agency);
  // A place with no CSP label is outside LLR; only an incident with no LSOA and no point
  // has no location (the engine's rule, engine/incident_table.cc).
  bool has_place = !incident.location.lsoa_reported.empty() || !incident.location.lsoa_by_point.empty() ||
                   incident.location.point.has_value();
  fact.csp = static_cast<uint8_t>(CspSlot(incident.location.csp_area, has_place));
  SetDayAndHour(incident.occurred.local_minute, incident.occurred.precision, &fact);
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

std::unique_ptr<IncidentFacts> IncidentFacts::FromTable(const IncidentTable& table) {
  const IncidentColumns& c = table.incidents();
  const PersonColumns& p = table.persons();
  std::vector<IncidentFact> facts(c.id.size());
  auto group_of = [](uint8_t min_years, uint8_t max_years) {
    if (min_years == kUnknownAge || max_years == kUnknownAge) return AgeGroup::kUnknown;
    return GroupOf(AgeRange{min_years, max_years});
  };
  for (size_t i = 0; i < facts.size(); ++i) {
    IncidentFact& fact = facts[i];
    const auto precision = static_cast<TimePrecision>(c.precision[i]);
    fact.month = OccurredTime{c.first_minute[i], precision}.month().Index();
    fact.lsoa = c.lsoa[i] == kNoLsoa ? int16_t{-1} : static_cast<int16_t>(c.lsoa[i]);
    fact.behaviours = c.behaviours[i];
    fact.crime_type = c.crime_type[i];
    fact.source = c.agency[i];
    fact.csp = c.csp[i];
    SetDayAndHour(c.first_minute[i], precision, &fact);
    fact.weapon = c.weapon[i];
    bool victim_seen = false;
    bool perpetrator_seen = false;
    for (uint32_t r = c.person_begin[i]; r < c.person_begin[i + 1]; ++r) {
      const auto role = static_cast<Role>(p.role[r]);
      const auto code =
          static_cast<uint8_t>(static_cast<uint8_t>(group_of(p.age_min[r], p.age_max[r])) | (p.sex[r] << 4));
      if (role == Role::kVictim && !victim_seen) {
        fact.victim = code;
        victim_seen = true;
      } else if ((role == Role::kSuspect || role == Role::kOffender) && !perpetrator_seen) {
        fact.perpetrator = code;
        perpetrator_seen = true;
      }
    }
  }
  return std::make_unique<IncidentFacts>(std::move(facts), table.geography());
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
  if (!facts_.empty()) {
    auto [lo, hi] =
        std::minmax_element(facts_.begin(), facts_.end(),
                            [](const IncidentFact& a, const IncidentFact& b) { return a.month < b.month; });
    month_min_ = lo->month;
    month_max_ = hi->month;
  }
  BuildCubes();
}

IncidentFacts::~IncidentFacts() = default;

void IncidentFacts::BuildCubes() {
  // Only facts whose fields are in range can be coded (they always are when built from
  // the engine or FactOf); anything else is left to the row scan.
  if (facts_.empty() || facts_.size() >= std::numeric_limits<uint32_t>::max()) return;
  const int lsoa_count = static_cast<int>(geography_.lsoas().size());
  const int month_min = month_min_;
  const int month_max = month_max_;
  for (const IncidentFact& f : facts_) {
    if (f.lsoa < -1 || f.lsoa >= lsoa_count || f.csp >= kCspSlotCount || f.day < -1 || f.day > 6 ||
        f.hour < -1 || f.hour > 23)
      return;
  }
  const int64_t month_span = int64_t{month_max} - month_min + 1;
  // A month before year 0 would be a negative key, which the cubes' grouping reads as "not
  // grouped": such data (never accepted by ingest) is scanned instead.
  if (month_span > (1 << 20) || month_min < 0) return;
  // Each field's values lie in [base, base + range).
  auto range_of = [&](Field field) -> std::pair<int, int> {
    switch (field) {
      case Field::kMonth:
        return {month_min, static_cast<int>(month_span)};
      case Field::kPlace:
        return {0, (lsoa_count + 1) * kCspSlotCount};
      case Field::kDayHour:
        return {0, 8 * 25};
      default:
        return {0, 256};
    }
  };
  const std::vector<std::vector<Field>> shapes = {
      {Field::kSource, Field::kCrimeType, Field::kMonth, Field::kPlace},
      {Field::kSource, Field::kCrimeType, Field::kMonth, Field::kCsp, Field::kDayHour},
  };
  for (const auto& fields : shapes) {
    auto cube = std::make_unique<Cube>();
    cube->fields = fields;
    const size_t dims = fields.size();
    std::vector<std::vector<int32_t>> index_of(dims);  // value - base -> dictionary index
    std::vector<int> bases(dims);
    for (size_t d = 0; d < dims; ++d) {
      auto [base, range] = range_of(fields[d]);
      bases[d] = base;
      index_of[d].assign(static_cast<size_t>(range), -1);
      cube->parts |= PartsOf(fields[d]);
    }
    for (const IncidentFact& f : facts_) {
      for (size_t d = 0; d < dims; ++d)
        index_of[d][static_cast<size_t>(FieldValue(fields[d], f) - bases[d])] = 0;
    }
    size_t cells = 1;
    cube->values.resize(dims);
    for (size_t d = 0; d < dims; ++d) {
      for (size_t v = 0; v < index_of[d].size(); ++v) {
        if (index_of[d][v] < 0) continue;
        index_of[d][v] = static_cast<int32_t>(cube->values[d].size());
        cube->values[d].push_back(static_cast<int>(v) + bases[d]);
      }
      cells *= cube->values[d].size();
      if (cells > kMaxCubeCells) break;
    }
    if (cells > kMaxCubeCells) continue;
    cube->strides.assign(dims, 1);
    for (size_t d = dims - 1; d-- > 0;) cube->strides[d] = cube->strides[d + 1] * cube->values[d + 1].size();
    cube->counts.assign(cells, 0);
    for (const IncidentFact& f : facts_) {
      size_t cell = 0;
      for (size_t d = 0; d < dims; ++d) {
        cell += static_cast<size_t>(index_of[d][static_cast<size_t>(FieldValue(fields[d], f) - bases[d])]) *
                cube->strides[d];
      }
      ++cube->counts[cell];
    }
    cubes_.push_back(std::move(cube));
  }
}

const IncidentFacts::Cube* IncidentFacts::CubeFor(const AnalysisFilter& filter, GroupBy group,
                                                  int* group_dim) const {
  const uint32_t parts = PartsOf(filter);
  for (const auto& cube : cubes_) {  // the smaller first
    if ((parts & ~cube->parts) != 0) continue;
    if (group == GroupBy::kTotal) {
      *group_dim = -1;
      return cube.get();
    }
    for (size_t d = 0; d < cube->fields.size(); ++d) {
      if (Holds(cube->fields[d], group)) {
        *group_dim = static_cast<int>(d);
        return cube.get();
      }
    }
  }
  return nullptr;
}

size_t IncidentFacts::MemoryBytes() const {
  size_t bytes = facts_.capacity() * sizeof(IncidentFact);
  for (const auto& cube : cubes_) bytes += cube->counts.capacity() * sizeof(uint32_t);
  return bytes;
}

bool IncidentFacts::CountsFromCube(const AnalysisFilter& filter, GroupBy group) const {
  int group_dim = -1;
  return CubeFor(filter, group, &group_dim) != nullptr;
}

std::optional<CountTable> IncidentFacts::CountFromCube(const Cube& cube, int group_dim,
                                                       const AnalysisFilter& filter, GroupBy group,
                                                       Deadline deadline) const {
  if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
  const size_t dims = cube.fields.size();
  // The dictionary indices each dimension allows.
  std::vector<std::vector<uint32_t>> allowed(dims);
  bool empty = false;
  for (size_t d = 0; d < dims; ++d) {
    for (size_t i = 0; i < cube.values[d].size(); ++i) {
      IncidentFact one;
      SetField(cube.fields[d], cube.values[d][i], &one);
      if (PassesField(cube.fields[d], one, filter, lsoa_decile_))
        allowed[d].push_back(static_cast<uint32_t>(i));
    }
    empty = empty || allowed[d].empty();
  }
  // Incidents per value of the grouping dimension (one slot for kTotal).
  std::vector<int64_t> sums(group_dim >= 0 ? cube.values[static_cast<size_t>(group_dim)].size() : 1, 0);
  if (!empty) {
    const size_t last = dims - 1;
    const std::vector<uint32_t>& inner = allowed[last];
    const bool inner_whole = inner.size() == cube.values[last].size();
    const bool group_inner = group_dim == static_cast<int>(last);
    std::vector<size_t> at(dims, 0);  // position in allowed[d] of each outer dimension
    size_t steps = 0;
    while (true) {
      size_t offset = 0;
      for (size_t d = 0; d < last; ++d) offset += allowed[d][at[d]] * cube.strides[d];
      const uint32_t* cells = cube.counts.data() + offset;
      if (group_inner) {
        for (uint32_t i : inner) sums[i] += cells[i];
      } else {
        int64_t sum = 0;
        if (inner_whole) {
          for (size_t i = 0; i < inner.size(); ++i) sum += cells[i];
        } else {
          for (uint32_t i : inner) sum += cells[i];
        }
        sums[group_dim >= 0 ? allowed[static_cast<size_t>(group_dim)][at[static_cast<size_t>(group_dim)]]
                            : 0] += sum;
      }
      if ((++steps & 1023) == 0 && std::chrono::steady_clock::now() > deadline) return std::nullopt;
      // The next outer position, the last outer dimension fastest.
      bool done = true;
      for (size_t d = last; d-- > 0;) {
        if (++at[d] < allowed[d].size()) {
          done = false;
          break;
        }
        at[d] = 0;
      }
      if (done) break;
    }
  }
  CountTable table;
  const size_t key_space = KeySpace(group, geography_.lsoas().size());
  std::map<int, int64_t> rows;
  for (size_t i = 0; i < sums.size(); ++i) {
    if (sums[i] == 0) continue;
    table.matched += sums[i];
    int key = 0;
    if (group_dim >= 0) {
      IncidentFact one;
      SetField(cube.fields[static_cast<size_t>(group_dim)], cube.values[static_cast<size_t>(group_dim)][i],
               &one);
      key = GroupKey(group, one, lsoa_decile_);
    }
    if (key < 0 || static_cast<size_t>(key) >= key_space) {
      table.not_grouped += sums[i];
      continue;
    }
    rows[key] += sums[i];
  }
  table.rows.assign(rows.begin(), rows.end());
  return table;
}

bool IncidentFacts::Passes(const IncidentFact& f, const AnalysisFilter& filter) const {
  if (f.month < filter.from_month.value_or(INT32_MIN) || f.month > filter.to_month.value_or(INT32_MAX))
    return false;
  if (!Allowed(filter.crime_types, f.crime_type)) return false;
  if (filter.behaviours && !(filter.behaviours & f.behaviours)) return false;
  if (!Allowed(filter.sources, f.source)) return false;
  if (!Allowed(filter.csp_slots, f.csp)) return false;
  if (filter.lsoa >= 0 && f.lsoa != filter.lsoa) return false;
  if (filter.imd_deciles && !Allowed(filter.imd_deciles, f.lsoa >= 0 ? lsoa_decile_[f.lsoa] : -1))
    return false;
  if (!Allowed(filter.days, f.day)) return false;
  if (!Allowed(filter.hours, f.hour)) return false;
  if (!Allowed(filter.weapons, f.weapon)) return false;
  if (!Allowed(filter.victim_ages, f.victim & 0xF)) return false;
  if (!Allowed(filter.victim_sexes, f.victim >> 4)) return false;
  if (!Allowed(filter.perpetrator_ages, f.perpetrator & 0xF)) return false;
  return Allowed(filter.perpetrator_sexes, f.perpetrator >> 4);
}

// The row scan every filtered answer without a cube shares: the clock is read every
// 65,536 rows, so a deadline is kept to within a millisecond or so.
template <typename Visit>
bool IncidentFacts::ForEachPassing(const AnalysisFilter& filter, Deadline deadline, Visit visit) const {
  constexpr size_t kRowsBetweenClockChecks = 1 << 16;
  for (size_t start = 0; start < facts_.size(); start += kRowsBetweenClockChecks) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    const size_t end = std::min(facts_.size(), start + kRowsBetweenClockChecks);
    for (size_t i = start; i < end; ++i) {
      if (Passes(facts_[i], filter)) visit(i, facts_[i]);
    }
  }
  return true;
}

std::optional<IncidentFacts::BehaviourSeries> IncidentFacts::CountBehaviourSeries(AnalysisFilter filter,
                                                                                  Deadline deadline) const {
  filter.behaviours = 0;
  BehaviourSeries series;
  bool done = ForEachPassing(filter, deadline, [&](size_t, const IncidentFact& f) {
    for (int b = 0; b < 16; ++b) {
      if (!((f.behaviours >> b) & 1u)) continue;
      ++series.by_month[b][f.month];
      series.sources[b] |= 1u << f.source;
    }
  });
  if (!done) return std::nullopt;
  return series;
}

std::optional<std::vector<uint32_t>> IncidentFacts::MatchingRows(const AnalysisFilter& filter,
                                                                Deadline deadline) const {
  std::vector<uint32_t> rows;
  if (!ForEachPassing(filter, deadline, [&](size_t i, const IncidentFact&) { rows.push_back(static_cast<uint32_t>(i)); }))
    return std::nullopt;
  return rows;
}

std::optional<CountTable> IncidentFacts::Count(const AnalysisFilter& filter, GroupBy group,
                                               Deadline deadline) const {
  int group_dim = -1;
  if (const Cube* cube = CubeFor(filter, group, &group_dim)) {
    return CountFromCube(*cube, group_dim, filter, group, deadline);
  }
  return CountByScan(filter, group, deadline);
}

std::optional<CountTable> IncidentFacts::CountByScan(const AnalysisFilter& filter, GroupBy group,
                                                     Deadline deadline) const {
  // Dense counters: the largest key space is day x hour (168) or LSOA (611); months are
  // offset from the first month stored.
  int month_base = 0;
  size_t keys = KeySpace(group, geography_.lsoas().size());
  if (group == GroupBy::kMonth) {
    month_base = month_min_;
    keys = static_cast<size_t>(int64_t{month_max_} - month_min_ + 1);
  }
  std::vector<int64_t> counts(keys, 0);
  CountTable table;
  bool done = ForEachPassing(filter, deadline, [&](size_t, const IncidentFact& f) {
    ++table.matched;
    if (group == GroupBy::kBehaviour) {
      if (f.behaviours == 0) ++table.not_grouped;
      for (int b = 0; b < 16; ++b) {
        if ((f.behaviours >> b) & 1u) ++counts[b];
      }
      return;
    }
    int key = GroupKey(group, f, lsoa_decile_);
    if (group == GroupBy::kMonth) key -= month_base;
    if (key < 0 || static_cast<size_t>(key) >= keys) {
      ++table.not_grouped;
      return;
    }
    ++counts[static_cast<size_t>(key)];
  });
  if (!done) return std::nullopt;
  for (size_t k = 0; k < keys; ++k) {
    if (counts[k] == 0) continue;
    int key = static_cast<int>(k) + (group == GroupBy::kMonth ? month_base : 0);
    table.rows.emplace_back(key, counts[k]);
  }
  return table;
}

}  // namespace harmlens
