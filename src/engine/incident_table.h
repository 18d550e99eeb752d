// The analysis engine's memory: every stored incident and every person in it, held as
// compact columns with dictionary codes, loaded from the Store once and then caught up
// with what later loads stored (Refresh), never reloaded whole. Queries (query.h) read
// it from any number of threads at once; Load and Refresh need it to themselves.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/geography.h"
#include "model/incident.h"
#include "store/store.h"

namespace harmlens {

// The CSP column: 0..8 the LLR areas in code order (LlrCspAreas()), then these two.
inline constexpr uint8_t kCspOutsideLlr = kCspAreaCount;      // a place outside LLR
inline constexpr uint8_t kCspNoLocation = kCspAreaCount + 1;  // no place at all
inline constexpr uint16_t kNoLsoa = 0xFFFF;                   // not an LLR LSOA
inline constexpr uint8_t kUnknownAge = 0xFF;
inline constexpr int kMonthColumnBase = 1900 * 12;
inline constexpr uint16_t kMonthSpansMonths = 0xFFFF;

// The populations rates are per: residents of each LLR LSOA (mid-2018, from the
// reference geography) and under-25s per CSP area (Census 2021, which is published on
// 2021 LSOAs, so harmlens does not split it below the CSP area).
struct Denominators {
  std::vector<int> lsoa_residents;                    // by geography().lsoas() index
  std::array<int, kCspAreaCount> csp_residents = {};  // sum of the LSOAs'
  std::array<int, kCspAreaCount> csp_under25 = {};    // Census 2021, aged 0-24
};

// Reads data/reference/census2021_age6_lsoa21_llr.csv and the LSOA 2021 -> district
// lookup beside it for the under-25s; residents come from `geography`.
Result<Denominators> LoadDenominators(Env* env, const std::string& reference_dir,
                                      const ReferenceGeography& geography);

// One row per incident, in store id order. Times are local civil minutes since
// 1970-01-01 held as the interval the incident may have happened in, [first, last]
// inclusive: a minute-precision record has first == last, a day-precision one spans
// the day, a police.uk month record the whole month, a window its window. A time cut
// places an incident only when that whole interval lies in one value of the cut, so a
// month-only record never lands on a day or an hour.
struct IncidentColumns {
  std::vector<int64_t> id;  // the store's incident id
  std::vector<int32_t> first_minute;
  std::vector<int32_t> last_minute;
  std::vector<uint8_t> precision;       // TimePrecision
  std::vector<uint8_t> agency;          // Agency: the source
  std::vector<uint8_t> crime_type;      // CrimeType
  std::vector<uint8_t> weapon;          // Weapon
  std::vector<uint8_t> domestic;        // 0 not said, 1 no, 2 yes
  std::vector<uint8_t> assault_method;  // AssaultMethod (A&E)
  std::vector<uint8_t> csp;             // 0..8, kCspOutsideLlr, kCspNoLocation
  std::vector<uint16_t> lsoa;           // index into geography().lsoas(), or kNoLsoa
  std::vector<uint16_t> behaviours;     // BehaviourSet bits
  std::vector<uint16_t> offence;        // code into offence_codes ("" = code 0)
  std::vector<uint32_t> street;         // code into streets ("" = code 0)
  std::vector<float> longitude;         // NaN: no point
  std::vector<float> latitude;
  std::vector<uint32_t> harm_centidays;  // harm weight, hundredths of a day (harm_weights.h)
  // The calendar month the whole interval lies in, as months since January 1900
  // (YearMonth::Index() - kMonthColumnBase), or kMonthSpansMonths.
  std::vector<uint16_t> month;
  // The persons of incident i are rows [person_begin[i], person_begin[i + 1]).
  std::vector<uint32_t> person_begin;
};

// One row per involvement, grouped by incident in incident order.
struct PersonColumns {
  std::vector<uint32_t> incident;  // row in IncidentColumns
  std::vector<uint32_t> person;    // code into person_ids; 0: the source names no person
  std::vector<uint8_t> role;       // Role
  std::vector<uint8_t> sex;        // Sex
  std::vector<uint8_t> age_min;    // kUnknownAge: not known
  std::vector<uint8_t> age_max;
  // Whether the same person had the same part (victim; suspect or offender) in another
  // incident that began in the 365 days before this one began (kRepeatWindowDays).
  std::vector<uint8_t> repeat;
};

inline constexpr int kRepeatWindowDays = 365;

class IncidentTable;
// Reads the reference geography and denominators from `reference_dir` (data/reference)
// and loads the table from `store`: what a command or server does once at start.
Result<std::unique_ptr<IncidentTable>> LoadIncidentTable(Env* env, Store* store,
                                                         const std::string& reference_dir);

class IncidentTable {
 public:
  // Reads every stored incident and involvement.
  static Result<std::unique_ptr<IncidentTable>> Load(Store* store,
                                                     std::shared_ptr<const ReferenceGeography> geography,
                                                     Denominators denominators);
  // Adds what was stored after the last Load or Refresh (ids only grow), and recomputes
  // the repeat flags, which a backdated record can change. Returns the incidents added.
  Result<int64_t> Refresh(Store* store);

