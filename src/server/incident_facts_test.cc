#include "server/incident_facts.h"

#include <gtest/gtest.h>

#include <random>

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
  const Deadline past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  EXPECT_FALSE(facts->Count({}, GroupBy::kTotal, past));
  EXPECT_FALSE(facts->CountByScan({}, GroupBy::kTotal, past));
  AnalysisFilter knives;  // the row scan's path
  knives.weapons = 1u << 2;
  EXPECT_FALSE(facts->Count(knives, GroupBy::kTotal, past));
}

// Random facts over a small world, so that most cells of the pre-aggregated counts are
// filled, some fields are unknown and a CSP label sometimes disagrees with the LSOA.
std::vector<IncidentFact> RandomFacts(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int lsoa_count = static_cast<int>(TestGeography().lsoas().size());
  const int first_month = YearMonth{2021, 1}.Index();
  std::vector<IncidentFact> facts;
  for (size_t i = 0; i < n; ++i) {
    IncidentFact f;
    f.month = first_month + (uniform(0, 99) == 0 ? uniform(-40, 60) : uniform(0, 23));
    f.lsoa = static_cast<int16_t>(uniform(0, 9) == 0   ? -1
                                  : uniform(0, 3) == 0 ? uniform(0, lsoa_count - 1)
                                                       : uniform(0, 29));
    f.csp = static_cast<uint8_t>(uniform(0, kCspSlotCount - 1));
    if (f.lsoa >= 0 && uniform(0, 9) != 0) {
      const std::string& code = TestGeography().lsoas()[static_cast<size_t>(f.lsoa)].csp_area;
      for (int a = 0; a < kCspAreaCount; ++a) {
        if (LlrCspAreas()[a].code == code) f.csp = static_cast<uint8_t>(a);
      }
    }
    f.behaviours = static_cast<uint16_t>(uniform(0, 3) == 0 ? uniform(0, 0xFFFF) : 0);
    f.crime_type = static_cast<uint8_t>(uniform(0, 14));
    f.source = static_cast<uint8_t>(uniform(0, 2));
    f.day = static_cast<int8_t>(uniform(-1, 6));
    f.hour = static_cast<int8_t>(f.day >= 0 && uniform(0, 3) != 0 ? uniform(0, 23) : -1);
    f.weapon = static_cast<uint8_t>(uniform(0, 4));
    f.victim = static_cast<uint8_t>(uniform(0, 3) | uniform(0, 3) << 4);
    f.perpetrator = static_cast<uint8_t>(uniform(0, 3) | uniform(0, 3) << 4);
    facts.push_back(f);
  }
  return facts;
}

// A random filter; with `cube_only`, only the parts the pre-aggregated counts can apply.
AnalysisFilter RandomFilter(std::mt19937& rng, bool cube_only) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto mask = [&](int values) {
    uint32_t m = 0;
    const int picks = uniform(1, 3);
    for (int i = 0; i < picks; ++i) m |= 1u << uniform(0, values - 1);
    return m;
  };
  auto sometimes = [&] { return uniform(0, 2) == 0; };
  AnalysisFilter f;
  const int first_month = YearMonth{2021, 1}.Index();
  if (sometimes()) f.from_month = first_month + uniform(-3, 24);
  if (sometimes()) f.to_month = (f.from_month ? *f.from_month : first_month) + uniform(0, 12);
  if (sometimes()) f.crime_types = mask(15);
  if (sometimes()) f.sources = mask(3);
  if (sometimes()) f.csp_slots = mask(kCspSlotCount);
  const bool place = uniform(0, 1) == 0;  // the LSOA parts and the day-hour parts are in different cubes
  if (place || !cube_only) {
    if (uniform(0, 3) == 0) f.lsoa = uniform(0, 3) == 0 ? uniform(0, 610) : uniform(0, 29);
    if (uniform(0, 3) == 0) f.imd_deciles = mask(11);
  }
  if (!place || !cube_only) {
    if (uniform(0, 3) == 0) f.days = mask(7);
    if (uniform(0, 3) == 0) f.hours = mask(24);
  }
  if (!cube_only) {
    if (uniform(0, 3) == 0) f.behaviours = mask(16);
    if (uniform(0, 3) == 0) f.weapons = mask(5);
    if (uniform(0, 3) == 0) f.victim_ages = mask(4);
    if (uniform(0, 5) == 0) f.perpetrator_sexes = mask(4);
  }
  return f;
}

