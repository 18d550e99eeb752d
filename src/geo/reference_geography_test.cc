#include "geo/reference_geography.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <string>

#include "base/csv.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::DataDir;
using testing::ScratchDir;

std::string ReferenceDir() { return DataDir() + "/reference"; }

// The bundled reference geography, loaded once for the read-only tests below.
class BundledGeography : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ReferenceGeography::Load(Env::Default(), ReferenceDir());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    geo_ = new std::shared_ptr<const ReferenceGeography>(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete geo_;
    geo_ = nullptr;
  }
  const ReferenceGeography& geo() const { return **geo_; }

  std::string CodeAt(double longitude, double latitude) const {
    const Lsoa* lsoa = geo().LsoaContaining({longitude, latitude});
    return lsoa ? lsoa->code : "(none)";
  }

 private:
  static std::shared_ptr<const ReferenceGeography>* geo_;
};
std::shared_ptr<const ReferenceGeography>* BundledGeography::geo_ = nullptr;

TEST_F(BundledGeography, has_exactly_611_lsoas) {
  // data/README.md: 611 LLR LSOAs (2011); `awk 'END{print NR-1}' lsoa11_to_lad19_llr.csv` = 611.
  EXPECT_EQ(geo().lsoas().size(), 611u);
}

TEST_F(BundledGeography, puts_every_lsoa_in_one_of_the_nine_csp_areas) {
  for (const Lsoa& lsoa : geo().lsoas()) {
    EXPECT_TRUE(FindCspArea(lsoa.csp_area).has_value()) << lsoa.code << " -> " << lsoa.csp_area;
    EXPECT_EQ(lsoa.csp_area.size(), 9u) << lsoa.code;  // a code, not a name
  }
}

TEST_F(BundledGeography, has_the_published_number_of_lsoas_in_each_csp_area) {
  // From the IoD2019 provenance notes (data/README.md), cross-checked with
  //   awk -F, 'NR>1{c[$3]++} END{for(k in c) print k, c[k]}' data/reference/lsoa11_to_lad19_llr.csv
  const std::map<std::string, int> kExpected = {
      {"E06000016", 192},  // Leicester
      {"E06000017", 23},   // Rutland
      {"E07000129", 60},   // Blaby
      {"E07000130", 99},   // Charnwood
      {"E07000131", 47},   // Harborough
      {"E07000132", 66},   // Hinckley and Bosworth
      {"E07000133", 30},   // Melton
      {"E07000134", 58},   // North West Leicestershire
      {"E07000135", 36},   // Oadby and Wigston
  };
  std::map<std::string, int> counted;
  for (const Lsoa& lsoa : geo().lsoas()) ++counted[lsoa.csp_area];
  EXPECT_EQ(counted, kExpected);
}

TEST_F(BundledGeography, has_the_llr_imd_decile_distribution) {
  // data/README.md section 4, cross-checked with
  //   awk -F, 'NR>1{sub(/\r$/,"",$NF); c[$NF]++} END{for(k in c) print k, c[k]}'
  //   data/reference/imd2019_file1_llr.csv
  // ($NF is the decile even where the quoted rank "1,928" splits into two fields.)
  const std::map<int, int> kExpected = {{1, 43}, {2, 32}, {3, 62}, {4, 49}, {5, 53},
                                        {6, 51}, {7, 73}, {8, 84}, {9, 80}, {10, 84}};
  std::map<int, int> counted;
  for (const Lsoa& lsoa : geo().lsoas()) ++counted[lsoa.imd_decile];
  EXPECT_EQ(counted, kExpected);
}

TEST_F(BundledGeography, ranks_are_national_and_agree_with_their_decile) {
  // IoD2019 ranks 32,844 LSOAs; decile d covers ranks (d-1)*3284.4 < rank <= d*3284.4.
  for (const Lsoa& lsoa : geo().lsoas()) {
    ASSERT_GE(lsoa.imd_rank, 1) << lsoa.code;
    ASSERT_LE(lsoa.imd_rank, 32844) << lsoa.code;
    int decile = static_cast<int>(std::ceil(lsoa.imd_rank / 3284.4));
    EXPECT_EQ(lsoa.imd_decile, decile) << lsoa.code << " rank " << lsoa.imd_rank;
  }
}

