#include "engine/incident_table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "base/csv.h"
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
  table->person_ids_.push_back(0);
  table->person_by_id_[0] = 0;
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

uint32_t IncidentTable::InternPerson(int64_t person_id) {
  // The store numbers persons from 1 upwards, so a direct array indexed by id is the
  // usual case (no hashing per involvement row). Ids far above the rows held (another
  // numbering) go to the hash map, so the array stays within a few bytes per row.
  const uint64_t direct_limit = 2 * uint64_t{persons_.incident.size()} + 65536;
  if (person_id > 0 && static_cast<uint64_t>(person_id) < direct_limit) {
    const size_t slot = static_cast<size_t>(person_id);
    if (slot >= person_code_by_id_.size()) {
      person_code_by_id_.resize(std::max(slot + 1, person_code_by_id_.size() * 2), 0);
    }
    uint32_t& code = person_code_by_id_[slot];
    if (code == 0) {
      // Seen before the limit grew past it?
      auto it = person_by_id_.find(person_id);
      if (it != person_by_id_.end()) {
        code = it->second;
      } else {
        code = static_cast<uint32_t>(person_ids_.size());
        person_ids_.push_back(person_id);
      }
    }
    return code;
  }
  if (person_id > 0 && static_cast<size_t>(person_id) < person_code_by_id_.size() &&
      person_code_by_id_[static_cast<size_t>(person_id)] != 0) {
    return person_code_by_id_[static_cast<size_t>(person_id)];
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
  IncidentColumns& c = incidents_;
  // The harm weight of each (offence code, category), computed once per pair.
  std::unordered_map<uint32_t, uint32_t> harm_cache;
  std::string_view last_offence_text;
  uint16_t last_offence = 0;
  bool have_last_offence = false;
  HL_RETURN_IF_ERROR(store->ScanIncidentsAfter(last_incident_id_, [&](const IncidentRow& row) {
    c.id.push_back(row.id);
    c.first_minute.push_back(ClampMinute(row.occurred.local_minute));
    c.last_minute.push_back(ClampMinute(LastMinute(row.occurred)));
    c.precision.push_back(static_cast<uint8_t>(row.occurred.precision));
    {
      int64_t first_day = row.occurred.local_minute / kMinutesPerDay,
              last_day = LastMinute(row.occurred) / kMinutesPerDay;
      if (row.occurred.local_minute < 0) first_day = -1;  // before 1970: outside the month column's range
      CivilDate a = CivilDate::FromDays(first_day), b = CivilDate::FromDays(last_day);
      int index = a.year * 12 + a.month - 1 - kMonthColumnBase;
      bool one = a.year == b.year && a.month == b.month && index >= 0 && index < kMonthSpansMonths;
      c.month.push_back(one ? static_cast<uint16_t>(index) : kMonthSpansMonths);
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
    uint32_t harm_key = (static_cast<uint32_t>(last_offence) << 8) | static_cast<uint32_t>(row.crime_type);
    auto [it, added] = harm_cache.emplace(harm_key, 0);
    if (added)
      it->second = static_cast<uint32_t>(std::lround(HarmWeightDays(row.offence_code, row.crime_type) * 100));
    c.harm_centidays.push_back(it->second);
    last_incident_id_ = row.id;
  }));
  // Involvements of the new incidents, in incident id order. The store gives them in
  // storing order, which is already that order for everything harmlens writes, so they
  // are added as they stream in (no buffer of every row); if the order ever breaks, what
  // was added is dropped and the rows are read again, sorted.
  PersonColumns& p = persons_;
  const size_t end = incident_count();
  const size_t base = p.incident.size();
  const int64_t after_id = first_new == 0 ? 0 : c.id[first_new - 1];
  size_t row = first_new;
  auto add = [&](const InvolvementRow& inv) {
    while (row < end && c.id[row] < inv.incident_id) {
      c.person_begin.push_back(static_cast<uint32_t>(p.incident.size()));
      ++row;
    }
    if (row >= end || c.id[row] != inv.incident_id) return;  // not an incident we hold
    p.incident.push_back(static_cast<uint32_t>(row));
    p.person.push_back(inv.person_id == 0 ? 0 : InternPerson(inv.person_id));
    p.role.push_back(static_cast<uint8_t>(inv.role));
    p.sex.push_back(static_cast<uint8_t>(inv.sex));
    p.age_min.push_back(inv.age ? AgeByte(inv.age->min_years) : kUnknownAge);
    p.age_max.push_back(inv.age ? AgeByte(inv.age->max_years) : kUnknownAge);
    p.repeat.push_back(0);
  };
  auto resize_persons = [&](size_t n, bool exact) {
    auto fit = [&](auto& v) {
      v.resize(std::min(v.size(), n));
      if (exact) {
        v.shrink_to_fit();
      } else {
        v.reserve(n);
      }
    };
    fit(p.incident), fit(p.person), fit(p.role), fit(p.sex), fit(p.age_min), fit(p.age_max), fit(p.repeat);
  };
  // About two persons per incident is usual; the capacity is trimmed below if far off.
  resize_persons(base + 2 * (end - first_new), false);
  bool sorted = true;
  int64_t previous = INT64_MIN;
  HL_RETURN_IF_ERROR(store->ScanInvolvements(after_id, [&](const InvolvementRow& inv) {
    if (!sorted) return;
    if (inv.incident_id < previous) {
      sorted = false;
      return;
    }
    previous = inv.incident_id;
    add(inv);
  }));
  if (!sorted) {
    resize_persons(base, false);
    c.person_begin.resize(first_new + 1);
    row = first_new;
    std::vector<InvolvementRow> rows;
    HL_RETURN_IF_ERROR(
        store->ScanInvolvements(after_id, [&](const InvolvementRow& inv) { rows.push_back(inv); }));
    std::stable_sort(rows.begin(), rows.end(), [](const InvolvementRow& a, const InvolvementRow& b) {
      return a.incident_id < b.incident_id;
    });
    for (const InvolvementRow& inv : rows) add(inv);
  }
  if (p.incident.capacity() > p.incident.size() + p.incident.size() / 8 + 1024) {
    resize_persons(p.incident.size(), true);
  }
  while (row < end) {
    c.person_begin.push_back(static_cast<uint32_t>(p.incident.size()));
    ++row;
  }
  for (size_t i = first_new; i < end; ++i) {
    if (i == 0 || c.first_minute[i] < earliest_minute_) earliest_minute_ = c.first_minute[i];
    if (i == 0 || c.last_minute[i] > latest_minute_) latest_minute_ = c.last_minute[i];
  }
  ComputeRepeats();
  return Status::Ok();
}

void IncidentTable::ComputeRepeats() {
  PersonColumns& p = persons_;
  const IncidentColumns& c = incidents_;
  // Rows of named persons sorted by (person, part, start): a row repeats when the row
  // before it is the same person in the same part within the window.
  auto part = [&](uint32_t r) { return p.role[r] == static_cast<uint8_t>(Role::kVictim) ? 0 : 1; };
  // The rows in (person, part, start, row) order: a counting sort on (person, part) —
  // person codes are dense — then a sort of each person's few rows by (start, row).
  // Linear in the rows, where one sort of every row was a tenth of the load.
  auto who = [&](uint32_t r) { return size_t{p.person[r]} << 1 | static_cast<size_t>(part(r)); };
  auto counted = [&](uint32_t r) {
    return p.person[r] != 0 && p.role[r] != static_cast<uint8_t>(Role::kWitness);
  };
  std::vector<uint32_t> group_begin(2 * person_ids_.size() + 1, 0);
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
  std::fill(p.repeat.begin(), p.repeat.end(), 0);
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
  total += person_ids_.capacity() * sizeof(int64_t) + person_by_id_.size() * 32 +
           person_code_by_id_.capacity() * sizeof(uint32_t);
  return total;
}

}  // namespace harmlens
