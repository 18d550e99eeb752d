#include "model/geography.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace harmlens {
namespace {

// The nine LLR CSP areas and their ONS district codes, as the domain primer lists them
// (and data/README.md: LAD codes are the same from 2011 to 2022).
const std::vector<std::pair<std::string, std::string>>& PrimerAreas() {
  static const std::vector<std::pair<std::string, std::string>> kAreas = {
      {"E06000016", "Leicester"},
      {"E06000017", "Rutland"},
      {"E07000129", "Blaby"},
      {"E07000130", "Charnwood"},
      {"E07000131", "Harborough"},
      {"E07000132", "Hinckley and Bosworth"},
      {"E07000133", "Melton"},
      {"E07000134", "North West Leicestershire"},
      {"E07000135", "Oadby and Wigston"},
  };
  return kAreas;
}

TEST(LlrCspAreas, are_the_nine_districts_of_the_primer_in_code_order) {
  ASSERT_EQ(LlrCspAreas().size(), PrimerAreas().size());
  for (size_t i = 0; i < PrimerAreas().size(); ++i) {
    EXPECT_EQ(LlrCspAreas()[i].code, PrimerAreas()[i].first);
    EXPECT_EQ(LlrCspAreas()[i].name, PrimerAreas()[i].second);
  }
}

TEST(FindCspArea, finds_each_area_by_its_code) {
  for (const auto& [code, name] : PrimerAreas()) {
    std::optional<CspArea> area = FindCspArea(code);
    ASSERT_TRUE(area.has_value()) << code;
    EXPECT_EQ(area->name, name);
  }
}

TEST(FindCspArea, finds_each_area_by_its_name) {
  for (const auto& [code, name] : PrimerAreas()) {
    std::optional<CspArea> area = FindCspArea(name);
    ASSERT_TRUE(area.has_value()) << name;
    EXPECT_EQ(area->code, code);
  }
}

TEST(FindCspArea, ignores_case_in_names_and_codes) {
  ASSERT_TRUE(FindCspArea("blaby").has_value());
  EXPECT_EQ(FindCspArea("blaby")->code, "E07000129");
  ASSERT_TRUE(FindCspArea("NORTH WEST LEICESTERSHIRE").has_value());
  EXPECT_EQ(FindCspArea("NORTH WEST LEICESTERSHIRE")->code, "E07000134");
  ASSERT_TRUE(FindCspArea("hInCkLeY aNd BoSwOrTh").has_value());
  EXPECT_EQ(FindCspArea("hInCkLeY aNd BoSwOrTh")->code, "E07000132");
  ASSERT_TRUE(FindCspArea("e06000016").has_value());
  EXPECT_EQ(FindCspArea("e06000016")->name, "Leicester");
}

TEST(FindCspArea, refuses_districts_outside_llr_and_partial_names) {
  EXPECT_FALSE(FindCspArea("").has_value());
  EXPECT_FALSE(FindCspArea("E07000136").has_value());  // Boston, Lincolnshire
  EXPECT_FALSE(FindCspArea("E06000018").has_value());  // Nottingham
  EXPECT_FALSE(FindCspArea("Leicestershire").has_value());
  EXPECT_FALSE(FindCspArea("Hinckley").has_value());
  EXPECT_FALSE(FindCspArea("Oadby & Wigston").has_value());
  EXPECT_FALSE(FindCspArea(" Blaby").has_value());
  EXPECT_FALSE(FindCspArea("E0700012").has_value());
}

TEST(LlrCspAreas, codes_and_names_are_unique) {
  std::set<std::string_view> codes, names;
  for (const CspArea& area : LlrCspAreas()) {
    codes.insert(area.code);
    names.insert(area.name);
  }
  EXPECT_EQ(codes.size(), 9u);
  EXPECT_EQ(names.size(), 9u);
}

}  // namespace
}  // namespace harmlens