TEST_F(BundledGeography, reads_a_thousands_separated_imd_rank_as_a_number) {
  // imd2019_file1_llr.csv line 2: E01013600,Leicester 003A,E06000016,Leicester,"1,928",1
  const Lsoa* lsoa = geo().FindLsoa("E01013600");
  ASSERT_NE(lsoa, nullptr);
  EXPECT_EQ(lsoa->imd_rank, 1928);
  EXPECT_EQ(lsoa->imd_decile, 1);
  EXPECT_EQ(lsoa->name, "Leicester 003A");
  EXPECT_EQ(lsoa->csp_area, "E06000016");
}

TEST_F(BundledGeography, populations_sum_to_the_mid_2018_llr_total) {
  // awk -F, 'NR>1{s+=$3} END{print s}' data/reference/population_mid2018_lsoa11_llr.csv
  //   -> 1093183, the LLR mid-2018 total data/README.md gives (1,093,183).
  int64_t total = 0;
  for (const Lsoa& lsoa : geo().lsoas()) {
    EXPECT_GT(lsoa.population, 0) << lsoa.code;
    total += lsoa.population;
  }
  EXPECT_EQ(total, 1093183);
  // population_mid2018_lsoa11_llr.csv line 2: E01013615,Leicester 001A,1495,...
  ASSERT_NE(geo().FindLsoa("E01013615"), nullptr);
  EXPECT_EQ(geo().FindLsoa("E01013615")->population, 1495);
}

TEST_F(BundledGeography, finds_lsoas_by_code_only_inside_llr) {
  EXPECT_NE(geo().FindLsoa("E01025631"), nullptr);  // Blaby 002A
  EXPECT_EQ(geo().FindLsoa("E01028410"), nullptr);  // Rushcliffe 015E, Nottinghamshire
  EXPECT_EQ(geo().FindLsoa(""), nullptr);
  EXPECT_EQ(geo().FindLsoa("e01025631"), nullptr);
}

// ---- Point in polygon on the real boundaries ---------------------------------------
// Points are police.uk snap points. Each was checked with a separate Python even-odd
// test over lsoa11_llr.geojson, which also gave its distance to the nearest edge of its
// polygon (equirectangular metres) — far enough that generalisation cannot matter.

TEST_F(BundledGeography, maps_a_police_uk_point_to_the_small_city_lsoa_it_is_labelled_with) {
  // 2022-10-leicestershire-street.csv line 3326: -1.089630,52.658844 "On or near Langham
  // Road", E01013733 Leicester 002A (about 1.6 km2); 340 m from the nearest edge.
  EXPECT_EQ(CodeAt(-1.089630, 52.658844), "E01013733");
}

TEST_F(BundledGeography, maps_a_rural_police_uk_point_to_its_labelled_lsoa) {
  // 2022-10 file: -0.760129,52.852181 "On or near Highfield Crescent", E01025887
  // Melton 001C; 2.35 km from the nearest edge.
  EXPECT_EQ(CodeAt(-0.760129, 52.852181), "E01025887");
}

TEST_F(BundledGeography, maps_a_point_in_the_second_part_of_a_multipolygon_lsoa) {
  // 2018-12-leicestershire-street.csv line 1217: -1.233053,52.751834 "On or near
  // Sports/Recreation Area", E01025710 Charnwood 010B, a MultiPolygon; the point is in
  // its second part, 376 m from that part's nearest edge.
  EXPECT_EQ(CodeAt(-1.233053, 52.751834), "E01025710");
}

TEST_F(BundledGeography, agrees_with_the_csp_area_of_the_lsoa_it_finds) {
  const Lsoa* lsoa = geo().LsoaContaining({-1.089630, 52.658844});
  ASSERT_NE(lsoa, nullptr);
  EXPECT_EQ(lsoa->csp_area, "E06000016");  // Leicester
}

TEST_F(BundledGeography, maps_points_outside_llr_to_no_lsoa) {
  // The North Sea, far outside the grid.
  EXPECT_EQ(CodeAt(2.5, 53.0), "(none)");
  // Inside LLR's bounding box (lon -1.598..-0.428, lat 52.392..52.978) but in no LLR
  // polygon: Corby, Nottingham, and a police.uk row labelled Rushcliffe 015E
  // (2022-10 file line 9221: -1.195091,52.793789, E01028410).
  EXPECT_EQ(CodeAt(-0.6880, 52.4887), "(none)");
  EXPECT_EQ(CodeAt(-1.1505, 52.9548), "(none)");
  EXPECT_EQ(CodeAt(-1.195091, 52.793789), "(none)");
}

