#include "model/behaviour_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace harmlens {
namespace {

// Days since 1970-01-01 of real calendar days, each computed with GNU date, e.g.
//   echo $(( $(date -u -d 2022-10-07 +%s) / 86400 )) $(date -u -d 2022-10-07 +%a)  -> 19272 Fri
// Written out as numbers so the weekday logic is not checked against itself.
constexpr int64_t kThu20221006 = 19271;
constexpr int64_t kFri20221007 = 19272;
constexpr int64_t kSat20221008 = 19273;
constexpr int64_t kSun20221009 = 19274;
constexpr int64_t kMon20221010 = 19275;
constexpr int64_t kFri20211231 = 18992;  // a Friday night that runs into a new year
constexpr int64_t kSat20220101 = 18993;
constexpr int64_t kFri19691226 = -6;  // before the epoch: negative minutes
constexpr int64_t kSat19691227 = -5;
constexpr int64_t kSun19691228 = -4;

OccurredTime At(int64_t day, int hour, int minute) {
  return {day * 1440 + hour * 60 + minute, TimePrecision::kMinute};
}

Incident Make(CrimeType type, OccurredTime when = OccurredTime::Month({2022, 10})) {
  Incident inc;
  inc.crime_type = type;
  inc.occurred = when;
  return inc;
}

bool IsNte(CrimeType type, OccurredTime when) {
  return TagBehaviours(Make(type, when)).Has(HarmfulBehaviour::kNightTimeEconomy);
}

std::string Tags(const Incident& inc) { return TagBehaviours(inc).ToString(); }

// ---- Serious violence -------------------------------------------------------------

TEST(TagBehaviours, violence_robbery_and_weapon_possession_are_serious_violence) {
  EXPECT_EQ(Tags(Make(CrimeType::kViolenceAndSexualOffences)), "serious-violence");
  EXPECT_EQ(Tags(Make(CrimeType::kRobbery)), "serious-violence");
  EXPECT_EQ(Tags(Make(CrimeType::kPossessionOfWeapons)), "serious-violence");
}

TEST(TagBehaviours, other_crime_types_without_a_weapon_carry_no_tag) {
  for (CrimeType type : AllCrimeTypes()) {
    if (type == CrimeType::kViolenceAndSexualOffences || type == CrimeType::kRobbery ||
        type == CrimeType::kPossessionOfWeapons || type == CrimeType::kDrugs) {
      continue;
    }
    EXPECT_TRUE(TagBehaviours(Make(type)).empty()) << CrimeTypeName(type);
  }
}

TEST(TagBehaviours, a_knife_or_a_firearm_makes_any_crime_serious_violence) {
  for (Weapon weapon : {Weapon::kKnifeOrSharp, Weapon::kFirearm}) {
    Incident inc = Make(CrimeType::kCriminalDamageAndArson);
    inc.weapon = weapon;
    EXPECT_EQ(Tags(inc), "serious-violence") << WeaponName(weapon);
  }
}

TEST(TagBehaviours, other_or_unknown_weapons_do_not_make_serious_violence) {
  for (Weapon weapon : {Weapon::kUnknown, Weapon::kNone, Weapon::kOther}) {
    Incident inc = Make(CrimeType::kPublicOrder);
    inc.weapon = weapon;
    EXPECT_TRUE(TagBehaviours(inc).empty()) << WeaponName(weapon);
  }
}

// ---- Domestic abuse ---------------------------------------------------------------

TEST(TagBehaviours, the_domestic_flag_makes_domestic_abuse) {
  Incident inc = Make(CrimeType::kCriminalDamageAndArson);
  inc.domestic = true;
  EXPECT_EQ(Tags(inc), "domestic-abuse");
}

TEST(TagBehaviours, a_false_or_absent_domestic_flag_is_not_domestic_abuse) {
  Incident inc = Make(CrimeType::kCriminalDamageAndArson);
  inc.domestic = false;
  EXPECT_FALSE(TagBehaviours(inc).Has(HarmfulBehaviour::kDomesticAbuse));
  inc.domestic.reset();
  EXPECT_FALSE(TagBehaviours(inc).Has(HarmfulBehaviour::kDomesticAbuse));
}

TEST(TagBehaviours, domestic_violence_with_a_knife_carries_both_tags) {
  Incident inc = Make(CrimeType::kViolenceAndSexualOffences);
  inc.domestic = true;
  inc.weapon = Weapon::kKnifeOrSharp;
  EXPECT_EQ(Tags(inc), "serious-violence;domestic-abuse");
}

// ---- Substance misuse -------------------------------------------------------------

TEST(TagBehaviours, drugs_offences_are_substance_misuse) {
  EXPECT_EQ(Tags(Make(CrimeType::kDrugs)), "substance-misuse");
}

// ---- Night-time economy -------------------------------------------------------------

TEST(TagBehaviours, friday_night_is_night_time_economy_from_22_00) {
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kFri20221007, 21, 59)));
  EXPECT_TRUE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kFri20221007, 22, 0)));
  EXPECT_TRUE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kFri20221007, 23, 59)));
}

