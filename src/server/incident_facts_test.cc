#include "server/incident_facts.h"

#include <gtest/gtest.h>

#include "server/server_test_data.h"

namespace harmlens {
namespace {

using testing::FactsOf;
using testing::IncidentSpec;
using testing::kBlaby;
using testing::kBlaby002A;
using testing::kLeicester;
using testing::kLeicester041A;
using testing::MakeIncident;
using testing::TestGeography;

Deadline Far() { return std::chrono::steady_clock::now() + std::chrono::hours(1); }

TEST(IncidentFact, takes_day_of_week_and_hour_from_a_minute_and_leaves_them_unknown_for_a_month) {
  // 2023-01-07 was a Saturday (calendar); 22:30 is in hour 22.
  IncidentFact fact = FactOf(
      MakeIncident(
          {.lsoa = kBlaby002A, .csp = kBlaby, .year = 2023, .month = 1, .day = 7, .minute = 22 * 60 + 30}),
      TestGeography());
  EXPECT_EQ(fact.day, 5);
  EXPECT_EQ(fact.hour, 22);
  EXPECT_EQ(fact.month, (YearMonth{2023, 1}.Index()));
  EXPECT_EQ(TestGeography().lsoas()[fact.lsoa].code, kBlaby002A);
  EXPECT_EQ(fact.csp, 2);  // Blaby is the third LLR area in code order

  IncidentFact day_only = FactOf(MakeIncident({.year = 1969, .month = 12, .day = 31}), TestGeography());
  EXPECT_EQ(day_only.day, 2);  // 1969-12-31 was a Wednesday: days before the epoch count back correctly
  EXPECT_EQ(day_only.hour, -1);
  EXPECT_EQ(day_only.csp, kCspSlotNoLocation);

  IncidentFact month_only = FactOf(MakeIncident({.lsoa = kBlaby002A, .csp = kBlaby}), TestGeography());
  EXPECT_EQ(month_only.day, -1);
  EXPECT_EQ(month_only.hour, -1);
}

TEST(IncidentFact, groups_victim_ages_and_never_guesses_a_band_that_straddles_a_boundary) {
  auto victim_group = [](AgeRange age) {
    return static_cast<AgeGroup>(FactOf(MakeIncident({.victim_age = age}), TestGeography()).victim & 0xF);
  };
  EXPECT_EQ(victim_group({15, 17}), AgeGroup::kUnder18);
  EXPECT_EQ(victim_group({18, 24}), AgeGroup::k18To24);
  EXPECT_EQ(victim_group(AgeRange::Exact(24)), AgeGroup::k18To24);
  EXPECT_EQ(victim_group(AgeRange::Exact(25)), AgeGroup::k25AndOver);
  EXPECT_EQ(victim_group({15, 24}), AgeGroup::kUnknown);
  EXPECT_EQ(victim_group({20, 29}), AgeGroup::kUnknown);
  EXPECT_EQ(FactOf(MakeIncident({}), TestGeography()).victim & 0xF, 0);  // no victim recorded
}

TEST(IncidentFacts, counts_by_area_lsoa_and_day_hour_with_what_cannot_be_grouped_counted_apart) {
  auto facts = FactsOf({
      {.lsoa = kBlaby002A, .csp = kBlaby, .day = 3, .minute = 60},             // Mon 2022-01-03 01:xx
      {.lsoa = kBlaby002A, .csp = kBlaby, .day = 3, .minute = 90},             // same hour
      {.lsoa = kLeicester041A, .csp = kLeicester, .type = CrimeType::kDrugs},  // month only
      {.lsoa = "", .csp = ""},                                                 // no location
  });
  auto by_csp = facts->Count({}, GroupBy::kCspArea, Far());
  ASSERT_TRUE(by_csp);
  EXPECT_EQ(by_csp->matched, 4);
  EXPECT_EQ(by_csp->rows, (std::vector<std::pair<int, int64_t>>{{0, 1}, {2, 2}, {kCspSlotNoLocation, 1}}));

  auto by_lsoa = facts->Count({}, GroupBy::kLsoa, Far());
  ASSERT_TRUE(by_lsoa);
  EXPECT_EQ(by_lsoa->rows.size(), 2u);
  EXPECT_EQ(by_lsoa->not_grouped, 1);  // the one with no location

  auto by_day_hour = facts->Count({}, GroupBy::kDayHour, Far());
  ASSERT_TRUE(by_day_hour);
  EXPECT_EQ(by_day_hour->rows, (std::vector<std::pair<int, int64_t>>{{0 * 24 + 1, 2}}));  // Monday 01:00
  EXPECT_EQ(by_day_hour->not_grouped, 2);

  AnalysisFilter drugs;
  drugs.crime_types = 1u << static_cast<int>(CrimeType::kDrugs);
  auto only_drugs = facts->Count(drugs, GroupBy::kTotal, Far());
  ASSERT_TRUE(only_drugs);
  EXPECT_EQ(only_drugs->matched, 1);

  AnalysisFilter deprived;  // Leicester 041A is decile 3, Blaby 002A decile 8
  deprived.imd_deciles = 1u << 3;
  EXPECT_EQ(facts->Count(deprived, GroupBy::kTotal, Far())->matched, 1);
}

TEST(IncidentFacts, lists_months_with_data_per_source_so_a_gap_is_not_a_zero) {
  auto facts = FactsOf({{.month = 1}, {.month = 3}, {.source = Agency::kEmergencyDepartment, .month = 2}});
  EXPECT_EQ(facts->MonthsWithData(0),
            (std::vector<int>{(YearMonth{2022, 1}.Index()), (YearMonth{2022, 3}.Index())}));
  EXPECT_EQ(facts->MonthsWithData(2), (std::vector<int>{(YearMonth{2022, 2}.Index())}));
  EXPECT_TRUE(facts->MonthsWithData(1).empty());
}

TEST(IncidentFacts, gives_up_when_the_deadline_has_passed) {
  auto facts = FactsOf({{.month = 1}});
  EXPECT_FALSE(facts->Count({}, GroupBy::kTotal, std::chrono::steady_clock::now() - std::chrono::seconds(1)));
}

}  // namespace
}  // namespace harmlens
