// Change over time on top of the query interface: weekly and monthly series with
// control-chart flags, a period compared with its baseline by an exact test suited to
// counts, and the day-of-week x hour matrix. Reads the IncidentTable only; thread-safe
// as RunQuery is. Definitions: docs/analysis.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/incident_table.h"
#include "engine/query.h"

namespace harmlens {

enum class SeriesStep : uint8_t { kWeek, kMonth };

struct SeriesPoint {
  std::string period;  // YYYY-MM, or the Monday of the week YYYY-MM-DD
  int64_t count = 0;
  // Control chart over the whole series: centre = mean count; limits = centre +/- 3
  // sqrt(phi * centre), phi = the quasi-Poisson dispersion (Pearson chi-square / (n - 1),
  // at least 1). A point outside is flagged.
  bool above = false;
  bool below = false;
};

struct Series {
  std::vector<SeriesPoint> points;  // every period from the first to the last, zeros included
  double centre = 0;
  double dispersion = 1;  // phi
  double lower = 0;       // max(0, centre - 3 sqrt(phi centre))
  double upper = 0;
  std::vector<std::string> notes;  // from the query, e.g. incidents too imprecise for a week
};

// The series of `query`'s incidents (its own group_by must be empty). The periods run
// from query.from/to when given, else from the first to the last period with an incident.
Result<Series> RunSeries(const IncidentTable& table, const Query& query, SeriesStep step,
                         const QueryOptions& options = {});

enum class Baseline : uint8_t {
  kSamePeriodLastYear,  // the same dates twelve months before
  kPrevious12Months,    // the twelve months before the period starts
};

struct Change {
  std::string period;  // "2023-01-01..2023-03-31" (inclusive)
  std::string baseline_period;
  int64_t count = 0;
  int64_t baseline_count = 0;
  double exposure_ratio = 1;  // days in the period / days in the baseline
  // (count / days) / (baseline_count / baseline days); nullopt when the baseline is 0.
  std::optional<double> rate_ratio;
  // Two-sided p-value of the exact conditional test of equal Poisson rates: given the
  // total n, count ~ Binomial(n, exposure / (1 + exposure)); probabilities no larger
  // than the observed one are summed (as R's poisson.test / binom.test).
  double p_value = 1;
};

// Compares the query's period [from, to) (both required) with its baseline.
Result<Change> CompareWithBaseline(const IncidentTable& table, const Query& query, Baseline baseline,
                                   const QueryOptions& options = {});

// The exact conditional test on its own: p-value for `a` events in exposure `ta`
// against `b` in `tb`.
double PoissonRatesPValue(int64_t a, double ta, int64_t b, double tb);

}  // namespace harmlens
