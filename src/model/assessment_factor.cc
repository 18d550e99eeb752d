#include "model/assessment_factor.h"

#include <algorithm>

namespace harmlens {

const std::vector<std::string_view>& AssessmentFactorNames() {
  static const std::vector<std::string_view> kNames = {"alcohol_misuse_child",
                                                       "alcohol_misuse_parent",
                                                       "alcohol_misuse_other",
                                                       "drug_misuse_child",
                                                       "drug_misuse_parent",
                                                       "drug_misuse_other",
                                                       "domestic_abuse_child",
                                                       "domestic_abuse_parent",
                                                       "domestic_abuse_other",
                                                       "mental_health_child",
                                                       "mental_health_parent",
                                                       "mental_health_other",
                                                       "neglect",
                                                       "emotional_abuse",
                                                       "physical_abuse",
                                                       "sexual_abuse",
                                                       "going_missing",
                                                       "child_sexual_exploitation",
                                                       "child_criminal_exploitation",
                                                       "gangs",
                                                       "parent_in_custody",
                                                       "no_factors_identified"};
  return kNames;
}

ParsedFactors ParseAssessmentFactors(std::string_view text) {
  ParsedFactors out;
  if (text.empty()) {
    out.error = "factors is empty (an assessment lists at least one factor, or no_factors_identified)";
    return out;
  }
  const auto& names = AssessmentFactorNames();
  int count = 0;
  for (size_t from = 0;;) {
    const size_t semi = text.find(';', from);
    const std::string_view name =
        text.substr(from, semi == std::string_view::npos ? std::string_view::npos : semi - from);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      out.error = name.empty() ? "factors has an empty name between semicolons"
                               : "factors has an unknown factor \"" + std::string(name) +
                                     "\" (expected names from the documented list, e.g. "
                                     "domestic_abuse_parent, separated by \";\")";
      out.bits = 0;
      return out;
    }
    const uint32_t bit = 1u << static_cast<int>(it - names.begin());
    if (out.bits & bit) {
      out.error = "factors names \"" + std::string(name) + "\" twice";
      out.bits = 0;
      return out;
    }
    out.bits |= bit;
    ++count;
    if (semi == std::string_view::npos) break;
    from = semi + 1;
  }
  if ((out.bits & FactorBit(AssessmentFactor::kNoFactorsIdentified)) && count > 1) {
    out.error = "factors has no_factors_identified with other factors (it stands alone)";
    out.bits = 0;
  }
  return out;
}

HouseholdAces HouseholdAcesShownBy(uint32_t bits) {
  auto has = [&](AssessmentFactor f) { return (bits & FactorBit(f)) != 0; };
  HouseholdAces aces;
  aces.domestic_abuse =
      has(AssessmentFactor::kDomesticAbuseParent) || has(AssessmentFactor::kDomesticAbuseOther);
  aces.parental_imprisonment = has(AssessmentFactor::kParentInCustody);
  aces.parental_substance_misuse =
      has(AssessmentFactor::kAlcoholMisuseParent) || has(AssessmentFactor::kDrugMisuseParent);
  aces.parental_mental_illness = has(AssessmentFactor::kMentalHealthParent);
  return aces;
}

}  // namespace harmlens