TEST_F(BundledGeography, places_a_whole_month_of_police_uk_points_as_an_independent_count_does) {
  // Every row of 2022-10 with coordinates, looked up in the bundled polygons. The counts
  // were computed in Python twice, with an even-odd ray test and with a winding-number
  // test (non-zero rule), both giving: 9,400 rows with coordinates (data/README.md:
  // 9,802 rows, 402 without), 9,385 inside some LLR LSOA, 9,063 inside exactly the LSOA
  // police.uk labels them with (96.4%; the README says "about 96.6-96.7%" overall).
  const std::string file =
      DataDir() + "/police-uk/leicestershire-2021-04_2022-10/2022-10/2022-10-leicestershire-street.csv";
  auto contents = Env::Default()->ReadFile(file);
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  CsvReader reader((*contents)->bytes());
  CsvRecord record;
  constexpr size_t kLongitude = 4, kLatitude = 5, kLsoaCode = 7;
  int64_t with_point = 0, in_llr = 0, in_labelled = 0;
  bool header = true;
  while (reader.Next(&record)) {
    if (header || record.blank) {
      header = false;
      continue;
    }
    ASSERT_TRUE(record.error.empty()) << "line " << record.line << ": " << record.error;
    ASSERT_EQ(record.fields.size(), 12u) << "line " << record.line;
    if (record.fields[kLongitude].empty()) continue;
    ++with_point;
    GeoPoint p{std::stod(std::string(record.fields[kLongitude])),
               std::stod(std::string(record.fields[kLatitude]))};
    const Lsoa* lsoa = geo().LsoaContaining(p);
    if (lsoa == nullptr) continue;
    ++in_llr;
    if (lsoa->code == record.fields[kLsoaCode]) ++in_labelled;
  }
  EXPECT_EQ(with_point, 9400);
  EXPECT_EQ(in_llr, 9385);
  EXPECT_EQ(in_labelled, 9063);
}

TEST_F(BundledGeography, maps_nan_and_infinite_coordinates_to_no_lsoa) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(geo().LsoaContaining({nan, nan}), nullptr);
  EXPECT_EQ(geo().LsoaContaining({nan, 52.658844}), nullptr);
  EXPECT_EQ(geo().LsoaContaining({-1.089630, nan}), nullptr);
  EXPECT_EQ(geo().LsoaContaining({-inf, 52.658844}), nullptr);
}

// ---- A hand-made reference folder ---------------------------------------------------

// Two zones: A wound clockwise (as the bundled file is), B the same kind of square wound
// counter-clockwise, and C a MultiPolygon whose first part has a hole.
constexpr char kTinyGeoJson[] = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"LSOA11CD":"E01000001","LSOA11NM":"Blaby 001A"},
  "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}},
 {"type":"Feature","properties":{"LSOA11CD":"E01000002","LSOA11NM":"Blaby 001B"},
  "geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
 {"type":"Feature","properties":{"LSOA11CD":"E01000003","LSOA11NM":"Rutland 001A"},
  "geometry":{"type":"MultiPolygon","coordinates":[
    [[[0,2],[4,2],[4,6],[0,6],[0,2]],[[1,3],[1,5],[3,5],[3,3],[1,3]]],
    [[[5,2],[5,3],[6,3],[6,2],[5,2]]]]}}
]})";

void WriteTinyReference(const ScratchDir& dir) {
  dir.Write(std::string(kLsoaBoundariesFile), kTinyGeoJson);
  dir.Write(std::string(kLsoaDistrictLookupFile),
            "LSOA11CD,LSOA11NM,LAD19CD,LAD19NM\n"
            "E01000001,Blaby 001A,E07000129,Blaby\n"
            "E01000002,Blaby 001B,E07000129,Blaby\n"
            "E01000003,Rutland 001A,E06000017,Rutland\n");
  dir.Write(std::string(kImdFile),
            "LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) "
            "Decile\r\n"
            "E01000001,\"1,928\",1\r\n"
            "E01000002,12,1\r\n"
            "E01000003,\"32,844\",10\r\n");
  dir.Write(std::string(kPopulationFile),
            "LSOA11CD,LSOA11NM,Mid-2018 population\n"
            "E01000001,Blaby 001A,1500\n"
            "E01000002,Blaby 001B,1600\n"
            "E01000003,Rutland 001A,1700\n");
}

