#include "model/harmful_behaviour.h"

namespace harmlens {
namespace {

struct BehaviourName {
  std::string_view slug;
  std::string_view title;
};

constexpr std::array<BehaviourName, kHarmfulBehaviourCount> kNames = {{
    {"serious-violence", "Serious violence"},
    {"domestic-abuse", "Domestic violence and abuse"},
    {"missing-children", "Missing children"},
    {"substance-misuse", "Behaviour linked to substance misuse"},
    {"mental-health-crisis", "Crisis behaviour linked to mental ill-health"},
    {"night-time-economy", "Night-time-economy harm"},
    {"exploitation", "Exploitation of vulnerable people"},
    {"gang-related", "Gang-related behaviour"},
    {"cyber-crime-and-fraud", "Cyber-crime and fraud"},
    {"specific-sites", "Serious crime linked to specific sites"},
}};

}  // namespace

const std::array<HarmfulBehaviour, kHarmfulBehaviourCount>& AllHarmfulBehaviours() {
  static const std::array<HarmfulBehaviour, kHarmfulBehaviourCount> kAll = [] {
    std::array<HarmfulBehaviour, kHarmfulBehaviourCount> all{};
    for (int i = 0; i < kHarmfulBehaviourCount; ++i) all[i] = static_cast<HarmfulBehaviour>(i);
    return all;
  }();
  return kAll;
}

std::string_view HarmfulBehaviourSlug(HarmfulBehaviour behaviour) {
  return kNames[static_cast<size_t>(behaviour)].slug;
}

std::string_view HarmfulBehaviourTitle(HarmfulBehaviour behaviour) {
  return kNames[static_cast<size_t>(behaviour)].title;
}

std::optional<HarmfulBehaviour> HarmfulBehaviourFromSlug(std::string_view slug) {
  for (int i = 0; i < kHarmfulBehaviourCount; ++i) {
    if (kNames[i].slug == slug) return static_cast<HarmfulBehaviour>(i);
  }
  return std::nullopt;
}

std::string BehaviourSet::ToString() const {
  std::string out;
  for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
    if (!Has(b)) continue;
    if (!out.empty()) out += ';';
    out += HarmfulBehaviourSlug(b);
  }
  return out;
}

}  // namespace harmlens
