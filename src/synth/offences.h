// The offence mix the synthetic police extract draws from: for each police.uk crime
// type, a few Home Office offence codes with their share, how often they are domestic,
// the weapons involved, who is involved and how likely a victim is to attend A&E.
// The numbers are the generator's documented assumptions (docs/synthetic-llr.md), not
// measurements. Immutable static data: safe to share.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "model/crime_type.h"
#include "model/incident.h"

namespace harmlens::synth {

enum class VictimKind : uint8_t {
  kNone,       // no person victim (business, the public, the state)
  kPerson,     // a person, chosen by the violence/theft victim weights
  kHousehold,  // an adult of the household where it happened (burglary, vehicle)
  kBusiness,   // a business; sometimes a member of staff is named as victim
};

enum class OutcomeMix : uint8_t { kGeneral, kDrugsPossession, kWeapons, kShoplifting, kHomicide, kAsb };

enum class AgeProfile : uint8_t { kViolence, kRobbery, kTheft, kSexual, kNightTimeEconomy, kOffenderOnly };

struct OffenceCode {
  std::string_view code;         // Home Office code as written in the extract
  std::string_view description;  // for the docs and the truth files
  CrimeType type;
  double weight;                 // share within the crime type
  double domestic;               // probability the incident is domestic abuse
  // knife_or_sharp, firearm, other, none, unknown
  std::array<double, 5> weapon;
  VictimKind victim;
  double victim_probability;     // a person victim is recorded
  double suspect_probability;    // a suspect or offender is identified
  double emergency_department;   // the victim attends A&E (before weapon adjustment)
  OutcomeMix outcomes;
  AgeProfile victim_ages;
  bool female_victims = false;   // sexual offences against women and girls
};

// Every code the generator uses, grouped by crime type in CrimeType order.
std::span<const OffenceCode> OffenceCodes();
// Codes of one crime type.
std::span<const OffenceCode> OffenceCodesOf(CrimeType type);
// The homicide codes (drawn by their own process): 1 murder, 4/1 manslaughter.
std::span<const OffenceCode> HomicideCodes();
// The codes used in night-time-economy incidents, weighted for NTE.
std::span<const OffenceCode> NightTimeEconomyCodes();

Weapon WeaponFromIndex(size_t index);
const char* WeaponText(Weapon weapon);  // knife_or_sharp, firearm, other, none, unknown

}  // namespace harmlens::synth
