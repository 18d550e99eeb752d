// What the dashboard's fixed views count: a compact copy of every incident (16 bytes each:
// month, day, hour, LSOA, CSP area, crime type, behaviours, source, weapon, victim and
// perpetrator age group and sex) made from the analysis engine's columns, exact counts
// pre-aggregated over the dimensions the map and charts filter and group by, and one
// filtered group-by answered from those counts when it can and by a row scan otherwise.
// Immutable after construction: any number of threads may query.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/time.h"
#include "store/store.h"

namespace harmlens {

class IncidentTable;

// Age at the incident, in the groups the Home Office measures use. A band that straddles
// a boundary (an A&E band 15-24) is kUnknown, never guessed.
enum class AgeGroup : uint8_t { kUnknown = 0, kUnder18 = 1, k18To24 = 2, k25AndOver = 3 };
inline constexpr int kAgeGroupCount = 4;
const char* AgeGroupSlug(AgeGroup group);  // "unknown", "under-18", "18-24", "25-and-over"

// CSP slots: 0..8 the LLR areas in code order, then these two, so nothing read is dropped.
inline constexpr int kCspSlotOutsideLlr = kCspAreaCount;
inline constexpr int kCspSlotNoLocation = kCspAreaCount + 1;
inline constexpr int kCspSlotCount = kCspAreaCount + 2;

// One incident as the dashboard sees it. -1 means "not known" for lsoa, day and hour.
struct IncidentFact {
  int32_t month = 0;        // YearMonth::Index()
  int16_t lsoa = -1;        // index into ReferenceGeography::lsoas()
  uint16_t behaviours = 0;  // BehaviourSet bits
  uint8_t crime_type = 0;   // CrimeType value
  uint8_t source = 0;       // Agency value
  uint8_t csp = 0;          // CSP slot
  int8_t day = -1;          // 0 = Monday .. 6 = Sunday
  int8_t hour = -1;         // 0..23
  uint8_t weapon = 0;       // Weapon value
  uint8_t victim = 0;       // AgeGroup | Sex << 4 of the first victim
  uint8_t perpetrator = 0;  // the same for the first suspect or offender
  bool operator==(const IncidentFact&) const = default;
};
static_assert(sizeof(IncidentFact) == 16);

// The five variables as sets of allowed values (bit i set = value i allowed; 0 = any).
struct AnalysisFilter {
  std::optional<int> from_month;  // YearMonth::Index, inclusive
  std::optional<int> to_month;
  uint32_t crime_types = 0;       // bit = CrimeType value            (nature)
  uint32_t behaviours = 0;        // any of these behaviours          (nature)
  uint32_t weapons = 0;           // bit = Weapon value               (nature)
  uint32_t sources = 0;           // bit = Agency value
  uint32_t victim_ages = 0;       // bit = AgeGroup                   (victim)
  uint32_t victim_sexes = 0;      // bit = Sex value
  uint32_t perpetrator_ages = 0;  // bit = AgeGroup                   (perpetrator)
  uint32_t perpetrator_sexes = 0;
  uint32_t days = 0;         // bit 0 = Monday                   (time)
  uint32_t hours = 0;        // bit = hour 0..23
  uint32_t csp_slots = 0;    // bit = CSP slot                   (location)
  int lsoa = -1;             // one LSOA index, or -1 for any
  uint32_t imd_deciles = 0;  // bit = decile 1..10

  // A stable text form, the same for equal filters (a cache key).
  std::string Key() const;
};

enum class GroupBy : uint8_t {
  kTotal,      // one row
  kCspArea,    // key = CSP slot
  kLsoa,       // key = LSOA index (incidents with no LLR LSOA are left out; see CountTable)
  kMonth,      // key = YearMonth::Index
  kCrimeType,  // key = CrimeType value
  kBehaviour,  // key = HarmfulBehaviour value; an incident counts once per behaviour
  kSource,     // key = Agency value
  kDayHour,    // key = day * 24 + hour; incidents without both are left out
  kImdDecile,  // key = decile 1..10
  kVictimAge,  // key = AgeGroup
  kPerpetratorAge,
};

struct CountTable {
  std::vector<std::pair<int, int64_t>> rows;  // (key, incidents), key ascending, no zero rows
  int64_t matched = 0;                        // incidents that pass the filter
  int64_t not_grouped = 0;                    // ... of which had no value for the grouping (no LSOA, no hour)
};

// When a query must give up, so one expensive request cannot hold a worker for ever.
using Deadline = std::chrono::steady_clock::time_point;

class IncidentFacts {
 public:
  // From the analysis engine's columns, so the server reads the store once and both
  // paths count the same incidents. `table` (and its geography) must outlive the facts.
  static std::unique_ptr<IncidentFacts> FromTable(const IncidentTable& table);
  // From facts already built (tests, benchmarks). `geography` must outlive the facts.
  IncidentFacts(std::vector<IncidentFact> facts, const ReferenceGeography& geography);
  ~IncidentFacts();

