#include "geo/lsoa_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace harmlens {
namespace {

Ring MakeRing(std::vector<GeoPoint> points) { return Ring{std::move(points)}; }

// The unit square's corners, clockwise (as the bundled LSOA rings are: their shoelace
// areas are all negative) or counter-clockwise (as RFC 7946 asks of exterior rings).
Ring Square(double x0, double y0, double x1, double y1, bool clockwise, bool closed = true) {
  std::vector<GeoPoint> pts;
  if (clockwise) {
    pts = {{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}};
  } else {
    pts = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
  }
  if (closed) pts.push_back(pts.front());
  return MakeRing(std::move(pts));
}

ZonePolygon Zone(std::string code, std::vector<Ring> rings) {
  ZonePolygon zone;
  zone.code = std::move(code);
  zone.rings = std::move(rings);
  bool first = true;
  for (const Ring& ring : zone.rings) {
    for (const GeoPoint& p : ring.points) {
      if (first) {
        zone.min_lon = zone.max_lon = p.longitude;
        zone.min_lat = zone.max_lat = p.latitude;
        first = false;
      }
      zone.min_lon = std::min(zone.min_lon, p.longitude);
      zone.max_lon = std::max(zone.max_lon, p.longitude);
      zone.min_lat = std::min(zone.min_lat, p.latitude);
      zone.max_lat = std::max(zone.max_lat, p.latitude);
    }
  }
  return zone;
}

// Signed shoelace area: negative for a clockwise ring. Checks the fixtures themselves.
double SignedArea(const Ring& ring) {
  double twice = 0;
  const auto& p = ring.points;
  for (size_t i = 0, j = p.size() - 1; i < p.size(); j = i++) {
    twice += p[j].longitude * p[i].latitude - p[i].longitude * p[j].latitude;
  }
  return twice / 2;
}

TEST(ZoneFixtures, clockwise_and_counter_clockwise_squares_really_wind_opposite_ways) {
  EXPECT_LT(SignedArea(Square(0, 0, 1, 1, /*clockwise=*/true)), 0);
  EXPECT_GT(SignedArea(Square(0, 0, 1, 1, /*clockwise=*/false)), 0);
}

// ---- A square: just inside and just outside each edge ------------------------------

TEST(ZoneContains, finds_points_just_inside_a_square_and_refuses_points_just_outside) {
  for (bool clockwise : {true, false}) {
    SCOPED_TRACE(clockwise ? "clockwise" : "counter-clockwise");
    ZonePolygon zone = Zone("SQ", {Square(0, 0, 1, 1, clockwise)});
    constexpr double kEps = 1e-9;
    EXPECT_TRUE(ZoneContains(zone, {0.5, 0.5}));
    EXPECT_TRUE(ZoneContains(zone, {kEps, 0.5}));
    EXPECT_TRUE(ZoneContains(zone, {1 - kEps, 0.5}));
    EXPECT_TRUE(ZoneContains(zone, {0.5, kEps}));
    EXPECT_TRUE(ZoneContains(zone, {0.5, 1 - kEps}));
    EXPECT_FALSE(ZoneContains(zone, {-kEps, 0.5}));
    EXPECT_FALSE(ZoneContains(zone, {1 + kEps, 0.5}));
    EXPECT_FALSE(ZoneContains(zone, {0.5, -kEps}));
    EXPECT_FALSE(ZoneContains(zone, {0.5, 1 + kEps}));
    EXPECT_FALSE(ZoneContains(zone, {2, 2}));
  }
}

TEST(ZoneContains, treats_an_unclosed_ring_as_closed) {
  ZonePolygon zone = Zone("SQ", {Square(0, 0, 1, 1, /*clockwise=*/true, /*closed=*/false)});
  EXPECT_TRUE(ZoneContains(zone, {0.5, 0.5}));
  EXPECT_TRUE(ZoneContains(zone, {0.01, 0.99}));
  EXPECT_FALSE(ZoneContains(zone, {1.01, 0.5}));
}

TEST(ZoneContains, refuses_nan_coordinates) {
  ZonePolygon zone = Zone("SQ", {Square(0, 0, 1, 1, true)});
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(ZoneContains(zone, {nan, 0.5}));
  EXPECT_FALSE(ZoneContains(zone, {0.5, nan}));
}

// ---- Winding must not matter ------------------------------------------------------

// A concave (L-shaped) zone so the ray test crosses more than two edges.
Ring LShape(bool clockwise) {
  std::vector<GeoPoint> ccw = {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 0}};
  if (clockwise) std::reverse(ccw.begin(), ccw.end());
  return MakeRing(std::move(ccw));
}

TEST(ZoneContains, gives_the_same_answer_for_a_concave_zone_wound_either_way) {
  ZonePolygon cw = Zone("L", {LShape(true)});
  ZonePolygon ccw = Zone("L", {LShape(false)});
  ASSERT_LT(SignedArea(cw.rings[0]), 0);
  ASSERT_GT(SignedArea(ccw.rings[0]), 0);
  // Inside each arm of the L, and in the notch the L leaves out.
  const GeoPoint kInside[] = {{0.5, 0.5}, {1.5, 0.5}, {0.5, 1.5}, {0.99, 0.99}};
  const GeoPoint kOutside[] = {{1.5, 1.5}, {1.01, 1.01}, {1.99, 1.99}, {-0.5, 0.5}, {2.5, 0.5}};
  for (GeoPoint p : kInside) {
    EXPECT_TRUE(ZoneContains(cw, p)) << p.longitude << "," << p.latitude;
    EXPECT_TRUE(ZoneContains(ccw, p)) << p.longitude << "," << p.latitude;
  }
  for (GeoPoint p : kOutside) {
    EXPECT_FALSE(ZoneContains(cw, p)) << p.longitude << "," << p.latitude;
    EXPECT_FALSE(ZoneContains(ccw, p)) << p.longitude << "," << p.latitude;
  }
}

