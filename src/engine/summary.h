// Incident counts by CSP area x month x crime type: the first question every CSP asks,
// and the main job's output. Reads the store through its scan interface; the full
// five-variable engine replaces this with the same answers, faster.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/crime_type.h"
#include "model/harmful_behaviour.h"
#include "model/time.h"
#include "store/store.h"

namespace harmlens {

// Labels for incidents with no LLR CSP area, so they are counted, not dropped.
inline constexpr std::string_view kOutsideLlr = "(outside LLR)";
inline constexpr std::string_view kNoLocation = "(no location)";

struct SummaryQuery {
  std::optional<std::string> csp_area;  // district code; nullopt = all areas
  std::optional<YearMonth> from;        // inclusive
  std::optional<YearMonth> to;          // inclusive
  std::optional<HarmfulBehaviour> behaviour;
  // One source only. Without it every stored incident counts, so a store holding
  // police.uk and the force's extract (or A&E) counts one event once per source.
  std::optional<Agency> agency;
};

// The sources (agencies) whose incidents Summarise would count for `query`, ignoring
// its own agency: to warn when a summary adds up several.
Result<std::vector<Agency>> SourcesIn(Store* store, const SummaryQuery& query);

struct SummaryRow {
  std::string csp_area;  // CSP name, or kOutsideLlr / kNoLocation
  std::string csp_code;  // district code, "" for the two labels above
  YearMonth month;
  CrimeType crime_type = CrimeType::kOtherCrime;
  int64_t incidents = 0;
};

// Rows ordered by CSP (LLR areas in code order, then the two labels), month, crime type.
// CSP areas follow police.uk's LSOA label (see docs/ARCHITECTURE.md).
Result<std::vector<SummaryRow>> Summarise(Store* store, const SummaryQuery& query);

}  // namespace harmlens
