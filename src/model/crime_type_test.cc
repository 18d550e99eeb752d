#include "model/crime_type.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace harmlens {
namespace {

// The 14 crime types as police.uk writes them in the "Crime type" column (data/README.md
// lists the same 14, all present in every bundled month), with the numeric id each has
// in the store. The ids are on disk: changing one silently relabels stored incidents.
const std::vector<std::pair<std::string, int>>& PoliceUkTypes() {
  static const std::vector<std::pair<std::string, int>> kTypes = {
      {"Anti-social behaviour", 1},
      {"Bicycle theft", 2},
      {"Burglary", 3},
      {"Criminal damage and arson", 4},
      {"Drugs", 5},
      {"Other crime", 6},
      {"Other theft", 7},
      {"Possession of weapons", 8},
      {"Public order", 9},
      {"Robbery", 10},
      {"Shoplifting", 11},
      {"Theft from the person", 12},
      {"Vehicle crime", 13},
      {"Violence and sexual offences", 14},
  };
  return kTypes;
}

TEST(CrimeType, there_are_exactly_the_fourteen_police_uk_types) {
  EXPECT_EQ(kCrimeTypeCount, 14);
  EXPECT_EQ(PoliceUkTypes().size(), 14u);
  EXPECT_EQ(AllCrimeTypes().size(), 14u);
}

TEST(CrimeType, each_police_uk_name_maps_to_its_stable_numeric_id) {
  for (const auto& [name, id] : PoliceUkTypes()) {
    std::optional<CrimeType> type = CrimeTypeFromName(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_EQ(static_cast<int>(*type), id) << name;
  }
}

TEST(CrimeType, each_type_prints_back_as_its_police_uk_name) {
  for (const auto& [name, id] : PoliceUkTypes()) {
    EXPECT_EQ(CrimeTypeName(static_cast<CrimeType>(id)), name) << id;
  }
}

TEST(CrimeType, all_crime_types_lists_ids_1_to_14_in_order) {
  int expected_id = 1;
  for (CrimeType type : AllCrimeTypes()) EXPECT_EQ(static_cast<int>(type), expected_id++);
}

TEST(CrimeType, names_are_distinct) {
  std::set<std::string_view> names;
  for (CrimeType type : AllCrimeTypes()) names.insert(CrimeTypeName(type));
  EXPECT_EQ(names.size(), 14u);
}

TEST(CrimeType, name_lookup_is_exact_and_case_sensitive) {
  EXPECT_FALSE(CrimeTypeFromName("burglary").has_value());
  EXPECT_FALSE(CrimeTypeFromName("Violence and Sexual Offences").has_value());
  EXPECT_FALSE(CrimeTypeFromName("Drugs ").has_value());
  EXPECT_FALSE(CrimeTypeFromName(" Drugs").has_value());
  EXPECT_FALSE(CrimeTypeFromName("").has_value());
  EXPECT_FALSE(CrimeTypeFromName("Knife crime").has_value());
}

TEST(CrimeType, an_id_outside_the_table_prints_as_unknown) {
  EXPECT_EQ(CrimeTypeName(static_cast<CrimeType>(0)), "Unknown");
  EXPECT_EQ(CrimeTypeName(static_cast<CrimeType>(15)), "Unknown");
  EXPECT_EQ(CrimeTypeName(static_cast<CrimeType>(255)), "Unknown");
}

}  // namespace
}  // namespace harmlens