  const IncidentColumns& incidents() const { return incidents_; }
  const PersonColumns& persons() const { return persons_; }
  size_t incident_count() const { return incidents_.id.size(); }
  size_t person_row_count() const { return persons_.incident.size(); }
  int64_t last_incident_id() const { return last_incident_id_; }
  // The earliest first_minute and latest last_minute held (0, 0 when empty).
  int32_t earliest_minute() const { return earliest_minute_; }
  int32_t latest_minute() const { return latest_minute_; }
  const ReferenceGeography& geography() const { return *geography_; }
  const Denominators& denominators() const { return denominators_; }
  const std::vector<std::string>& offence_codes() const { return offence_codes_; }
  const std::vector<std::string>& streets() const { return streets_; }
  // The store's person id of each code in the person column (code 0: no person named).
  const std::vector<int64_t>& person_ids() const { return person_ids_; }
  // nullopt if no incident carries that offence code.
  std::optional<uint16_t> OffenceCode(std::string_view code) const;
  // Bytes held by the columns and dictionaries (capacity, not size).
  size_t MemoryBytes() const;

 private:
  IncidentTable() = default;
  Status Append(Store* store);
  // Adds the involvements of incidents above `after_id` to the person columns (all but
  // `incident`), their incident ids to `incident_ids`; stops, with *sorted false, at the
  // first out of incident order. Touches only the person columns and dictionary.
  Status ReadInvolvements(Store* store, int64_t after_id, std::vector<int64_t>* incident_ids, bool* sorted);
  void AddInvolvement(const InvolvementRow& inv, std::vector<int64_t>* incident_ids);
  // Fills `incident` for the rows ReadInvolvements added and person_begin for the
  // incidents from `first_new` on.
  void AttachInvolvements(size_t first_new, const std::vector<int64_t>& incident_ids);
  void TruncatePersons(size_t n);
  void ComputeRepeats();
  // The repeat flags of the rows of persons with codes in [first_code, end_code).
  void ComputeRepeatsOf(uint32_t first_code, uint32_t end_code);
  uint16_t InternOffence(std::string_view code);
  uint32_t InternStreet(std::string_view street);
  // The person column's code for a store person id (0 for none); see person_ids().
  uint32_t PersonCode(int64_t person_id);

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  using Dictionary = std::unordered_map<std::string, uint32_t, TextHash, std::equal_to<>>;

  std::shared_ptr<const ReferenceGeography> geography_;
  Denominators denominators_;
  IncidentColumns incidents_;
  PersonColumns persons_;
  int64_t last_incident_id_ = 0;
  int32_t earliest_minute_ = 0;
  int32_t latest_minute_ = 0;
  std::vector<std::string> offence_codes_;
  Dictionary offence_by_code_;
  std::vector<std::string> streets_;
  Dictionary street_by_text_;
  std::vector<int64_t> person_ids_;  // by code; the store's own id while !hashed_person_codes_
  bool hashed_person_codes_ = false;
  std::unordered_map<int64_t, uint32_t> person_by_id_;  // once hashed_person_codes_
};

}  // namespace harmlens
