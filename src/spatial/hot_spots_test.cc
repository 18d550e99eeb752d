#include "spatial/hot_spots.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "geo/reference_geography.h"
#include "support/testing.h"

namespace harmlens {
namespace {

// One row of tests/expected/spatial_llr_violence.csv, made by R's spdep from the bundled
// police.uk files and LSOA boundaries (tests/expected/spatial_llr_violence.R says how).
struct Expected {
  std::string lsoa;
  double x, y, value;
  int queen_n;
  double gi_queen;
  int band_n;
  double gi_band, q_band, moran_i;
};

std::vector<Expected> ReadExpected() {
  std::ifstream in(testing::SourceDir() + "/tests/expected/spatial_llr_violence.csv");
  std::vector<Expected> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      EXPECT_EQ(line, "lsoa,x,y,value,queen_n,gi_queen,band_n,gi_band_1500,q_band_1500,moran_i_queen");
      header = false;
      continue;
    }
    std::stringstream ss(line);
    std::string f[10];
    for (std::string& v : f) std::getline(ss, v, ',');
    rows.push_back({f[0], std::stod(f[1]), std::stod(f[2]), std::stod(f[3]), std::stoi(f[4]), std::stod(f[5]),
                    std::stoi(f[6]), std::stod(f[7]), std::stod(f[8]), std::stod(f[9])});
  }
  return rows;
}

class LlrViolence : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    expected_ = new std::vector<Expected>(ReadExpected());
    auto geo = ReferenceGeography::Load(Env::Default(), testing::DataDir() + "/reference");
    ASSERT_TRUE(geo.ok()) << geo.status().ToString();
    geo_ = new std::shared_ptr<const ReferenceGeography>(*geo);
  }
  static void TearDownTestSuite() {
    delete expected_;
    delete geo_;
  }
  static std::vector<double> Values() {
    std::vector<double> v;
    for (const Expected& e : *expected_) v.push_back(e.value);
    return v;
  }
  static std::vector<std::vector<std::vector<GridPoint>>> Polygons(const BritishGrid* grid) {
    std::vector<std::vector<std::vector<GridPoint>>> zones;
    const ReferenceGeography& g = **geo_;
    for (size_t i = 0; i < g.lsoas().size(); ++i) {
      std::vector<std::vector<GridPoint>> rings;
      for (const Ring& ring : g.Polygon(i).rings) {
        std::vector<GridPoint> pts;
        for (const GeoPoint& p : ring.points) {
          if (grid) {
            pts.push_back(*grid->ToGrid(p));
          } else {
            pts.push_back({p.longitude, p.latitude});
          }
        }
        rings.push_back(std::move(pts));
      }
      zones.push_back(std::move(rings));
    }
    return zones;
  }
  static std::vector<Expected>* expected_;
  static std::shared_ptr<const ReferenceGeography>* geo_;
};
std::vector<Expected>* LlrViolence::expected_ = nullptr;
std::shared_ptr<const ReferenceGeography>* LlrViolence::geo_ = nullptr;

TEST_F(LlrViolence, zones_are_the_611_lsoas_in_boundary_file_order) {
  ASSERT_EQ(expected_->size(), 611u);
  for (size_t i = 0; i < expected_->size(); ++i) EXPECT_EQ((*expected_)[i].lsoa, (**geo_).lsoas()[i].code);
}

TEST_F(LlrViolence, gi_star_with_a_fixed_distance_band_agrees_with_spdep_to_1e9) {
  std::vector<GridPoint> centres;
  for (const Expected& e : *expected_) centres.push_back({e.x, e.y});
  auto nb = DistanceBandNeighbours(centres, 1500, /*include_self=*/true);
  ASSERT_TRUE(nb.ok());
  auto hot = GiStarHotSpots(*nb, Values());
  ASSERT_TRUE(hot.ok()) << hot.status().ToString();
  for (size_t i = 0; i < expected_->size(); ++i) {
    const Expected& e = (*expected_)[i];
    ASSERT_EQ(nb->Count(i), e.band_n) << e.lsoa;
    EXPECT_NEAR((*hot)[i].z, e.gi_band, 1e-9) << e.lsoa;
    EXPECT_NEAR((*hot)[i].q, e.q_band, 1e-9) << e.lsoa;
  }
}