TEST(IncidentFacts, pre_aggregated_counts_equal_the_row_scan_for_every_grouping_and_many_filters) {
  // Differential: the fast path against the plain scan of the same rows, never against
  // hand-written answers.
  IncidentFacts facts(RandomFacts(20000, 7), TestGeography());
  std::mt19937 rng(11);
  int from_cube = 0;
  int compared = 0;
  for (int round = 0; round < 300; ++round) {
    const AnalysisFilter filter = RandomFilter(rng, /*cube_only=*/round % 4 != 0);
    for (GroupBy group : {GroupBy::kTotal, GroupBy::kCspArea, GroupBy::kLsoa, GroupBy::kMonth,
                          GroupBy::kCrimeType, GroupBy::kBehaviour, GroupBy::kSource, GroupBy::kDayHour,
                          GroupBy::kImdDecile, GroupBy::kVictimAge, GroupBy::kPerpetratorAge}) {
      SCOPED_TRACE("round " + std::to_string(round) + " group " + std::to_string(static_cast<int>(group)) +
                   " filter " + filter.Key());
      auto fast = facts.Count(filter, group, Far());
      auto scan = facts.CountByScan(filter, group, Far());
      ASSERT_TRUE(fast && scan);
      EXPECT_EQ(fast->rows, scan->rows);
      EXPECT_EQ(fast->matched, scan->matched);
      EXPECT_EQ(fast->not_grouped, scan->not_grouped);
      from_cube += facts.CountsFromCube(filter, group);
      ++compared;
    }
  }
  // Most of the comparisons went through the pre-aggregated counts (else this tests little).
  EXPECT_GT(from_cube, compared / 3);
}

TEST(IncidentFacts, answers_the_dashboards_own_questions_from_the_pre_aggregated_counts) {
  IncidentFacts facts(RandomFacts(1000, 3), TestGeography());
  AnalysisFilter map;  // the map: one crime type, one area, one month, by LSOA
  map.crime_types = 1u << 2;
  map.csp_slots = 1u << 4;
  map.from_month = map.to_month = YearMonth{2021, 5}.Index();
  EXPECT_TRUE(facts.CountsFromCube(map, GroupBy::kLsoa));
  EXPECT_TRUE(facts.CountsFromCube(map, GroupBy::kMonth));  // the trend
  AnalysisFilter heat = map;                                // the day x hour heat map of the extract
  heat.sources = 1u << 1;
  EXPECT_TRUE(facts.CountsFromCube(heat, GroupBy::kDayHour));
  AnalysisFilter drill;  // drill-down: one LSOA by crime type
  drill.lsoa = 5;
  EXPECT_TRUE(facts.CountsFromCube(drill, GroupBy::kCrimeType));
  AnalysisFilter knives;  // a weapon is in no cube: scanned
  knives.weapons = 1u << 2;
  EXPECT_FALSE(facts.CountsFromCube(knives, GroupBy::kMonth));
  EXPECT_FALSE(facts.CountsFromCube({}, GroupBy::kBehaviour));
}

TEST(IncidentFacts, counts_nothing_without_facts) {
  IncidentFacts facts({}, TestGeography());
  auto total = facts.Count({}, GroupBy::kMonth, Far());
  ASSERT_TRUE(total);
  EXPECT_EQ(total->matched, 0);
  EXPECT_TRUE(total->rows.empty());
}

}  // namespace
}  // namespace harmlens