TEST(ReferenceGeographyLoad, finds_points_in_zones_wound_either_way_with_parts_and_holes) {
  ScratchDir dir;
  WriteTinyReference(dir);
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const ReferenceGeography& geo = **loaded;
  auto code_at = [&](double x, double y) -> std::string {
    const Lsoa* lsoa = geo.LsoaContaining({x, y});
    return lsoa ? lsoa->code : "(none)";
  };
  EXPECT_EQ(code_at(0.5, 0.5), "E01000001");  // clockwise square
  EXPECT_EQ(code_at(1.5, 0.5), "E01000002");  // counter-clockwise square
  EXPECT_EQ(code_at(0.5, 2.5), "E01000003");  // first part, outside its hole
  EXPECT_EQ(code_at(5.5, 2.5), "E01000003");  // second part
  EXPECT_EQ(code_at(2, 4), "(none)");         // in the hole
  EXPECT_EQ(code_at(4.5, 2.5), "(none)");     // between the parts
  EXPECT_EQ(code_at(2.5, 0.5), "(none)");
  ASSERT_NE(geo.FindLsoa("E01000001"), nullptr);
  EXPECT_EQ(geo.FindLsoa("E01000001")->imd_rank, 1928);
  EXPECT_EQ(geo.FindLsoa("E01000003")->imd_rank, 32844);
  EXPECT_EQ(geo.FindLsoa("E01000003")->csp_area, "E06000017");
  EXPECT_EQ(geo.FindLsoa("E01000002")->population, 1600);
}

// ---- Error paths, on broken copies of the bundled folder -----------------------------

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Copies the four files Load reads into `dir`.
void CopyReference(const ScratchDir& dir) {
  for (std::string_view name : {kLsoaBoundariesFile, kLsoaDistrictLookupFile, kImdFile, kPopulationFile}) {
    std::filesystem::copy_file(ReferenceDir() + "/" + std::string(name), dir.File(std::string(name)));
  }
}

// Replaces the first `from` in the copied file `name`; fails the test if there is none.
void Corrupt(const ScratchDir& dir, std::string_view name, const std::string& from, const std::string& to) {
  std::string text = ReadText(dir.File(std::string(name)));
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << name;
  text.replace(at, from.size(), to);
  dir.Write(std::string(name), text);
}

TEST(ReferenceGeographyLoad, an_unchanged_copy_of_the_bundled_folder_loads) {
  ScratchDir dir;
  CopyReference(dir);
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->lsoas().size(), 611u);
}

TEST(ReferenceGeographyLoad, a_missing_file_is_not_found_and_names_its_path) {
  for (std::string_view name : {kLsoaBoundariesFile, kLsoaDistrictLookupFile, kImdFile, kPopulationFile}) {
    ScratchDir dir;
    CopyReference(dir);
    std::filesystem::remove(dir.File(std::string(name)));
    auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
    ASSERT_FALSE(loaded.ok()) << name;
    EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound) << loaded.status().ToString();
    EXPECT_NE(loaded.status().ToString().find(dir.File(std::string(name))), std::string::npos)
        << loaded.status().ToString();
  }
}

TEST(ReferenceGeographyLoad, a_missing_folder_is_not_found) {
  ScratchDir dir;
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.File("no-such-folder"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_NE(loaded.status().ToString().find("no-such-folder"), std::string::npos);
}

TEST(ReferenceGeographyLoad, a_lookup_without_its_district_column_names_the_column_and_file) {
  ScratchDir dir;
  CopyReference(dir);
  Corrupt(dir, kLsoaDistrictLookupFile, "LSOA11CD,LSOA11NM,LAD19CD,", "LSOA11CD,LSOA11NM,LAD_CODE,");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  const Status& status = loaded.status();
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.where().file, dir.File(std::string(kLsoaDistrictLookupFile)));
  EXPECT_EQ(status.ToString(),
            dir.File(std::string(kLsoaDistrictLookupFile)) + " line 1: missing column \"LAD19CD\"");
}

TEST(ReferenceGeographyLoad, a_population_file_without_its_count_column_names_the_column_and_file) {
  ScratchDir dir;
  CopyReference(dir);
  Corrupt(dir, kPopulationFile, "Mid-2018 population", "Population");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().ToString(),
            dir.File(std::string(kPopulationFile)) + " line 1: missing column \"Mid-2018 population\"");
}

