#include "engine/incident_table.h"

#include <gtest/gtest.h>

#include "engine/query.h"
#include "model/behaviour_rules.h"
#include "store/sqlite_store.h"
#include "support/forwarding_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

std::shared_ptr<const ReferenceGeography> Geography() {
  static std::shared_ptr<const ReferenceGeography> geography = [] {
    auto loaded = ReferenceGeography::Load(Env::Default(), testing::DataDir() + "/reference");
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return geography;
}

Incident Assault(int serial, int64_t day, const std::string& victim) {
  Incident inc;
  inc.source = {Agency::kPoliceExtract, "hand-made", serial + 1};
  inc.source_id = "a-" + std::to_string(serial);
  inc.occurred = {day * 1440 + 22 * 60, TimePrecision::kMinute};
  inc.crime_type = CrimeType::kViolenceAndSexualOffences;
  inc.offence_code = "8N";
  inc.location.csp_area = "E06000016";
  inc.location.lsoa_reported = "E01013600";
  inc.involvements.push_back({victim, Role::kVictim, AgeRange::Exact(19), Sex::kFemale});
  return inc;
}

void Write(Store* store, const std::vector<Incident>& incidents) {
  auto load = store->BeginLoad({"police-extract", "hand-made", 0, std::string(kBehaviourRulesVersion)});
  ASSERT_TRUE(load.ok());
  IncidentBatch batch;
  batch.load_id = *load;
  batch.incidents = incidents;
  ASSERT_TRUE(store->WriteBatch(batch).ok());
  ASSERT_TRUE(store->FinishLoad(*load, "").ok());
}

Result<std::unique_ptr<IncidentTable>> LoadTable(Store* store) {
  auto denominators = LoadDenominators(Env::Default(), testing::DataDir() + "/reference", *Geography());
  if (!denominators.ok()) return denominators.status();
  return IncidentTable::Load(store, Geography(), *denominators);
}

int64_t RepeatVictimIncidents(const IncidentTable& table) {
  auto query = ParseQueryArgs({"victim_repeat=yes"});
  EXPECT_TRUE(query.ok());
  auto result = RunQuery(table, *query);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->incidents : -1;
}

// A store that hands over involvements in reverse storing order, as a store written
// by another program might: the table must sort them rather than assume id order.
class ReversedInvolvementsStore : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status ScanInvolvements(int64_t after, const std::function<void(const InvolvementRow&)>& visit) override {
    std::vector<InvolvementRow> rows;
    HL_RETURN_IF_ERROR(inner_->ScanInvolvements(after, [&](const InvolvementRow& r) { rows.push_back(r); }));
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) visit(*it);
    return Status::Ok();
  }
  // No second handle: the table reads involvements after incidents, on one thread.
  Result<std::unique_ptr<Store>> OpenReader() override {
    return Status::InvalidArgument("a reversing store has no second handle");
  }
};

// A store that numbers persons far apart (as another store might): the table must fall
// back from using the store's ids as codes to numbering them itself.
class SparsePersonIdsStore : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  static constexpr int64_t kSpacing = 1'000'000'007;
  Status ScanInvolvements(int64_t after, const std::function<void(const InvolvementRow&)>& visit) override {
    return inner_->ScanInvolvements(after, [&](InvolvementRow row) {
      // The first person keeps its id, so the switch happens mid-stream.
      if (row.person_id > 1) row.person_id *= kSpacing;
      visit(row);
    });
  }
  Result<std::unique_ptr<Store>> OpenReader() override {
    return Status::InvalidArgument("a renumbering store has no second handle");
  }
};

// A store whose incident read sees only the incidents up to `visible_up_to`, while its
// second handle sees everything: what happens when a load commits between the start of
// the table's incident read and the start of its involvement read.
class LaggingIncidentsStore : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int64_t visible_up_to = INT64_MAX;
  Status ScanIncidentsAfter(int64_t after, const std::function<void(const IncidentRow&)>& visit) override {
    return inner_->ScanIncidentsAfter(after, [&](const IncidentRow& row) {
      if (row.id <= visible_up_to) visit(row);
    });
  }
};

