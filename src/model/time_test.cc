#include "model/time.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

// ---- ParseYearMonth -------------------------------------------------------------

TEST(ParseYearMonth, reads_a_well_formed_month) {
  std::optional<YearMonth> ym = ParseYearMonth("2022-10");
  ASSERT_TRUE(ym.has_value());
  EXPECT_EQ(ym->year, 2022);
  EXPECT_EQ(ym->month, 10);
}

TEST(ParseYearMonth, accepts_the_first_and_last_month_of_the_year) {
  EXPECT_EQ(ParseYearMonth("2018-01"), (YearMonth{2018, 1}));
  EXPECT_EQ(ParseYearMonth("2018-12"), (YearMonth{2018, 12}));
}

TEST(ParseYearMonth, accepts_the_documented_year_bounds_and_nothing_beyond) {
  EXPECT_EQ(ParseYearMonth("1900-01"), (YearMonth{1900, 1}));
  EXPECT_EQ(ParseYearMonth("2199-12"), (YearMonth{2199, 12}));
  EXPECT_FALSE(ParseYearMonth("1899-12").has_value());
  EXPECT_FALSE(ParseYearMonth("2200-01").has_value());
}

TEST(ParseYearMonth, rejects_month_00_and_month_13) {
  EXPECT_FALSE(ParseYearMonth("2022-00").has_value());
  EXPECT_FALSE(ParseYearMonth("2022-13").has_value());
}

TEST(ParseYearMonth, rejects_text_of_the_wrong_length) {
  EXPECT_FALSE(ParseYearMonth("").has_value());
  EXPECT_FALSE(ParseYearMonth("2022-1").has_value());
  EXPECT_FALSE(ParseYearMonth("2022-100").has_value());
  EXPECT_FALSE(ParseYearMonth("22-10").has_value());
  EXPECT_FALSE(ParseYearMonth("2022-10-01").has_value());
  EXPECT_FALSE(ParseYearMonth(" 2022-10").has_value());
}

TEST(ParseYearMonth, rejects_letters_and_other_separators) {
  EXPECT_FALSE(ParseYearMonth("2022-1a").has_value());
  EXPECT_FALSE(ParseYearMonth("20x2-10").has_value());
  EXPECT_FALSE(ParseYearMonth("abcd-ef").has_value());
  EXPECT_FALSE(ParseYearMonth("2022/10").has_value());
  EXPECT_FALSE(ParseYearMonth("2022 10").has_value());
  EXPECT_FALSE(ParseYearMonth("+022-10").has_value());
  EXPECT_FALSE(ParseYearMonth("2022--1").has_value());
}

TEST(YearMonth, prints_as_four_digit_year_and_two_digit_month) {
  EXPECT_EQ((YearMonth{2022, 3}).ToString(), "2022-03");
  EXPECT_EQ((YearMonth{1900, 12}).ToString(), "1900-12");
}

TEST(YearMonth, index_round_trips_and_orders_months_across_a_year_end) {
  YearMonth dec{2021, 12}, jan{2022, 1};
  EXPECT_EQ(jan.Index() - dec.Index(), 1);
  EXPECT_LT(dec, jan);
  EXPECT_EQ(YearMonth::FromIndex(dec.Index()), dec);
  EXPECT_EQ(YearMonth::FromIndex(jan.Index()), jan);
  EXPECT_EQ(YearMonth::FromIndex(dec.Index() + 1), jan);
}

// ---- DaysFromCivil ----------------------------------------------------------------
// Expected values were computed independently with GNU date:
//   echo $(( $(date -u -d 2022-10-01 +%s) / 86400 ))   -> 19266
// and likewise for every date below (seconds since the epoch at 00:00 UTC / 86400).

TEST(DaysFromCivil, puts_the_unix_epoch_at_day_zero) { EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0); }

TEST(DaysFromCivil, matches_gnu_date_for_known_dates) {
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);   // date -u -d 2000-03-01 +%s = 951868800
  EXPECT_EQ(DaysFromCivil(2022, 10, 1), 19266);  // date -u -d 2022-10-01 +%s = 1664582400
  EXPECT_EQ(DaysFromCivil(2199, 12, 1), 83975);  // date -u -d 2199-12-01 +%s / 86400
}

