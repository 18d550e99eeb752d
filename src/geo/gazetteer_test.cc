#include "geo/gazetteer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/testing.h"

namespace harmlens {
namespace {

using testing::DataDir;

// The gazetteer built from the bundled data once for every test below (about 0.3 s).
class BundledGazetteer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildGazetteer(Env::Default(), DataDir());
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    entries_ = new std::vector<GazetteerEntry>(std::move(built).value());
  }
  static void TearDownTestSuite() {
    delete entries_;
    entries_ = nullptr;
  }
  static const std::vector<GazetteerEntry>& entries() { return *entries_; }
  static std::vector<const GazetteerEntry*> Named(PlaceKind kind, const std::string& name) {
    std::vector<const GazetteerEntry*> out;
    for (const GazetteerEntry& e : entries()) {
      if (e.kind == kind && e.name == name) out.push_back(&e);
    }
    return out;
  }

 private:
  static std::vector<GazetteerEntry>* entries_;
};
std::vector<GazetteerEntry>* BundledGazetteer::entries_ = nullptr;

TEST_F(BundledGazetteer, regenerating_it_gives_the_committed_file_byte_for_byte) {
  // data/reference/gazetteer_llr.csv is derived: `harmlens gazetteer --out` must reproduce it.
  std::string path = DataDir() + "/reference/" + std::string(kGazetteerFile);
  auto committed = Env::Default()->ReadFile(path);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  std::string rebuilt = WriteGazetteerCsv(entries());
  EXPECT_TRUE(rebuilt == (*committed)->bytes())
      << "regenerate it: harmlens gazetteer --out " << path << " (and say why in the commit)";
}

TEST_F(BundledGazetteer, granby_street_is_one_place_at_the_median_of_its_599_rows) {
  // Hand-checked with awk over the 22 files (CRs stripped): 599 located rows
  // "On or near Granby Street", all in Leicester LSOAs, at three snap points:
  // 328 x (-1.129511, 52.633145), 116 x (-1.129306, 52.633053), 155 x (-1.126829, 52.632073).
  // Lower medians: -1.129511 and 52.633145. Distances from there: 0, 17 m and 217 m, so the
  // 540th of 599 (90th percentile) is 217 m, rounded up to 220 m.
  auto granby = Named(PlaceKind::kStreet, "Granby Street");
  ASSERT_EQ(granby.size(), 1u);
  EXPECT_EQ(granby[0]->rows, 599);
  EXPECT_EQ(granby[0]->district, "E06000016");
  EXPECT_DOUBLE_EQ(granby[0]->point.longitude, -1.129511);
  EXPECT_DOUBLE_EQ(granby[0]->point.latitude, 52.633145);
  EXPECT_EQ(granby[0]->radius_m, 220);
  EXPECT_EQ(granby[0]->wards, std::vector<std::string>{"E05001789"});  // Castle ward, the city centre
}

TEST_F(BundledGazetteer, a_place_with_one_snap_point_gets_the_minimum_radius) {
  // awk: 293 rows "On or near Haymarket Bus Station", every one at (-1.130751, 52.637712).
  auto station = Named(PlaceKind::kNamedPlace, "Haymarket Bus Station");
  ASSERT_EQ(station.size(), 1u);
  EXPECT_EQ(station[0]->rows, 293);
  EXPECT_DOUBLE_EQ(station[0]->point.longitude, -1.130751);
  EXPECT_DOUBLE_EQ(station[0]->point.latitude, 52.637712);
  EXPECT_EQ(station[0]->radius_m, kMinimumRadiusMetres);
}

TEST_F(BundledGazetteer, keeps_the_many_high_streets_of_llr_apart) {
  auto high_streets = Named(PlaceKind::kStreet, "High Street");
  std::set<std::string> districts;
  for (const GazetteerEntry* e : high_streets) districts.insert(e->district);
  EXPECT_GE(high_streets.size(), 30u);
  EXPECT_EQ(districts.size(), 9u);
  // Leicester's city-centre High Street is the one with the most rows.
  const GazetteerEntry* busiest = *std::max_element(high_streets.begin(), high_streets.end(),
                                                    [](auto* a, auto* b) { return a->rows < b->rows; });
  EXPECT_EQ(busiest->district, "E06000016");
  EXPECT_LT(DistanceMetres(busiest->point, {-1.1352, 52.6357}), 200);
}

TEST_F(BundledGazetteer, leaves_out_generic_police_uk_labels) {
  for (const char* generic :
       {"Supermarket", "Parking Area", "Petrol Station", "Nightclub", "Park/Open Space"}) {
    EXPECT_TRUE(IsGenericPoliceUkLocation(generic)) << generic;
    EXPECT_TRUE(Named(PlaceKind::kNamedPlace, generic).empty()) << generic;
  }
  EXPECT_FALSE(IsGenericPoliceUkLocation("Haymarket"));
}

TEST_F(BundledGazetteer, reads_a_compass_point_after_a_street_type_as_a_street) {
  EXPECT_FALSE(Named(PlaceKind::kStreet, "Narborough Road North").empty());
  EXPECT_FALSE(Named(PlaceKind::kNamedPlace, "Haymarket").empty());  // no street type
}

TEST_F(BundledGazetteer, has_every_ward_and_district_once) {
  std::set<std::string> wards, districts;
  for (const GazetteerEntry& e : entries()) {
    if (e.kind == PlaceKind::kWard) wards.insert(e.wards.at(0));
    if (e.kind == PlaceKind::kDistrict) districts.insert(e.district);
  }
  EXPECT_EQ(wards.size(), 171u);  // data/README.md: 171 wards (2013)
  EXPECT_EQ(districts.size(), 9u);
}

