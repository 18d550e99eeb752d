#include "model/behaviour_rules.h"

namespace harmlens {
namespace {

bool IsNightTimeEconomyHour(const OccurredTime& t) {
  if (t.precision != TimePrecision::kMinute) return false;
  int64_t day = t.local_minute >= 0 ? t.local_minute / 1440 : (t.local_minute - 1439) / 1440;
  int minute_of_day = static_cast<int>(t.local_minute - day * 1440);
  // 1970-01-01 was a Thursday: (day + 4) % 7 gives 0 = Sunday .. 6 = Saturday.
  int weekday = static_cast<int>(((day + 4) % 7 + 7) % 7);
  bool late_fri_or_sat = (weekday == 5 || weekday == 6) && minute_of_day >= 22 * 60;
  bool early_sat_or_sun = (weekday == 6 || weekday == 0) && minute_of_day < 3 * 60;
  return late_fri_or_sat || early_sat_or_sun;
}

}  // namespace

const std::vector<BehaviourRule>& BehaviourRules() {
  static const std::vector<BehaviourRule> kRules = {
      {HarmfulBehaviour::kSeriousViolence,
       "crime type is Violence and sexual offences, Robbery or Possession of weapons"},
      {HarmfulBehaviour::kSeriousViolence, "a knife, sharp instrument or firearm was involved"},
      {HarmfulBehaviour::kDomesticAbuse, "the source flags the incident as domestic abuse"},
      {HarmfulBehaviour::kSubstanceMisuse, "crime type is Drugs"},
      {HarmfulBehaviour::kNightTimeEconomy,
       "crime type is Violence and sexual offences or Public order, and it happened "
       "Friday or Saturday 22:00 to 03:00 (needs time to the minute)"},
  };
  return kRules;
}

BehaviourSet TagBehaviours(const Incident& incident) {
  BehaviourSet tags;
  CrimeType type = incident.crime_type;
  if (type == CrimeType::kViolenceAndSexualOffences || type == CrimeType::kRobbery ||
      type == CrimeType::kPossessionOfWeapons) {
    tags.Add(HarmfulBehaviour::kSeriousViolence);
  }
  if (incident.weapon == Weapon::kKnifeOrSharp || incident.weapon == Weapon::kFirearm) {
    tags.Add(HarmfulBehaviour::kSeriousViolence);
  }
  if (incident.domestic.value_or(false)) tags.Add(HarmfulBehaviour::kDomesticAbuse);
  if (type == CrimeType::kDrugs) tags.Add(HarmfulBehaviour::kSubstanceMisuse);
  if ((type == CrimeType::kViolenceAndSexualOffences || type == CrimeType::kPublicOrder) &&
      IsNightTimeEconomyHour(incident.occurred)) {
    tags.Add(HarmfulBehaviour::kNightTimeEconomy);
  }
  return tags;
}

}  // namespace harmlens
