#include "linkage/event_linkage.h"

#include <gtest/gtest.h>

namespace harmlens::linkage {
namespace {

constexpr int64_t kNoon = 19'000LL * 1440 + 12 * 60;  // a day in 2022, 12:00

Incident Attendance(int64_t minute, AssaultMethod method, AgeRange age, Sex sex) {
  Incident a;
  a.source.agency = Agency::kEmergencyDepartment;
  a.crime_type = CrimeType::kViolenceAndSexualOffences;
  a.occurred = {minute, TimePrecision::kMinute, 0};
  a.attendance.method = method;
  a.involvements.push_back({"", Role::kVictim, age, sex});
  return a;
}

Incident Police(int64_t minute, Weapon weapon, int victim_age, Sex sex) {
  Incident p;
  p.source.agency = Agency::kPoliceExtract;
  p.crime_type = CrimeType::kViolenceAndSexualOffences;
  p.occurred = {minute, TimePrecision::kMinute, 0};
  p.weapon = weapon;
  p.involvements.push_back({"P1", Role::kVictim, AgeRange::Exact(victim_age), sex});
  return p;
}

TEST(CompareEvent, same_minute_knife_and_age_band_add_up) {
  const auto e = CompareEvent(Attendance(kNoon, AssaultMethod::kKnifeOrSharp, {18, 24}, Sex::kMale),
                              Police(kNoon, Weapon::kKnifeOrSharp, 19, Sex::kMale), {});
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->time, 8.0);
  EXPECT_DOUBLE_EQ(e->weapon, 1.5);
  EXPECT_DOUBLE_EQ(e->age, 2.0);
  EXPECT_DOUBLE_EQ(e->sex, 0.8);
}

TEST(CompareEvent, contradictions_weigh_against_and_far_times_rule_out) {
  const auto e = CompareEvent(Attendance(kNoon, AssaultMethod::kBodyPart, {45, 54}, Sex::kFemale),
                              Police(kNoon, Weapon::kKnifeOrSharp, 19, Sex::kMale), {});
  ASSERT_TRUE(e.has_value());
  EXPECT_LT(e->total(), 0);
  EXPECT_FALSE(CompareEvent(Attendance(kNoon + 7 * 60, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale),
                            Police(kNoon, Weapon::kNone, 19, Sex::kMale), {})
                   .has_value());
}

TEST(LinkAttendances, pairs_one_to_one_strongest_first) {
  // Both young men could be the noon incident's victim: at 12:10 the evidence is
  // 2 - 10/30 + 1.5 + 2 + 0.8 = 5.97, at 12:00 it is 8 + 1.5 + 2 + 0.8 = 12.3 (by hand).
  const std::vector<Incident> attendances = {
      Attendance(kNoon + 10, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale),
      Attendance(kNoon, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale)};
  const std::vector<Incident> incidents = {Police(kNoon, Weapon::kNone, 19, Sex::kMale)};
  EXPECT_NEAR(CompareEvent(attendances[0], incidents[0], {})->total(), 2 - 10.0 / 30 + 1.5 + 2 + 0.8, 1e-9);
  EXPECT_EQ(LinkAttendances(attendances, incidents, {}), (std::vector<int64_t>{-1, 0}));
  // A second incident at 12:10 with a 20-year-old man takes the first attendance.
  const std::vector<Incident> two = {Police(kNoon, Weapon::kNone, 19, Sex::kMale),
                                     Police(kNoon + 10, Weapon::kNone, 20, Sex::kMale)};
  EXPECT_EQ(LinkAttendances(attendances, two, {}), (std::vector<int64_t>{1, 0}));
}

TEST(UnknownToPoliceByCspMonth, counts_attendances_without_a_link) {
  std::vector<Incident> attendances = {Attendance(kNoon, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale),
                                       Attendance(kNoon, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale),
                                       Attendance(kNoon, AssaultMethod::kBodyPart, {18, 24}, Sex::kMale)};
  attendances[0].location.csp_area = "E06000016";
  attendances[1].location.csp_area = "E06000016";
  std::vector<Incident> incidents = {Police(kNoon, Weapon::kNone, 19, Sex::kMale)};
  incidents[0].location.csp_area = "E07000130";
  const auto shares = UnknownToPoliceByCspMonth(attendances, incidents, {-1, 0, -1});
  const std::string month = attendances[0].occurred.month().ToString();
  EXPECT_EQ(shares.at("E06000016|" + month).attendances, 2);
  EXPECT_EQ(shares.at("E06000016|" + month).unknown_to_police, 1);
  EXPECT_EQ(shares.at("(unknown)|" + month).attendances, 1);
}

}  // namespace
}  // namespace harmlens::linkage
