// Tests of the partner agencies and the event types each may record, against the table
// in docs/formats/agency-records.md.
#include "model/agency_record.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

TEST(PartnerAgency, names_round_trip_exactly_and_case_sensitively) {
  for (PartnerAgency agency : AllPartnerAgencies()) {
    EXPECT_EQ(PartnerAgencyFromName(PartnerAgencyName(agency)), agency);
  }
  EXPECT_EQ(PartnerAgencyFromName("youth_offending"), PartnerAgency::kYouthOffending);
  EXPECT_FALSE(PartnerAgencyFromName("Youth_offending").has_value());
  EXPECT_FALSE(PartnerAgencyFromName("police").has_value());
  EXPECT_FALSE(PartnerAgencyFromName("").has_value());
}

TEST(PartnerAgency, allows_the_documented_event_types_of_each_agency_and_no_others) {
  // docs/formats/agency-records.md, "Agencies and their event types": 27 pairs.
  size_t pairs = 0;
  for (PartnerAgency agency : AllPartnerAgencies()) pairs += EventTypesOf(agency).size();
  EXPECT_EQ(pairs, 27u);
  EXPECT_TRUE(IsEventTypeOf(PartnerAgency::kChildrensSocialCare, "assessment"));
  EXPECT_FALSE(IsEventTypeOf(PartnerAgency::kYouthOffending, "assessment"));
  EXPECT_TRUE(IsEventTypeOf(PartnerAgency::kProbation, "breach"));
  EXPECT_FALSE(IsEventTypeOf(PartnerAgency::kProbation, "suspension"));  // the format's own example
  EXPECT_TRUE(IsEventTypeOf(PartnerAgency::kSchoolExclusions, "suspension"));
  EXPECT_TRUE(IsEventTypeOf(PartnerAgency::kChildrensSocialCare, "missing_episode"));
  EXPECT_TRUE(IsEventTypeOf(PartnerAgency::kMentalHealth, "referral"));
  EXPECT_FALSE(IsEventTypeOf(PartnerAgency::kMentalHealth, "Referral"));
}

}  // namespace
}  // namespace harmlens
