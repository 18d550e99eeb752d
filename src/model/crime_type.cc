#include "model/crime_type.h"

namespace harmlens {
namespace {

constexpr std::array<std::string_view, kCrimeTypeCount> kNames = {
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
};

}  // namespace

const std::array<CrimeType, kCrimeTypeCount>& AllCrimeTypes() {
  static const std::array<CrimeType, kCrimeTypeCount> kAll = [] {
    std::array<CrimeType, kCrimeTypeCount> all{};
    for (int i = 0; i < kCrimeTypeCount; ++i) all[i] = static_cast<CrimeType>(i + 1);
    return all;
  }();
  return kAll;
}

std::string_view CrimeTypeName(CrimeType type) {
  int index = static_cast<int>(type) - 1;
  if (index < 0 || index >= kCrimeTypeCount) return "Unknown";
  return kNames[index];
}

std::optional<CrimeType> CrimeTypeFromName(std::string_view name) {
  for (int i = 0; i < kCrimeTypeCount; ++i) {
    if (kNames[i] == name) return static_cast<CrimeType>(i + 1);
  }
  return std::nullopt;
}

}  // namespace harmlens
