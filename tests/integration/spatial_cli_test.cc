// `harmlens hotspots` and `harmlens nearrepeat` as a user runs them: the plain-CSV forms
// with hand-computed answers, the store form on the bundled police.uk data against R's
// spdep (tests/expected/spatial_llr_violence.R), the time-precision rule of the Knox
// test, the map outputs and the errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::DataDir;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;
using ::harmlens::testing::SourceDir;

std::vector<std::vector<std::string>> CsvRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string f; std::getline(split, f, ',');) fields.push_back(f);
    rows.push_back(std::move(fields));
  }
  return rows;
}

// Expected by hand (awk): points (120,250) and (380,260), Gaussian h = 100 m, 100 m
// cells from x = 100: at (150,250) (exp(−900/20000) + exp(−53000/20000))/(2π·10⁴) =
// 1.633962146111483e-05; at (250,250) (exp(−17000/20000) + exp(−16900/20000))/(2π·10⁴)
// = 1.363913760716610e-05.
TEST(HotspotsKdeCli, writes_density_at_cell_centres_of_a_plain_csv) {
  ScratchDir dir;
  std::string points = dir.Write("points.csv", "x,y\n120,250\n380,260\n");
  auto r = RunHarmlens({"hotspots", "kde", "--points", points, "--bandwidth", "100", "--cell", "100",
                        "--kernel", "gaussian", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = CsvRows(r.out);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"x", "y", "density"}));
  EXPECT_EQ(rows[1][0], "150");
  EXPECT_EQ(rows[1][1], "250");
  EXPECT_NEAR(std::stod(rows[1][2]), 1.633962146111483e-05, 1e-14);
  EXPECT_EQ(rows[2][0], "250");
  EXPECT_NEAR(std::stod(rows[2][2]), 1.363913760716610e-05, 1e-14);
  EXPECT_EQ(rows[3][0], "350");
}

// By hand: A, B, C within 150 m of each other, D alone; values 1, 5, 2, 0: mean 2,
// s² = 3.5. A: (8 − 2·3)/√(3.5·(4·3 − 9)/3) = 2/√3.5 = 1.0690449676496976; D: −2/√3.5.
// p = erfc(1.069045/√2) = 0.2850494 (R: 2*pnorm(-2/sqrt(3.5))).
TEST(HotspotsGistarCli, writes_id_z_p_and_class_for_plain_zones) {
  ScratchDir dir;
  std::string zones = dir.Write("zones.csv", "id,x,y,value\nA,0,0,1\nB,100,0,5\nC,0,100,2\nD,1000,1000,0\n");
  auto r = RunHarmlens({"hotspots", "gistar", "--zones", zones, "--band", "150", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = CsvRows(r.out);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "gi_z", "p_value", "fdr_class"}));
  EXPECT_EQ(rows[1][0], "A");
  EXPECT_NEAR(std::stod(rows[1][1]), 2 / std::sqrt(3.5), 1e-12);
  EXPECT_NEAR(std::stod(rows[1][2]), 0.28504940740261, 1e-12);
  EXPECT_EQ(rows[1][3], "none");
  EXPECT_NEAR(std::stod(rows[4][1]), -2 / std::sqrt(3.5), 1e-12);
}

TEST(HotspotsCli, names_the_line_and_column_of_a_bad_value_and_refuses_bad_options) {
  ScratchDir dir;
  std::string bad = dir.Write("bad.csv", "x,y\n1,2\n3,north\n");
  auto r = RunHarmlens({"hotspots", "kde", "--points", bad, "--bandwidth", "10", "--cell", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.csv line 3 column \"y\": cannot read \"north\" as a number"), std::string::npos)
      << r.err;
  auto kernel = RunHarmlens({"hotspots", "kde", "--points", bad, "--kernel", "epanechnikov"});
  EXPECT_EQ(kernel.exit_code, 2);
  auto no_band = RunHarmlens({"hotspots", "gistar", "--zones", bad});
  EXPECT_EQ(no_band.exit_code, 2);
  EXPECT_NE(no_band.err.find("--band M"), std::string::npos);
}

// The whole bundled police.uk data loaded, then Gi* over the 611 LSOAs with a 1.5 km
// band from the store: the same z as spdep's localG (R counted the same incidents by
// police.uk's LSOA code, independently of harmlens).
class SpatialOnRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    db_ = new std::string(dir_->File("llr.db"));
    auto r = RunHarmlens({"ingest", "police-uk", DataDir() + "/police-uk", "--db", *db_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete db_;
    delete dir_;
  }
  static ScratchDir* dir_;
  static std::string* db_;
};
ScratchDir* SpatialOnRealData::dir_ = nullptr;
std::string* SpatialOnRealData::db_ = nullptr;