TEST(ReferenceGeographyLoad, a_population_that_is_not_a_number_names_file_line_and_column) {
  ScratchDir dir;
  CopyReference(dir);
  // Line 2 of the population file is "E01013615,Leicester 001A,1495,2.9339,509.56".
  Corrupt(dir, kPopulationFile, "Leicester 001A,1495,", "Leicester 001A,about 1500,");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  const Status& status = loaded.status();
  EXPECT_EQ(status.code(), StatusCode::kRejectedInput);
  EXPECT_EQ(status.where().file, dir.File(std::string(kPopulationFile)));
  EXPECT_EQ(status.where().line, 2);
  EXPECT_EQ(status.where().column, "Mid-2018 population");
  EXPECT_EQ(status.ToString(), dir.File(std::string(kPopulationFile)) +
                                   " line 2 column \"Mid-2018 population\": cannot read \"about 1500\" as a "
                                   "whole number");
}

TEST(ReferenceGeographyLoad, an_imd_rank_that_is_not_a_number_names_file_line_and_column) {
  ScratchDir dir;
  CopyReference(dir);
  // Line 3 of the IMD file is E01013601,Leicester 003B,...,"2,692",1
  Corrupt(dir, kImdFile, "\"2,692\"", "\"2,69x\"");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  const Status& status = loaded.status();
  EXPECT_EQ(status.where().file, dir.File(std::string(kImdFile)));
  EXPECT_EQ(status.where().line, 3);
  EXPECT_EQ(status.where().column, "Index of Multiple Deprivation (IMD) Rank");
  EXPECT_NE(status.message().find("\"2,69x\""), std::string::npos) << status.ToString();
}

TEST(ReferenceGeographyLoad, an_empty_count_is_refused_rather_than_read_as_zero) {
  ScratchDir dir;
  CopyReference(dir);
  Corrupt(dir, kPopulationFile, "Leicester 001A,1495,", "Leicester 001A,,");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().where().line, 2);
  EXPECT_EQ(loaded.status().where().column, "Mid-2018 population");
}

TEST(ReferenceGeographyLoad, values_outside_their_range_are_refused_with_file_line_and_column) {
  struct Case {
    std::string_view file;
    std::string from, to;
    int64_t line;
    std::string column;
  };
  // imd line 2: E01013600,Leicester 003A,E06000016,Leicester,"1,928",1
  // population line 2: E01013615,Leicester 001A,1495,2.9339,509.56
  const std::vector<Case> kCases = {
      {kImdFile, "\"1,928\",1\r", "\"1,928\",11\r", 2, "Index of Multiple Deprivation (IMD) Decile"},
      {kImdFile, "\"1,928\",1\r", "\"1,928\",0\r", 2, "Index of Multiple Deprivation (IMD) Decile"},
      {kImdFile, "\"1,928\",1\r", "\"32,845\",1\r", 2, "Index of Multiple Deprivation (IMD) Rank"},
      {kImdFile, "\"1,928\",1\r", "-3,1\r", 2, "Index of Multiple Deprivation (IMD) Rank"},
      {kPopulationFile, "Leicester 001A,1495,", "Leicester 001A,-1495,", 2, "Mid-2018 population"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.to);
    ScratchDir dir;
    CopyReference(dir);
    Corrupt(dir, c.file, c.from, c.to);
    auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kRejectedInput);
    EXPECT_EQ(loaded.status().where().file, dir.File(std::string(c.file)));
    EXPECT_EQ(loaded.status().where().line, c.line);
    EXPECT_EQ(loaded.status().where().column, c.column) << loaded.status().ToString();
  }
}

TEST(ReferenceGeographyLoad, a_decile_of_eleven_is_reported_with_the_allowed_range) {
  ScratchDir dir;
  CopyReference(dir);
  Corrupt(dir, kImdFile, "\"1,928\",1\r", "\"1,928\",11\r");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().ToString(), dir.File(std::string(kImdFile)) +
                                            " line 2 column \"Index of Multiple Deprivation (IMD) Decile\": "
                                            "\"11\" is outside 1..10");
}

TEST(ReferenceGeographyLoad, a_district_outside_llr_is_refused_with_its_line) {
  ScratchDir dir;
  CopyReference(dir);
  // Line 2 of the lookup: E01013600,Leicester 003A,E06000016,Leicester
  Corrupt(dir, kLsoaDistrictLookupFile, "E01013600,Leicester 003A,E06000016,",
          "E01013600,Leicester 003A,E06000018,");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().where().line, 2);
  EXPECT_EQ(loaded.status().where().column, "LAD19CD");
  EXPECT_NE(loaded.status().message().find("E06000018"), std::string::npos);
}

