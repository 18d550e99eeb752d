// The factors a children's social care assessment identifies (the children-in-need census's
// "factors identified at the end of assessment"), as a closed vocabulary, and which adverse
// childhood experiences of the child's household they show (docs/formats/agency-records.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harmlens {

// Modelled on the DfE CIN census factor list: the suffix says whom the factor concerns
// (child = the child, parent = a parent or carer, other = another person in the household).
// kParentInCustody is a documented local extension: the CIN list has no "parent in prison".
enum class AssessmentFactor : uint8_t {
  kAlcoholMisuseChild = 0,
  kAlcoholMisuseParent,
  kAlcoholMisuseOther,
  kDrugMisuseChild,
  kDrugMisuseParent,
  kDrugMisuseOther,
  kDomesticAbuseChild,
  kDomesticAbuseParent,
  kDomesticAbuseOther,
  kMentalHealthChild,
  kMentalHealthParent,
  kMentalHealthOther,
  kNeglect,
  kEmotionalAbuse,
  kPhysicalAbuse,
  kSexualAbuse,
  kGoingMissing,
  kChildSexualExploitation,
  kChildCriminalExploitation,
  kGangs,
  kParentInCustody,
  kNoFactorsIdentified,
};
inline constexpr int kAssessmentFactorCount = 22;

// "alcohol_misuse_parent", ...: the format's names, in enum order.
const std::vector<std::string_view>& AssessmentFactorNames();
inline constexpr uint32_t FactorBit(AssessmentFactor f) { return 1u << static_cast<int>(f); }

// A `factors` field: names separated by ";" (no spaces, each once; "no_factors_identified"
// only alone). The factor bits, or an error message naming what is wrong (never empty).
struct ParsedFactors {
  uint32_t bits = 0;
  std::string error;  // "" = read
};
ParsedFactors ParseAssessmentFactors(std::string_view text);

// The household ACEs a set of factors shows (docs/linkage.md, "Cohort risk factors").
struct HouseholdAces {
  bool domestic_abuse = false;             // domestic_abuse_parent or domestic_abuse_other
  bool parental_imprisonment = false;      // parent_in_custody
  bool parental_substance_misuse = false;  // alcohol_misuse_parent or drug_misuse_parent
  bool parental_mental_illness = false;    // mental_health_parent
};
HouseholdAces HouseholdAcesShownBy(uint32_t factor_bits);

}  // namespace harmlens
