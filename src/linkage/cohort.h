// Cohort risk factors on linked persons (docs/linkage.md, "Cohort risk factors"): among
// under-25 victims and under-25 perpetrators of serious violence in the police extract,
// and among all under-25 residents, the share with each agency contact and each adverse
// childhood experience that partner records can show, with Wilson 95% intervals.
// Pure computation: the command line reads the store, the persons file and the data.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "model/agency_record.h"
#include "model/incident.h"
#include "model/time.h"

namespace harmlens::linkage {

// Wilson score interval for `successes` out of `n` at z = 1.959964 (95%); n = 0 gives [0, 1].
struct ProportionInterval {
  double low = 0;
  double high = 1;
};
ProportionInterval Wilson95(int64_t successes, int64_t n);

// The risk factors, as bits of a person's factor mask. The first six are the partner
// agencies in PartnerAgency order (any record = a contact).
enum class RiskFactor : uint8_t {
  kYouthOffending = 0,
  kChildrensSocialCare,
  kSchoolExclusions,
  kProbation,
  kSubstanceMisuse,
  kMentalHealth,
  kAceLookedAfter,      // children's social care looked_after_start
  kAceSchoolExclusion,  // any school_exclusions record
  // The household ACEs: a children's social care assessment's factors (docs/linkage.md).
  kAceDomesticAbuse,
  kAceParentalImprisonment,
  kAceParentalSubstanceMisuse,
  kAceParentalMentalIllness,
};
inline constexpr int kRiskFactorCount = 12;
inline constexpr uint32_t Bit(RiskFactor f) { return 1u << static_cast<int>(f); }

struct RiskFactorInfo {
  std::string_view name;      // "youth_offending", "ace_looked_after", ...
  std::string_view kind;      // "agency_contact" or "ace"
  bool observable = true;     // false: "not observable", never a number
  std::string_view evidence;  // what in the records shows it
};
const RiskFactorInfo& InfoOf(RiskFactor factor);
// The factors one partner record shows; `assessment_factors`: the AssessmentFactor bits of
// a children's social care assessment (model/assessment_factor.h), 0 for any other record.
uint32_t FactorsShownBy(PartnerAgency agency, std::string_view event_type, uint32_t assessment_factors = 0);

enum class Cohort : uint8_t { kVictims = 0, kPerpetrators = 1, kPopulation = 2 };
inline constexpr int kCohortCount = 3;
std::string_view CohortName(
    Cohort cohort);  // "under25_victims", "under25_perpetrators", "under25_population"

// A police person in a cohort: under 25 (recorded age entirely below 25) when involved in
// an incident tagged serious-violence, as victim and/or as suspect or offender.
struct CohortMember {
  std::string person_key;
  bool victim = false;
  bool perpetrator = false;
};
// Distinct person keys, in first-seen order. Persons with no recorded age are left out.
std::vector<CohortMember> UnderTwentyFiveSeriousViolence(const std::vector<Incident>& police_incidents);

// Not yet 25 on `day` (days since 1970-01-01): before the 25th birthday.
bool UnderTwentyFiveOn(const CivilDate& birth, int64_t day);

// What is known (or, for evaluation, true) about persons.
struct PersonFacts {
  std::unordered_map<std::string, int64_t> person_of_police_key;  // police person_key -> person
  std::unordered_map<int64_t, uint32_t> factors_of_person;        // RiskFactor bits
  std::unordered_set<int64_t> under_25;                           // persons under 25 on the reference day
  int64_t population_under_25 = 0;                                // the population denominator
};

struct Prevalence {
  int64_t count = 0;
  int64_t total = 0;
  double estimate = 0;
  ProportionInterval interval;
};
// [cohort][factor]. A cohort member whose person key has no person, or whose person has
// no record of a factor, counts as "no contact found". The population row counts persons
// in `under_25` with the factor over `population_under_25`.
using CohortPrevalence = std::array<std::array<Prevalence, kRiskFactorCount>, kCohortCount>;
CohortPrevalence ComputeCohortPrevalence(const std::vector<CohortMember>& members, const PersonFacts& facts);

// Ground truth from the synthetic LLR (evaluation only). `truth_police_persons`:
// truth/police_persons.csv (incident_id,role,person_key,person_id); `truth_agency_records`:
// truth/agency_records.csv with `event_type_of` ("agency/record_id" -> event type, from
// the store) and `factors_of` ("agency/record_id" -> AssessmentFactor bits, from the
// encodings' carried column); `truth_persons`: truth/persons.csv. Two answers: `by_records` applies the
// same record-based definitions to the true persons (what perfect linkage would give);
// `lifetime` takes the ACE bits from the persons' true ACE flags (what the records miss).
struct SyntheticCohortTruth {
  PersonFacts by_records;
  PersonFacts lifetime;
};
Result<SyntheticCohortTruth> ReadSyntheticCohortTruth(
    std::string_view truth_police_persons, std::string_view truth_agency_records,
    std::string_view truth_persons, const std::unordered_map<std::string, std::string>& event_type_of,
    int64_t reference_day, const std::unordered_map<std::string, uint32_t>& factors_of = {});

}  // namespace harmlens::linkage
