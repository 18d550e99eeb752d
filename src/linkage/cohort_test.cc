#include "linkage/cohort.h"

#include <gtest/gtest.h>

#include "model/assessment_factor.h"

namespace harmlens::linkage {
namespace {

// Expected intervals from tests/expected/wilson.sh (awk, independent of this code); 5/20
// and 0/10 are also the textbook values, 81/263 is Newcombe's (Stat Med 1998) example,
// 0.2553 to 0.3662.
TEST(Wilson95, matches_hand_calculated_intervals) {
  struct Case {
    int64_t x, n;
    double low, high;
  };
  for (const Case& c :
       {Case{5, 20, 0.111862, 0.468701}, Case{0, 10, 0.0, 0.277533}, Case{10, 10, 0.722467, 1.0},
        Case{81, 263, 0.255289, 0.366210}, Case{1, 1000, 0.000177, 0.005643}}) {
    const ProportionInterval i = Wilson95(c.x, c.n);
    EXPECT_NEAR(i.low, c.low, 5e-7) << c.x << "/" << c.n;
    EXPECT_NEAR(i.high, c.high, 5e-7) << c.x << "/" << c.n;
  }
  const ProportionInterval none = Wilson95(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
}

TEST(FactorsShownBy, looked_after_needs_a_looked_after_start_and_any_exclusion_is_the_ace) {
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kChildrensSocialCare, "contact"),
            Bit(RiskFactor::kChildrensSocialCare));
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kChildrensSocialCare, "looked_after_start"),
            Bit(RiskFactor::kChildrensSocialCare) | Bit(RiskFactor::kAceLookedAfter));
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kSchoolExclusions, "suspension"),
            Bit(RiskFactor::kSchoolExclusions) | Bit(RiskFactor::kAceSchoolExclusion));
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kProbation, "breach"), Bit(RiskFactor::kProbation));
  EXPECT_TRUE(InfoOf(RiskFactor::kAceParentalImprisonment).observable);
  EXPECT_TRUE(InfoOf(RiskFactor::kAceLookedAfter).observable);
}

TEST(FactorsShownBy, an_assessment_shows_the_household_aces_its_factors_name) {
  const uint32_t csc = Bit(RiskFactor::kChildrensSocialCare);
  auto factors = [](std::string_view text) { return ParseAssessmentFactors(text).bits; };
  // Hand-worked: domestic abuse by another household member and a parent's drug misuse are two
  // ACEs; the child's own mental health is none.
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kChildrensSocialCare, "assessment",
                           factors("domestic_abuse_other;drug_misuse_parent;mental_health_child")),
            csc | Bit(RiskFactor::kAceDomesticAbuse) | Bit(RiskFactor::kAceParentalSubstanceMisuse));
  // Parental imprisonment: the local-extension factor parent_in_custody.
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kChildrensSocialCare, "assessment", factors("parent_in_custody")),
            csc | Bit(RiskFactor::kAceParentalImprisonment));
  EXPECT_EQ(
      FactorsShownBy(PartnerAgency::kChildrensSocialCare, "assessment", factors("mental_health_parent")),
      csc | Bit(RiskFactor::kAceParentalMentalIllness));
  EXPECT_EQ(
      FactorsShownBy(PartnerAgency::kChildrensSocialCare, "assessment", factors("no_factors_identified")),
      csc);
  // Factors count only on an assessment (a stray value elsewhere shows nothing).
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kChildrensSocialCare, "contact", factors("parent_in_custody")),
            csc);
  EXPECT_EQ(FactorsShownBy(PartnerAgency::kProbation, "assessment", factors("parent_in_custody")),
            Bit(RiskFactor::kProbation));
}

Incident Violence(Weapon weapon, CrimeType type, std::vector<Involvement> people) {
  Incident incident;
  incident.source.agency = Agency::kPoliceExtract;
  incident.crime_type = type;
  incident.weapon = weapon;
  incident.involvements = std::move(people);
  return incident;
}

Involvement Person(std::string key, Role role, std::optional<AgeRange> age) {
  Involvement who;
  who.person_key = std::move(key);
  who.role = role;
  who.age = age;
  return who;
}

TEST(UnderTwentyFiveSeriousViolence, takes_under_25_victims_and_perpetrators_of_serious_violence_only) {
  const std::vector<Incident> incidents = {
      Violence(
          Weapon::kNone, CrimeType::kViolenceAndSexualOffences,
          {Person("V1", Role::kVictim, AgeRange::Exact(17)),
           Person("S1", Role::kSuspect, AgeRange::Exact(24)),
           Person("OLD", Role::kOffender, AgeRange::Exact(25)),
           Person("W", Role::kWitness, AgeRange::Exact(15)), Person("NOAGE", Role::kVictim, std::nullopt),
           Person("BAND", Role::kVictim, AgeRange{18, 29})}),
      // Burglary without a weapon is not serious violence.
      Violence(Weapon::kNone, CrimeType::kBurglary, {Person("B", Role::kVictim, AgeRange::Exact(16))}),
      // The victim of one incident is the offender of another.
      Violence(Weapon::kNone, CrimeType::kRobbery, {Person("V1", Role::kOffender, AgeRange::Exact(17))}),
  };
  const std::vector<CohortMember> members = UnderTwentyFiveSeriousViolence(incidents);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].person_key, "V1");
  EXPECT_TRUE(members[0].victim);
  EXPECT_TRUE(members[0].perpetrator);
  EXPECT_EQ(members[1].person_key, "S1");
  EXPECT_FALSE(members[1].victim);
  EXPECT_TRUE(members[1].perpetrator);
}

