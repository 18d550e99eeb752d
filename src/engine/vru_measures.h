// The Home Office's Violence Reduction Unit success measures, per CSP area and month,
// each defined once as a Query (docs/vru-measures.md) so every figure can be traced to
// the records counted (MatchingIncidents on MeasureQuery). Reads the IncidentTable only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/incident_table.h"
#include "engine/query.h"

namespace harmlens {

enum class VruMeasure : uint8_t {
  kKnifeAssaultAttendances,      // (a) A&E attendances for assault with a knife or sharp object
  kKnifeEnabledSeriousViolence,  // (b) police-recorded knife-enabled serious violence
  kNonDomesticHomicide,          // (c) police-recorded non-domestic homicide
};

struct VruMeasureDefinition {
  VruMeasure measure;
  std::string_view slug;  // "knife-assault-attendances", ...
  std::string_view title;
  std::string_view under25_split;  // what "under 25" means for this measure
};

const std::vector<VruMeasureDefinition>& VruMeasureDefinitions();
std::optional<VruMeasure> VruMeasureFromSlug(std::string_view slug);

// The measure's own cuts, with the location and time cuts of `scope` (csp, lsoa,
// imd_decile, from, to, month) added. `under25` adds the measure's under-25 cut.
Query MeasureQuery(VruMeasure measure, const Query& scope, bool under25);

struct VruRow {
  std::string csp;    // CSP area name, "(outside LLR)", "(no location)"
  std::string month;  // YYYY-MM
  VruMeasure measure;
  int64_t count = 0;
  int64_t under25 = 0;
  int64_t knife = -1;  // homicide only: with a knife or sharp object; -1 elsewhere
};

// Every measure per CSP area and month within `scope`'s location and time cuts, in
// measure, CSP, month order. Incidents whose time is not known to the month (a window
// across months) are left out and said so in `notes`.
struct VruTable {
  std::vector<VruRow> rows;
  std::vector<std::string> notes;
};
Result<VruTable> VruMeasures(const IncidentTable& table, const Query& scope,
                             const QueryOptions& options = {});

}  // namespace harmlens
