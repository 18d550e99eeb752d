#include "model/agency_record.h"

#include <algorithm>
#include <vector>

namespace harmlens {

const std::array<PartnerAgency, kPartnerAgencyCount>& AllPartnerAgencies() {
  static constexpr std::array<PartnerAgency, kPartnerAgencyCount> kAll = {
      PartnerAgency::kYouthOffending, PartnerAgency::kChildrensSocialCare, PartnerAgency::kSchoolExclusions,
      PartnerAgency::kProbation,      PartnerAgency::kSubstanceMisuse,     PartnerAgency::kMentalHealth};
  return kAll;
}

std::string_view PartnerAgencyName(PartnerAgency agency) {
  switch (agency) {
    case PartnerAgency::kYouthOffending:
      return "youth_offending";
    case PartnerAgency::kChildrensSocialCare:
      return "childrens_social_care";
    case PartnerAgency::kSchoolExclusions:
      return "school_exclusions";
    case PartnerAgency::kProbation:
      return "probation";
    case PartnerAgency::kSubstanceMisuse:
      return "substance_misuse";
    case PartnerAgency::kMentalHealth:
      return "mental_health";
  }
  return "unknown";
}

std::optional<PartnerAgency> PartnerAgencyFromName(std::string_view name) {
  for (PartnerAgency agency : AllPartnerAgencies()) {
    if (PartnerAgencyName(agency) == name) return agency;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& EventTypesOf(PartnerAgency agency) {
  static const std::vector<std::string_view> kTypes[kPartnerAgencyCount] = {
      {"referral", "out_of_court_disposal", "referral_order", "youth_rehabilitation_order",
       "custodial_sentence"},
      {"contact", "referral", "assessment", "child_in_need_plan", "child_protection_plan",
       "looked_after_start", "looked_after_end", "missing_episode"},
      {"suspension", "permanent_exclusion"},
      {"community_order_start", "licence_start", "custody_start", "supervision_end", "breach"},
      {"referral", "treatment_start", "treatment_exit"},
      {"referral", "crisis_contact", "admission", "discharge"},
  };
  return kTypes[static_cast<int>(agency)];
}

bool IsEventTypeOf(PartnerAgency agency, std::string_view event_type) {
  const auto& types = EventTypesOf(agency);
  return std::find(types.begin(), types.end(), event_type) != types.end();
}

}  // namespace harmlens
