// When an incident happened, and how precisely we know it. police.uk gives only a
// month, the police extract a minute, A&E a date and time of arrival; analysis must
// never pretend to more precision than the source had. Plain values, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harmlens {

enum class TimePrecision : uint8_t {
  kMonth = 0,   // only the calendar month is known (police.uk)
  kDay = 1,     // the date is known, the time of day is not
  kMinute = 2,  // date and time of day to the minute
};

const char* TimePrecisionName(TimePrecision precision);

// A calendar month, e.g. 2022-10. Ordered; Index() counts months since year 0.
struct YearMonth {
  int year = 0;
  int month = 0;  // 1..12

  int Index() const { return year * 12 + (month - 1); }
  static YearMonth FromIndex(int index) { return {index / 12, index % 12 + 1}; }
  std::string ToString() const;  // "2022-10"
  bool operator==(const YearMonth&) const = default;
  auto operator<=>(const YearMonth&) const = default;
};

// Strict "YYYY-MM" with a month 01..12 and a year 1900..2199; nullopt otherwise.
std::optional<YearMonth> ParseYearMonth(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int year, int month, int day);

// Local civil time (UK wall clock, as partners record it), minutes since 1970-01-01
// 00:00, with the precision the source gave. For kMonth the value is the first minute
// of the month; for kDay the first minute of the day.
struct OccurredTime {
  int64_t local_minute = 0;
  TimePrecision precision = TimePrecision::kMonth;

  static OccurredTime Month(YearMonth ym) {
    return {DaysFromCivil(ym.year, ym.month, 1) * 1440, TimePrecision::kMonth};
  }
  YearMonth month() const;
  bool operator==(const OccurredTime&) const = default;
};

}  // namespace harmlens