TEST_F(BundledGazetteer, derives_towns_from_ward_names) {
  std::set<std::string> towns;
  for (const GazetteerEntry& e : entries()) {
    if (e.kind == PlaceKind::kTown) towns.insert(e.name);
  }
  // The wards of data/reference/wards2013_llr.geojson read by eye: every run of leading
  // words at least two wards of one district share, the longest of equal ward sets,
  // none ending in a compass point.
  EXPECT_EQ(towns, (std::set<std::string>{"Ashby", "Birstall", "Broughton Astley", "Burbage", "Hinckley",
                                          "Loughborough", "Lutterworth", "Market Harborough", "Melton",
                                          "Mountsorrel", "Oadby", "Oakham", "Shepshed", "Sileby", "Syston",
                                          "Wigston"}));
  auto loughborough = Named(PlaceKind::kTown, "Loughborough");
  ASSERT_EQ(loughborough.size(), 1u);
  EXPECT_EQ(loughborough[0]->wards.size(), 10u);  // Ashby, Dishley and Hathern, Garendon, ... Storer
  EXPECT_EQ(loughborough[0]->district, "E07000130");
}

TEST(WardNameParts, splits_on_and_with_commas_and_a_hyphen_before_a_capital) {
  EXPECT_EQ(WardNameParts("Braunstone Park and Rowley Fields"),
            (std::vector<std::string>{"Braunstone Park", "Rowley Fields"}));
  EXPECT_EQ(WardNameParts("Ratby, Bagworth and Thornton"),
            (std::vector<std::string>{"Ratby", "Bagworth", "Thornton"}));
  EXPECT_EQ(WardNameParts("Cosby with South Whetstone"),
            (std::vector<std::string>{"Cosby", "South Whetstone"}));
  EXPECT_EQ(WardNameParts("Market Harborough-Logan"),
            (std::vector<std::string>{"Market Harborough", "Logan"}));
  EXPECT_EQ(WardNameParts("Frisby-on-the-Wreake"), (std::vector<std::string>{"Frisby-on-the-Wreake"}));
  EXPECT_EQ(WardNameParts("Castle"), (std::vector<std::string>{"Castle"}));
}

TEST(DistanceMetres, uses_the_fixed_llr_factors) {
  // 0.01 degree of latitude = 1,112.5 m; of longitude = 676.2 m; together sqrt(1112.5^2 + 676.2^2).
  EXPECT_NEAR(DistanceMetres({-1.13, 52.63}, {-1.13, 52.64}), 1112.5, 1e-6);
  EXPECT_NEAR(DistanceMetres({-1.13, 52.63}, {-1.14, 52.63}), 676.2, 1e-6);
  EXPECT_NEAR(DistanceMetres({-1.13, 52.63}, {-1.14, 52.64}), 1301.88, 0.01);
}

TEST(GazetteerCsv, reads_back_what_it_writes) {
  std::vector<GazetteerEntry> entries = {
      {PlaceKind::kNamedPlace,
       "Asda, Thurmaston",
       "E07000130",
       {"E05005452"},
       {-1.089846, 52.685438},
       150,
       61},
      {PlaceKind::kTown,
       "Oakham",
       "E06000017",
       {"E05001815", "E05001816"},
       {-0.734105, 52.670371},
       1260,
       1382},
      {PlaceKind::kDistrict, "Rutland", "E06000017", {}, {-0.722705, 52.669829}, 12740, 3501},
  };
  std::string csv = WriteGazetteerCsv(entries);
  EXPECT_EQ(csv,
            "kind,name,district,wards,longitude,latitude,radius_m,rows\n"
            "place,\"Asda, Thurmaston\",E07000130,E05005452,-1.089846,52.685438,150,61\n"
            "town,Oakham,E06000017,E05001815;E05001816,-0.734105,52.670371,1260,1382\n"
            "district,Rutland,E06000017,,-0.722705,52.669829,12740,3501\n");
  auto read = ReadGazetteerCsv(csv, "g.csv");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0].name, "Asda, Thurmaston");
  EXPECT_EQ((*read)[1].wards, (std::vector<std::string>{"E05001815", "E05001816"}));
  EXPECT_TRUE((*read)[2].wards.empty());
  EXPECT_EQ(WriteGazetteerCsv(*read), csv);
}

TEST(GazetteerCsv, refuses_another_header) {
  auto read = ReadGazetteerCsv("kind,name\nstreet,X\n", "g.csv");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kRejectedInput);
  EXPECT_EQ(read.status().ToString(),
            "g.csv line 1: expected a gazetteer (gazetteer/1) whose first line is "
            "\"kind,name,district,wards,longitude,latitude,radius_m,rows\"");
}

TEST(GazetteerCsv, names_the_line_and_column_of_a_bad_value) {
  const std::string header = "kind,name,district,wards,longitude,latitude,radius_m,rows\n";
  auto kind = ReadGazetteerCsv(header + "road,X,E06000016,,-1.1,52.6,150,1\n", "g.csv");
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.status().ToString(),
            "g.csv line 2 column \"kind\": \"road\" is not street, place, ward, town or district");
  auto district = ReadGazetteerCsv(header + "street,X,E09000001,,-1.1,52.6,150,1\n", "g.csv");
  ASSERT_FALSE(district.ok());
  EXPECT_EQ(district.status().where().column, "district");
  auto radius = ReadGazetteerCsv(header + "street,X,E06000016,,-1.1,52.6,20,1\n", "g.csv");
  ASSERT_FALSE(radius.ok());
  EXPECT_EQ(radius.status().where().line, 2);
  EXPECT_EQ(radius.status().where().column, "radius_m");
  auto empty = ReadGazetteerCsv("", "g.csv");
  EXPECT_FALSE(empty.ok());
}

}  // namespace
}  // namespace harmlens