  // Counts the incidents passing `filter`, grouped; nullopt if `deadline` passes first.
  // From the pre-aggregated counts when the filter and grouping fall within one of them
  // (then the cost does not grow with the incidents), else by CountByScan.
  std::optional<CountTable> Count(const AnalysisFilter& filter, GroupBy group, Deadline deadline) const;
  // The same answer from every row: the reference the fast path is tested against.
  std::optional<CountTable> CountByScan(const AnalysisFilter& filter, GroupBy group, Deadline deadline) const;
  // The rows (indices into rows()) passing `filter`, in order; nullopt if `deadline`
  // passes first. Rows made FromTable are the table's incidents in the same order.
  std::optional<std::vector<uint32_t>> MatchingRows(const AnalysisFilter& filter, Deadline deadline) const;
  // Whether Count would answer from the pre-aggregated counts (tests, benchmarks).
  bool CountsFromCube(const AnalysisFilter& filter, GroupBy group) const;

  // Monthly counts and contributing sources of every behaviour in one pass (the SPB
  // tiles): an incident counts under each behaviour it carries; `filter.behaviours` is
  // ignored. nullopt if `deadline` passes first.
  struct BehaviourSeries {
    std::array<std::map<int, int64_t>, 16> by_month;  // behaviour -> month index -> incidents
    std::array<uint32_t, 16> sources{};               // behaviour -> a bit per contributing source
  };
  std::optional<BehaviourSeries> CountBehaviourSeries(AnalysisFilter filter, Deadline deadline) const;

  // Months in which `source` (an Agency value) has at least one incident: months with
  // no data are not months with zero incidents.
  const std::vector<int>& MonthsWithData(int source) const { return months_with_data_[source]; }
  // Behaviours carried by at least one stored incident.
  uint32_t BehavioursSeen() const { return behaviours_seen_; }
  size_t size() const { return facts_.size(); }
  const std::vector<IncidentFact>& rows() const { return facts_; }
  // Bytes held by the rows and the pre-aggregated counts.
  size_t MemoryBytes() const;
  const ReferenceGeography& geography() const { return geography_; }

 private:
  struct Cube;
  bool Passes(const IncidentFact& f, const AnalysisFilter& filter) const;
  // Calls visit(row index, fact) for every row passing `filter`; false if `deadline`
  // passed first.
  template <typename Visit>
  bool ForEachPassing(const AnalysisFilter& filter, Deadline deadline, Visit visit) const;
  void BuildCubes();
  // The cube that can answer, or nullptr, and which of its dimensions holds the grouping.
  const Cube* CubeFor(const AnalysisFilter& filter, GroupBy group, int* group_dim) const;
  std::optional<CountTable> CountFromCube(const Cube& cube, int group_dim, const AnalysisFilter& filter,
                                          GroupBy group, Deadline deadline) const;
  std::vector<IncidentFact> facts_;
  std::vector<uint8_t> lsoa_decile_;  // IMD decile of each LSOA index
  std::vector<int> months_with_data_[4];
  uint32_t behaviours_seen_ = 0;
  int month_min_ = 0;  // the first and last month held (0, 0 when empty)
  int month_max_ = 0;
  const ReferenceGeography& geography_;
  // Exact counts per cell of (source, crime type, month, place) and of (source, crime
  // type, month, CSP area, day x hour): the map, trend and heat map's questions.
  std::vector<std::unique_ptr<Cube>> cubes_;
};

// Builds the fact of one incident (exposed for tests).
IncidentFact FactOf(const Incident& incident, const ReferenceGeography& geography);

}  // namespace harmlens
