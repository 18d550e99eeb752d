// The offence category of an incident, at the level every feed can reach: the 14
// police.uk street-level crime types (which are themselves groupings of Home Office
// offence codes). Numeric values are stored and must never be renumbered.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace harmlens {

enum class CrimeType : uint8_t {
  kAntiSocialBehaviour = 1,
  kBicycleTheft = 2,
  kBurglary = 3,
  kCriminalDamageAndArson = 4,
  kDrugs = 5,
  kOtherCrime = 6,
  kOtherTheft = 7,
  kPossessionOfWeapons = 8,
  kPublicOrder = 9,
  kRobbery = 10,
  kShoplifting = 11,
  kTheftFromThePerson = 12,
  kVehicleCrime = 13,
  kViolenceAndSexualOffences = 14,
};

inline constexpr int kCrimeTypeCount = 14;

// All crime types in stored-id order.
const std::array<CrimeType, kCrimeTypeCount>& AllCrimeTypes();

// The name exactly as police.uk writes it, e.g. "Violence and sexual offences".
std::string_view CrimeTypeName(CrimeType type);

// Exact, case-sensitive match on the police.uk name.
std::optional<CrimeType> CrimeTypeFromName(std::string_view name);

}  // namespace harmlens
