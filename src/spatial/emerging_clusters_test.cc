#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "spatial/clusters.h"
#include "spatial/emerging.h"

namespace harmlens {
namespace {

// By hand: 1..5 has S = 10, var =
// 5·4·15/18 = 16.667, z = (10 − 1)/4.0825 = 2.2045, p = 0.02749 (R: 2*pnorm(-9/sqrt(50/3))).
TEST(MannKendallTrend, matches_the_hand_computed_statistic) {
  MannKendall mk = MannKendallTrend({1, 2, 3, 4, 5});
  EXPECT_EQ(mk.s, 10);
  EXPECT_NEAR(mk.z, 9 / std::sqrt(50.0 / 3), 1e-12);
  EXPECT_NEAR(mk.p, 0.027486, 1e-6);
  // Ties: 1,1,2: S = 2, var = (3·2·11 − 2·1·9)/18 = 2.6667, z = 1/1.633 = 0.6124.
  MannKendall tied = MannKendallTrend({1, 1, 2});
  EXPECT_EQ(tied.s, 2);
  EXPECT_NEAR(tied.z, 1 / std::sqrt(48.0 / 18), 1e-12);
  EXPECT_EQ(MannKendallTrend({3, 3}).p, 1.0);
}

MannKendall Trend(double z, double p) { return {0, z, p}; }
std::vector<bool> Bits(const std::string& s) {
  std::vector<bool> b;
  for (char c : s) b.push_back(c == '1');
  return b;
}

// One case per class of ArcGIS Pro's Emerging Hot Spot Analysis, ten slices each.
TEST(ClassifyEmerging, gives_each_standard_class) {
  auto name = [](const std::string& hot, const std::string& cold, MannKendall t) {
    return EmergingPatternName(ClassifyEmerging(Bits(hot), Bits(cold), t, 0.05));
  };
  const std::string none = "0000000000";
  EXPECT_EQ(name("0000000001", none, Trend(1, 0.3)), "new hot spot");
  EXPECT_EQ(name("0000000111", none, Trend(2, 0.01)), "consecutive hot spot");
  EXPECT_EQ(name("0111111111", none, Trend(2.5, 0.01)), "intensifying hot spot");
  EXPECT_EQ(name("1111111111", none, Trend(0.5, 0.6)), "persistent hot spot");
  EXPECT_EQ(name("1111111111", none, Trend(-2.5, 0.01)), "diminishing hot spot");
  EXPECT_EQ(name("0101001001", none, Trend(0, 1)), "sporadic hot spot");
  EXPECT_EQ(name("0100000101", "1000100000", Trend(0, 1)), "oscillating hot spot");
  EXPECT_EQ(name("1111111110", none, Trend(0, 1)), "historical hot spot");
  EXPECT_EQ(name(none, "1111111111", Trend(-0.1, 0.9)), "persistent cold spot");
  EXPECT_EQ(name(none, "0000000001", Trend(-1, 0.3)), "new cold spot");
  EXPECT_EQ(name(none, none, Trend(0, 1)), "no pattern");
  EXPECT_EQ(name("0010000000", none, Trend(0, 1)), "no pattern");
}

// A 15 × 15 lattice over 8 slices: a block that is high in every slice is a persistent
// hot spot, one that turns high only in the last two is a consecutive hot spot.
TEST(EmergingHotSpots, classifies_planted_patterns_in_a_cube) {
  std::vector<GridPoint> centres;
  for (int r = 0; r < 15; ++r) {
    for (int c = 0; c < 15; ++c) centres.push_back({c * 100.0, r * 100.0});
  }
  auto nb = DistanceBandNeighbours(centres, 150, true);
  ASSERT_TRUE(nb.ok());
  std::mt19937_64 rng(4);
  std::poisson_distribution<int> noise(3);
  std::vector<std::vector<double>> cube(8, std::vector<double>(centres.size()));
  for (int t = 0; t < 8; ++t) {
    for (int r = 0; r < 15; ++r) {
      for (int c = 0; c < 15; ++c) {
        double v = noise(rng);
        if (r >= 2 && r < 5 && c >= 2 && c < 5) v += 30;                // persistent
        if (t >= 6 && r >= 10 && r < 13 && c >= 10 && c < 13) v += 30;  // appears late
        cube[t][r * 15 + c] = v;
      }
    }
  }
  auto ehs = EmergingHotSpots(*nb, cube, {});
  ASSERT_TRUE(ehs.ok()) << ehs.status().ToString();
  EXPECT_EQ(EmergingPatternName((*ehs)[3 * 15 + 3]), "persistent hot spot");
  EXPECT_EQ(EmergingPatternName((*ehs)[11 * 15 + 11]), "consecutive hot spot");
}

TEST(ConvexHull, wraps_a_square_with_an_inner_point) {
  auto h = ConvexHull({{0, 0}, {10, 0}, {10, 10}, {0, 10}, {5, 5}, {10, 0}});
  ASSERT_EQ(h.size(), 5u);  // closed: four corners and the first again
  EXPECT_EQ(h.front(), h.back());
  EXPECT_DOUBLE_EQ(PolygonArea(h), 100.0);
}

// Two tight groups (30 and 12 points within 20 m) and scattered noise far apart.
TEST(DbscanClusters, finds_two_groups_ranked_by_count_and_by_harm) {
  std::vector<GridPoint> pts;
  std::vector<double> harm;
  for (int i = 0; i < 30; ++i) {
    pts.push_back({1000 + (i % 6) * 4.0, 1000 + (i / 6) * 4.0});
    harm.push_back(1);
  }
  for (int i = 0; i < 12; ++i) {
    pts.push_back({5000 + (i % 4) * 5.0, 5000 + (i / 4) * 5.0});
    harm.push_back(10);
  }
  for (int i = 0; i < 10; ++i) {
    pts.push_back({20000 + i * 1000.0, 20000});
    harm.push_back(100);
  }
  auto c = DbscanClusters(pts, harm, {50, 5});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].points, 30);
  EXPECT_EQ((*c)[0].rank_by_count, 1);
  EXPECT_EQ((*c)[0].rank_by_harm, 2);  // 30 harm against 120
  EXPECT_EQ((*c)[1].points, 12);
  EXPECT_EQ((*c)[1].rank_by_harm, 1);
  EXPECT_DOUBLE_EQ((*c)[0].area, 20.0 * 16.0);
  EXPECT_DOUBLE_EQ((*c)[1].harm, 120.0);
}

}  // namespace
}  // namespace harmlens