TEST(ReferenceGeographyLoad, a_district_name_or_lower_case_code_in_the_code_column_is_refused) {
  // FindCspArea accepts names and any case, but LAD19CD must hold the code itself:
  // everything downstream compares csp_area with codes exactly.
  for (const std::string& bad : {std::string("Leicester"), std::string("e06000016")}) {
    SCOPED_TRACE(bad);
    ScratchDir dir;
    CopyReference(dir);
    Corrupt(dir, kLsoaDistrictLookupFile, "E01013600,Leicester 003A,E06000016,",
            "E01013600,Leicester 003A," + bad + ",");
    auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
    ASSERT_FALSE(loaded.ok()) << "loaded with csp_area \"" << (*loaded)->FindLsoa("E01013600")->csp_area
                              << "\"";
    EXPECT_EQ(loaded.status().code(), StatusCode::kRejectedInput);
    EXPECT_EQ(loaded.status().where().file, dir.File(std::string(kLsoaDistrictLookupFile)));
    EXPECT_EQ(loaded.status().where().line, 2);
    EXPECT_EQ(loaded.status().where().column, "LAD19CD");
  }
}

// A boundary file whose single feature is `feature`, in an otherwise intact folder.
Result<std::shared_ptr<const ReferenceGeography>> LoadWithFeature(const ScratchDir& dir,
                                                                  const std::string& feature) {
  CopyReference(dir);
  dir.Write(std::string(kLsoaBoundariesFile),
            "{\"type\":\"FeatureCollection\",\"features\":[" + feature + "]}");
  return ReferenceGeography::Load(Env::Default(), dir.path());
}

TEST(ReferenceGeographyLoad, malformed_features_are_refused_as_input_not_thrown) {
  // GeoJSON allows "geometry": null; a crafted file may put anything anywhere. Each must
  // come back as RejectedInput naming the boundary file, never as an exception.
  const std::string kProps = R"("properties":{"LSOA11CD":"E01013600"})";
  const std::vector<std::string> kFeatures = {
      "{" + kProps + R"(,"geometry":null})",
      "{" + kProps + R"(,"geometry":{"type":5,"coordinates":[]}})",
      "{" + kProps + R"(,"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],"x"]]}})",
      "{" + kProps + R"(,"geometry":{"type":"Polygon","coordinates":[[]]}})",
      "{" + kProps + R"(,"geometry":{"type":"Point","coordinates":[0,0]}})",
      "{" + kProps + R"(,"geometry":{"type":"MultiPolygon","coordinates":7}})",
      "{" + kProps + R"(,"geometry":[1,2]})",
      R"({"properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1]]]}})",
      R"({"properties":{"LSOA11CD":7},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1]]]}})",
      "42",
      "null",
  };
  for (const std::string& feature : kFeatures) {
    SCOPED_TRACE(feature);
    ScratchDir dir;
    Result<std::shared_ptr<const ReferenceGeography>> loaded = Status::Internal("not run");
    ASSERT_NO_THROW(loaded = LoadWithFeature(dir, feature));
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kRejectedInput) << loaded.status().ToString();
    EXPECT_EQ(loaded.status().where().file, dir.File(std::string(kLsoaBoundariesFile)));
  }
}

TEST(ReferenceGeographyLoad, an_lsoa_with_no_population_row_is_refused) {
  ScratchDir dir;
  CopyReference(dir);
  Corrupt(dir, kPopulationFile, "E01013615,Leicester 001A,1495,2.9339,509.56\n", "");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("E01013615"), std::string::npos) << loaded.status().ToString();
  EXPECT_EQ(loaded.status().where().file, dir.File(std::string(kPopulationFile)));
}

TEST(ReferenceGeographyLoad, a_boundary_file_that_is_not_geojson_is_refused) {
  ScratchDir dir;
  CopyReference(dir);
  dir.Write(std::string(kLsoaBoundariesFile), "{\"type\": \"FeatureCollection\", \"features\": [");
  auto loaded = ReferenceGeography::Load(Env::Default(), dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kRejectedInput);
  EXPECT_EQ(loaded.status().where().file, dir.File(std::string(kLsoaBoundariesFile)));
}

}  // namespace
}  // namespace harmlens
