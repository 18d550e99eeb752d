#include "geo/boundary_scanner.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "geo/reference_geography.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::DataDir;
using testing::ScratchDir;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string BundledBoundaries() {
  return ReadText(DataDir() + "/reference/" + std::string(kLsoaBoundariesFile));
}

// Two squares, one wound each way, and a part with a hole beside a second part.
constexpr std::string_view kTiny = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"LSOA11CD":"E01000001","LSOA11NM":"Blaby 001A"},
  "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}},
 {"geometry":{"coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]],"type":"Polygon"},
  "properties":{"LSOA11NM":"Blaby 001B","LSOA11CD":"E01000002"},"type":"Feature"},
 {"type":"Feature","properties":{"LSOA11CD":"E01000003","LSOA11NM":"Rutland 001A"},
  "geometry":{"type":"MultiPolygon","coordinates":[
    [[[0,2],[4,2],[4,6],[0,6],[0,2]],[[1,3],[1,5],[3,5],[3,3],[1,3]]],
    [[[5,2],[5,3],[6,3],[6,2],[5,2]]]]}}
]})";

TEST(BoundaryScanner, reads_the_bundled_boundaries_exactly_as_the_general_reader_does) {
  const std::string text = BundledBoundaries();
  std::vector<ZonePolygon> scanned;
  ASSERT_TRUE(ScanLsoaBoundaries(text, &scanned));
  ASSERT_EQ(scanned.size(), 611u);

  // A byte-order mark is one thing the scanner leaves to the general reader (nlohmann's),
  // so the same folder with one loads through that reader instead.
  const std::string with_bom = "\xEF\xBB\xBF" + text;
  std::vector<ZonePolygon> none;
  EXPECT_FALSE(ScanLsoaBoundaries(with_bom, &none));
  EXPECT_TRUE(none.empty());
  ScratchDir dir;
  for (std::string_view name : {kLsoaDistrictLookupFile, kImdFile, kPopulationFile}) {
    std::filesystem::copy_file(DataDir() + "/reference/" + std::string(name), dir.File(std::string(name)));
  }
  dir.Write(std::string(kLsoaBoundariesFile), with_bom);
  auto general = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_TRUE(general.ok()) << general.status().ToString();

  size_t points = 0;
  for (size_t i = 0; i < scanned.size(); ++i) {
    const ZonePolygon& a = scanned[i];
    const ZonePolygon& b = (*general)->Polygon(i);
    ASSERT_EQ(a.code, b.code);
    EXPECT_EQ(a.min_lon, b.min_lon);
    EXPECT_EQ(a.max_lon, b.max_lon);
    EXPECT_EQ(a.min_lat, b.min_lat);
    EXPECT_EQ(a.max_lat, b.max_lat);
    ASSERT_EQ(a.rings.size(), b.rings.size()) << a.code;
    for (size_t r = 0; r < a.rings.size(); ++r) {
      ASSERT_EQ(a.rings[r].points.size(), b.rings[r].points.size()) << a.code;
      for (size_t k = 0; k < a.rings[r].points.size(); ++k) {
        // Bit for bit: both convert the decimal text with correct rounding.
        ASSERT_EQ(std::bit_cast<uint64_t>(a.rings[r].points[k].longitude),
                  std::bit_cast<uint64_t>(b.rings[r].points[k].longitude));
        ASSERT_EQ(std::bit_cast<uint64_t>(a.rings[r].points[k].latitude),
                  std::bit_cast<uint64_t>(b.rings[r].points[k].latitude));
        ++points;
      }
    }
  }
  // Every position of the file: grep -o '\[-\?[0-9.]*,-\?[0-9.]*\]' lsoa11_llr.geojson | wc -l
  EXPECT_EQ(points, 38435u);
}

TEST(BoundaryScanner, reads_parts_holes_and_members_in_any_order) {
  std::vector<ZonePolygon> zones;
  ASSERT_TRUE(ScanLsoaBoundaries(kTiny, &zones));
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0].code, "E01000001");
  EXPECT_EQ(zones[1].code, "E01000002");  // geometry before properties, type after coordinates
  EXPECT_EQ(zones[2].code, "E01000003");
  ASSERT_EQ(zones[2].rings.size(), 3u);  // outer ring and hole of the first part, then the second part
  EXPECT_EQ(zones[2].rings[1].points[2].longitude, 3.0);
  EXPECT_EQ(zones[2].rings[1].points[2].latitude, 5.0);
  EXPECT_EQ(zones[2].min_lon, 0.0);
  EXPECT_EQ(zones[2].max_lon, 6.0);
  EXPECT_EQ(zones[2].min_lat, 2.0);
  EXPECT_EQ(zones[2].max_lat, 6.0);
  EXPECT_EQ(zones[1].min_lon, 1.0);
  EXPECT_EQ(zones[1].max_lon, 2.0);
}

