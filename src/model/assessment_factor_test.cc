// The assessment factor vocabulary (docs/formats/agency-records.md, "factors"): parsing with
// exact messages, and which household ACEs a set of factors shows (hand-worked answers).
#include "model/assessment_factor.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

TEST(AssessmentFactors, the_vocabulary_has_one_name_per_factor) {
  ASSERT_EQ(AssessmentFactorNames().size(), static_cast<size_t>(kAssessmentFactorCount));
  EXPECT_EQ(AssessmentFactorNames()[static_cast<int>(AssessmentFactor::kDomesticAbuseParent)],
            "domestic_abuse_parent");
  EXPECT_EQ(AssessmentFactorNames()[static_cast<int>(AssessmentFactor::kParentInCustody)],
            "parent_in_custody");
  EXPECT_EQ(AssessmentFactorNames().back(), "no_factors_identified");
}

TEST(AssessmentFactors, reads_a_semicolon_list_into_bits) {
  // domestic_abuse_parent is bit 7, mental_health_parent bit 10: 128 + 1024 = 1152.
  ParsedFactors p = ParseAssessmentFactors("domestic_abuse_parent;mental_health_parent");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.bits, 1152u);
  EXPECT_EQ(ParseAssessmentFactors("no_factors_identified").bits, 1u << 21);
}

TEST(AssessmentFactors, refuses_bad_lists_with_a_message) {
  EXPECT_EQ(ParseAssessmentFactors("").error,
            "factors is empty (an assessment lists at least one factor, or no_factors_identified)");
  EXPECT_EQ(
      ParseAssessmentFactors("domestic_violence").error,
      "factors has an unknown factor \"domestic_violence\" (expected names from the documented list, e.g. "
      "domestic_abuse_parent, separated by \";\")");
  EXPECT_EQ(ParseAssessmentFactors("Domestic_abuse_parent").bits, 0u);  // case-sensitive
  EXPECT_EQ(ParseAssessmentFactors("neglect; gangs").error.substr(0, 39),
            "factors has an unknown factor \" gangs\" ");
  EXPECT_EQ(ParseAssessmentFactors("neglect;;gangs").error, "factors has an empty name between semicolons");
  EXPECT_EQ(ParseAssessmentFactors("neglect;").error, "factors has an empty name between semicolons");
  EXPECT_EQ(ParseAssessmentFactors("gangs;gangs").error, "factors names \"gangs\" twice");
  EXPECT_EQ(ParseAssessmentFactors("neglect;no_factors_identified").error,
            "factors has no_factors_identified with other factors (it stands alone)");
}

TEST(AssessmentFactors, household_aces_come_from_parent_and_household_factors_only) {
  auto aces = [](std::string_view text) { return HouseholdAcesShownBy(ParseAssessmentFactors(text).bits); };
  HouseholdAces a = aces("domestic_abuse_other;drug_misuse_parent");
  EXPECT_TRUE(a.domestic_abuse);
  EXPECT_TRUE(a.parental_substance_misuse);
  EXPECT_FALSE(a.parental_imprisonment);
  EXPECT_FALSE(a.parental_mental_illness);
  // Factors concerning the child, or another household member's mental health, are not parental ACEs.
  HouseholdAces child =
      aces("domestic_abuse_child;alcohol_misuse_child;mental_health_other;mental_health_child");
  EXPECT_FALSE(child.domestic_abuse || child.parental_substance_misuse || child.parental_mental_illness ||
               child.parental_imprisonment);
  EXPECT_TRUE(aces("parent_in_custody").parental_imprisonment);
  EXPECT_TRUE(aces("alcohol_misuse_parent").parental_substance_misuse);
  EXPECT_TRUE(aces("mental_health_parent").parental_mental_illness);
}

}  // namespace
}  // namespace harmlens
