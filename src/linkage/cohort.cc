#include "linkage/cohort.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/csv.h"
#include "model/assessment_factor.h"
#include "model/behaviour_rules.h"
#include "model/time.h"

namespace harmlens::linkage {
namespace {

constexpr std::array<RiskFactorInfo, kRiskFactorCount> kInfo = {{
    {"youth_offending", "agency_contact", true, "any youth offending record"},
    {"childrens_social_care", "agency_contact", true, "any children's social care record"},
    {"school_exclusions", "agency_contact", true, "any school exclusions record"},
    {"probation", "agency_contact", true, "any probation record"},
    {"substance_misuse", "agency_contact", true, "any substance misuse record"},
    {"mental_health", "agency_contact", true, "any mental health record"},
    {"ace_looked_after", "ace", true, "a children's social care looked_after_start record"},
    {"ace_school_exclusion", "ace", true, "any school exclusions record (suspension or permanent exclusion)"},
    {"ace_domestic_abuse", "ace", true,
     "a children's social care assessment with domestic_abuse_parent or domestic_abuse_other"},
    {"ace_parental_imprisonment", "ace", true,
     "a children's social care assessment with parent_in_custody (local extension)"},
    {"ace_parental_substance_misuse", "ace", true,
     "a children's social care assessment with alcohol_misuse_parent or drug_misuse_parent"},
    {"ace_parental_mental_illness", "ace", true,
     "a children's social care assessment with mental_health_parent"},
}};

// The column of `name` in a header, or an error naming the file.
Result<size_t> ColumnOf(const CsvRecord& header, std::string_view name, std::string_view file) {
  for (size_t i = 0; i < header.fields.size(); ++i) {
    if (header.fields[i] == name) return i;
  }
  return Status::RejectedInput("the header has no column \"" + std::string(name) + "\"",
                               {std::string(file), 1, std::string(name)});
}

}  // namespace

bool UnderTwentyFiveOn(const CivilDate& birth, int64_t day) {
  return day < DaysFromCivil(birth.year + 25, birth.month, birth.day);
}

ProportionInterval Wilson95(int64_t successes, int64_t n) {
  if (n <= 0) return {0, 1};
  constexpr double z = 1.959963984540054;  // the 97.5th percentile of the standard normal
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

const RiskFactorInfo& InfoOf(RiskFactor factor) { return kInfo[static_cast<size_t>(factor)]; }

uint32_t FactorsShownBy(PartnerAgency agency, std::string_view event_type, uint32_t assessment_factors) {
  uint32_t bits = 1u << static_cast<int>(agency);
  if (agency == PartnerAgency::kChildrensSocialCare && event_type == "assessment") {
    const HouseholdAces aces = HouseholdAcesShownBy(assessment_factors);
    if (aces.domestic_abuse) bits |= Bit(RiskFactor::kAceDomesticAbuse);
    if (aces.parental_imprisonment) bits |= Bit(RiskFactor::kAceParentalImprisonment);
    if (aces.parental_substance_misuse) bits |= Bit(RiskFactor::kAceParentalSubstanceMisuse);
    if (aces.parental_mental_illness) bits |= Bit(RiskFactor::kAceParentalMentalIllness);
  }
  if (agency == PartnerAgency::kChildrensSocialCare && event_type == "looked_after_start") {
    bits |= Bit(RiskFactor::kAceLookedAfter);
  }
  if (agency == PartnerAgency::kSchoolExclusions) bits |= Bit(RiskFactor::kAceSchoolExclusion);
  return bits;
}

std::string_view CohortName(Cohort cohort) {
  switch (cohort) {
    case Cohort::kVictims:
      return "under25_victims";
    case Cohort::kPerpetrators:
      return "under25_perpetrators";
    case Cohort::kPopulation:
      return "under25_population";
  }
  return "?";
}

std::vector<CohortMember> UnderTwentyFiveSeriousViolence(const std::vector<Incident>& police_incidents) {
  std::vector<CohortMember> members;
  std::unordered_map<std::string, size_t> index;
  for (const Incident& incident : police_incidents) {
    if (!TagBehaviours(incident).Has(HarmfulBehaviour::kSeriousViolence)) continue;
    for (const Involvement& who : incident.involvements) {
      if (who.person_key.empty() || !who.age || !who.age->EntirelyUnder(25)) continue;
      const bool victim = who.role == Role::kVictim;
      const bool perpetrator = who.role == Role::kSuspect || who.role == Role::kOffender;
      if (!victim && !perpetrator) continue;
      auto [it, fresh] = index.emplace(who.person_key, members.size());
      if (fresh) members.push_back({who.person_key, false, false});
      members[it->second].victim |= victim;
      members[it->second].perpetrator |= perpetrator;
    }
  }
  return members;
}

CohortPrevalence ComputeCohortPrevalence(const std::vector<CohortMember>& members, const PersonFacts& facts) {
  CohortPrevalence table{};
  auto factors_of = [&](int64_t person) -> uint32_t {
    auto it = facts.factors_of_person.find(person);
    return it == facts.factors_of_person.end() ? 0 : it->second;
  };
  auto add = [&](Cohort cohort, uint32_t factors) {
    for (int f = 0; f < kRiskFactorCount; ++f) {
      Prevalence& p = table[static_cast<int>(cohort)][f];
      ++p.total;
      p.count += (factors >> f) & 1;
    }
  };
  for (const CohortMember& m : members) {
    auto it = facts.person_of_police_key.find(m.person_key);
    const uint32_t factors = it == facts.person_of_police_key.end() ? 0 : factors_of(it->second);
    if (m.victim) add(Cohort::kVictims, factors);
    if (m.perpetrator) add(Cohort::kPerpetrators, factors);
  }
  auto& population = table[static_cast<int>(Cohort::kPopulation)];
  for (int f = 0; f < kRiskFactorCount; ++f) population[f].total = facts.population_under_25;
  for (int64_t person : facts.under_25) {
    const uint32_t factors = factors_of(person);
    for (int f = 0; f < kRiskFactorCount; ++f) population[f].count += (factors >> f) & 1;
  }
  for (auto& row : table) {
    for (Prevalence& p : row) {
      // A count above its denominator (the population's comes from another source) is capped in the interval
      // only.
      p.estimate = p.total > 0 ? static_cast<double>(p.count) / p.total : 0;
      p.interval = Wilson95(std::min(p.count, p.total), p.total);
    }
  }
  return table;
}

Result<SyntheticCohortTruth> ReadSyntheticCohortTruth(
    std::string_view truth_police_persons, std::string_view truth_agency_records,
    std::string_view truth_persons, const std::unordered_map<std::string, std::string>& event_type_of,
    int64_t reference_day, const std::unordered_map<std::string, uint32_t>& factors_of) {
  SyntheticCohortTruth truth;
  CsvRecord csv;
  {
    CsvReader reader(truth_police_persons);
    reader.Next(&csv);
    HL_ASSIGN_OR_RETURN(size_t key, ColumnOf(csv, "person_key", "truth/police_persons.csv"));
    HL_ASSIGN_OR_RETURN(size_t person, ColumnOf(csv, "person_id", "truth/police_persons.csv"));
    while (reader.Next(&csv)) {
      if (csv.fields.size() <= std::max(key, person)) continue;
      const int64_t id = std::atoll(std::string(csv.fields[person]).c_str());
      truth.by_records.person_of_police_key.emplace(std::string(csv.fields[key]), id);
    }
  }
  {
    CsvReader reader(truth_agency_records);
    reader.Next(&csv);
    HL_ASSIGN_OR_RETURN(size_t agency, ColumnOf(csv, "agency", "truth/agency_records.csv"));
    HL_ASSIGN_OR_RETURN(size_t record, ColumnOf(csv, "record_id", "truth/agency_records.csv"));
    HL_ASSIGN_OR_RETURN(size_t person, ColumnOf(csv, "person_id", "truth/agency_records.csv"));
    while (reader.Next(&csv)) {
      if (csv.fields.size() <= std::max({agency, record, person})) continue;
      auto which = PartnerAgencyFromName(csv.fields[agency]);
      if (!which) continue;
      const std::string key = std::string(csv.fields[agency]) + "/" + std::string(csv.fields[record]);
      auto type = event_type_of.find(key);
      auto factors = factors_of.find(key);
      const uint32_t bits = FactorsShownBy(*which, type == event_type_of.end() ? "" : type->second,
                                           factors == factors_of.end() ? 0 : factors->second);
      truth.by_records.factors_of_person[std::atoll(std::string(csv.fields[person]).c_str())] |= bits;
    }
  }
  {
    constexpr std::array<std::pair<RiskFactor, std::string_view>, 6> kFlags = {{
        {RiskFactor::kAceDomesticAbuse, "ace_domestic_abuse"},
        {RiskFactor::kAceParentalImprisonment, "ace_parental_imprisonment"},
        {RiskFactor::kAceParentalSubstanceMisuse, "ace_parental_substance_misuse"},
        {RiskFactor::kAceParentalMentalIllness, "ace_parental_mental_illness"},
        {RiskFactor::kAceLookedAfter, "ace_looked_after"},
        {RiskFactor::kAceSchoolExclusion, "ace_school_exclusion"},
    }};
    CsvReader reader(truth_persons);
    reader.Next(&csv);
    HL_ASSIGN_OR_RETURN(size_t person, ColumnOf(csv, "person_id", "truth/persons.csv"));
    HL_ASSIGN_OR_RETURN(size_t birth, ColumnOf(csv, "date_of_birth", "truth/persons.csv"));
    std::array<size_t, kFlags.size()> flag_columns{};
    for (size_t i = 0; i < kFlags.size(); ++i) {
      HL_ASSIGN_OR_RETURN(flag_columns[i], ColumnOf(csv, kFlags[i].second, "truth/persons.csv"));
    }
    constexpr uint32_t kAceBits =
        Bit(RiskFactor::kAceDomesticAbuse) | Bit(RiskFactor::kAceParentalImprisonment) |
        Bit(RiskFactor::kAceParentalSubstanceMisuse) | Bit(RiskFactor::kAceParentalMentalIllness) |
        Bit(RiskFactor::kAceLookedAfter) | Bit(RiskFactor::kAceSchoolExclusion);
    truth.lifetime.factors_of_person = truth.by_records.factors_of_person;
    for (auto& [id, bits] : truth.lifetime.factors_of_person) bits &= ~kAceBits;
    while (reader.Next(&csv)) {
      if (csv.fields.size() <= std::max(person, birth)) continue;
      const int64_t id = std::atoll(std::string(csv.fields[person]).c_str());
      uint32_t aces = 0;
      for (size_t i = 0; i < kFlags.size(); ++i) {
        if (flag_columns[i] < csv.fields.size() && csv.fields[flag_columns[i]] == "1")
          aces |= Bit(kFlags[i].first);
      }
      if (aces != 0) truth.lifetime.factors_of_person[id] |= aces;
      auto date = ParseCivilDate(csv.fields[birth]);
      if (date && UnderTwentyFiveOn(*date, reference_day)) {
        truth.by_records.under_25.insert(id);
        ++truth.by_records.population_under_25;
      }
    }
    truth.lifetime.person_of_police_key = truth.by_records.person_of_police_key;
    truth.lifetime.under_25 = truth.by_records.under_25;
    truth.lifetime.population_under_25 = truth.by_records.population_under_25;
  }
  return truth;
}

}  // namespace harmlens::linkage
