#include "engine/incident_table.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <numeric>
#include <thread>

#include "base/csv.h"
#include "base/huge_pages.h"
#include "engine/harm_weights.h"

namespace harmlens {
namespace {

constexpr int32_t kMinutesPerDay = 1440;

// The last minute the incident may have happened in, by precision.
int64_t LastMinute(const OccurredTime& t) {
  switch (t.precision) {
    case TimePrecision::kMonth: {
      YearMonth ym = t.month();
      return OccurredTime::Month(YearMonth::FromIndex(ym.Index() + 1)).local_minute - 1;
    }
    case TimePrecision::kDay:
      return (t.local_minute / kMinutesPerDay) * kMinutesPerDay + kMinutesPerDay - 1;
    case TimePrecision::kMinute:
      return t.local_minute;
    case TimePrecision::kWindow:
      return t.end_minute();
  }
  return t.local_minute;
}

int32_t ClampMinute(int64_t minute) {
  return static_cast<int32_t>(
      std::clamp<int64_t>(minute, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
}

uint8_t CspSlot(std::string_view csp, bool has_place) {
  const auto& areas = LlrCspAreas();
  if (!csp.empty()) {
    for (int a = 0; a < kCspAreaCount; ++a) {
      if (areas[a].code == csp) return static_cast<uint8_t>(a);
    }
    return kCspOutsideLlr;
  }
  return has_place ? kCspOutsideLlr : kCspNoLocation;
}

// The month column's value (months since January 1900) of a day since 1970-01-01, from
// a table over 1900-2199: two calendar conversions per incident were a sixth of a load.
int MonthIndexOfDay(int64_t day) {
  static const int64_t kFirstDay = DaysFromCivil(1900, 1, 1);
  static const std::vector<uint16_t> kMonthOfDay = [] {
    std::vector<uint16_t> months;
    for (int index = 0; index < 300 * 12; ++index) {
      const int year = 1900 + index / 12, month = index % 12 + 1;
      const int64_t days = DaysFromCivil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) -
                           DaysFromCivil(year, month, 1);
      months.insert(months.end(), static_cast<size_t>(days), static_cast<uint16_t>(index));
    }
    return months;
  }();
  const int64_t offset = day - kFirstDay;
  if (offset >= 0 && offset < static_cast<int64_t>(kMonthOfDay.size())) return kMonthOfDay[offset];
  const CivilDate date = CivilDate::FromDays(day);
  return date.year * 12 + date.month - 1 - kMonthColumnBase;
}

uint8_t AgeByte(int years) { return static_cast<uint8_t>(std::clamp(years, 0, 254)); }

}  // namespace

Result<Denominators> LoadDenominators(Env* env, const std::string& reference_dir,
                                      const ReferenceGeography& geography) {
  Denominators d;
  d.lsoa_residents.reserve(geography.lsoas().size());
  for (const Lsoa& lsoa : geography.lsoas()) {
    d.lsoa_residents.push_back(lsoa.population);
    if (auto area = FindCspArea(lsoa.csp_area)) {
      for (int a = 0; a < kCspAreaCount; ++a) {
        if (LlrCspAreas()[a].code == area->code) d.csp_residents[a] += lsoa.population;
      }
    }
  }
  const std::string path = reference_dir + "/census2021_age6_lsoa21_llr.csv";
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  CsvReader reader(file->bytes());
  CsvRecord record;
  bool header = true;
  while (reader.Next(&record)) {
    if (record.blank) continue;
    if (!record.error.empty()) return Status::RejectedInput(record.error, {path, record.line, ""});
    if (header) {
      header = false;
      continue;
    }
    if (record.fields.size() != 4) {
      return Status::RejectedInput("expected 4 fields", {path, record.line, ""});
    }
    std::string_view age = record.fields[2];
    if (age != "Aged 15 years and under" && age != "Aged 16 to 24 years") continue;
    // The LSOA name is "<district name> <3 digits><letter>", e.g. "Leicester 003A".
    std::string_view name = record.fields[1];
    size_t space = name.rfind(' ');
    auto area = space == std::string_view::npos ? std::nullopt : FindCspArea(name.substr(0, space));
    if (!area) {
      return Status::RejectedInput("cannot tell the district of LSOA \"" + std::string(name) + "\"",
                                   {path, record.line, "lsoa21_name"});
    }
    int residents = 0;
    for (char c : record.fields[3]) {
      if (c < '0' || c > '9') {
        return Status::RejectedInput("usual_residents is not a whole number",
                                     {path, record.line, "usual_residents"});
      }
      residents = residents * 10 + (c - '0');
    }
    for (int a = 0; a < kCspAreaCount; ++a) {
      if (LlrCspAreas()[a].code == area->code) d.csp_under25[a] += residents;
    }
  }
  return d;
}

Result<std::unique_ptr<IncidentTable>> LoadIncidentTable(Env* env, Store* store,
                                                         const std::string& reference_dir) {
  HL_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceGeography> geography,
                      ReferenceGeography::Load(env, reference_dir));
  HL_ASSIGN_OR_RETURN(Denominators denominators, LoadDenominators(env, reference_dir, *geography));
  return IncidentTable::Load(store, std::move(geography), std::move(denominators));
}

Result<std::unique_ptr<IncidentTable>> IncidentTable::Load(
    Store* store, std::shared_ptr<const ReferenceGeography> geography, Denominators denominators) {
  std::unique_ptr<IncidentTable> table(new IncidentTable());
  table->geography_ = std::move(geography);
  table->denominators_ = std::move(denominators);
  table->offence_codes_.push_back("");
  table->offence_by_code_[""] = 0;
  table->streets_.push_back("");
  table->street_by_text_[""] = 0;
  table->person_ids_.push_back(0);  // code 0: the source names no person
  table->incidents_.person_begin.push_back(0);
  HL_ASSIGN_OR_RETURN(int64_t count, store->CountIncidents());
  IncidentColumns& c = table->incidents_;
  const size_t n = static_cast<size_t>(count);
  c.id.reserve(n);
  c.first_minute.reserve(n);
  c.last_minute.reserve(n);
  c.precision.reserve(n);
  c.month.reserve(n);
  c.agency.reserve(n);
  c.crime_type.reserve(n);
  c.weapon.reserve(n);
  c.domestic.reserve(n);
  c.assault_method.reserve(n);
  c.csp.reserve(n);
  c.lsoa.reserve(n);
  c.behaviours.reserve(n);
  c.offence.reserve(n);
  c.street.reserve(n);
  c.longitude.reserve(n);
  c.latitude.reserve(n);
  c.harm_centidays.reserve(n);
  c.person_begin.reserve(n + 1);
  // About two persons per incident is usual; Append trims the capacity if far off.
  PersonColumns& p = table->persons_;
  auto reserve = [&](auto& v) { v.reserve(2 * n); };
  reserve(p.incident), reserve(p.person), reserve(p.role), reserve(p.sex), reserve(p.age_min),
      reserve(p.age_max), reserve(p.repeat);
  // Filling fresh memory was a tenth of a load (a page fault per 4 KiB).
  auto advise = [](auto&... columns) { (AdviseHugePages(columns), ...); };
  advise(c.id, c.first_minute, c.last_minute, c.precision, c.month, c.agency, c.crime_type, c.weapon,
         c.domestic, c.assault_method, c.csp, c.lsoa, c.behaviours, c.offence, c.street, c.longitude,
         c.latitude, c.harm_centidays, c.person_begin);
  advise(p.incident, p.person, p.role, p.sex, p.age_min, p.age_max, p.repeat);
  HL_RETURN_IF_ERROR(table->Append(store));
  return table;
}

Result<int64_t> IncidentTable::Refresh(Store* store) {
  const size_t before = incident_count();
  HL_RETURN_IF_ERROR(Append(store));
  return static_cast<int64_t>(incident_count() - before);
}

uint16_t IncidentTable::InternOffence(std::string_view code) {
  auto it = offence_by_code_.find(code);
  if (it != offence_by_code_.end()) return static_cast<uint16_t>(it->second);
  // More than 65,535 distinct codes cannot happen with Home Office codes; fold the
  // excess onto "" rather than wrap.
  if (offence_codes_.size() >= 0xFFFF) return 0;
  uint16_t next = static_cast<uint16_t>(offence_codes_.size());
  offence_codes_.emplace_back(code);
  offence_by_code_.emplace(std::string(code), next);
  return next;
}

uint32_t IncidentTable::InternStreet(std::string_view street) {
  auto it = street_by_text_.find(street);
  if (it != street_by_text_.end()) return it->second;
  uint32_t next = static_cast<uint32_t>(streets_.size());
  streets_.emplace_back(street);
  street_by_text_.emplace(std::string(street), next);
  return next;
}

uint32_t IncidentTable::PersonCode(int64_t person_id) {
  if (person_id == 0) return 0;
  // The store numbers persons 1, 2, 3... in the order it first met them, which is about
  // the order their rows arrive here: the store's id is the code (no lookup per row,
  // which was a cache miss per row at 10M persons). An id that does not fit that
  // numbering (below 1, or far beyond the rows read) switches to codes in order of
  // first appearance, through a hash.
  if (!hashed_person_codes_) {
    const uint64_t direct_limit = 2 * uint64_t{persons_.person.size()} + 65536;
    if (person_id > 0 && static_cast<uint64_t>(person_id) < direct_limit) {
      const size_t id = static_cast<size_t>(person_id);
      if (id >= person_ids_.size()) {
        if (id >= person_ids_.capacity()) person_ids_.reserve(std::max(id + 1, 2 * person_ids_.capacity()));
        for (size_t next = person_ids_.size(); next <= id; ++next)
          person_ids_.push_back(static_cast<int64_t>(next));
      }
      return static_cast<uint32_t>(id);
    }
    // Codes so far are store ids; keep them, and number what comes from here on after them.
    hashed_person_codes_ = true;
    person_by_id_.reserve(person_ids_.size());
    for (size_t code = 1; code < person_ids_.size(); ++code) {
      person_by_id_.emplace(person_ids_[code], static_cast<uint32_t>(code));
    }
  }
  auto [it, added] = person_by_id_.emplace(person_id, static_cast<uint32_t>(person_ids_.size()));
  if (added) person_ids_.push_back(person_id);
  return it->second;
}

std::optional<uint16_t> IncidentTable::OffenceCode(std::string_view code) const {
  auto it = offence_by_code_.find(code);
  if (it == offence_by_code_.end()) return std::nullopt;
  return static_cast<uint16_t>(it->second);
}

Status IncidentTable::Append(Store* store) {
  const size_t first_new = incident_count();
  const int64_t after_id = last_incident_id_;
  // The involvements are read on a second handle and thread while this one reads the
  // incidents: the two reads were each about half of a load. The second read starts
  // only once the first has, so it sees every incident the first sees; involvements of
  // incidents stored in between are skipped here and read by the next Refresh.
  std::unique_ptr<Store> reader;
  if (auto second = store->OpenReader(); second.ok()) reader = std::move(*second);
  std::vector<int64_t> involvement_incident;  // the incident id of each new person row
  involvement_incident.reserve(persons_.person.capacity() - persons_.person.size());
  AdviseHugePages(involvement_incident);
  bool involvements_sorted = true;
  Status involvements_read;
  std::promise<void> incidents_started;
  std::thread involvement_reader;
  if (reader) {
    involvement_reader = std::thread([&, started = incidents_started.get_future()] {
      started.wait();
      involvements_read =
          ReadInvolvements(reader.get(), after_id, &involvement_incident, &involvements_sorted);
    });
  }
  bool started = false;
  auto start_involvements = [&] {
    if (!started) incidents_started.set_value();
    started = true;
  };
  IncidentColumns& c = incidents_;
  // The harm weight of each (offence code, category), computed once per pair and
  // found by position (a hash per incident showed in the load's profile).
  constexpr size_t kHarmTypes = 32;
  static_assert(kCrimeTypeCount <= kHarmTypes);
  constexpr uint32_t kNotComputed = UINT32_MAX;
  std::vector<uint32_t> harm_cache;
  std::string_view last_offence_text;
  uint16_t last_offence = 0;
  bool have_last_offence = false;
  Status incidents_read = store->ScanIncidentsAfter(after_id, [&](const IncidentRow& row) {
    start_involvements();
    c.id.push_back(row.id);
    c.first_minute.push_back(ClampMinute(row.occurred.local_minute));
    c.last_minute.push_back(ClampMinute(LastMinute(row.occurred)));
    c.precision.push_back(static_cast<uint8_t>(row.occurred.precision));
    {
      int64_t first_day = row.occurred.local_minute / kMinutesPerDay,
              last_day = LastMinute(row.occurred) / kMinutesPerDay;
      if (row.occurred.local_minute < 0) first_day = -1;  // before 1970: outside the month column's range
      const int a = MonthIndexOfDay(first_day), b = MonthIndexOfDay(last_day);
      c.month.push_back(a == b && a >= 0 && a < kMonthSpansMonths ? static_cast<uint16_t>(a)
                                                                  : kMonthSpansMonths);
    }
    c.agency.push_back(static_cast<uint8_t>(row.agency));
    c.crime_type.push_back(static_cast<uint8_t>(row.crime_type));
    c.weapon.push_back(static_cast<uint8_t>(row.weapon));
    c.domestic.push_back(row.domestic ? (*row.domestic ? 2 : 1) : 0);
    c.assault_method.push_back(static_cast<uint8_t>(row.assault_method));
    std::string_view lsoa_code = row.lsoa_by_point.empty() ? row.lsoa_reported : row.lsoa_by_point;
    const Lsoa* lsoa = lsoa_code.empty() ? nullptr : geography_->FindLsoa(lsoa_code);
    c.lsoa.push_back(lsoa ? static_cast<uint16_t>(lsoa - geography_->lsoas().data()) : kNoLsoa);
    c.csp.push_back(CspSlot(row.csp_area, !lsoa_code.empty() || row.point.has_value()));
    c.behaviours.push_back(static_cast<uint16_t>(row.behaviours.bits()));
    // Offence codes repeat in runs (a batch is often one feed's rows); skip the hash.
    if (!have_last_offence || row.offence_code != last_offence_text) {
      last_offence = InternOffence(row.offence_code);
      last_offence_text = offence_codes_[last_offence];
      have_last_offence = true;
    }
    c.offence.push_back(last_offence);
    c.street.push_back(InternStreet(row.location_description));
    c.longitude.push_back(row.point ? static_cast<float>(row.point->longitude) : std::nanf(""));
    c.latitude.push_back(row.point ? static_cast<float>(row.point->latitude) : std::nanf(""));
    const size_t harm_key = size_t{last_offence} * kHarmTypes + static_cast<size_t>(row.crime_type);
    if (harm_key >= harm_cache.size())
      harm_cache.resize((size_t{last_offence} + 1) * kHarmTypes, kNotComputed);
    if (harm_cache[harm_key] == kNotComputed) {
      harm_cache[harm_key] =
          static_cast<uint32_t>(std::lround(HarmWeightDays(row.offence_code, row.crime_type) * 100));
    }
    c.harm_centidays.push_back(harm_cache[harm_key]);
    last_incident_id_ = row.id;
  });
  start_involvements();
  if (involvement_reader.joinable()) {
    involvement_reader.join();
  } else if (incidents_read.ok()) {
    involvements_read = ReadInvolvements(store, after_id, &involvement_incident, &involvements_sorted);
  }
  HL_RETURN_IF_ERROR(incidents_read);
  HL_RETURN_IF_ERROR(involvements_read);
  PersonColumns& p = persons_;
  if (!involvements_sorted) {
    // Read them again, whole, and sort by incident id (stable: storing order within).
    TruncatePersons(p.incident.size());
    involvement_incident.clear();
    std::vector<InvolvementRow> rows;
    HL_RETURN_IF_ERROR(
        store->ScanInvolvements(after_id, [&](const InvolvementRow& inv) { rows.push_back(inv); }));
    std::stable_sort(rows.begin(), rows.end(), [](const InvolvementRow& a, const InvolvementRow& b) {
      return a.incident_id < b.incident_id;
    });
    for (const InvolvementRow& inv : rows) AddInvolvement(inv, &involvement_incident);
  }
  AttachInvolvements(first_new, involvement_incident);
  const size_t end = incident_count();
  for (size_t i = first_new; i < end; ++i) {
    if (i == 0 || c.first_minute[i] < earliest_minute_) earliest_minute_ = c.first_minute[i];
    if (i == 0 || c.last_minute[i] > latest_minute_) latest_minute_ = c.last_minute[i];
  }
  ComputeRepeats();
  return Status::Ok();
}

Status IncidentTable::ReadInvolvements(Store* store, int64_t after_id, std::vector<int64_t>* incident_ids,
                                       bool* sorted) {
  // The store gives them in storing order, which is incident id order for everything
  // harmlens writes, so they go straight into the columns (no buffer of every row); if
  // the order ever breaks, reading stops and Append reads them again, sorted.
  int64_t previous = INT64_MIN;
  return store->ScanInvolvements(after_id, [&](const InvolvementRow& inv) {
    if (!*sorted) return;
    if (inv.incident_id < previous) {
      *sorted = false;
      return;
    }
    previous = inv.incident_id;
    AddInvolvement(inv, incident_ids);
  });
}

void IncidentTable::AddInvolvement(const InvolvementRow& inv, std::vector<int64_t>* incident_ids) {
  PersonColumns& p = persons_;
  incident_ids->push_back(inv.incident_id);
  p.person.push_back(PersonCode(inv.person_id));
  p.role.push_back(static_cast<uint8_t>(inv.role));
  p.sex.push_back(static_cast<uint8_t>(inv.sex));
  p.age_min.push_back(inv.age ? AgeByte(inv.age->min_years) : kUnknownAge);
  p.age_max.push_back(inv.age ? AgeByte(inv.age->max_years) : kUnknownAge);
  p.repeat.push_back(0);
}

void IncidentTable::AttachInvolvements(size_t first_new, const std::vector<int64_t>& incident_ids) {
  // Both lists are in incident id order: one merge gives each person row its incident
  // row and each incident its first person row. Rows of an incident not held (stored
  // after the incident read began) are dropped; the next Refresh reads them.
  IncidentColumns& c = incidents_;
  PersonColumns& p = persons_;
  const size_t base = p.incident.size();
  const size_t end = incident_count();
  size_t row = first_new;
  size_t kept = base;
  for (size_t k = 0; k < incident_ids.size(); ++k) {
    while (row < end && c.id[row] < incident_ids[k]) {
      c.person_begin.push_back(static_cast<uint32_t>(kept));
      ++row;
    }
    if (row >= end || c.id[row] != incident_ids[k]) continue;
    const size_t from = base + k;
    if (kept != from) {
      p.person[kept] = p.person[from];
      p.role[kept] = p.role[from];
      p.sex[kept] = p.sex[from];
      p.age_min[kept] = p.age_min[from];
      p.age_max[kept] = p.age_max[from];
    }
    p.incident.push_back(static_cast<uint32_t>(row));
    ++kept;
  }
  while (row < end) {
    c.person_begin.push_back(static_cast<uint32_t>(kept));
    ++row;
  }
  TruncatePersons(kept);
  if (p.incident.capacity() > p.incident.size() + p.incident.size() / 8 + 1024) {
    auto fit = [](auto& v) { v.shrink_to_fit(); };
    fit(p.incident), fit(p.person), fit(p.role), fit(p.sex), fit(p.age_min), fit(p.age_max), fit(p.repeat);
  }
}

void IncidentTable::TruncatePersons(size_t n) {
  PersonColumns& p = persons_;
  auto cut = [n](auto& v) { v.resize(std::min(v.size(), n)); };
  cut(p.incident), cut(p.person), cut(p.role), cut(p.sex), cut(p.age_min), cut(p.age_max), cut(p.repeat);
}

void IncidentTable::ComputeRepeats() {
  std::fill(persons_.repeat.begin(), persons_.repeat.end(), 0);
  // A person's flags depend on that person's rows alone, so the persons split in two
  // halves, one per thread (the flags were a tenth of a load, on one thread).
  // Code 0 (no person named) is never counted.
  const uint32_t codes = static_cast<uint32_t>(person_ids_.size());
  const uint32_t half = std::max<uint32_t>(1, codes / 2);
  std::thread other([this, half, codes] { ComputeRepeatsOf(half, codes); });
  ComputeRepeatsOf(1, half);
  other.join();
}

void IncidentTable::ComputeRepeatsOf(uint32_t first_code, uint32_t end_code) {
  PersonColumns& p = persons_;
  const IncidentColumns& c = incidents_;
  // Rows of named persons sorted by (person, part, start): a row repeats when the row
  // before it is the same person in the same part within the window.
  auto part = [&](uint32_t r) { return p.role[r] == static_cast<uint8_t>(Role::kVictim) ? 0 : 1; };
  // The rows in (person, part, start, row) order: a counting sort on (person, part) —
  // person codes are dense — then a sort of each person's few rows by (start, row).
  // Linear in the rows, where one sort of every row was a tenth of the load.
  auto who = [&](uint32_t r) { return size_t{p.person[r] - first_code} << 1 | static_cast<size_t>(part(r)); };
  auto counted = [&](uint32_t r) {
    return p.person[r] >= first_code && p.person[r] < end_code &&
           p.role[r] != static_cast<uint8_t>(Role::kWitness);
  };
  std::vector<uint32_t> group_begin(2 * size_t{end_code - std::min(first_code, end_code)} + 1, 0);
  for (uint32_t r = 0; r < p.incident.size(); ++r) {
    if (counted(r)) ++group_begin[who(r) + 1];
  }
  for (size_t g = 1; g < group_begin.size(); ++g) group_begin[g] += group_begin[g - 1];
  // start (order-preserving as unsigned) << 32 | row, placed in its group.
  std::vector<uint64_t> when(group_begin.back());
  {
    std::vector<uint32_t> next(group_begin.begin(), group_begin.end() - 1);
    for (uint32_t r = 0; r < p.incident.size(); ++r) {
      if (!counted(r)) continue;
      const uint32_t start = static_cast<uint32_t>(c.first_minute[p.incident[r]]) ^ 0x80000000u;
      when[next[who(r)]++] = uint64_t{start} << 32 | r;
    }
  }
  for (size_t g = 0; g + 1 < group_begin.size(); ++g) {
    if (group_begin[g + 1] - group_begin[g] > 1) {
      std::sort(when.begin() + group_begin[g], when.begin() + group_begin[g + 1]);
    }
  }
  group_begin.clear();
  group_begin.shrink_to_fit();
  std::vector<uint32_t> order(when.size());
  for (size_t k = 0; k < when.size(); ++k) order[k] = static_cast<uint32_t>(when[k] & 0xFFFFFFFFu);
  when.clear();
  when.shrink_to_fit();
  constexpr int64_t kWindow = int64_t{kRepeatWindowDays} * kMinutesPerDay;
  for (size_t k = 1; k < order.size(); ++k) {
    const uint32_t cur = order[k];
    // Skip the same person's other rows in this incident (suspect and offender in one
    // incident): they sit just before it, and the incident before them is what counts.
    size_t j = k;
    while (j > 0 && p.incident[order[j - 1]] == p.incident[cur] && p.person[order[j - 1]] == p.person[cur])
      --j;
    if (j == 0) continue;
    const uint32_t prev = order[j - 1];
    if (p.person[prev] != p.person[cur] || part(prev) != part(cur)) continue;
    int64_t gap = int64_t{c.first_minute[p.incident[cur]]} - c.first_minute[p.incident[prev]];
    if (gap <= kWindow) p.repeat[cur] = 1;
  }
}

size_t IncidentTable::MemoryBytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  const IncidentColumns& c = incidents_;
  size_t total = bytes(c.id) + bytes(c.first_minute) + bytes(c.last_minute) + bytes(c.precision) +
                 bytes(c.agency) + bytes(c.crime_type) + bytes(c.weapon) + bytes(c.domestic) +
                 bytes(c.assault_method) + bytes(c.csp) + bytes(c.lsoa) + bytes(c.behaviours) +
                 bytes(c.offence) + bytes(c.street) + bytes(c.longitude) + bytes(c.latitude) +
                 bytes(c.harm_centidays) + bytes(c.person_begin) + bytes(c.month);
  const PersonColumns& p = persons_;
  total += bytes(p.incident) + bytes(p.person) + bytes(p.role) + bytes(p.sex) + bytes(p.age_min) +
           bytes(p.age_max) + bytes(p.repeat);
  for (const std::string& s : streets_) total += sizeof(s) + s.capacity() + 48;  // + the hash node
  for (const std::string& s : offence_codes_) total += sizeof(s) + s.capacity() + 48;
  total += person_ids_.capacity() * sizeof(int64_t) + person_by_id_.size() * 32;
  return total;
}

}  // namespace harmlens
