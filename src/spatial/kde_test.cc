#include "spatial/kde.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace harmlens {
namespace {

std::vector<GridPoint> RandomPoints(int n, unsigned seed, double spread) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0, spread);
  std::vector<GridPoint> pts;
  // Three clusters and a scatter, away from the origin like real grid coordinates.
  for (int i = 0; i < n; ++i) {
    double cx = 458000 + (i % 3) * 1700, cy = 304000 + (i % 3) * 900;
    pts.push_back({cx + d(rng), cy + d(rng)});
  }
  return pts;
}

double Sum(const Surface& s) {
  double total = 0;
  for (double v : s.values) total += v;
  return total;
}

// Expected values by hand (awk): one point at the centre of cell (0,0) of a 100 m grid,
// h = 100 m. Gaussian: 1/(2π·100²) = 1.591549430918953e-05 there and
// exp(−1/2)/(2π·100²) = 9.653235263005390e-06 one cell away. Quartic, h = 100 m, a
// point 50 m from two cell centres: 3/(π·100²)·(1 − 0.25)² = 5.371479329351467e-05.
TEST(KernelDensity, matches_hand_computed_kernel_values) {
  GridFrame frame{0, 0, 100, 3, 2};
  auto g = KernelDensity({{50, 50}}, {}, {Kernel::kGaussian, 100, 100}, frame);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_NEAR(g->At(0, 0), 1.591549430918953e-05, 1e-19);
  EXPECT_NEAR(g->At(1, 0), 9.653235263005390e-06, 1e-19);
  EXPECT_NEAR(g->At(0, 1), 9.653235263005390e-06, 1e-19);
  auto q = KernelDensity({{100, 50}}, {}, {Kernel::kQuartic, 100, 100}, frame);
  ASSERT_TRUE(q.ok());
  EXPECT_NEAR(q->At(0, 0), 5.371479329351467e-05, 1e-19);
  EXPECT_NEAR(q->At(1, 0), 5.371479329351467e-05, 1e-19);
  EXPECT_EQ(q->At(2, 0), 0.0);  // 150 m away: beyond the quartic's reach
  EXPECT_EQ(q->At(0, 1), 0.0);  // 111.8 m away
}

// The fast method against direct summation: every cell whose density is at least 1e-9
// of W·K(0) (W the total weight) within 1e-6 relative error, every other cell within
// 1e-15·W·K(0) absolute (the documented truncation bound).
TEST(KernelDensity, equals_direct_summation_within_one_part_in_a_million) {
  std::vector<GridPoint> pts = RandomPoints(400, 7, 600);
  std::vector<double> weights;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.5, 4);
  for (size_t i = 0; i < pts.size(); ++i) weights.push_back(u(rng));
  double total_weight = 0;
  for (double w : weights) total_weight += w;
  for (Kernel kernel : {Kernel::kGaussian, Kernel::kQuartic}) {
    for (double h : {137.0, 250.0, 900.0}) {
      KdeOptions opt{kernel, h, 75};
      GridFrame frame = GridFrame::Covering(pts, opt.cell, 1000);
      auto fast = KernelDensity(pts, weights, opt, frame);
      auto direct = KernelDensityDirect(pts, weights, opt, frame);
      ASSERT_TRUE(fast.ok() && direct.ok());
      double scale = total_weight * KernelValue(kernel, h, 0);
      int compared = 0;
      for (size_t i = 0; i < frame.size(); ++i) {
        double d = direct->values[i], f = fast->values[i];
        if (d >= 1e-9 * scale) {
          ASSERT_LE(std::abs(f - d), 1e-6 * d) << KernelName(kernel) << " h=" << h << " cell " << i;
          ++compared;
        } else {
          ASSERT_LE(std::abs(f - d), 1e-15 * scale) << KernelName(kernel) << " h=" << h << " cell " << i;
        }
      }
      EXPECT_GT(compared, 1000);
    }
  }
}

