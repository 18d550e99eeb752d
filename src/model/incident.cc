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

}  // namespace harmlens
