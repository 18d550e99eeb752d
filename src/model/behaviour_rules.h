// Derives an incident's harmful-behaviour tags from what the feed recorded, by a
// versioned rule table (docs/behaviours.md explains each rule and its limits). The
// version is stored with every load so a figure can be traced to the rules that made it.
#pragma once

#include <string_view>
#include <vector>

#include "model/incident.h"

namespace harmlens {

inline constexpr std::string_view kBehaviourRulesVersion = "behaviour-rules/1";

struct BehaviourRule {
  HarmfulBehaviour behaviour;
  std::string_view when;  // the condition in words, for documentation and audit
};

// The rules in force, in evaluation order (for docs and `harmlens rules`).
const std::vector<BehaviourRule>& BehaviourRules();

BehaviourSet TagBehaviours(const Incident& incident);

}  // namespace harmlens