TEST(ComputeCohortPrevalence,
     an_unlinked_member_counts_as_no_contact_and_the_population_uses_its_denominator) {
  const std::vector<CohortMember> members = {{"A", true, false}, {"B", true, true}, {"C", true, false}};
  PersonFacts facts;
  facts.person_of_police_key = {{"A", 1}, {"B", 2}};  // C did not link
  facts.factors_of_person = {{1, Bit(RiskFactor::kYouthOffending)},
                             {2, Bit(RiskFactor::kYouthOffending) | Bit(RiskFactor::kAceLookedAfter)},
                             {3, Bit(RiskFactor::kAceLookedAfter)}};
  facts.under_25 = {1, 3};
  facts.population_under_25 = 20;
  const CohortPrevalence table = ComputeCohortPrevalence(members, facts);
  const auto& victims = table[static_cast<int>(Cohort::kVictims)];
  EXPECT_EQ(victims[static_cast<int>(RiskFactor::kYouthOffending)].count, 2);
  EXPECT_EQ(victims[static_cast<int>(RiskFactor::kYouthOffending)].total, 3);
  EXPECT_DOUBLE_EQ(victims[static_cast<int>(RiskFactor::kYouthOffending)].estimate, 2.0 / 3);
  const auto& perpetrators = table[static_cast<int>(Cohort::kPerpetrators)];
  EXPECT_EQ(perpetrators[static_cast<int>(RiskFactor::kAceLookedAfter)].count, 1);
  EXPECT_EQ(perpetrators[static_cast<int>(RiskFactor::kAceLookedAfter)].total, 1);
  const auto& population = table[static_cast<int>(Cohort::kPopulation)];
  EXPECT_EQ(population[static_cast<int>(RiskFactor::kYouthOffending)].count, 1);
  EXPECT_EQ(population[static_cast<int>(RiskFactor::kAceLookedAfter)].count, 1);
  EXPECT_EQ(population[static_cast<int>(RiskFactor::kAceLookedAfter)].total, 20);
  EXPECT_NEAR(population[static_cast<int>(RiskFactor::kAceLookedAfter)].interval.high, 0.236, 0.001);  // 1/20
}

TEST(UnderTwentyFiveOn, turns_25_on_the_birthday) {
  const CivilDate birth{2000, 3, 9};
  EXPECT_TRUE(UnderTwentyFiveOn(birth, DaysFromCivil(2025, 3, 8)));
  EXPECT_FALSE(UnderTwentyFiveOn(birth, DaysFromCivil(2025, 3, 9)));
}

TEST(ReadSyntheticCohortTruth, applies_the_record_definitions_to_true_persons_and_reads_lifetime_aces) {
  // Two residents: 7 born 2005 (under 25 on 2023-12-31) with a looked_after_start record
  // and the parental-imprisonment ACE; 8 born 1990 with a probation record.
  const std::string police = "incident_id,role,person_key,person_id\nI1,victim,PK7,7\nI2,offender,PK8,8\n";
  const std::string agency =
      "agency,record_id,person_id,errors,trigger_incident_id\n"
      "childrens_social_care,CSC-1,7,,\nprobation,PRB-1,8,,I2\nchildrens_social_care,CSC-2,7,,\n";
  const std::string persons =
      "person_id,date_of_birth,ace_domestic_abuse,ace_parental_imprisonment,ace_parental_substance_misuse,"
      "ace_parental_mental_illness,ace_looked_after,ace_school_exclusion\n"
      "7,2005-06-01,0,1,0,0,0,0\n8,1990-01-01,0,0,0,0,0,1\n";
  const std::unordered_map<std::string, std::string> types = {
      {"childrens_social_care/CSC-1", "looked_after_start"},
      {"probation/PRB-1", "breach"},
      {"childrens_social_care/CSC-2", "assessment"}};
  // CSC-2, an assessment of 7 naming parent_in_custody: parental imprisonment by records.
  const std::unordered_map<std::string, uint32_t> factors = {
      {"childrens_social_care/CSC-2", FactorBit(AssessmentFactor::kParentInCustody)}};
  auto truth = ReadSyntheticCohortTruth(police, agency, persons, types, DaysFromCivil(2023, 12, 31), factors);
  ASSERT_TRUE(truth.ok()) << truth.status().ToString();
  EXPECT_EQ(truth->by_records.person_of_police_key.at("PK8"), 8);
  EXPECT_EQ(truth->by_records.factors_of_person.at(7), Bit(RiskFactor::kChildrensSocialCare) |
                                                           Bit(RiskFactor::kAceLookedAfter) |
                                                           Bit(RiskFactor::kAceParentalImprisonment));
  EXPECT_EQ(truth->by_records.factors_of_person.at(8), Bit(RiskFactor::kProbation));
  EXPECT_EQ(truth->by_records.population_under_25, 1);
  EXPECT_TRUE(truth->by_records.under_25.count(7));
  // Lifetime: contacts kept, ACEs from the flags only (7 has no looked-after flag).
  EXPECT_EQ(truth->lifetime.factors_of_person.at(7),
            Bit(RiskFactor::kChildrensSocialCare) | Bit(RiskFactor::kAceParentalImprisonment));
  EXPECT_EQ(truth->lifetime.factors_of_person.at(8),
            Bit(RiskFactor::kProbation) | Bit(RiskFactor::kAceSchoolExclusion));
  EXPECT_FALSE(ReadSyntheticCohortTruth("x,y\n", agency, persons, types, 0).ok());
}

}  // namespace
}  // namespace harmlens::linkage
