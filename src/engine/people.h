// The people in the incidents a query matches: repeat victims and repeat offenders
// within a window, people who are both victim and suspect/offender, and the under-25
// cohorts. Persons are counted by the store's person number (the partner's
// pseudonymous key stays in the store); involvements without a key are counted apart.
// Reads the IncidentTable only. Definitions: docs/analysis.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/incident_table.h"
#include "engine/query.h"

namespace harmlens {

enum class Part : uint8_t {
  kVictim,
  kPerpetrator,  // suspects and offenders
};

struct PersonSummary {
  int64_t person_id = 0;  // the store's number, not the partner's key
  int64_t incidents = 0;  // matched incidents the person is in, in that part
  std::string first;      // YYYY-MM-DD of the earliest start
  std::string last;
};

struct RepeatReport {
  int window_days = 0;
  int64_t persons = 0;         // distinct named persons of the part in the matched incidents
  int64_t repeat_persons = 0;  // with two incidents starting no more than window_days apart
  int64_t incidents_with_repeat_persons = 0;
  int64_t unnamed_involvements = 0;  // the source names no person (A&E patients)
  std::vector<PersonSummary> top;    // repeat persons, most incidents first (then person number)
};

Result<RepeatReport> FindRepeats(const IncidentTable& table, const Query& query, Part part, int window_days,
                                 int top_n);

struct OverlapReport {
  int64_t victims = 0;             // distinct named victims in the matched incidents
  int64_t perpetrators = 0;        // distinct named suspects and offenders
  int64_t both = 0;                // persons in both sets
  std::vector<PersonSummary> top;  // those in both, most incidents (either part) first
};

Result<OverlapReport> VictimOffenderOverlap(const IncidentTable& table, const Query& query, int top_n);

// Distinct named persons under 25 in the matched incidents, by the age band of their
// first matched incident (0-9, 10-17, 18-24), as victims and as suspects/offenders.
struct CohortRow {
  std::string age_band;
  int64_t victims = 0;
  int64_t perpetrators = 0;
};

Result<std::vector<CohortRow>> Under25Cohorts(const IncidentTable& table, const Query& query);

}  // namespace harmlens