// Σ density · cell² over a grid reaching past every kernel is the number of points.
// Gaussian: the midpoint rule on a smooth kernel with h ≥ 2 cells is exact to far
// below 1e-9 (the error falls like exp(−2π²h²/cell²)); tolerance 1e-9 relative.
// Quartic: its second derivative jumps at d = h, so the midpoint rule errs by O(cell²/h²);
// with h = 5 cells we allow 0.5%, h = 10 cells 0.1%.
TEST(KernelDensity, grid_integrates_to_the_number_of_points) {
  std::vector<GridPoint> pts = RandomPoints(300, 11, 800);
  {
    KdeOptions opt{Kernel::kGaussian, 250, 100};
    auto s = KernelDensity(pts, {}, opt, GridFrame::Covering(pts, 100, 9 * 250));
    ASSERT_TRUE(s.ok());
    EXPECT_NEAR(Sum(*s) * 100 * 100, 300.0, 300 * 1e-9);
  }
  {
    auto s = KernelDensity(pts, {}, {Kernel::kQuartic, 500, 100}, GridFrame::Covering(pts, 100, 500));
    ASSERT_TRUE(s.ok());
    EXPECT_NEAR(Sum(*s) * 100 * 100, 300.0, 300 * 0.005);
  }
  {
    auto s = KernelDensity(pts, {}, {Kernel::kQuartic, 1000, 100}, GridFrame::Covering(pts, 100, 1000));
    ASSERT_TRUE(s.ok());
    EXPECT_NEAR(Sum(*s) * 100 * 100, 300.0, 300 * 0.001);
  }
}

TEST(KernelDensity, weights_scale_the_surface) {
  std::vector<GridPoint> pts = RandomPoints(50, 5, 300);
  GridFrame frame = GridFrame::Covering(pts, 50, 200);
  auto one = KernelDensity(pts, {}, {Kernel::kQuartic, 200, 50}, frame);
  auto three = KernelDensity(pts, std::vector<double>(pts.size(), 3.0), {Kernel::kQuartic, 200, 50}, frame);
  ASSERT_TRUE(one.ok() && three.ok());
  for (size_t i = 0; i < frame.size(); ++i) EXPECT_NEAR(three->values[i], 3 * one->values[i], 1e-18);
}

TEST(GridFrame, cells_are_aligned_to_multiples_of_the_cell_and_cover_the_points) {
  GridFrame f = GridFrame::Covering({{120, 250}, {380, 260}}, 100);
  EXPECT_EQ(f.x0, 100);
  EXPECT_EQ(f.y0, 200);
  EXPECT_EQ(f.cols, 3);  // 100-200, 200-300, 300-400
  EXPECT_EQ(f.rows, 1);
  // A point exactly on a multiple belongs to the cell that starts there.
  GridFrame g = GridFrame::Covering({{120, 250}, {400, 260}}, 100);
  EXPECT_EQ(g.cols, 4);
  GridFrame n = GridFrame::Covering({{-120, -250}}, 100);
  EXPECT_EQ(n.x0, -200);
  EXPECT_EQ(n.y0, -300);
  EXPECT_EQ(n.Centre(0, 0).x, -150);
}

// By hand (awk): four points at (±100, ±100): SD = Dm = 141.42 m, so
// h = 0.9 · 141.42 · 4^(−1/5) = 96.4596116283 m.
TEST(RuleOfThumbBandwidth, follows_silvermans_rule_on_the_standard_distance) {
  auto h = RuleOfThumbBandwidth({{-100, -100}, {100, -100}, {-100, 100}, {100, 100}});
  ASSERT_TRUE(h.ok());
  EXPECT_NEAR(*h, 96.4596116283, 1e-9);
  auto one = RuleOfThumbBandwidth({{1, 1}});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().message(), "bandwidth rule: needs at least two points, got 1");
}

TEST(KernelDensity, refuses_a_bandwidth_that_is_not_positive) {
  auto s = KernelDensity({{0, 0}}, {}, {Kernel::kGaussian, 0, 10}, GridFrame{0, 0, 10, 1, 1});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "kernel density: the bandwidth must be a positive number of metres, got 0.000000");
  auto w = KernelDensity({{0, 0}}, {1, 2}, {Kernel::kGaussian, 5, 10}, GridFrame{0, 0, 10, 1, 1});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(), "kernel density: 2 weights for 1 points");
}

TEST(RiskSurface, divides_incidents_by_residents_and_blanks_empty_places) {
  GridFrame f{0, 0, 10, 3, 1};
  Surface inc{f, {2e-4, 1e-4, 5e-5}};
  Surface res{f, {1e-2, 1e-9, 0}};
  auto r = RiskSurface(inc, res, 1000, 1e-6);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->values[0], 20.0, 1e-12);  // 2e-4 / 1e-2 · 1000
  EXPECT_TRUE(std::isnan(r->values[1]));
  EXPECT_TRUE(std::isnan(r->values[2]));
}

}  // namespace
}  // namespace harmlens