TEST(ZoneContains, finds_points_in_every_part_of_a_multipolygon) {
  // Two parts, wound opposite ways, as a MultiPolygon's rings are stored.
  ZonePolygon zone = Zone("MP", {Square(0, 0, 1, 1, true), Square(3, 0, 4, 1, false)});
  EXPECT_TRUE(ZoneContains(zone, {0.5, 0.5}));
  EXPECT_TRUE(ZoneContains(zone, {3.5, 0.5}));
  // Between the parts: inside the bounding box of the zone, outside both parts.
  EXPECT_FALSE(ZoneContains(zone, {2, 0.5}));
  EXPECT_FALSE(ZoneContains(zone, {3.5, 1.5}));
}

TEST(ZoneContains, leaves_out_a_hole_whichever_way_outer_ring_and_hole_are_wound) {
  for (bool outer_cw : {true, false}) {
    for (bool hole_cw : {true, false}) {
      SCOPED_TRACE(std::string("outer ") + (outer_cw ? "cw" : "ccw") + ", hole " + (hole_cw ? "cw" : "ccw"));
      ZonePolygon zone = Zone("HOLE", {Square(0, 0, 4, 4, outer_cw), Square(1, 1, 3, 3, hole_cw)});
      EXPECT_TRUE(ZoneContains(zone, {0.5, 0.5}));     // between the rings
      EXPECT_TRUE(ZoneContains(zone, {3.5, 2}));       // between the rings, other side
      EXPECT_FALSE(ZoneContains(zone, {2, 2}));        // in the hole
      EXPECT_FALSE(ZoneContains(zone, {1.01, 2.99}));  // just inside the hole
      EXPECT_FALSE(ZoneContains(zone, {5, 2}));        // outside everything
    }
  }
}

TEST(ZoneContains, ignores_degenerate_rings_of_fewer_than_three_points) {
  ZonePolygon zone = Zone("SQ", {Square(0, 0, 1, 1, true), MakeRing({{0.2, 0.2}, {0.8, 0.8}})});
  EXPECT_TRUE(ZoneContains(zone, {0.5, 0.5}));
  EXPECT_TRUE(ZoneContains(zone, {0.7, 0.3}));
}

// ---- LsoaIndex ----------------------------------------------------------------------

// A 3 x 3 block of unit squares, codes "Z<col><row>", alternate squares wound each way.
std::vector<ZonePolygon> Grid() {
  std::vector<ZonePolygon> zones;
  for (int row = 0; row < 3; ++row) {
    for (int col = 0; col < 3; ++col) {
      zones.push_back(Zone("Z" + std::to_string(col) + std::to_string(row),
                           {Square(col, row, col + 1, row + 1, (row + col) % 2 == 0)}));
    }
  }
  return zones;
}

std::string CodeAt(const LsoaIndex& index, GeoPoint p) {
  int zi = index.Find(p);
  return zi < 0 ? "(none)" : index.zones()[static_cast<size_t>(zi)].code;
}

TEST(LsoaIndex, finds_the_zone_containing_each_point_of_a_tiled_area) {
  LsoaIndex index(Grid());
  for (int row = 0; row < 3; ++row) {
    for (int col = 0; col < 3; ++col) {
      std::string expected = "Z" + std::to_string(col) + std::to_string(row);
      EXPECT_EQ(CodeAt(index, {col + 0.5, row + 0.5}), expected);
      EXPECT_EQ(CodeAt(index, {col + 0.001, row + 0.999}), expected);
      EXPECT_EQ(CodeAt(index, {col + 0.999, row + 0.001}), expected);
    }
  }
}

TEST(LsoaIndex, finds_nothing_outside_the_zones_or_for_nan_and_infinite_points) {
  LsoaIndex index(Grid());
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(index.Find({-0.5, 1.5}), -1);
  EXPECT_EQ(index.Find({3.5, 1.5}), -1);
  EXPECT_EQ(index.Find({1.5, -0.001}), -1);
  EXPECT_EQ(index.Find({1.5, 3.001}), -1);
  EXPECT_EQ(index.Find({nan, nan}), -1);
  EXPECT_EQ(index.Find({nan, 1.5}), -1);
  EXPECT_EQ(index.Find({1.5, nan}), -1);
  EXPECT_EQ(index.Find({inf, 1.5}), -1);
  EXPECT_EQ(index.Find({1.5, -inf}), -1);
}

TEST(LsoaIndex, an_empty_index_finds_nothing) {
  LsoaIndex empty;
  EXPECT_EQ(empty.Find({0, 0}), -1);
  LsoaIndex built_empty(std::vector<ZonePolygon>{});
  EXPECT_EQ(built_empty.Find({0, 0}), -1);
}

TEST(LsoaIndex, finds_a_point_in_a_hole_only_in_the_zone_that_fills_the_hole) {
  std::vector<ZonePolygon> zones;
  zones.push_back(Zone("RING", {Square(0, 0, 4, 4, true), Square(1, 1, 3, 3, true)}));
  zones.push_back(Zone("ISLAND", {Square(1, 1, 3, 3, false)}));
  LsoaIndex index(std::move(zones));
  EXPECT_EQ(CodeAt(index, {2, 2}), "ISLAND");
  EXPECT_EQ(CodeAt(index, {0.5, 2}), "RING");
  EXPECT_EQ(CodeAt(index, {3.5, 3.5}), "RING");
}

}  // namespace
}  // namespace harmlens