TEST(TagBehaviours, friday_night_runs_until_02_59_on_saturday_morning) {
  EXPECT_TRUE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSat20221008, 0, 0)));
  EXPECT_TRUE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSat20221008, 2, 59)));
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSat20221008, 3, 0)));
}

TEST(TagBehaviours, saturday_night_runs_from_22_00_until_02_59_on_sunday) {
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kSat20221008, 21, 59)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kSat20221008, 22, 0)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kSun20221009, 2, 59)));
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kSun20221009, 3, 0)));
}

TEST(TagBehaviours, other_nights_are_not_night_time_economy) {
  // Thursday night into Friday, Sunday night into Monday.
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kThu20221006, 23, 0)));
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kFri20221007, 1, 0)));
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSun20221009, 22, 0)));
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kMon20221010, 1, 0)));
  // Saturday and Sunday daytime.
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSat20221008, 14, 0)));
  EXPECT_FALSE(IsNte(CrimeType::kViolenceAndSexualOffences, At(kSun20221009, 12, 0)));
}

TEST(TagBehaviours, a_friday_night_across_new_year_is_night_time_economy) {
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kFri20211231, 23, 30)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kSat20220101, 0, 30)));
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kSat20220101, 3, 0)));
}

TEST(TagBehaviours, night_time_economy_weekdays_are_right_before_1970) {
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kFri19691226, 21, 59)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kFri19691226, 22, 0)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kSat19691227, 2, 59)));
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kSat19691227, 3, 0)));
  EXPECT_TRUE(IsNte(CrimeType::kPublicOrder, At(kSun19691228, 2, 59)));
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, At(kSun19691228, 3, 0)));
}

TEST(TagBehaviours, only_violence_and_public_order_count_as_night_time_economy) {
  OccurredTime saturday_midnight = At(kSat20221008, 0, 30);
  for (CrimeType type : AllCrimeTypes()) {
    bool expected = type == CrimeType::kViolenceAndSexualOffences || type == CrimeType::kPublicOrder;
    EXPECT_EQ(IsNte(type, saturday_midnight), expected) << CrimeTypeName(type);
  }
}

TEST(TagBehaviours, a_month_precision_record_is_never_night_time_economy) {
  // police.uk gives only the month. 2022-10 starts on a Saturday at 00:00 (date -d
  // 2022-10-01 +%a), a minute that would be in the window if it were a real time.
  OccurredTime month = OccurredTime::Month({2022, 10});
  ASSERT_EQ(month.local_minute, int64_t{19266} * 1440);
  EXPECT_EQ(Tags(Make(CrimeType::kViolenceAndSexualOffences, month)), "serious-violence");
  EXPECT_TRUE(IsNte(CrimeType::kViolenceAndSexualOffences, {month.local_minute, TimePrecision::kMinute}));
}

TEST(TagBehaviours, a_day_precision_record_is_never_night_time_economy) {
  OccurredTime day{kSat20221008 * 1440, TimePrecision::kDay};
  EXPECT_FALSE(IsNte(CrimeType::kPublicOrder, day));
}

TEST(TagBehaviours, night_time_violence_is_also_serious_violence) {
  EXPECT_EQ(Tags(Make(CrimeType::kViolenceAndSexualOffences, At(kSat20221008, 1, 0))),
            "serious-violence;night-time-economy");
  EXPECT_EQ(Tags(Make(CrimeType::kPublicOrder, At(kSat20221008, 1, 0))), "night-time-economy");
}

// ---- The rule table ---------------------------------------------------------------

TEST(BehaviourRules, the_table_lists_every_behaviour_the_tagger_can_set) {
  BehaviourSet documented;
  for (const BehaviourRule& rule : BehaviourRules()) {
    EXPECT_FALSE(rule.when.empty());
    documented.Add(rule.behaviour);
  }
  BehaviourSet expected;
  expected.Add(HarmfulBehaviour::kSeriousViolence);
  expected.Add(HarmfulBehaviour::kDomesticAbuse);
  expected.Add(HarmfulBehaviour::kSubstanceMisuse);
  expected.Add(HarmfulBehaviour::kNightTimeEconomy);
  EXPECT_EQ(documented, expected);
  EXPECT_EQ(BehaviourRules().size(), 5u);
  EXPECT_EQ(kBehaviourRulesVersion, "behaviour-rules/1");
}

}  // namespace
}  // namespace harmlens