TEST_F(LlrViolence, gi_star_with_queen_contiguity_agrees_with_spdep_to_1e9) {
  // spdep's poly2nb snap: sqrt(.Machine$double.eps).
  auto nb = QueenNeighbours(Polygons(nullptr), /*include_self=*/true, 1.4901161193847656e-08);
  ASSERT_TRUE(nb.ok());
  auto z = GiStar(*nb, Values());
  ASSERT_TRUE(z.ok());
  for (size_t i = 0; i < expected_->size(); ++i) {
    const Expected& e = (*expected_)[i];
    ASSERT_EQ(nb->Count(i), e.queen_n) << e.lsoa;
    EXPECT_NEAR((*z)[i], e.gi_queen, 1e-9) << e.lsoa;
  }
}

TEST_F(LlrViolence, local_moran_i_agrees_with_spdep_to_1e9) {
  auto nb = QueenNeighbours(Polygons(nullptr), /*include_self=*/false, 1.4901161193847656e-08);
  ASSERT_TRUE(nb.ok());
  auto lm = LocalMoranI(*nb, Values(), {99, 42});
  ASSERT_TRUE(lm.ok());
  for (size_t i = 0; i < expected_->size(); ++i) {
    EXPECT_NEAR((*lm)[i].i, (*expected_)[i].moran_i, 1e-9) << (*expected_)[i].lsoa;
  }
}

// sf's st_centroid (GEOS) after st_transform (PROJ) against ours: the same centre to
// within a millimetre, so distance bands built either way agree.
TEST_F(LlrViolence, lsoa_centroids_agree_with_sf_to_a_millimetre) {
  auto grid = BritishGrid::Create();
  ASSERT_TRUE(grid.ok());
  auto zones = Polygons(grid->get());
  for (size_t i = 0; i < zones.size(); ++i) {
    GridPoint c = ZoneCentroid(zones[i]);
    EXPECT_NEAR(c.x, (*expected_)[i].x, 1e-3) << (*expected_)[i].lsoa;
    EXPECT_NEAR(c.y, (*expected_)[i].y, 1e-3) << (*expected_)[i].lsoa;
  }
}

// By hand: p = (0.01, 0.04, 0.03, 0.5) sorted 0.01, 0.03, 0.04, 0.5 with n/rank
// 4, 2, 4/3, 1: 0.04, 0.06, 0.0533.., 0.5; running minimum from the top: 0.04,
// 0.0533.., 0.0533.., 0.5 (R: p.adjust(c(.01,.04,.03,.5), "BH") gives the same).
TEST(BenjaminiHochberg, adjusts_as_r_p_adjust_does) {
  std::vector<double> q = BenjaminiHochberg({0.01, 0.04, 0.03, 0.5});
  EXPECT_NEAR(q[0], 0.04, 1e-15);
  EXPECT_NEAR(q[1], 0.16 / 3, 1e-15);
  EXPECT_NEAR(q[2], 0.16 / 3, 1e-15);
  EXPECT_NEAR(q[3], 0.5, 1e-15);
}

TEST(FdrClass, names_hot_and_cold_spots_by_confidence) {
  EXPECT_STREQ(FdrClassName(FdrClass(3.1, 0.009)), "hot-99");
  EXPECT_STREQ(FdrClassName(FdrClass(2.1, 0.05)), "hot-95");
  EXPECT_STREQ(FdrClassName(FdrClass(1.8, 0.07)), "hot-90");
  EXPECT_STREQ(FdrClassName(FdrClass(1.8, 0.11)), "none");
  EXPECT_STREQ(FdrClassName(FdrClass(-2.5, 0.02)), "cold-95");
  EXPECT_STREQ(FdrClassName(FdrClass(-2.5, std::nan(""))), "none");
}