// Day numbers since 1970-01-01 (GNU date: $(( $(date -ud 2023-03-01 +%s) / 86400 ))).
constexpr int64_t kDay20230301 = 19417;

TEST(IncidentTable, refresh_adds_only_what_later_loads_stored_and_matches_a_full_load) {
  ASSERT_NE(Geography(), nullptr);
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  Write(store->get(), {Assault(1, kDay20230301, "P1"), Assault(2, kDay20230301 + 10, "P2")});
  auto table = LoadTable(store->get());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->incident_count(), 2u);
  EXPECT_EQ((*table)->person_row_count(), 2u);
  EXPECT_EQ(RepeatVictimIncidents(**table), 0);

  // A later load backdates P2's first victimisation: 20 days before, so the stored
  // incident 2 becomes a repeat only after the refresh recomputes the flags.
  Write(store->get(), {Assault(3, kDay20230301 - 10, "P2"), Assault(4, kDay20230301 + 400, "P1")});
  auto added = (*table)->Refresh(store->get());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 2);
  EXPECT_EQ((*table)->incident_count(), 4u);
  EXPECT_EQ((*table)->person_row_count(), 4u);
  // P1's two incidents are 400 days apart (outside the window); P2's 20 (inside).
  EXPECT_EQ(RepeatVictimIncidents(**table), 1);

  auto again = (*table)->Refresh(store->get());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);

  auto fresh = LoadTable(store->get());
  ASSERT_TRUE(fresh.ok());
  auto query = ParseQueryArgs({"by=month,victim_repeat"});
  ASSERT_TRUE(query.ok());
  auto a = RunQuery(**table, *query);
  auto b = RunQuery(**fresh, *query);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ResultCells(*a), ResultCells(*b));
  EXPECT_EQ((*table)->incidents().id, (*fresh)->incidents().id);
}

TEST(IncidentTable, involvements_out_of_id_order_give_the_same_table) {
  ASSERT_NE(Geography(), nullptr);
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  std::vector<Incident> incidents = {Assault(1, kDay20230301, "P1"), Assault(2, kDay20230301 + 10, "P2"),
                                     Assault(3, kDay20230301 - 10, "P2"),
                                     Assault(4, kDay20230301 + 400, "P1")};
  incidents[1].involvements.push_back({"P3", Role::kSuspect, AgeRange::Exact(30), Sex::kMale});
  Write(store->get(), incidents);
  ReversedInvolvementsStore reversed(store->get());
  auto in_order = LoadTable(store->get());
  auto out_of_order = LoadTable(&reversed);
  ASSERT_TRUE(in_order.ok() && out_of_order.ok());
  const PersonColumns& a = (*in_order)->persons();
  const PersonColumns& b = (*out_of_order)->persons();
  // Incident 2 (row 1) has its victim and the suspect; the others one victim each.
  EXPECT_EQ((*out_of_order)->incidents().person_begin, (std::vector<uint32_t>{0, 1, 3, 4, 5}));
  EXPECT_EQ(b.incident, (std::vector<uint32_t>{0, 1, 1, 2, 3}));
  EXPECT_EQ(a.incident, b.incident);
  EXPECT_EQ((*in_order)->incidents().person_begin, (*out_of_order)->incidents().person_begin);
  // Within an incident the rows keep the order the store gave (the sort is stable), so
  // incident 2's suspect comes first here; only P2's second victimisation (20 days
  // after the first) repeats, in both tables.
  const uint8_t victim = static_cast<uint8_t>(Role::kVictim), suspect = static_cast<uint8_t>(Role::kSuspect);
  EXPECT_EQ(a.role, (std::vector<uint8_t>{victim, victim, suspect, victim, victim}));
  EXPECT_EQ(b.role, (std::vector<uint8_t>{victim, suspect, victim, victim, victim}));
  EXPECT_EQ(a.repeat, (std::vector<uint8_t>{0, 1, 0, 0, 0}));
  EXPECT_EQ(b.repeat, (std::vector<uint8_t>{0, 0, 1, 0, 0}));
  EXPECT_EQ(RepeatVictimIncidents(**in_order), 1);
  EXPECT_EQ(RepeatVictimIncidents(**out_of_order), 1);
}

