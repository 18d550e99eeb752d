#include "model/harmful_behaviour.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace harmlens {
namespace {

// The SPB's ten priority harmful behaviours (docs: domain primer), with the slug the CLI
// accepts and the bit each occupies in the stored bitmask. Bits are on disk.
const std::vector<std::pair<std::string, int>>& SlugsAndBits() {
  static const std::vector<std::pair<std::string, int>> kSlugs = {
      {"serious-violence", 0}, {"domestic-abuse", 1},       {"missing-children", 2},
      {"substance-misuse", 3}, {"mental-health-crisis", 4}, {"night-time-economy", 5},
      {"exploitation", 6},     {"gang-related", 7},         {"cyber-crime-and-fraud", 8},
      {"specific-sites", 9},
  };
  return kSlugs;
}

TEST(HarmfulBehaviour, there_are_ten_priority_behaviours) {
  EXPECT_EQ(kHarmfulBehaviourCount, 10);
  EXPECT_EQ(AllHarmfulBehaviours().size(), 10u);
}

TEST(HarmfulBehaviour, each_slug_maps_to_its_stable_bit_and_back) {
  for (const auto& [slug, bit] : SlugsAndBits()) {
    std::optional<HarmfulBehaviour> b = HarmfulBehaviourFromSlug(slug);
    ASSERT_TRUE(b.has_value()) << slug;
    EXPECT_EQ(static_cast<int>(*b), bit) << slug;
    EXPECT_EQ(HarmfulBehaviourSlug(*b), slug);
  }
}

TEST(HarmfulBehaviour, every_behaviour_round_trips_through_its_slug) {
  for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
    EXPECT_EQ(HarmfulBehaviourFromSlug(HarmfulBehaviourSlug(b)), b);
  }
}

TEST(HarmfulBehaviour, slugs_and_titles_are_distinct_and_non_empty) {
  std::set<std::string_view> slugs, titles;
  for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
    EXPECT_FALSE(HarmfulBehaviourSlug(b).empty());
    EXPECT_FALSE(HarmfulBehaviourTitle(b).empty());
    slugs.insert(HarmfulBehaviourSlug(b));
    titles.insert(HarmfulBehaviourTitle(b));
  }
  EXPECT_EQ(slugs.size(), 10u);
  EXPECT_EQ(titles.size(), 10u);
}

TEST(HarmfulBehaviour, titles_use_the_boards_wording) {
  EXPECT_EQ(HarmfulBehaviourTitle(HarmfulBehaviour::kSeriousViolence), "Serious violence");
  EXPECT_EQ(HarmfulBehaviourTitle(HarmfulBehaviour::kNightTimeEconomy), "Night-time-economy harm");
}

TEST(HarmfulBehaviour, unknown_or_differently_cased_slugs_are_refused) {
  EXPECT_FALSE(HarmfulBehaviourFromSlug("").has_value());
  EXPECT_FALSE(HarmfulBehaviourFromSlug("Serious-Violence").has_value());
  EXPECT_FALSE(HarmfulBehaviourFromSlug("serious violence").has_value());
  EXPECT_FALSE(HarmfulBehaviourFromSlug("knife-crime").has_value());
}

// ---- BehaviourSet ---------------------------------------------------------------

TEST(BehaviourSet, starts_empty) {
  BehaviourSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.bits(), 0u);
  EXPECT_EQ(set.ToString(), "");
  for (HarmfulBehaviour b : AllHarmfulBehaviours()) EXPECT_FALSE(set.Has(b));
}

TEST(BehaviourSet, has_exactly_what_was_added) {
  BehaviourSet set;
  set.Add(HarmfulBehaviour::kDomesticAbuse);
  set.Add(HarmfulBehaviour::kSpecificSites);
  EXPECT_FALSE(set.empty());
  for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
    bool expected = b == HarmfulBehaviour::kDomesticAbuse || b == HarmfulBehaviour::kSpecificSites;
    EXPECT_EQ(set.Has(b), expected) << HarmfulBehaviourSlug(b);
  }
  // Bits 1 and 9: 2 + 512.
  EXPECT_EQ(set.bits(), 514u);
}

TEST(BehaviourSet, adding_twice_changes_nothing) {
  BehaviourSet once, twice;
  once.Add(HarmfulBehaviour::kSeriousViolence);
  twice.Add(HarmfulBehaviour::kSeriousViolence);
  twice.Add(HarmfulBehaviour::kSeriousViolence);
  EXPECT_EQ(once, twice);
  EXPECT_EQ(twice.bits(), 1u);
}

TEST(BehaviourSet, bits_round_trip_through_from_bits) {
  BehaviourSet set;
  set.Add(HarmfulBehaviour::kSubstanceMisuse);
  set.Add(HarmfulBehaviour::kNightTimeEconomy);
  EXPECT_EQ(BehaviourSet::FromBits(set.bits()), set);
  EXPECT_EQ(set.bits(), (1u << 3) | (1u << 5));
}

TEST(BehaviourSet, prints_slugs_in_bit_order_separated_by_semicolons) {
  BehaviourSet set;
  set.Add(HarmfulBehaviour::kNightTimeEconomy);  // added first, printed last
  set.Add(HarmfulBehaviour::kSeriousViolence);
  set.Add(HarmfulBehaviour::kDomesticAbuse);
  EXPECT_EQ(set.ToString(), "serious-violence;domestic-abuse;night-time-economy");
}

TEST(BehaviourSet, all_ten_bits_print_all_ten_slugs) {
  EXPECT_EQ(BehaviourSet::FromBits(0x3FF).ToString(),
            "serious-violence;domestic-abuse;missing-children;substance-misuse;"
            "mental-health-crisis;night-time-economy;exploitation;gang-related;"
            "cyber-crime-and-fraud;specific-sites");
}

}  // namespace
}  // namespace harmlens
