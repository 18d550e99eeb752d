#include "engine/vru_measures.h"

#include <gtest/gtest.h>

#include "engine/test_store.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

// Seven records; the expected table is counted by hand in the test.
TEST(VruMeasures, counts_each_measure_per_csp_and_month_with_its_splits) {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  const int64_t march = DaysFromCivil(2023, 3, 15) * 1440 + 1320;
  const int64_t april = DaysFromCivil(2023, 4, 2) * 1440 + 60;
  auto victim = [](int age) { return Involvement{"", Role::kVictim, AgeRange{age, age}, Sex::kMale}; };

  Incident knife_attendance = testing::ExtractIncident(1, march);
  knife_attendance.source.agency = Agency::kEmergencyDepartment;
  knife_attendance.attendance.method = AssaultMethod::kKnifeOrSharp;
  knife_attendance.involvements = {Involvement{"", Role::kVictim, AgeRange{18, 24}, Sex::kMale}};
  Incident fist_attendance = knife_attendance;
  fist_attendance.source_id = "h-2";
  fist_attendance.attendance.method = AssaultMethod::kBodyPart;
  Incident knife_injury = testing::ExtractIncident(3, march);
  knife_injury.offence_code = "8N";
  knife_injury.weapon = Weapon::kKnifeOrSharp;
  knife_injury.involvements = {victim(30)};
  Incident murder = testing::ExtractIncident(4, april);
  murder.offence_code = "1";
  murder.weapon = Weapon::kKnifeOrSharp;
  murder.domestic = false;
  murder.location.csp_area = "E07000129";  // Blaby
  murder.location.lsoa_reported = "E01025631";
  murder.involvements = {victim(22)};
  Incident domestic_murder = murder;
  domestic_murder.source_id = "h-5";
  domestic_murder.domestic = true;
  Incident knife_burglary = testing::ExtractIncident(6, march, CrimeType::kBurglary);
  knife_burglary.offence_code = "28E";  // not serious violence
  knife_burglary.weapon = Weapon::kKnifeOrSharp;
  Incident blunt_murder = murder;
  blunt_murder.source_id = "h-7";
  blunt_murder.weapon = Weapon::kOther;
  blunt_murder.involvements = {victim(40)};
  testing::WriteLoad(store->get(), {knife_attendance, fist_attendance, knife_injury, murder, domestic_murder,
                                    knife_burglary, blunt_murder});
  auto table = testing::LoadEngineTable(store->get());
  ASSERT_TRUE(table.ok()) << table.status().ToString();

  auto vru = VruMeasures(**table, Query{});
  ASSERT_TRUE(vru.ok()) << vru.status().ToString();
  std::string text;
  for (const VruRow& r : vru->rows) {
    text += std::to_string(static_cast<int>(r.measure)) + " " + r.csp + " " + r.month + " " +
            std::to_string(r.count) + " " + std::to_string(r.under25) + " " + std::to_string(r.knife) + "\n";
  }
  // (a) the knife attendance (patient 18-24: under 25); the fist one is not counted.
  // (b) the knife 8N (victim 30) in Leicester; in Blaby both knife murders, domestic or
  //     not (victims 22); the knife burglary is not serious violence.
  // (c) the non-domestic murders in Blaby: the knife one (22) and the blunt one (40);
  //     the domestic murder is left out.
  EXPECT_EQ(text,
            "0 Leicester 2023-03 1 1 -1\n"
            "1 Leicester 2023-03 1 0 -1\n"
            "1 Blaby 2023-04 2 2 -1\n"
            "2 Blaby 2023-04 2 1 1\n");

  // Traceable: the measure's query selects exactly the records counted.
  auto rows = MatchingIncidents(**table, MeasureQuery(VruMeasure::kNonDomesticHomicide, Query{}, false));
  ASSERT_TRUE(rows.ok());
  std::vector<int64_t> ids;
  for (uint32_t r : *rows) ids.push_back((*table)->incidents().id[r]);
  EXPECT_EQ(ids, (std::vector<int64_t>{4, 7}));
}

}  // namespace
}  // namespace harmlens
