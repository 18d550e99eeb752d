#include "synth/offences.h"

#include <algorithm>
#include <vector>

namespace harmlens::synth {
namespace {

using CT = CrimeType;
using VK = VictimKind;
using OM = OutcomeMix;
using AP = AgeProfile;

constexpr std::array<double, 5> kNoWeapon = {0, 0, 0.02, 0.88, 0.10};
constexpr std::array<double, 5> kUnknownWeapon = {0, 0, 0, 0.4, 0.6};

// Grouped by crime type in CrimeType order; OffenceCodesOf relies on it.
constexpr OffenceCode kCodes[] = {
    {"", "Anti-social behaviour incident", CT::kAntiSocialBehaviour, 1, 0, {0, 0, 0, 0, 1}, VK::kNone, 0, 0, 0, OM::kAsb, AP::kViolence},
    {"44", "Theft or unauthorised taking of a pedal cycle", CT::kBicycleTheft, 1, 0, kUnknownWeapon, VK::kPerson, 0.9, 0.05, 0, OM::kGeneral, AP::kTheft},
    {"28E", "Burglary - residential, home", CT::kBurglary, 55, 0.02, kUnknownWeapon, VK::kHousehold, 1, 0.12, 0, OM::kGeneral, AP::kTheft},
    {"28F", "Attempted burglary - residential, home", CT::kBurglary, 12, 0.02, kUnknownWeapon, VK::kHousehold, 1, 0.08, 0, OM::kGeneral, AP::kTheft},
    {"30C", "Burglary - business and community", CT::kBurglary, 28, 0, kUnknownWeapon, VK::kBusiness, 0.2, 0.1, 0, OM::kGeneral, AP::kTheft},
    {"30D", "Attempted burglary - business and community", CT::kBurglary, 5, 0, kUnknownWeapon, VK::kBusiness, 0.2, 0.08, 0, OM::kGeneral, AP::kTheft},
    {"58A", "Criminal damage to a dwelling", CT::kCriminalDamageAndArson, 30, 0.25, kNoWeapon, VK::kHousehold, 1, 0.3, 0, OM::kGeneral, AP::kTheft},
    {"58B", "Criminal damage to a building other than a dwelling", CT::kCriminalDamageAndArson, 15, 0, kNoWeapon, VK::kBusiness, 0.3, 0.15, 0, OM::kGeneral, AP::kTheft},
    {"58C", "Criminal damage to a vehicle", CT::kCriminalDamageAndArson, 40, 0.08, kNoWeapon, VK::kHousehold, 1, 0.12, 0, OM::kGeneral, AP::kTheft},
    {"58D", "Other criminal damage", CT::kCriminalDamageAndArson, 10, 0, kNoWeapon, VK::kNone, 0, 0.15, 0, OM::kGeneral, AP::kTheft},
    {"56B", "Arson not endangering life", CT::kCriminalDamageAndArson, 5, 0.05, kUnknownWeapon, VK::kHousehold, 0.6, 0.1, 0, OM::kGeneral, AP::kTheft},
    {"92A", "Trafficking in controlled drugs", CT::kDrugs, 20, 0, kUnknownWeapon, VK::kNone, 0, 1, 0, OM::kWeapons, AP::kOffenderOnly},
    {"92D", "Possession of controlled drugs (excluding cannabis)", CT::kDrugs, 15, 0, kUnknownWeapon, VK::kNone, 0, 1, 0, OM::kDrugsPossession, AP::kOffenderOnly},
    {"92E", "Possession of cannabis", CT::kDrugs, 65, 0, kUnknownWeapon, VK::kNone, 0, 1, 0, OM::kDrugsPossession, AP::kOffenderOnly},
    {"99", "Other notifiable offences", CT::kOtherCrime, 1, 0.05, kUnknownWeapon, VK::kPerson, 0.3, 0.5, 0, OM::kGeneral, AP::kTheft},
    {"49", "Other theft", CT::kOtherTheft, 1, 0.02, kUnknownWeapon, VK::kPerson, 0.7, 0.15, 0, OM::kGeneral, AP::kTheft},
    {"10C", "Possession of article with blade or point", CT::kPossessionOfWeapons, 55, 0, {1, 0, 0, 0, 0}, VK::kNone, 0, 1, 0, OM::kWeapons, AP::kOffenderOnly},
    {"10D", "Possession of other offensive weapon", CT::kPossessionOfWeapons, 35, 0, {0, 0, 1, 0, 0}, VK::kNone, 0, 1, 0, OM::kWeapons, AP::kOffenderOnly},
    {"10A", "Possession of firearms offences", CT::kPossessionOfWeapons, 10, 0, {0, 1, 0, 0, 0}, VK::kNone, 0, 1, 0, OM::kWeapons, AP::kOffenderOnly},
    {"9A", "Public fear, alarm or distress", CT::kPublicOrder, 78, 0.15, kNoWeapon, VK::kPerson, 0.5, 0.6, 0, OM::kGeneral, AP::kViolence},
    {"9B", "Racially or religiously aggravated public fear, alarm or distress", CT::kPublicOrder, 20, 0.02, kNoWeapon, VK::kPerson, 0.7, 0.5, 0, OM::kGeneral, AP::kViolence},
    {"65", "Violent disorder", CT::kPublicOrder, 2, 0, {0.05, 0, 0.2, 0.6, 0.15}, VK::kPerson, 0.5, 0.8, 0.05, OM::kGeneral, AP::kViolence},
    {"34B", "Robbery of personal property", CT::kRobbery, 90, 0, {0.18, 0.015, 0.06, 0.55, 0.195}, VK::kPerson, 1, 0.3, 0.06, OM::kGeneral, AP::kRobbery},
    {"34A", "Robbery of business property", CT::kRobbery, 10, 0, {0.25, 0.03, 0.1, 0.4, 0.22}, VK::kBusiness, 0.5, 0.3, 0.03, OM::kGeneral, AP::kViolence},
    {"46", "Shoplifting", CT::kShoplifting, 1, 0, {0, 0, 0, 0.7, 0.3}, VK::kNone, 0, 0.55, 0, OM::kShoplifting, AP::kOffenderOnly},
    {"39", "Theft from the person", CT::kTheftFromThePerson, 1, 0, kUnknownWeapon, VK::kPerson, 1, 0.1, 0, OM::kGeneral, AP::kTheft},
    {"45", "Theft from a vehicle", CT::kVehicleCrime, 55, 0, kUnknownWeapon, VK::kHousehold, 1, 0.05, 0, OM::kGeneral, AP::kTheft},
    {"48", "Theft or unauthorised taking of a motor vehicle", CT::kVehicleCrime, 30, 0.01, kUnknownWeapon, VK::kHousehold, 1, 0.08, 0, OM::kGeneral, AP::kTheft},
    {"126", "Interfering with a motor vehicle", CT::kVehicleCrime, 15, 0, kUnknownWeapon, VK::kHousehold, 1, 0.05, 0, OM::kGeneral, AP::kTheft},
    {"105A", "Assault without injury", CT::kViolenceAndSexualOffences, 30, 0.40, {0, 0, 0.03, 0.87, 0.10}, VK::kPerson, 1, 0.55, 0.01, OM::kGeneral, AP::kViolence},
    {"8N", "Assault with injury", CT::kViolenceAndSexualOffences, 22, 0.38, {0.04, 0.002, 0.08, 0.78, 0.098}, VK::kPerson, 1, 0.55, 0.14, OM::kGeneral, AP::kViolence},
    {"5D", "Assault with intent to cause serious harm", CT::kViolenceAndSexualOffences, 1.6, 0.12, {0.38, 0.03, 0.27, 0.25, 0.07}, VK::kPerson, 1, 0.6, 0.65, OM::kGeneral, AP::kViolence},
    {"2", "Attempted murder", CT::kViolenceAndSexualOffences, 0.08, 0.2, {0.5, 0.1, 0.2, 0.1, 0.1}, VK::kPerson, 1, 0.8, 0.8, OM::kGeneral, AP::kViolence},
    {"8L", "Harassment", CT::kViolenceAndSexualOffences, 14, 0.35, {0, 0, 0, 0.95, 0.05}, VK::kPerson, 1, 0.7, 0, OM::kGeneral, AP::kViolence},
    {"8Q", "Stalking", CT::kViolenceAndSexualOffences, 4, 0.5, {0, 0, 0, 0.95, 0.05}, VK::kPerson, 1, 0.75, 0, OM::kGeneral, AP::kViolence},
    {"8R", "Controlling or coercive behaviour", CT::kViolenceAndSexualOffences, 4, 1.0, {0, 0, 0, 0.95, 0.05}, VK::kPerson, 1, 0.9, 0, OM::kGeneral, AP::kViolence},
    {"19C", "Rape of a female aged 16 and over", CT::kViolenceAndSexualOffences, 2.2, 0.35, {0.02, 0, 0.02, 0.8, 0.16}, VK::kPerson, 1, 0.6, 0.03, OM::kGeneral, AP::kSexual, true},
    {"20A", "Sexual assault on a female aged 13 and over", CT::kViolenceAndSexualOffences, 2.6, 0.1, kNoWeapon, VK::kPerson, 1, 0.45, 0.01, OM::kGeneral, AP::kSexual, true},
    {"17A", "Sexual assault on a male aged 13 and over", CT::kViolenceAndSexualOffences, 0.4, 0.05, kNoWeapon, VK::kPerson, 1, 0.45, 0.01, OM::kGeneral, AP::kSexual},
};

constexpr OffenceCode kHomicide[] = {
    {"1", "Murder", CT::kViolenceAndSexualOffences, 80, 0.3, {0.40, 0.04, 0.20, 0.30, 0.06}, VK::kPerson, 1, 0.9, 0.3, OM::kHomicide, AP::kViolence},
    {"4/1", "Manslaughter", CT::kViolenceAndSexualOffences, 20, 0.3, {0.20, 0.02, 0.20, 0.50, 0.08}, VK::kPerson, 1, 0.9, 0.3, OM::kHomicide, AP::kViolence},
};

constexpr OffenceCode kNte[] = {
    {"105A", "Assault without injury", CT::kViolenceAndSexualOffences, 48, 0, {0, 0, 0.04, 0.86, 0.10}, VK::kPerson, 1, 0.5, 0.02, OM::kGeneral, AP::kNightTimeEconomy},
    {"8N", "Assault with injury", CT::kViolenceAndSexualOffences, 40, 0, {0.04, 0, 0.14, 0.72, 0.10}, VK::kPerson, 1, 0.5, 0.2, OM::kGeneral, AP::kNightTimeEconomy},
    {"5D", "Assault with intent to cause serious harm", CT::kViolenceAndSexualOffences, 4, 0, {0.35, 0.01, 0.34, 0.25, 0.05}, VK::kPerson, 1, 0.55, 0.7, OM::kGeneral, AP::kNightTimeEconomy},
    {"20A", "Sexual assault on a female aged 13 and over", CT::kViolenceAndSexualOffences, 8, 0, kNoWeapon, VK::kPerson, 1, 0.4, 0.01, OM::kGeneral, AP::kSexual, true},
};

}  // namespace

std::span<const OffenceCode> OffenceCodes() { return kCodes; }

std::span<const OffenceCode> OffenceCodesOf(CrimeType type) {
  std::span<const OffenceCode> all = kCodes;
  auto first = std::find_if(all.begin(), all.end(), [&](const OffenceCode& c) { return c.type == type; });
  auto last = std::find_if(first, all.end(), [&](const OffenceCode& c) { return c.type != type; });
  return all.subspan(static_cast<size_t>(first - all.begin()), static_cast<size_t>(last - first));
}

std::span<const OffenceCode> HomicideCodes() { return kHomicide; }
std::span<const OffenceCode> NightTimeEconomyCodes() { return kNte; }

Weapon WeaponFromIndex(size_t index) {
  static constexpr Weapon kOrder[] = {Weapon::kKnifeOrSharp, Weapon::kFirearm, Weapon::kOther, Weapon::kNone,
                                      Weapon::kUnknown};
  return index < 5 ? kOrder[index] : Weapon::kUnknown;
}

const char* WeaponText(Weapon weapon) {
  switch (weapon) {
    case Weapon::kKnifeOrSharp: return "knife_or_sharp";
    case Weapon::kFirearm: return "firearm";
    case Weapon::kOther: return "other";
    case Weapon::kNone: return "none";
    case Weapon::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace harmlens::synth
