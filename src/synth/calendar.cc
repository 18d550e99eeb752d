#include "synth/calendar.h"

namespace harmlens::synth {

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilDate date;
  date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  date.year = static_cast<int>(yoe + era * 400 + (date.month <= 2 ? 1 : 0));
  return date;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void AppendPadded(std::string* out, int64_t value, int width) {
  char buf[24];
  int n = 0;
  bool negative = value < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) out->push_back('-');
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

void AppendDate(std::string* out, int64_t day) {
  CivilDate d = CivilFromDays(day);
  AppendPadded(out, d.year, 4);
  out->push_back('-');
  AppendPadded(out, d.month, 2);
  out->push_back('-');
  AppendPadded(out, d.day, 2);
}

void AppendTimeOfDay(std::string* out, int64_t minute) {
  int64_t of_day = ((minute % 1440) + 1440) % 1440;
  AppendPadded(out, of_day / 60, 2);
  out->push_back(':');
  AppendPadded(out, of_day % 60, 2);
}

void AppendDateTime(std::string* out, int64_t minute) {
  int64_t day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  AppendDate(out, day);
  out->push_back('T');
  AppendTimeOfDay(out, minute);
}

void AppendMicroDegrees(std::string* out, int64_t micro) {
  if (micro < 0) {
    out->push_back('-');
    micro = -micro;
  }
  AppendPadded(out, micro / 1000000, 1);
  out->push_back('.');
  AppendPadded(out, micro % 1000000, 6);
}

}  // namespace harmlens::synth
