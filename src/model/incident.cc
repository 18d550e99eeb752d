#include "model/incident.h"

namespace harmlens {

const char* AgencyName(Agency agency) {
  switch (agency) {
    case Agency::kPoliceUk: return "police-uk";
    case Agency::kPoliceExtract: return "police-extract";
    case Agency::kEmergencyDepartment: return "emergency-department";
    case Agency::kPartnerAgency: return "partner-agency";
  }
  return "unknown";
}

const char* WeaponName(Weapon weapon) {
  switch (weapon) {
    case Weapon::kUnknown: return "unknown";
    case Weapon::kNone: return "none";
    case Weapon::kKnifeOrSharp: return "knife-or-sharp";
    case Weapon::kFirearm: return "firearm";
    case Weapon::kOther: return "other";
  }
  return "unknown";
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kVictim: return "victim";
    case Role::kSuspect: return "suspect";
    case Role::kOffender: return "offender";
    case Role::kWitness: return "witness";
  }
  return "unknown";
}

const char* SexName(Sex sex) {
  switch (sex) {
    case Sex::kUnknown: return "unknown";
    case Sex::kFemale: return "female";
    case Sex::kMale: return "male";
    case Sex::kOther: return "other";
  }
  return "unknown";
}

const char* LocationTypeName(LocationType type) {
  switch (type) {
    case LocationType::kUnknown: return "unknown";
    case LocationType::kHome: return "home";
    case LocationType::kPublicPlace: return "public place";
    case LocationType::kLicensedPremises: return "licensed premises";
    case LocationType::kSchoolOrCollege: return "school or college";
    case LocationType::kWorkplace: return "workplace";
    case LocationType::kOther: return "other";
  }
  return "unknown";
}

const char* AssaultMethodName(AssaultMethod method) {
  switch (method) {
    case AssaultMethod::kUnknown: return "unknown";
    case AssaultMethod::kBodyPart: return "body part";
    case AssaultMethod::kBluntObject: return "blunt object";
    case AssaultMethod::kKnifeOrSharp: return "knife or sharp";
    case AssaultMethod::kFirearm: return "firearm";
    case AssaultMethod::kOther: return "other";
  }
  return "unknown";
}

const char* AssailantRelationshipName(AssailantRelationship relationship) {
  switch (relationship) {
    case AssailantRelationship::kUnknown: return "unknown";
    case AssailantRelationship::kStranger: return "stranger";
    case AssailantRelationship::kAcquaintance: return "acquaintance";
    case AssailantRelationship::kPartnerOrEx: return "partner or ex-partner";
    case AssailantRelationship::kFamilyMember: return "family member";
    case AssailantRelationship::kOther: return "other";
  }
  return "unknown";
}

const char* TimeNoteName(TimeNote note) {
  switch (note) {
    case TimeNote::kNone: return "";
    case TimeNote::kArrivalNotAssault: return "arrival at A&E, not the assault (no assault date recorded)";
    case TimeNote::kAssaultWeekBeforeArrival: return "assault more than 7 days before arrival at A&E";
  }
  return "";
}

std::string AgeRange::ToString() const {
  if (IsExact()) return std::to_string(min_years);
  if (max_years >= kOldestAgeYears) return std::to_string(min_years) + "+";
  return std::to_string(min_years) + "-" + std::to_string(max_years);
}

}  // namespace harmlens