TEST(DaysFromCivil, counts_backwards_before_the_epoch) {
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);    // date -u -d 1969-12-31
  EXPECT_EQ(DaysFromCivil(1969, 12, 1), -31);    // date -u -d 1969-12-01
  EXPECT_EQ(DaysFromCivil(1968, 2, 29), -672);   // a leap day before the epoch
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), -25567);  // date -u -d 1900-01-01
}

TEST(DaysFromCivil, knows_2000_is_a_leap_year_and_1900_is_not) {
  EXPECT_EQ(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 1), 29);
  EXPECT_EQ(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 1), 28);
}

// ---- OccurredTime ---------------------------------------------------------------

TEST(OccurredTime, month_starts_at_the_first_minute_of_the_month) {
  OccurredTime t = OccurredTime::Month({2022, 10});
  EXPECT_EQ(t.local_minute, int64_t{19266} * 1440);
  EXPECT_EQ(t.precision, TimePrecision::kMonth);
}

TEST(OccurredTime, month_round_trips_for_every_month_from_1900_to_2199) {
  for (int year = 1900; year <= 2199; ++year) {
    for (int month = 1; month <= 12; ++month) {
      YearMonth ym{year, month};
      ASSERT_EQ(OccurredTime::Month(ym).month(), ym) << ym.ToString();
    }
  }
}

TEST(OccurredTime, the_last_minute_of_a_month_still_belongs_to_that_month) {
  for (YearMonth ym : {YearMonth{1969, 12}, YearMonth{1970, 1}, YearMonth{2020, 2}, YearMonth{2022, 12},
                       YearMonth{1900, 2}, YearMonth{1950, 6}}) {
    YearMonth next = YearMonth::FromIndex(ym.Index() + 1);
    int64_t last_minute = OccurredTime::Month(next).local_minute - 1;
    OccurredTime t{last_minute, TimePrecision::kMinute};
    EXPECT_EQ(t.month(), ym) << ym.ToString();
    OccurredTime first_of_next{last_minute + 1, TimePrecision::kMinute};
    EXPECT_EQ(first_of_next.month(), next) << next.ToString();
  }
}

TEST(OccurredTime, negative_minutes_fall_in_the_months_before_1970) {
  // Minute -1 is 1969-12-31 23:59; day -31 is 1969-12-01 (date -u -d 1969-12-01).
  EXPECT_EQ((OccurredTime{-1, TimePrecision::kMinute}).month(), (YearMonth{1969, 12}));
  EXPECT_EQ((OccurredTime{-31 * 1440, TimePrecision::kMinute}).month(), (YearMonth{1969, 12}));
  EXPECT_EQ((OccurredTime{-31 * 1440 - 1, TimePrecision::kMinute}).month(), (YearMonth{1969, 11}));
  // 1968-02-29 12:00, a leap day: day -672 (date -u -d 1968-02-29).
  EXPECT_EQ((OccurredTime{-672 * 1440 + 720, TimePrecision::kMinute}).month(), (YearMonth{1968, 2}));
  EXPECT_EQ((OccurredTime{int64_t{-25567} * 1440, TimePrecision::kDay}).month(), (YearMonth{1900, 1}));
}

TEST(TimePrecisionName, names_each_precision) {
  EXPECT_STREQ(TimePrecisionName(TimePrecision::kMonth), "month");
  EXPECT_STREQ(TimePrecisionName(TimePrecision::kDay), "day");
  EXPECT_STREQ(TimePrecisionName(TimePrecision::kMinute), "minute");
}

// ---- CivilDate, clock times, local date-times (partner formats) -----------------

TEST(ParseCivilDate, reads_a_real_date) {
  EXPECT_EQ(ParseCivilDate("2023-01-07"), (CivilDate{2023, 1, 7}));
  EXPECT_EQ(ParseCivilDate("1900-01-01"), (CivilDate{1900, 1, 1}));
  EXPECT_EQ(ParseCivilDate("2199-12-31"), (CivilDate{2199, 12, 31}));
}

