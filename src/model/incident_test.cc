// Tests of the incident model's small values: age ranges (exact ages and A&E bands
// answering the same under-N questions) and the names shown for the A&E fields.
#include "model/incident.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

TEST(AgeRange, an_exact_age_is_a_range_of_one_year) {
  AgeRange nineteen = AgeRange::Exact(19);
  EXPECT_EQ(nineteen, (AgeRange{19, 19}));
  EXPECT_TRUE(nineteen.IsExact());
  EXPECT_EQ(nineteen.ToString(), "19");
}

TEST(AgeRange, answers_under_25_alike_for_exact_ages_and_bands) {
  EXPECT_TRUE(AgeRange::Exact(24).EntirelyUnder(25));
  EXPECT_FALSE(AgeRange::Exact(25).EntirelyUnder(25));
  EXPECT_TRUE((AgeRange{18, 24}).EntirelyUnder(25));
  EXPECT_FALSE((AgeRange{25, 34}).EntirelyUnder(25));
  EXPECT_FALSE((AgeRange{25, 34}).PossiblyUnder(25));
  // A band that straddles the line is possibly but not entirely under it.
  EXPECT_FALSE((AgeRange{15, 17}).EntirelyUnder(16));
  EXPECT_TRUE((AgeRange{15, 17}).PossiblyUnder(16));
}

TEST(AgeRange, prints_bands_as_the_ae_feed_writes_them) {
  EXPECT_EQ((AgeRange{15, 17}).ToString(), "15-17");
  EXPECT_EQ((AgeRange{65, kOldestAgeYears}).ToString(), "65+");
  EXPECT_FALSE((AgeRange{65, kOldestAgeYears}).EntirelyUnder(120));
}

TEST(IncidentNames, name_every_ae_value_and_time_note) {
  EXPECT_STREQ(LocationTypeName(LocationType::kLicensedPremises), "licensed premises");
  EXPECT_STREQ(AssaultMethodName(AssaultMethod::kKnifeOrSharp), "knife or sharp");
  EXPECT_STREQ(AssailantRelationshipName(AssailantRelationship::kPartnerOrEx), "partner or ex-partner");
  EXPECT_STREQ(TimeNoteName(TimeNote::kNone), "");
  EXPECT_STREQ(TimeNoteName(TimeNote::kArrivalNotAssault),
               "arrival at A&E, not the assault (no assault date recorded)");
}

}  // namespace
}  // namespace harmlens
