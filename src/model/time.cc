#include "model/time.h"

#include <cstdio>

namespace harmlens {

const char* TimePrecisionName(TimePrecision precision) {
  switch (precision) {
    case TimePrecision::kMonth: return "month";
    case TimePrecision::kDay: return "day";
    case TimePrecision::kMinute: return "minute";
    case TimePrecision::kWindow: return "window";
  }
  return "unknown";
}

std::string YearMonth::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::optional<YearMonth> ParseYearMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  if (text[5] < '0' || text[5] > '9' || text[6] < '0' || text[6] > '9') return std::nullopt;
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12 || year < 1900 || year > 2199) return std::nullopt;
  return YearMonth{year, month};
}

namespace {

// Reads exactly `n` ASCII digits at text[at..]; -1 if any is not a digit.
int Digits(std::string_view text, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<CivilDate> ParseCivilDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > DaysInMonth(year, month)) return std::nullopt;
  return CivilDate{year, month, day};
}

std::optional<int> ParseClockTime(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  int hour = Digits(text, 0, 2), minute = Digits(text, 3, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return std::nullopt;
  return hour * 60 + minute;
}

std::optional<int64_t> ParseLocalDateTime(std::string_view text) {
  if (text.size() != 16 || text[10] != 'T') return std::nullopt;
  std::optional<CivilDate> date = ParseCivilDate(text.substr(0, 10));
  std::optional<int> time = ParseClockTime(text.substr(11));
  if (!date || !time) return std::nullopt;
  return date->DaysSinceEpoch() * 1440 + *time;
}

std::string CivilDate::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

CivilDate CivilDate::FromDays(int64_t days_since_epoch) {
  // Howard Hinnant's civil_from_days.
  int64_t z = days_since_epoch + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(m <= 2 ? y + 1 : y), static_cast<int>(m), static_cast<int>(d)};
}

int64_t DaysFromCivil(int year, int month, int day) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

YearMonth OccurredTime::month() const {
  int64_t z = (local_minute >= 0 ? local_minute : local_minute - 1439) / 1440 + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(m <= 2 ? y + 1 : y), static_cast<int>(m)};
}

}  // namespace harmlens
