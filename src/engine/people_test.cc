#include "engine/people.h"

#include <gtest/gtest.h>

#include "engine/test_store.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

Involvement Person(const std::string& key, Role role, int age) {
  return {key, role, AgeRange::Exact(age), Sex::kMale};
}

// Four incidents counted by hand below. Day 19358 is 2023-01-01 (GNU date).
class PeopleData : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteStore(dir_.File("t.db"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    const int64_t d = 19358 * 1440 + 600;
    Incident a = testing::ExtractIncident(1, d);
    a.involvements = {Person("A", Role::kVictim, 16), Person("B", Role::kSuspect, 17)};
    Incident b = testing::ExtractIncident(2, d + 10 * 1440);
    b.involvements = {Person("B", Role::kVictim, 17), Person("C", Role::kOffender, 30)};
    Incident c = testing::ExtractIncident(3, d + 400 * 1440);
    c.involvements = {Person("A", Role::kVictim, 17)};
    Incident e = testing::ExtractIncident(4, d + 20 * 1440);
    e.involvements = {Person("", Role::kVictim, 20)};  // unnamed, as an A&E patient
    testing::WriteLoad(store_.get(), {a, b, c, e});
    auto table = testing::LoadEngineTable(store_.get());
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    table_ = std::move(*table);
  }
  ScratchDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IncidentTable> table_;
};

TEST_F(PeopleData, repeat_victims_depend_on_the_window) {
  // A is a victim 400 days apart: not a repeat within 365 days, a repeat within 500.
  auto within_year = FindRepeats(*table_, Query{}, Part::kVictim, 365, 10);
  ASSERT_TRUE(within_year.ok()) << within_year.status().ToString();
  EXPECT_EQ(within_year->persons, 2);  // A and B; the unnamed victim is counted apart
  EXPECT_EQ(within_year->unnamed_involvements, 1);
  EXPECT_EQ(within_year->repeat_persons, 0);
  auto longer = FindRepeats(*table_, Query{}, Part::kVictim, 500, 10);
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->repeat_persons, 1);
  EXPECT_EQ(longer->incidents_with_repeat_persons, 2);
  ASSERT_EQ(longer->top.size(), 1u);
  EXPECT_EQ(longer->top[0].incidents, 2);
  EXPECT_EQ(longer->top[0].first, "2023-01-01");
  EXPECT_EQ(longer->top[0].last, "2024-02-05");  // 400 days after (GNU date -d '2023-01-01 +400 days')
  EXPECT_FALSE(FindRepeats(*table_, Query{}, Part::kVictim, 0, 10).ok());
}

TEST_F(PeopleData, finds_the_person_who_is_both_victim_and_suspect) {
  auto overlap = VictimOffenderOverlap(*table_, Query{}, 10);
  ASSERT_TRUE(overlap.ok());
  EXPECT_EQ(overlap->victims, 2);       // A, B
  EXPECT_EQ(overlap->perpetrators, 2);  // B, C
  EXPECT_EQ(overlap->both, 1);          // B
  ASSERT_EQ(overlap->top.size(), 1u);
  EXPECT_EQ(overlap->top[0].incidents, 2);
}

TEST_F(PeopleData, counts_under_25_cohorts_by_the_band_of_the_first_incident) {
  auto rows = Under25Cohorts(*table_, Query{});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].age_band, "10-17");
  EXPECT_EQ((*rows)[1].victims, 2);       // A at 16, B at 17
  EXPECT_EQ((*rows)[1].perpetrators, 1);  // B at 17; C is 30
  EXPECT_EQ((*rows)[0].victims + (*rows)[2].victims + (*rows)[0].perpetrators + (*rows)[2].perpetrators, 0);
}

}  // namespace
}  // namespace harmlens
