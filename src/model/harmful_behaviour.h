// The Strategic Partnership Board's priority harmful behaviours, and a set of them as
// a bitmask. Bit positions are stored and must never be renumbered. Which incidents
// carry which behaviour is decided by the rule table in behaviour_rules.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harmlens {

enum class HarmfulBehaviour : uint8_t {
  kSeriousViolence = 0,
  kDomesticAbuse = 1,
  kMissingChildren = 2,
  kSubstanceMisuse = 3,
  kMentalHealthCrisis = 4,
  kNightTimeEconomy = 5,
  kExploitation = 6,
  kGangRelated = 7,
  kCyberCrimeAndFraud = 8,
  kSpecificSites = 9,
};

inline constexpr int kHarmfulBehaviourCount = 10;

const std::array<HarmfulBehaviour, kHarmfulBehaviourCount>& AllHarmfulBehaviours();

// Short stable identifier used on the command line and in APIs, e.g. "serious-violence".
std::string_view HarmfulBehaviourSlug(HarmfulBehaviour behaviour);
// The SPB's own wording, e.g. "Serious violence".
std::string_view HarmfulBehaviourTitle(HarmfulBehaviour behaviour);
std::optional<HarmfulBehaviour> HarmfulBehaviourFromSlug(std::string_view slug);

class BehaviourSet {
 public:
  BehaviourSet() = default;
  static BehaviourSet FromBits(uint32_t bits) { return BehaviourSet(bits); }

  void Add(HarmfulBehaviour b) { bits_ |= Bit(b); }
  bool Has(HarmfulBehaviour b) const { return (bits_ & Bit(b)) != 0; }
  bool empty() const { return bits_ == 0; }
  uint32_t bits() const { return bits_; }
  std::string ToString() const;  // "serious-violence;domestic-abuse"
  bool operator==(const BehaviourSet&) const = default;

 private:
  explicit BehaviourSet(uint32_t bits) : bits_(bits) {}
  static uint32_t Bit(HarmfulBehaviour b) { return 1u << static_cast<uint32_t>(b); }
  uint32_t bits_ = 0;
};

}  // namespace harmlens
