// Recorded-crime rates for the synthetic LLR, computed from the bundled real police.uk
// street-level files at generation time: the mean monthly count per LSOA and crime type,
// and each crime type's seasonality by calendar month. Rows without an LSOA or with an
// LSOA outside LLR are counted but not used (they cannot be placed). Plain values.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/crime_type.h"

namespace harmlens::synth {

// The set the rates come from, relative to the data directory.
inline constexpr std::string_view kPoliceUkRatesSet = "police-uk/leicestershire-2021-04_2022-10";

struct PoliceUkRates {
  int months = 0;                    // distinct months read
  int64_t rows_read = 0;             // data rows in the files
  int64_t rows_used = 0;             // rows with an LLR LSOA
  // per_month[lsoa][type - 1]: mean recorded count per month.
  std::vector<std::array<double, kCrimeTypeCount>> per_month;
  // seasonality[type - 1][month - 1]: the calendar month's mean count over the mean
  // month; averages 1 over the year.
  std::array<std::array<double, 12>, kCrimeTypeCount> seasonality{};
};

// Reads every *.csv under `folder` (police.uk street-level header required).
Result<PoliceUkRates> ComputePoliceUkRates(Env* env, const std::string& folder, const ReferenceGeography& geography);

}  // namespace harmlens::synth