// 1.959963984540054 is the 97.5% normal quantile (R: qnorm(0.975)).
TEST(TwoSidedNormalP, is_five_percent_at_the_97_5_percent_quantile) {
  EXPECT_NEAR(TwoSidedNormalP(1.959963984540054), 0.05, 1e-15);
  EXPECT_NEAR(TwoSidedNormalP(-1.959963984540054), 0.05, 1e-15);
}

// A 20 × 20 square grid of zones with a planted block of high values: local Moran's I
// finds it (high-high, small p) and is reproducible from its seed.
TEST(LocalMoranI, finds_a_planted_cluster_and_repeats_with_its_seed) {
  std::vector<GridPoint> centres;
  std::vector<double> values;
  for (int r = 0; r < 20; ++r) {
    for (int c = 0; c < 20; ++c) {
      centres.push_back({c * 100.0, r * 100.0});
      bool planted = r >= 8 && r < 12 && c >= 8 && c < 12;
      values.push_back(planted ? 50 : (r * 7 + c * 13) % 5);
    }
  }
  auto nb = DistanceBandNeighbours(centres, 150, false);  // queen on a lattice
  ASSERT_TRUE(nb.ok());
  auto a = LocalMoranI(*nb, values, {999, 7});
  auto b = LocalMoranI(*nb, values, {999, 7});
  auto c = LocalMoranI(*nb, values, {999, 8});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  size_t inside = 9 * 20 + 9;
  EXPECT_EQ((*a)[inside].quadrant, "high-high");
  EXPECT_LE((*a)[inside].p, 0.002);
  bool differs = false;
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ((*a)[i].p, (*b)[i].p);
    differs = differs || (*a)[i].p != (*c)[i].p;
  }
  EXPECT_TRUE(differs);
  // Away from the block, p-values of a pattern-free surface are not all small.
  int small = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 50 && (*a)[i].p < 0.01) ++small;
  }
  EXPECT_LT(small, 60);
}

TEST(AggregateToGrid, counts_every_point_into_one_square_or_hexagon) {
  std::vector<GridPoint> pts = {{10, 10}, {90, 90}, {110, 10}, {250, 260}, {251, 262}};
  auto sq = AggregateToGrid(pts, {}, GridShape::kSquare, 100);
  ASSERT_TRUE(sq.ok());
  ASSERT_EQ(sq->size(), 9u);  // 3 × 3 cells from (0,0) to (300,300)
  EXPECT_EQ((*sq)[0].points, 2);
  EXPECT_EQ((*sq)[1].points, 1);
  EXPECT_EQ((*sq)[8].points, 2);
  EXPECT_EQ((*sq)[8].id, "c2r2");
  auto hex = AggregateToGrid(pts, {1, 1, 1, 1, 3}, GridShape::kHexagon, 60);
  ASSERT_TRUE(hex.ok());
  double total = 0;
  int64_t count = 0;
  for (const GridZone& z : *hex) {
    total += z.value;
    count += z.points;
  }
  EXPECT_EQ(count, 5);
  EXPECT_EQ(total, 7.0);
  // Each point went to the hexagon with the nearest centre.
  for (const GridPoint& p : pts) {
    const GridZone* best = nullptr;
    double best_d = 1e18;
    for (const GridZone& z : *hex) {
      double d = std::hypot(z.centre.x - p.x, z.centre.y - p.y);
      if (d < best_d) best_d = d, best = &z;
    }
    ASSERT_NE(best, nullptr);
    EXPECT_GT(best->points, 0);
    EXPECT_LE(best_d, 60.0);
  }
}

}  // namespace
}  // namespace harmlens
