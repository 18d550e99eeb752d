#include "spatial/british_grid.h"

#include <gtest/gtest.h>

#include <cmath>

namespace harmlens {
namespace {

double Dms(int degrees, int minutes, double seconds) { return degrees + minutes / 60.0 + seconds / 3600.0; }

// Expected values: Ordnance Survey, "A guide to coordinate systems in Great Britain",
// Annex C (worked example of the Transverse Mercator projection): OSGB36 latitude
// 52°39'27.2531"N, longitude 1°43'4.5177"E gives E 651409.903 m, N 313177.270 m.
TEST(BritishGrid, projects_the_ordnance_survey_worked_example_to_the_millimetre) {
  auto grid = BritishGrid::CreateFromOsgb36();
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  auto p = (*grid)->ToGrid(GeoPoint{Dms(1, 43, 4.5177), Dms(52, 39, 27.2531)});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NEAR(p->x, 651409.903, 0.001);
  EXPECT_NEAR(p->y, 313177.270, 0.001);
}

// WGS84 and OSGB36 differ by a datum shift of roughly a hundred metres in the East
// Midlands: the WGS84 transformation must apply it (not just the projection), and stay
// within the Helmert transformation's few metres of the OSGB36 figure shifted back.
TEST(BritishGrid, applies_the_datum_shift_from_wgs84) {
  auto wgs = BritishGrid::Create();
  auto osgb = BritishGrid::CreateFromOsgb36();
  ASSERT_TRUE(wgs.ok() && osgb.ok());
  GeoPoint clock_tower{-1.1336, 52.6361};  // Leicester Clock Tower, approximately
  auto a = (*wgs)->ToGrid(clock_tower);
  auto b = (*osgb)->ToGrid(clock_tower);
  ASSERT_TRUE(a.ok() && b.ok());
  double shift = std::hypot(a->x - b->x, a->y - b->y);
  EXPECT_GT(shift, 50.0);
  EXPECT_LT(shift, 150.0);
  // The Clock Tower lies in the 1 km square SK 58 04 of the National Grid (OS Explorer
  // 233, read by hand): 458000-459000 E, 304000-305000 N.
  EXPECT_GE(a->x, 458000);
  EXPECT_LT(a->x, 459000);
  EXPECT_GE(a->y, 304000);
  EXPECT_LT(a->y, 305000);
}

TEST(BritishGrid, round_trips_to_a_few_millimetres) {
  auto grid = BritishGrid::Create();
  ASSERT_TRUE(grid.ok());
  std::vector<GeoPoint> points = {{-1.1336, 52.6361}, {-0.7, 52.7}, {-1.55, 52.4}};
  auto many = (*grid)->ToGrid(points);
  ASSERT_TRUE(many.ok());
  for (size_t i = 0; i < points.size(); ++i) {
    auto one = (*grid)->ToGrid(points[i]);
    ASSERT_TRUE(one.ok());
    EXPECT_DOUBLE_EQ(one->x, (*many)[i].x);
    auto back = (*grid)->ToGeo((*many)[i]);
    ASSERT_TRUE(back.ok());
    EXPECT_NEAR(back->longitude, points[i].longitude,
                3e-8);  // 2-3 mm: PROJ inverts the Helmert step approximately
    EXPECT_NEAR(back->latitude, points[i].latitude,
                3e-8);  // 2-3 mm: PROJ inverts the Helmert step approximately
  }
}

TEST(BritishGrid, refuses_a_point_that_is_not_on_the_earth) {
  auto grid = BritishGrid::Create();
  ASSERT_TRUE(grid.ok());
  auto p = (*grid)->ToGrid(GeoPoint{-1.1, 95.0});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cannot convert WGS84 point"), std::string::npos);
}

}  // namespace
}  // namespace harmlens
