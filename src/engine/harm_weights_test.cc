#include "engine/harm_weights.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "support/testing.h"

namespace harmlens {
namespace {

// The rows "| code | offence | days | basis |" of one table in docs/harm-weights.md.
std::map<std::string, double> DocTable(const std::string& heading) {
  std::ifstream in(testing::SourceDir() + "/docs/harm-weights.md");
  std::map<std::string, double> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) inside = line.find(heading) != std::string::npos;
    if (!inside || line.rfind("| ", 0) != 0 || line.rfind("| code", 0) == 0 ||
        line.rfind("| category", 0) == 0) {
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(cell.substr(1, cell.size() - 2));
    size_t days_at = heading == "Offence-code" ? 2 : 1;
    if (cells.size() > days_at) rows[cells[0]] = std::stod(cells[days_at]);
  }
  return rows;
}

TEST(HarmWeights, docs_table_matches_the_code) {
  auto offences = DocTable("Offence-code");
  ASSERT_EQ(offences.size(), OffenceHarmWeights().size());
  for (const OffenceHarmWeight& w : OffenceHarmWeights()) {
    ASSERT_EQ(offences.count(std::string(w.offence_code)), 1u) << w.offence_code;
    EXPECT_EQ(offences[std::string(w.offence_code)], w.days) << w.offence_code;
  }
  auto categories = DocTable("Category weights");
  ASSERT_EQ(categories.size(), static_cast<size_t>(kCrimeTypeCount));
  for (const CategoryHarmWeight& w : CategoryHarmWeights()) {
    std::string name(CrimeTypeName(w.crime_type));
    ASSERT_EQ(categories.count(name), 1u) << name;
    EXPECT_EQ(categories[name], w.days) << name;
  }
}

TEST(HarmWeights, every_category_has_exactly_one_weight_and_codes_are_unique) {
  std::set<CrimeType> seen;
  for (const CategoryHarmWeight& w : CategoryHarmWeights()) EXPECT_TRUE(seen.insert(w.crime_type).second);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCrimeTypeCount));
  std::set<std::string_view> codes;
  for (const OffenceHarmWeight& w : OffenceHarmWeights()) EXPECT_TRUE(codes.insert(w.offence_code).second);
}

TEST(HarmWeights, a_code_outranks_its_category_and_an_unknown_code_falls_back) {
  EXPECT_EQ(HarmWeightDays("1", CrimeType::kViolenceAndSexualOffences), 5475);  // murder, Sch. 21
  EXPECT_EQ(HarmWeightDays("", CrimeType::kViolenceAndSexualOffences), 1);      // police.uk: modal 105A
  EXPECT_EQ(HarmWeightDays("ZZZ", CrimeType::kRobbery), 365);
  EXPECT_EQ(HarmWeightDays("", CrimeType::kAntiSocialBehaviour), 0);
}

}  // namespace
}  // namespace harmlens