TEST(ParseCivilDate, knows_which_years_have_a_29th_of_february) {
  EXPECT_TRUE(ParseCivilDate("2024-02-29").has_value());
  EXPECT_TRUE(ParseCivilDate("2000-02-29").has_value());   // divisible by 400
  EXPECT_FALSE(ParseCivilDate("2023-02-29").has_value());
  EXPECT_FALSE(ParseCivilDate("1900-02-29").has_value());  // divisible by 100, not 400
  EXPECT_FALSE(ParseCivilDate("2024-02-30").has_value());
}

TEST(ParseCivilDate, rejects_impossible_and_malformed_dates) {
  for (const char* text : {"2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00", "2023-01-32", "1899-12-31",
                           "2200-01-01", "2023-1-07", "2023/01/07", "07/01/2023", "2023-01-07T00:00", "",
                           " 2023-01-07", "2023-01-0x", "+023-01-07"}) {
    EXPECT_FALSE(ParseCivilDate(text).has_value()) << text;
  }
}

TEST(CivilDate, prints_and_counts_days_like_days_from_civil) {
  CivilDate d{2023, 1, 7};
  EXPECT_EQ(d.ToString(), "2023-01-07");
  EXPECT_EQ(d.DaysSinceEpoch(), DaysFromCivil(2023, 1, 7));
  EXPECT_EQ(CivilDate::FromDays(0), (CivilDate{1970, 1, 1}));
  // Every day from 1900 to 2199 round-trips.
  for (int64_t day = DaysFromCivil(1900, 1, 1); day <= DaysFromCivil(2199, 12, 31); day += 1) {
    CivilDate date = CivilDate::FromDays(day);
    ASSERT_EQ(date.DaysSinceEpoch(), day);
    ASSERT_EQ(ParseCivilDate(date.ToString()), date);
  }
}

TEST(ParseClockTime, reads_the_minute_of_the_day_from_00_00_to_23_59) {
  EXPECT_EQ(ParseClockTime("00:00"), 0);
  EXPECT_EQ(ParseClockTime("02:10"), 130);
  EXPECT_EQ(ParseClockTime("23:59"), 23 * 60 + 59);
  for (const char* text : {"24:00", "12:60", "2:10", "02:1", "0210", "02.10", "02:10:00", "", "ab:cd"}) {
    EXPECT_FALSE(ParseClockTime(text).has_value()) << text;
  }
}

TEST(ParseLocalDateTime, reads_date_t_time_to_the_minute_and_nothing_else) {
  EXPECT_EQ(ParseLocalDateTime("2023-01-06T23:41"), DaysFromCivil(2023, 1, 6) * 1440 + 23 * 60 + 41);
  EXPECT_EQ(ParseLocalDateTime("1970-01-01T00:00"), 0);
  for (const char* text : {"2023-01-06 23:41", "2023-01-06T23:41:00", "2023-01-06T23:41Z", "2023-02-30T10:00",
                           "2023-01-06T24:00", "2023-01-06", "2023-01-06T", ""}) {
    EXPECT_FALSE(ParseLocalDateTime(text).has_value()) << text;
  }
}

TEST(OccurredTime, a_window_keeps_its_end_and_every_other_time_ends_where_it_starts) {
  OccurredTime window = OccurredTime::Window(1000, 5000);
  EXPECT_EQ(window.precision, TimePrecision::kWindow);
  EXPECT_EQ(window.local_minute, 1000);
  EXPECT_EQ(window.end_minute(), 5000);
  EXPECT_EQ((OccurredTime{1000, TimePrecision::kMinute}).end_minute(), 1000);
  EXPECT_EQ(OccurredTime::Month({2022, 10}).end_minute(), OccurredTime::Month({2022, 10}).local_minute);
  EXPECT_NE(window, OccurredTime::Window(1000, 5001));
  EXPECT_STREQ(TimePrecisionName(TimePrecision::kWindow), "window");
}

}  // namespace
}  // namespace harmlens
