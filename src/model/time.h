// When an incident happened, and how precisely we know it. police.uk gives only a
// month, the police extract a minute, a day or a window, A&E a date and time of the
// assault or of arrival; analysis must never pretend to more precision than the source
// had. Also the strict readers of the date and time forms partner files use. Plain
// values, no I/O.
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
  kWindow = 3,  // at an unknown moment from the start to the end of a window, both
                // inclusive (police extract `window`, e.g. a burglary while away)
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

// A calendar date, e.g. 2023-01-07. Ordered.
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31

  int64_t DaysSinceEpoch() const { return DaysFromCivil(year, month, day); }
  static CivilDate FromDays(int64_t days_since_epoch);
  std::string ToString() const;  // "2023-01-07"
  bool operator==(const CivilDate&) const = default;
  auto operator<=>(const CivilDate&) const = default;
};

// Strict "YYYY-MM-DD": a real calendar date (29 February only in leap years), year
// 1900..2199; nullopt otherwise.
std::optional<CivilDate> ParseCivilDate(std::string_view text);
// Strict 24-hour "HH:MM", 00:00..23:59: the minute of the day; nullopt otherwise.
std::optional<int> ParseClockTime(std::string_view text);
// Strict "YYYY-MM-DDTHH:MM" (no seconds, no offset) as local civil minutes since
// 1970-01-01 00:00; nullopt unless both parts are as above.
std::optional<int64_t> ParseLocalDateTime(std::string_view text);

// Local civil time (UK wall clock, as partners record it), minutes since 1970-01-01
// 00:00, with the precision the source gave. For kMonth the value is the first minute
// of the month; for kDay the first minute of the day; for kWindow the window's start.
// The window's end is kept as its length, so that every time built as {minute,
// precision} has end_minute() == local_minute.
struct OccurredTime {
  int64_t local_minute = 0;
  TimePrecision precision = TimePrecision::kMonth;
  int64_t window_minutes = 0;  // kWindow: end minus start (> 0); 0 for every other precision

  static OccurredTime Month(YearMonth ym) {
    return {DaysFromCivil(ym.year, ym.month, 1) * 1440, TimePrecision::kMonth};
  }
  // From `from` to `to`, both inclusive local minutes; `to` must be after `from`.
  static OccurredTime Window(int64_t from, int64_t to) { return {from, TimePrecision::kWindow, to - from}; }
  // The last minute it may have happened: the window's end, or local_minute.
  int64_t end_minute() const { return local_minute + window_minutes; }
  YearMonth month() const;
  bool operator==(const OccurredTime&) const = default;
};

}  // namespace harmlens
