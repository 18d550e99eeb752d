// Hand-built incidents for the server's tests, with known answers written beside each
// test. Two LSOAs from the bundled reference files (values read from them by eye):
//   E01025631 Blaby 002A, Blaby E07000129, 1,394 residents (mid-2018), IMD decile 8
//   E01032867 Leicester 041A, Leicester E06000016, 3,999 residents, IMD decile 3
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "geo/reference_geography.h"
#include "model/incident.h"
#include "server/incident_facts.h"
#include "support/testing.h"

namespace harmlens::testing {

inline const ReferenceGeography& TestGeography() {
  static std::shared_ptr<const ReferenceGeography> geography = [] {
    auto loaded = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
    if (!loaded.ok()) std::abort();
    return *loaded;
  }();
  return *geography;
}

struct IncidentSpec {
  Agency source = Agency::kPoliceUk;
  std::string lsoa = "";  // "" = no location
  std::string csp = "";
  int year = 2022;
  int month = 1;
  int day = 0;      // 0 = month precision
  int minute = -1;  // minute of the day; -1 = day precision
  CrimeType type = CrimeType::kViolenceAndSexualOffences;
  Weapon weapon = Weapon::kUnknown;
  std::optional<AgeRange> victim_age = std::nullopt;
  uint32_t behaviours = 0;
};

inline Incident MakeIncident(const IncidentSpec& spec) {
  Incident incident;
  incident.source.agency = spec.source;
  incident.crime_type = spec.type;
  incident.weapon = spec.weapon;
  incident.behaviours = BehaviourSet::FromBits(spec.behaviours);
  incident.location.lsoa_reported = spec.lsoa;
  incident.location.csp_area = spec.csp;
  if (spec.day == 0) {
    incident.occurred = OccurredTime::Month({spec.year, spec.month});
  } else {
    int64_t day_minute = DaysFromCivil(spec.year, spec.month, spec.day) * 1440;
    incident.occurred = spec.minute < 0 ? OccurredTime{day_minute, TimePrecision::kDay}
                                        : OccurredTime{day_minute + spec.minute, TimePrecision::kMinute};
  }
  if (spec.victim_age) incident.involvements.push_back({"", Role::kVictim, spec.victim_age, Sex::kFemale});
  return incident;
}

inline constexpr const char* kBlaby002A = "E01025631";
inline constexpr const char* kLeicester041A = "E01032867";
inline constexpr const char* kBlaby = "E07000129";
inline constexpr const char* kLeicester = "E06000016";

inline std::unique_ptr<IncidentFacts> FactsOf(const std::vector<IncidentSpec>& specs) {
  std::vector<IncidentFact> facts;
  for (const IncidentSpec& spec : specs) facts.push_back(FactOf(MakeIncident(spec), TestGeography()));
  return std::make_unique<IncidentFacts>(std::move(facts), TestGeography());
}

}  // namespace harmlens::testing
