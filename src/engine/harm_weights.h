// Harm weights in the style of the Cambridge Crime Harm Index: the days of imprisonment
// a first-time adult offender would get at the sentencing-guideline starting point.
// One versioned table keyed by Home Office offence code, with a weight for each of the
// 14 police.uk categories for records that carry no code (docs/harm-weights.md says
// where each number comes from and which ones are assumptions). Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/crime_type.h"

namespace harmlens {

// Bumped whenever a weight changes, and printed beside every harm-weighted figure.
inline constexpr std::string_view kHarmWeightsVersion = "hl-chi-2026.1";

struct OffenceHarmWeight {
  std::string_view offence_code;  // Home Office code, e.g. "8N"
  std::string_view offence;       // the Home Office title
  double days = 0;
  std::string_view basis;  // the guideline and category used, or "assumption: ..."
};

struct CategoryHarmWeight {
  CrimeType crime_type = CrimeType::kOtherCrime;
  double days = 0;
  std::string_view basis;
};

const std::vector<OffenceHarmWeight>& OffenceHarmWeights();
const std::vector<CategoryHarmWeight>& CategoryHarmWeights();

// The weight of a record: its offence code's if the table has it, else its category's.
double HarmWeightDays(std::string_view offence_code, CrimeType crime_type);

}  // namespace harmlens
