#include "spatial/knox.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace harmlens {
namespace {

std::vector<KnoxEvent> RandomEvents(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> x(450000, 456000), y(300000, 306000);
  std::uniform_int_distribution<int64_t> t(0, 364);
  std::vector<KnoxEvent> ev;
  for (int i = 0; i < n; ++i) ev.push_back({{x(rng), y(rng)}, t(rng)});
  return ev;
}

TEST(KnoxLabels, say_exactly_which_whole_units_each_band_holds) {
  KnoxOptions o;
  o.distance_band = 100;
  o.distance_bands = 3;
  o.time_band = 7;
  o.time_bands = 4;
  EXPECT_EQ(KnoxDistanceLabel(o, 0), "0 to <100 m");
  EXPECT_EQ(KnoxDistanceLabel(o, 2), "200 to <300 m");
  EXPECT_EQ(KnoxDistanceLabel(o, 3), "300 m or more");
  EXPECT_EQ(KnoxTimeLabel(o, 0), "0-6 days");
  EXPECT_EQ(KnoxTimeLabel(o, 1), "7-13 days");
  EXPECT_EQ(KnoxTimeLabel(o, 4), "28 days or more");
  o.unit = KnoxTimeUnit::kMonth;
  o.time_band = 1;
  EXPECT_EQ(KnoxTimeLabel(o, 0), "0 months (same month)");
  EXPECT_EQ(KnoxTimeLabel(o, 1), "1 month");
  EXPECT_EQ(KnoxTimeLabel(o, 2), "2 months");
  EXPECT_EQ(KnoxTimeLabel(o, 4), "4 months or more");
}

// Four events by hand: A(0,0,t0) B(50,0,t3) C(0,150,t7) D(1000,0,t7).
// Pairs: AB 50 m 3 d; AC 150 m 7 d; AD 1000 m 7 d; BC 158.1 m 4 d; BD 950 m 4 d; CD
// 1011.2 m 0 d. With 100 m × 2 bands and 7-day × 1 band: [0,100) m: AB in 0-6 days;
// [100,200) m: BC in 0-6 days, AC in 7+ days; 200 m or more: CD, BD in 0-6, AD in 7+.
TEST(KnoxTest, counts_pairs_into_the_bands_by_hand) {
  std::vector<KnoxEvent> ev = {{{0, 0}, 0}, {{50, 0}, 3}, {{0, 150}, 7}, {{1000, 0}, 7}};
  KnoxOptions o;
  o.distance_band = 100;
  o.distance_bands = 2;
  o.time_band = 7;
  o.time_bands = 1;
  o.permutations = 19;
  auto r = KnoxTest(ev, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->cells.size(), 6u);
  std::vector<int64_t> expected = {1, 0, 1, 1, 2, 1};
  for (size_t c = 0; c < 6; ++c) EXPECT_EQ(r->cells[c].observed, expected[c]) << c;
  EXPECT_EQ(r->pairs, 6);
  EXPECT_EQ(r->close_pairs, 3);
  EXPECT_EQ(r->cells[0].distance, "0 to <100 m");
  EXPECT_EQ(r->cells[0].time, "0-6 days");
  EXPECT_EQ(r->cells[5].distance, "200 m or more");
  EXPECT_EQ(r->cells[5].time, "7 days or more");
}

// Observed counts against an O(n²) count of every pair; observed and expected each add
// up to n(n−1)/2 over the table.
TEST(KnoxTest, observed_counts_equal_a_count_of_every_pair) {
  std::vector<KnoxEvent> ev = RandomEvents(600, 3);
  KnoxOptions o;
  o.distance_band = 150;
  o.distance_bands = 4;
  o.time_band = 10;
  o.time_bands = 3;
  o.permutations = 49;
  auto r = KnoxTest(ev, o);
  ASSERT_TRUE(r.ok());
  std::vector<int64_t> brute((o.distance_bands + 1) * (o.time_bands + 1), 0);
  for (size_t i = 0; i < ev.size(); ++i) {
    for (size_t j = i + 1; j < ev.size(); ++j) {
      double d = std::hypot(ev[i].at.x - ev[j].at.x, ev[i].at.y - ev[j].at.y);
      int64_t dt = std::abs(ev[i].time - ev[j].time);
      int db = std::min<int>(o.distance_bands, static_cast<int>(d / o.distance_band));
      int tb = std::min<int>(o.time_bands, static_cast<int>(dt / o.time_band));
      ++brute[db * (o.time_bands + 1) + tb];
    }
  }
  double sum_expected = 0;
  for (size_t c = 0; c < brute.size(); ++c) {
    EXPECT_EQ(r->cells[c].observed, brute[c]) << c;
    sum_expected += r->cells[c].expected;
  }
  EXPECT_NEAR(sum_expected, 600.0 * 599 / 2, 1e-6);
}

// Planted near repeats: each of 150 events gets a follower 20 m and 2 days away. The
// closest cell is far above chance with the smallest p possible; the same seed gives
// the same table whatever the number of threads; another seed, other p-values.
TEST(KnoxTest, finds_planted_near_repeats_and_repeats_with_its_seed) {
  std::vector<KnoxEvent> ev = RandomEvents(150, 9);
  for (size_t i = 0; i < 150; ++i) ev.push_back({{ev[i].at.x + 20, ev[i].at.y}, ev[i].time + 2});
  KnoxOptions o;
  o.distance_band = 100;
  o.distance_bands = 3;
  o.time_band = 7;
  o.time_bands = 3;
  o.permutations = 199;
  o.threads = 1;
  auto one = KnoxTest(ev, o);
  o.threads = 3;
  auto three = KnoxTest(ev, o);
  o.seed = 2;
  auto other = KnoxTest(ev, o);
  ASSERT_TRUE(one.ok() && three.ok() && other.ok());
  EXPECT_GT(one->cells[0].ratio, 3.0);
  EXPECT_DOUBLE_EQ(one->cells[0].p, 1.0 / 200);
  bool differs = false;
  for (size_t c = 0; c < one->cells.size(); ++c) {
    EXPECT_EQ(one->cells[c].expected, three->cells[c].expected);
    if (!std::isnan(one->cells[c].p)) {
      EXPECT_EQ(one->cells[c].p, three->cells[c].p);
      differs = differs || one->cells[c].expected != other->cells[c].expected;
    }
  }
  EXPECT_TRUE(differs);
}

TEST(KnoxTest, refuses_too_few_events) {
  auto r = KnoxTest({{{0, 0}, 0}, {{1, 1}, 1}}, KnoxOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Knox: needs at least three events, got 2");
}

}  // namespace
}  // namespace harmlens
