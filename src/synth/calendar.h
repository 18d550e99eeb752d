// Calendar arithmetic and fixed-width formatting for the generator: days since
// 1970-01-01 to civil dates and back, weekdays, and the exact text forms the partner
// formats use. Integer-only, so output is identical everywhere. Pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace harmlens::synth {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Howard Hinnant's civil_from_days, the inverse of model/time.h DaysFromCivil.
CivilDate CivilFromDays(int64_t days);
int DaysInMonth(int year, int month);
// 0 = Sunday .. 6 = Saturday.
inline int Weekday(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }

// Appends "YYYY-MM-DD".
void AppendDate(std::string* out, int64_t day);
// Appends "YYYY-MM-DDTHH:MM" for local minutes since 1970-01-01 00:00.
void AppendDateTime(std::string* out, int64_t minute);
// Appends "HH:MM" for the minute of its day.
void AppendTimeOfDay(std::string* out, int64_t minute);
// Appends an integer in decimal, zero-padded to `width` digits.
void AppendPadded(std::string* out, int64_t value, int width);
// Appends micro-degrees as a decimal with exactly six places: -1132160 -> "-1.132160".
void AppendMicroDegrees(std::string* out, int64_t micro);

}  // namespace harmlens::synth