TEST_F(SpatialOnRealData, lsoa_gi_star_from_the_store_agrees_with_spdep_to_1e9) {
  auto r = RunHarmlens({"hotspots", "gistar", "--db", *db_, "--crime-type", "Violence and sexual offences",
                        "--weights", "band", "--band", "1500", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<std::string>> got;
  for (auto& row : CsvRows(r.out)) got[row[0]] = row;
  std::ifstream in(SourceDir() + "/tests/expected/spatial_llr_violence.csv");
  int compared = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("lsoa,", 0) == 0) continue;
    auto e = CsvRows(line)[0];  // lsoa,x,y,value,queen_n,gi_queen,band_n,gi_band_1500,...
    ASSERT_TRUE(got.count(e[0])) << e[0];
    const auto& g = got[e[0]];  // id,value,neighbours,gi_z,p_value,q_value,fdr_class
    EXPECT_EQ(std::stod(g[1]), std::stod(e[3])) << e[0];
    EXPECT_EQ(g[2], e[6]) << e[0];
    EXPECT_NEAR(std::stod(g[3]), std::stod(e[7]), 1e-9) << e[0];
    EXPECT_NEAR(std::stod(g[5]), std::stod(e[8]), 1e-9) << e[0];
    ++compared;
  }
  EXPECT_EQ(compared, 611);
}

// police.uk gives months only: day bands are refused, and the default uses month bands.
TEST_F(SpatialOnRealData, knox_on_month_only_data_uses_month_bands_and_refuses_days) {
  auto days = RunHarmlens({"nearrepeat", "--db", *db_, "--crime-type", "Burglary", "--from", "2022-01",
                           "--to", "2022-03", "--time-unit", "day", "--permutations", "9"});
  EXPECT_EQ(days.exit_code, 1);
  EXPECT_NE(days.err.find("are known only to the month (police.uk): day bands cannot be computed"),
            std::string::npos)
      << days.err;
  auto months = RunHarmlens({"nearrepeat", "--db", *db_, "--crime-type", "Burglary", "--from", "2022-01",
                             "--to", "2022-03", "--permutations", "19", "--seed", "5", "--time-bands", "2"});
  ASSERT_EQ(months.exit_code, 0) << months.err;
  auto rows = CsvRows(months.out);
  ASSERT_EQ(rows.size(), 1u + 6 * 3);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"distance", "time", "observed", "expected", "ratio", "p_value",
                                               "permutations", "seed"}));
  EXPECT_EQ(rows[1][0], "0 to <100 m");
  EXPECT_EQ(rows[1][1], "0 months (same month)");
  EXPECT_EQ(rows[2][1], "1 month");
  EXPECT_EQ(rows[3][1], "2 months or more");
  EXPECT_EQ(rows[1][7], "5");
}

// GeoJSON per RFC 7946: a FeatureCollection in longitude/latitude (LLR lies within
// 1.6°W-0.4°W, 52.3°N-52.99°N), closed rings, exterior rings anticlockwise.
TEST_F(SpatialOnRealData, geojson_is_wgs84_with_closed_anticlockwise_rings) {
  auto r =
      RunHarmlens({"hotspots", "gistar", "--db", *db_, "--crime-type", "Robbery", "--format", "geojson"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["type"], "FeatureCollection");
  EXPECT_FALSE(j.contains("crs"));
  ASSERT_EQ(j["features"].size(), 611u);
  for (const auto& f : j["features"]) {
    ASSERT_EQ(f["geometry"]["type"], "Polygon");
    const auto& ring = f["geometry"]["coordinates"][0];
    ASSERT_GE(ring.size(), 4u);
    EXPECT_EQ(ring.front(), ring.back());
    double area = 0;
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
      double lon = ring[i][0], lat = ring[i][1];
      EXPECT_GT(lon, -1.7);
      EXPECT_LT(lon, -0.3);
      EXPECT_GT(lat, 52.3);
      EXPECT_LT(lat, 53.0);
      area += lon * static_cast<double>(ring[i + 1][1]) - static_cast<double>(ring[i + 1][0]) * lat;
    }
    EXPECT_GT(area, 0) << f["properties"]["id"];
    EXPECT_TRUE(f["properties"].contains("gi_z"));
  }
}

TEST_F(SpatialOnRealData, svg_preview_draws_the_surface_over_the_lsoa_boundaries) {
  auto r = RunHarmlens({"hotspots", "kde", "--db", *db_, "--crime-type", "Robbery", "--bandwidth", "500",
                        "--cell", "250", "--format", "svg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(r.out.find("<rect x="), std::string::npos);                                       // surface cells
  EXPECT_NE(r.out.find("stroke=\"#555555\" stroke-width=\"0.4\" d=\"M"), std::string::npos);  // boundaries
  EXPECT_EQ(r.out.substr(r.out.size() - 7), "</svg>\n");
}

}  // namespace
}  // namespace harmlens