std::string OneFeature(std::string_view coordinates, std::string_view extra_property = "") {
  return std::string(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{)") +
         std::string(extra_property) + R"("LSOA11CD":"E01000001"},"geometry":{"type":"Polygon","coordinates":)" +
         std::string(coordinates) + "}}]}";
}

TEST(BoundaryScanner, converts_numbers_as_json_writes_them) {
  std::vector<ZonePolygon> zones;
  ASSERT_TRUE(ScanLsoaBoundaries(OneFeature("[[[-0, -0.0], [1.5e1, -2E-1, 99], [ 0.1 ,\t52.622998 ]]]"), &zones));
  const auto& p = zones[0].rings[0].points;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_FALSE(std::signbit(p[0].longitude));  // the integer -0 is 0, as nlohmann reads it
  EXPECT_TRUE(std::signbit(p[0].latitude));    // -0.0 keeps its sign
  EXPECT_EQ(p[1].longitude, 15.0);
  EXPECT_EQ(p[1].latitude, -0.2);  // an altitude after the two is skipped
  EXPECT_EQ(p[2].longitude, 0.1);
  EXPECT_EQ(p[2].latitude, 52.622998);
}

TEST(BoundaryScanner, leaves_anything_unusual_to_the_general_reader) {
  const std::string good = OneFeature("[[[0,0],[0,1],[1,1]]]");
  std::vector<ZonePolygon> zones;
  ASSERT_TRUE(ScanLsoaBoundaries(good, &zones));
  auto refused = [&](const std::string& text) {
    std::vector<ZonePolygon> out;
    bool read = ScanLsoaBoundaries(text, &out);
    return !read && out.empty();
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused("\xEF\xBB\xBF" + good));
  EXPECT_TRUE(refused(good + " x"));                           // trailing text
  EXPECT_TRUE(refused(good.substr(0, good.size() - 1)));       // truncated
  EXPECT_TRUE(refused(R"({"type":"FeatureCollection"})"));     // no features
  EXPECT_TRUE(refused(R"({"features":{}})"));                  // features not an array
  EXPECT_TRUE(refused(R"({"features":[],"features":[]})"));    // repeated member
  EXPECT_TRUE(refused(R"({"features":[null]})"));              // a feature that is not an object
  EXPECT_TRUE(refused(OneFeature("[[[0,0],[0,1],[1,1]]]", R"("LSOA11NM":"Caf\u00e9",)")));  // an escape
  EXPECT_TRUE(refused(OneFeature("[[[0,0],[0,1],[1,1]]]", "\"LSOA11NM\":\"Caf\xC3\xA9\",")));  // non-ASCII
  EXPECT_TRUE(refused(OneFeature("[[[0,0],[0,1],[1,1]]]", R"("LSOA11CD":"E01000009",)")));    // code twice
  EXPECT_TRUE(refused(OneFeature("[[[0,0],[0,1],[1,1]]]", R"("LSOA11NM":nul,)")));            // bad literal
  EXPECT_TRUE(refused(OneFeature("[]")));                      // no points
  EXPECT_TRUE(refused(OneFeature("[[[0],[0,1],[1,1]]]")));     // a one-number position
  EXPECT_TRUE(refused(OneFeature("[[[\"0\",0],[0,1],[1,1]]]")));  // a string for a number
  for (const char* number : {"01", "1.", ".5", "-", "1e", "+1", "0x1", "1e+", "--1", "NaN"}) {
    EXPECT_TRUE(refused(OneFeature(std::string("[[[") + number + ",0],[0,1],[1,1]]]"))) << number;
  }
  std::string point = good;
  point.replace(point.find("Polygon"), 7, "Point");
  EXPECT_TRUE(refused(point));
  std::string null_geometry = R"({"features":[{"properties":{"LSOA11CD":"E01000001"},"geometry":null}]})";
  EXPECT_TRUE(refused(null_geometry));
  std::string deep = OneFeature("[[[0,0],[0,1],[1,1]]]", "\"x\":" + std::string(100, '[') + std::string(100, ']') + ",");
  EXPECT_TRUE(refused(deep));
  std::string shallow = OneFeature("[[[0,0],[0,1],[1,1]]]", "\"x\":" + std::string(10, '[') + std::string(10, ']') + ",");
  EXPECT_FALSE(refused(shallow));
}

}  // namespace
}  // namespace harmlens
