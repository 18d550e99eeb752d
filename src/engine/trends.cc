#include "engine/trends.h"

#include <algorithm>
#include <cmath>

namespace harmlens {
namespace {

constexpr int64_t kMinutesPerDay = 1440;

std::string DayLabel(int64_t minute) { return CivilDate::FromDays(minute / kMinutesPerDay).ToString(); }

Result<int64_t> CountIn(const IncidentTable& table, Query query, int64_t from, int64_t to,
                        const QueryOptions& options) {
  query.from_minute = from;
  query.to_minute = to;
  query.group_by.clear();
  query.measures = {Measure::kCount};
  query.top = 0;
  HL_ASSIGN_OR_RETURN(QueryResult result, RunQuery(table, query, options));
  return result.incidents;
}

// Minutes of the first instant of the month `months` after the one holding `minute`.
int64_t ShiftMonths(int64_t minute, int months) {
  CivilDate d = CivilDate::FromDays(minute / kMinutesPerDay);
  int index = d.year * 12 + (d.month - 1) + months;
  YearMonth ym = YearMonth::FromIndex(index);
  // Keep the day of the month where it exists (29 February -> 28 February).
  int day = d.day;
  while (day > 28) {
    CivilDate probe{ym.year, ym.month, day};
    if (CivilDate::FromDays(probe.DaysSinceEpoch()) == probe) break;
    --day;
  }
  return DaysFromCivil(ym.year, ym.month, day) * kMinutesPerDay + minute % kMinutesPerDay;
}

}  // namespace

double PoissonRatesPValue(int64_t a, double ta, int64_t b, double tb) {
  const int64_t n = a + b;
  if (n == 0) return 1;
  const double p = ta / (ta + tb);
  if (p <= 0 || p >= 1) return 1;
  auto log_pmf = [&](int64_t k) {
    return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) -
           std::lgamma(static_cast<double>(n - k) + 1) + static_cast<double>(k) * std::log(p) +
           static_cast<double>(n - k) * std::log1p(-p);
  };
  const double observed = log_pmf(a);
  // R's relative tolerance for "no more likely than observed" (binom.test: 1 + 1e-7).
  const double threshold = observed + std::log1p(1e-7);
  double total = 0;
  for (int64_t k = 0; k <= n; ++k) {
    double lp = log_pmf(k);
    if (lp <= threshold) total += std::exp(lp);
  }
  return std::min(1.0, total);
}

Result<Series> RunSeries(const IncidentTable& table, const Query& query, SeriesStep step,
                         const QueryOptions& options) {
  if (!query.group_by.empty()) {
    return Status::InvalidArgument("a series groups by time itself: drop \"by\" from the query");
  }
  Query grouped = query;
  grouped.group_by = {step == SeriesStep::kMonth ? Dimension::kMonth : Dimension::kWeek};
  grouped.measures = {Measure::kCount};
  grouped.top = 0;
  HL_ASSIGN_OR_RETURN(QueryResult result, RunQuery(table, grouped, options));
  Series series;
  series.notes = result.notes;
  // Periods as day numbers (week: its Monday) or month indices, to fill the gaps.
  std::vector<std::pair<int64_t, int64_t>> counted;  // (period key, count)
  for (const ResultRow& row : result.rows) {
    const std::string& label = row.keys[0];
    if (label.front() == '(') continue;  // not placed in a single period: in the notes
    if (step == SeriesStep::kMonth) {
      counted.emplace_back(ParseYearMonth(label)->Index(), row.count);
    } else {
      counted.emplace_back(ParseCivilDate(label)->DaysSinceEpoch(), row.count);
    }
  }
  auto key_of_minute = [&](int64_t minute) -> int64_t {
    int64_t day = minute / kMinutesPerDay;
    if (step == SeriesStep::kMonth)
      return CivilDate::FromDays(day).year * 12 + CivilDate::FromDays(day).month - 1;
    return day - ((day % 7 + 7 + 3) % 7);
  };
  int64_t first = counted.empty() ? 0 : counted.front().first;
  int64_t last = counted.empty() ? -1 : counted.back().first;
  if (query.from_minute) first = key_of_minute(*query.from_minute);
  if (query.to_minute) last = key_of_minute(*query.to_minute - 1);
  const int64_t stride = step == SeriesStep::kMonth ? 1 : 7;
  size_t at = 0;
  for (int64_t key = first; key <= last; key += stride) {
    SeriesPoint point;
    point.period = step == SeriesStep::kMonth ? YearMonth::FromIndex(static_cast<int>(key)).ToString()
                                              : CivilDate::FromDays(key).ToString();
    while (at < counted.size() && counted[at].first < key) ++at;
    if (at < counted.size() && counted[at].first == key) point.count = counted[at].second;
    series.points.push_back(point);
  }
  const size_t n = series.points.size();
  if (n == 0) return series;
  double sum = 0;
  for (const SeriesPoint& p : series.points) sum += static_cast<double>(p.count);
  series.centre = sum / static_cast<double>(n);
  if (n > 1 && series.centre > 0) {
    double chi2 = 0;
    for (const SeriesPoint& p : series.points) {
      double d = static_cast<double>(p.count) - series.centre;
      chi2 += d * d / series.centre;
    }
    series.dispersion = std::max(1.0, chi2 / static_cast<double>(n - 1));
  }
  double half = 3 * std::sqrt(series.dispersion * series.centre);
  series.lower = std::max(0.0, series.centre - half);
  series.upper = series.centre + half;
  for (SeriesPoint& p : series.points) {
    p.above = static_cast<double>(p.count) > series.upper;
    p.below = static_cast<double>(p.count) < series.lower;
  }
  if (n < 12) {
    series.notes.push_back("fewer than 12 periods: the control limits rest on little data");
  }
  return series;
}

Result<Change> CompareWithBaseline(const IncidentTable& table, const Query& query, Baseline baseline,
                                   const QueryOptions& options) {
  if (!query.from_minute || !query.to_minute) {
    return Status::InvalidArgument("a change against a baseline needs the period: give both from= and to=");
  }
  const int64_t from = *query.from_minute, to = *query.to_minute;
  int64_t base_from = 0, base_to = 0;
  if (baseline == Baseline::kSamePeriodLastYear) {
    base_from = ShiftMonths(from, -12);
    base_to = ShiftMonths(to, -12);
  } else {
    base_from = ShiftMonths(from, -12);
    base_to = from;
  }
  Change change;
  change.period = DayLabel(from) + ".." + DayLabel(to - 1);
  change.baseline_period = DayLabel(base_from) + ".." + DayLabel(base_to - 1);
  HL_ASSIGN_OR_RETURN(change.count, CountIn(table, query, from, to, options));
  HL_ASSIGN_OR_RETURN(change.baseline_count, CountIn(table, query, base_from, base_to, options));
  const double days = static_cast<double>(to - from) / kMinutesPerDay;
  const double base_days = static_cast<double>(base_to - base_from) / kMinutesPerDay;
  change.exposure_ratio = days / base_days;
  if (change.baseline_count > 0) {
    change.rate_ratio =
        (static_cast<double>(change.count) / days) / (static_cast<double>(change.baseline_count) / base_days);
  }
  change.p_value = PoissonRatesPValue(change.count, days, change.baseline_count, base_days);
  return change;
}

}  // namespace harmlens
