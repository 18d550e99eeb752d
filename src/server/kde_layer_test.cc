#include "server/kde_layer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "server/server_test_data.h"

namespace harmlens {
namespace {

using nlohmann::json;
using testing::IncidentSpec;
using testing::MakeIncident;
using testing::TestGeography;

// Two places in Leicester at 200 m cell centres (the frame's corners are multiples of the
// cell), 8 km apart so their kernels do not meet.
constexpr GridPoint kPlaceA{458100, 304100};
constexpr GridPoint kPlaceB{466100, 304100};
const GeoPoint kNoPlace{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};

GeoPoint GeoOf(GridPoint p) {
  auto grid = BritishGrid::Create();
  EXPECT_TRUE(grid.ok());
  auto geo = (*grid)->ToGeo(p);
  EXPECT_TRUE(geo.ok());
  return *geo;
}

struct Fixture {
  std::unique_ptr<IncidentFacts> facts;
  std::unique_ptr<KdeLayer> layer;
};

Fixture Make(const std::vector<std::pair<CrimeType, GeoPoint>>& incidents) {
  std::vector<IncidentFact> facts;
  std::vector<GeoPoint> places;
  for (const auto& [type, place] : incidents) {
    facts.push_back(FactOf(MakeIncident({.type = type}), TestGeography()));
    places.push_back(place);
  }
  Fixture f;
  f.facts = std::make_unique<IncidentFacts>(std::move(facts), TestGeography());
  auto layer = KdeLayer::FromPlaces(places, TestGeography());
  EXPECT_TRUE(layer.ok()) << layer.status().ToString();
  if (layer.ok()) f.layer = std::move(*layer);
  return f;
}

const Deadline kFar = std::chrono::steady_clock::now() + std::chrono::hours(1);

AnalysisFilter Violence() {
  AnalysisFilter filter;
  filter.crime_types = 1u << static_cast<int>(CrimeType::kViolenceAndSexualOffences);
  return filter;
}

// Expected values computed in Python from the quartic formula alone,
// 3/(πh²)·(1 − d²/h²)² per m² at every 200 m cell centre within h = 1,100 m of each
// place (97 cells per place): two incidents at A, one at B. Mean over the 194 positive
// cells 0.3864907551352031 per km²; 74 cells at or above it, 44 in class 1, 17 in 2,
// 12 in 3, 1 in 4 (A's own cell, 4.08 × the mean); the peak 2·3/(π·1.21) =
// 1.5783961298369786 per km². The incident without a place and the burglary are not in it.
TEST(KdeLayer, surface_matches_the_hand_computed_kernel_sums) {
  GeoPoint a = GeoOf(kPlaceA), b = GeoOf(kPlaceB);
  Fixture f = Make({{CrimeType::kViolenceAndSexualOffences, a},
                    {CrimeType::kViolenceAndSexualOffences, a},
                    {CrimeType::kViolenceAndSexualOffences, b},
                    {CrimeType::kViolenceAndSexualOffences, kNoPlace},
                    {CrimeType::kBurglary, b}});
  ASSERT_TRUE(f.layer);
  auto answer = f.layer->Surface(*f.facts, Violence(), {.bandwidth = 1100, .cell = 200}, kFar);
  ASSERT_TRUE(answer.has_value());
  ASSERT_TRUE(answer->ok()) << answer->status().ToString();
  const KdeLayerAnswer& s = **answer;
  EXPECT_EQ(s.matched, 4);
  EXPECT_EQ(s.without_point, 1);
  EXPECT_FALSE(s.bandwidth_from_rule);
  EXPECT_EQ(s.method, KdeMethod::kExact);
  EXPECT_EQ(s.note, "");
  // Places are held as float longitude/latitude (about 0.4 m): 1e-5 relative is ample.
  EXPECT_NEAR(s.mean_density, 0.3864907551352031, 1e-5 * 0.39);
  EXPECT_EQ(s.cells_shown, 74);
  json cells = json::parse(s.cells_geojson);
  ASSERT_EQ(cells["features"].size(), 74u);
  std::map<int, int> by_class;
  double peak = 0;
  for (const json& cell : cells["features"]) {
    by_class[cell["properties"]["class"].get<int>()]++;
    peak = std::max(peak, cell["properties"]["density_per_km2"].get<double>());
    // Every cell shown is within the kernel's reach of A or B: its south-west corner is
    // within h + a cell diagonal (about 1,383 m; 0.0125° of latitude is 1,390 m).
    const json& corner = cell["geometry"]["coordinates"][0][0];
    const double lat = corner[1].get<double>();
    EXPECT_NEAR(lat, a.latitude, 0.0125);
  }
  EXPECT_EQ(by_class, (std::map<int, int>{{1, 44}, {2, 17}, {3, 12}, {4, 1}}));
  EXPECT_NEAR(peak, 1.5783961298369786, 1e-3);  // rounded to 3 decimals in the output
}

TEST(KdeLayer, filters_select_the_points_and_one_place_has_no_rule_of_thumb_bandwidth) {
  GeoPoint a = GeoOf(kPlaceA), b = GeoOf(kPlaceB);
  Fixture f = Make({{CrimeType::kViolenceAndSexualOffences, a}, {CrimeType::kBurglary, b}});
  ASSERT_TRUE(f.layer);
  AnalysisFilter burglary;
  burglary.crime_types = 1u << static_cast<int>(CrimeType::kBurglary);
  auto answer = f.layer->Surface(*f.facts, burglary, {}, kFar);
  ASSERT_TRUE(answer.has_value() && answer->ok());
  EXPECT_EQ((*answer)->matched, 1);
  EXPECT_NE((*answer)->note.find("at least two points"), std::string::npos) << (*answer)->note;
  EXPECT_EQ(json::parse((*answer)->cells_geojson)["features"].size(), 0u);

  // With a bandwidth given, one incident is one kernel: its peak is 3/(π·1.1²) per km²
  // (hand calculation: 0.789198...), centred on B, 8 km east of A.
  answer = f.layer->Surface(*f.facts, burglary, {.bandwidth = 1100, .cell = 200}, kFar);
  ASSERT_TRUE(answer.has_value() && answer->ok());
  double peak = 0, peak_lon = 0;
  const json cells = json::parse((*answer)->cells_geojson);
  for (const json& cell : cells["features"]) {
    double v = cell["properties"]["density_per_km2"].get<double>();
    if (v > peak) {
      peak = v;
      peak_lon = cell["geometry"]["coordinates"][0][0][0].get<double>();
    }
  }
  EXPECT_NEAR(peak, 3 / (std::numbers::pi * 1.21), 1e-3);
  EXPECT_NEAR(peak_lon, b.longitude, 0.005);  // the cell's west edge, 100 m west of B
  EXPECT_GT(b.longitude - a.longitude, 0.1);  // and not A's
}

TEST(KdeLayer, default_cell_is_a_third_of_the_bandwidth_and_limits_are_named) {
  GeoPoint a = GeoOf(kPlaceA), b = GeoOf(kPlaceB);
  Fixture f = Make({{CrimeType::kViolenceAndSexualOffences, a}, {CrimeType::kViolenceAndSexualOffences, b}});
  ASSERT_TRUE(f.layer);
  auto answer = f.layer->Surface(*f.facts, {}, {.bandwidth = 1500}, kFar);
  ASSERT_TRUE(answer.has_value() && answer->ok());
  EXPECT_EQ((*answer)->cell, 500);
  // Rule of thumb for two points 8 km apart: SD = Dm = 4,000 m, so
  // 0.9 · min(4000, 1.2011 · 4000) · 2^(−1/5) = 3,134.0 m (hand calculation); cell
  // 3,134 / 3 rounded to 50 m = 1,050 m.
  answer = f.layer->Surface(*f.facts, {}, {}, kFar);
  ASSERT_TRUE(answer.has_value() && answer->ok());
  EXPECT_TRUE((*answer)->bandwidth_from_rule);
  EXPECT_NEAR((*answer)->bandwidth, 3134.0, 0.5);
  EXPECT_EQ((*answer)->cell, 1050);

  auto small_cell = f.layer->Surface(*f.facts, {}, {.bandwidth = 1000, .cell = 100}, kFar);
  ASSERT_TRUE(small_cell.has_value());
  EXPECT_NE(small_cell->status().message().find("cell: expected 200 to 2000 metres"), std::string::npos);
  auto narrow = f.layer->Surface(*f.facts, {}, {.bandwidth = 50}, kFar);
  EXPECT_NE(narrow->status().message().find("bandwidth: expected 100 to 10000 metres"), std::string::npos);
  auto wide = f.layer->Surface(*f.facts, {}, {.bandwidth = 5000, .cell = 200}, kFar);
  EXPECT_NE(wide->status().message().find("more than 20 cells"), std::string::npos);
  // A deadline already past gives no answer rather than a late one.
  EXPECT_FALSE(f.layer->Surface(*f.facts, {}, {}, std::chrono::steady_clock::now() - std::chrono::seconds(1)));
}

// Above 1e8 kernel evaluations the surface is binned: with h = 2,000 m and 200 m cells a
// place reaches 21 × 21 cells, so 220,000 incidents are 9.70e7 evaluations (exact) and
// 230,000 are 1.014e8 (binned). A lies at a cell centre, so binning moves nothing and
// both peaks are n·3/(π·2²) per km² (hand calculation).
TEST(KdeLayer, many_points_are_binned_with_the_same_surface_where_binning_moves_nothing) {
  GeoPoint a = GeoOf(kPlaceA);
  for (int n : {220000, 230000}) {
    Fixture f = Make(std::vector<std::pair<CrimeType, GeoPoint>>(n, {CrimeType::kBurglary, a}));
    ASSERT_TRUE(f.layer);
    auto answer = f.layer->Surface(*f.facts, {}, {.bandwidth = 2000, .cell = 200}, kFar);
    ASSERT_TRUE(answer.has_value() && answer->ok());
    EXPECT_EQ((*answer)->method, n == 220000 ? KdeMethod::kExact : KdeMethod::kBinned);
    double peak = 0;
    const json cells = json::parse((*answer)->cells_geojson);
    for (const json& cell : cells["features"])
      peak = std::max(peak, cell["properties"]["density_per_km2"].get<double>());
    EXPECT_NEAR(peak, n * 3 / (std::numbers::pi * 4), 1e-6 * n);
  }
}

}  // namespace
}  // namespace harmlens