TEST(IncidentTable, involvements_of_incidents_stored_during_the_read_wait_for_the_refresh) {
  ASSERT_NE(Geography(), nullptr);
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  Write(store->get(), {Assault(1, kDay20230301, "P1"), Assault(2, kDay20230301 + 10, "P2")});
  Write(store->get(), {Assault(3, kDay20230301 + 20, "P1"), Assault(4, kDay20230301 + 30, "P3")});
  LaggingIncidentsStore lagging(store->get());
  lagging.visible_up_to = 2;  // incidents 3 and 4 committed after the incident read began
  auto table = LoadTable(&lagging);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  // The second handle read all four victims; those of incidents 3 and 4 are not attached.
  EXPECT_EQ((*table)->incident_count(), 2u);
  EXPECT_EQ((*table)->persons().incident, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ((*table)->incidents().person_begin, (std::vector<uint32_t>{0, 1, 2}));

  lagging.visible_up_to = INT64_MAX;
  auto added = (*table)->Refresh(&lagging);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 2);
  auto fresh = LoadTable(store->get());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*table)->incidents().person_begin, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ((*table)->persons().incident, (*fresh)->persons().incident);
  EXPECT_EQ((*table)->persons().age_min, (*fresh)->persons().age_min);
  // P1's second victimisation (20 days on) repeats, in both tables.
  EXPECT_EQ((*table)->persons().repeat, (std::vector<uint8_t>{0, 0, 1, 0}));
  EXPECT_EQ((*table)->persons().repeat, (*fresh)->persons().repeat);
}

TEST(IncidentTable, person_ids_far_apart_get_codes_of_their_own_and_the_same_repeats) {
  ASSERT_NE(Geography(), nullptr);
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  // P1 victim on days 0 and 20 (a repeat), P2 on days 10 and 400 (not), P3 once.
  Write(store->get(), {Assault(1, kDay20230301, "P1"), Assault(2, kDay20230301 + 10, "P2"),
                       Assault(3, kDay20230301 + 20, "P1"), Assault(4, kDay20230301 + 400, "P2"),
                       Assault(5, kDay20230301 + 30, "P3")});
  SparsePersonIdsStore sparse(store->get());
  auto plain = LoadTable(store->get());
  auto renumbered = LoadTable(&sparse);
  ASSERT_TRUE(plain.ok() && renumbered.ok());
  const PersonColumns& a = (*plain)->persons();
  const PersonColumns& b = (*renumbered)->persons();
  // The store numbered P1, P2, P3 as 1, 2, 3; the plain table's codes are those ids.
  EXPECT_EQ(a.person, (std::vector<uint32_t>{1, 2, 1, 2, 3}));
  EXPECT_EQ((*plain)->person_ids(), (std::vector<int64_t>{0, 1, 2, 3}));
  // Renumbered: P1 keeps id 1 (code 1); P2 and P3 get the next codes, 2 and 3.
  EXPECT_EQ(b.person, (std::vector<uint32_t>{1, 2, 1, 2, 3}));
  const int64_t k = SparsePersonIdsStore::kSpacing;
  EXPECT_EQ((*renumbered)->person_ids(), (std::vector<int64_t>{0, 1, 2 * k, 3 * k}));
  EXPECT_EQ(a.repeat, (std::vector<uint8_t>{0, 0, 1, 0, 0}));
  EXPECT_EQ(b.repeat, a.repeat);
}

TEST(IncidentTable, month_precision_spans_the_whole_month) {
  ASSERT_NE(Geography(), nullptr);
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("t.db"));
  ASSERT_TRUE(store.ok());
  Incident inc = Assault(1, 0, "P1");
  inc.occurred = OccurredTime::Month({2023, 2});
  Write(store->get(), {inc});
  auto table = LoadTable(store->get());
  ASSERT_TRUE(table.ok());
  // 2023-02-01 00:00 to 2023-02-28 23:59: day 19389 (GNU date) * 1440, 28 days on, less one minute.
  EXPECT_EQ((*table)->incidents().first_minute[0], 19389 * 1440);
  EXPECT_EQ((*table)->incidents().last_minute[0], (19389 + 28) * 1440 - 1);
}

}  // namespace
}  // namespace harmlens
