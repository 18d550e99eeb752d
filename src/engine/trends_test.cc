#include "engine/trends.h"

#include <gtest/gtest.h>

#include "engine/test_store.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

TEST(PoissonRatesPValue, matches_r_poisson_test) {
  // From tests/expected/engine_poisson_test.R (R 4.2.2 poisson.test).
  struct Case {
    int64_t a;
    double ta;
    int64_t b;
    double tb;
    double p;
  };
  const Case cases[] = {
      {30, 31, 18, 31, 0.1114028911},     {5, 90, 40, 365, 0.1888989708}, {0, 1, 7, 1, 0.015625},
      {120, 92, 100, 92, 0.200092229},    {14, 59, 9, 59, 0.4048728943},  {14, 31, 5, 31, 0.06356811523},
      {14, 31, 27, 365, 1.490258984e-06},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(PoissonRatesPValue(c.a, c.ta, c.b, c.tb), c.p, c.p * 1e-6) << c.a << " vs " << c.b;
  }
  EXPECT_EQ(PoissonRatesPValue(0, 1, 0, 1), 1);
}

// Two incidents a month through January to November 2023, fourteen in December, five
// in December 2022. Day numbers from GNU date.
class TrendData : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteStore(dir_.File("t.db"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    std::vector<Incident> incidents;
    int serial = 0;
    for (int month = 1; month <= 11; ++month) {
      int64_t day = DaysFromCivil(2023, month, 10);
      for (int k = 0; k < 2; ++k)
        incidents.push_back(testing::ExtractIncident(++serial, day * 1440 + 600 + k));
    }
    for (int k = 0; k < 14; ++k) {
      incidents.push_back(testing::ExtractIncident(++serial, DaysFromCivil(2023, 12, 1 + k) * 1440 + 1200));
    }
    for (int k = 0; k < 5; ++k) {
      incidents.push_back(testing::ExtractIncident(++serial, DaysFromCivil(2022, 12, 20 + k) * 1440 + 60));
    }
    testing::WriteLoad(store_.get(), incidents);
    auto table = testing::LoadEngineTable(store_.get());
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    table_ = std::move(*table);
  }
  ScratchDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IncidentTable> table_;
};

TEST_F(TrendData, monthly_series_fills_empty_months_and_flags_december) {
  auto query = ParseQueryArgs({"from=2023-01", "to=2023-12"});
  ASSERT_TRUE(query.ok());
  auto series = RunSeries(*table_, *query, SeriesStep::kMonth);
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  ASSERT_EQ(series->points.size(), 12u);
  EXPECT_EQ(series->points[0].period, "2023-01");
  EXPECT_EQ(series->points[11].count, 14);
  // By hand: mean 36/12 = 3; Pearson chi-square 11 * 1/3 + 121/3 = 44; phi = 44/11 = 4;
  // limits 3 +/- 3 * sqrt(4 * 3) = 3 +/- 10.392: only December (14) lies outside.
  EXPECT_DOUBLE_EQ(series->centre, 3);
  EXPECT_DOUBLE_EQ(series->dispersion, 4);
  EXPECT_NEAR(series->upper, 13.3923, 1e-4);
  EXPECT_EQ(series->lower, 0);
  for (size_t k = 0; k < 11; ++k) EXPECT_FALSE(series->points[k].above) << k;
  EXPECT_TRUE(series->points[11].above);

  auto whole = ParseQueryArgs({"from=2022-11", "to=2023-02"});
  auto gaps = RunSeries(*table_, *whole, SeriesStep::kMonth);
  ASSERT_TRUE(gaps.ok());
  ASSERT_EQ(gaps->points.size(), 4u);
  EXPECT_EQ(gaps->points[0].count, 0);  // November 2022: nothing, still a point
  EXPECT_EQ(gaps->points[1].count, 5);
}

TEST_F(TrendData, weekly_series_starts_on_mondays) {
  auto query = ParseQueryArgs({"from=2023-12-01", "to=2023-12-14"});
  auto series = RunSeries(*table_, *query, SeriesStep::kWeek);
  ASSERT_TRUE(series.ok());
  // 1 December 2023 is a Friday (GNU date): weeks of 27 Nov (1-3 Dec: 3), 4 Dec (7), 11 Dec (11-14: 4).
  ASSERT_EQ(series->points.size(), 3u);
  EXPECT_EQ(series->points[0].period, "2023-11-27");
  EXPECT_EQ(series->points[0].count, 3);
  EXPECT_EQ(series->points[1].count, 7);
  EXPECT_EQ(series->points[2].count, 4);
}

TEST_F(TrendData, compares_a_month_with_last_year_and_with_the_previous_twelve_months) {
  auto query = ParseQueryArgs({"from=2023-12", "to=2023-12"});
  auto last_year = CompareWithBaseline(*table_, *query, Baseline::kSamePeriodLastYear);
  ASSERT_TRUE(last_year.ok()) << last_year.status().ToString();
  EXPECT_EQ(last_year->baseline_period, "2022-12-01..2022-12-31");
  EXPECT_EQ(last_year->count, 14);
  EXPECT_EQ(last_year->baseline_count, 5);
  EXPECT_DOUBLE_EQ(*last_year->rate_ratio, 14.0 / 5.0);
  EXPECT_NEAR(last_year->p_value, 0.06356811523, 1e-9);  // R poisson.test(c(14, 5), c(31, 31))

  auto previous = CompareWithBaseline(*table_, *query, Baseline::kPrevious12Months);
  ASSERT_TRUE(previous.ok());
  EXPECT_EQ(previous->baseline_period, "2022-12-01..2023-11-30");
  EXPECT_EQ(previous->baseline_count, 27);                 // 5 + 11 * 2
  EXPECT_NEAR(previous->p_value, 1.490258984e-06, 1e-12);  // R poisson.test(c(14, 27), c(31, 365))

  auto open = CompareWithBaseline(*table_, *ParseQueryArgs({"from=2023-12"}), Baseline::kPrevious12Months);
  EXPECT_FALSE(open.ok());
}

}  // namespace
}  // namespace harmlens
