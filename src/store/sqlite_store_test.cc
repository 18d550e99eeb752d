// Tests of the embedded SQLite store: opening (new, existing, foreign, newer), batch
// accounting and deduplication (within a batch, across batches, across two Store objects
// on one file), involvements, load totals, scans, and that a failed batch leaves nothing.
// Stored state is checked through the public interface and, where the interface cannot
// see it (meta, persons, load_batches), with the SQLite C API directly.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <ostream>
#include <sstream>
#include <thread>

#include "store/incident_segment.h"
#include "support/forwarding_store.h"
#include "support/testing.h"

namespace harmlens {

// How GoogleTest shows LoadCounts in a failed expectation (found by argument-dependent
// lookup, so it lives in harmlens; static, so no other test file can clash with it).
[[maybe_unused]] static void PrintTo(const LoadCounts& c, std::ostream* os) {
  *os << "read " << c.read << " = stored " << c.stored << " + already present " << c.already_present
      << " + quarantined " << c.quarantined;
}

namespace {

using testing::ScratchDir;

// A plain SQLite connection for looking at (or tampering with) a store's file.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_busy_timeout(db_, 10000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (err ? err : "?");
    }
    sqlite3_free(err);
  }
  // The first column of the first row, as text ("" if there is no row).
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }
  int64_t Int(const std::string& sql) {
    std::string text = Text(sql);
    return text.empty() ? -1 : std::stoll(text);
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t MonthMinute(int year, int month) { return DaysFromCivil(year, month, 1) * 1440; }

Incident MakeIncident(const std::string& source_id, int64_t minute = MonthMinute(2022, 1)) {
  Incident inc;
  inc.source = {Agency::kPoliceUk, "f.csv", 2};
  inc.source_id = source_id;
  inc.occurred = {minute, TimePrecision::kMonth};
  inc.crime_type = CrimeType::kBurglary;
  inc.location.description = "On or near " + source_id + " Street";
  inc.location.csp_area = "E06000016";
  return inc;
}

QuarantinedRow MakeQuarantined(int64_t line) {
  QuarantinedRow q;
  q.source = {Agency::kPoliceUk, "f.csv", line};
  q.column = "Month";
  q.column_index = 1;
  q.value = "2022-13";
  q.reason = "cannot read \"2022-13\" as a month (expected YYYY-MM)";
  q.raw = "x,2022-13,y";
  return q;
}

IncidentBatch MakeBatch(int64_t load_id, int64_t batch_no, std::vector<Incident> incidents,
                        std::vector<QuarantinedRow> quarantined = {}) {
  IncidentBatch batch;
  batch.load_id = load_id;
  batch.batch_no = batch_no;
  batch.first_line = 2 + batch_no * 100;
  batch.last_line = batch.first_line + static_cast<int64_t>(incidents.size() + quarantined.size()) - 1;
  batch.incidents = std::move(incidents);
  batch.quarantined = std::move(quarantined);
  return batch;
}

LoadCounts Counts(int64_t read, int64_t stored, int64_t present, int64_t quarantined) {
  return {read, stored, present, quarantined};
}

// Every table's row count and the load totals, to show a failed batch left nothing.
class StoredStateProbe {
 public:
  explicit StoredStateProbe(std::string path) : path_(std::move(path)), before_(Snapshot()) {}
  bool Unchanged() const {
    std::string now = Snapshot();
    EXPECT_EQ(now, before_);
    return now == before_;
  }

 private:
  std::string Snapshot() const {
    RawDb raw(path_);
    std::string out;
    for (const char* table : {"incident_segments", "load_batches", "quarantine", "persons", "involvements",
                              "agency_records", "loads"}) {
      out += std::string(table) + "=" + raw.Text(std::string("SELECT count(*) FROM ") + table) + " ";
    }
    return out + raw.Text(
                     "SELECT group_concat(id || ':' || rows_read || ',' || rows_stored || ',' || rows_present || "
                     "',' || rows_quarantined, ';') FROM loads");
  }
  std::string path_;
  std::string before_;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  ScratchDir scratch_;  // before path_, which is made from it
  std::string path_ = scratch_.File("harmlens.db");

  std::unique_ptr<Store> Open() {
    auto store = OpenSqliteStore(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  int64_t Begin(Store* store, const std::string& file = "f.csv") {
    auto id = store->BeginLoad({"police-uk", file, 1234, "rules-test"});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : -1;
  }
  LoadCounts Write(Store* store, const IncidentBatch& batch) {
    auto counts = store->WriteBatch(batch);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? counts->rows : LoadCounts{};
  }
  // Every stored incident, by stored id.
  std::map<int64_t, Incident> ReadAll(Store* store, IncidentScan scan = {}) {
    std::map<int64_t, Incident> out;
    Status s = store->ReadIncidents(scan, [&](int64_t id, const Incident& inc) { out.emplace(id, inc); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

// --- Opening ---------------------------------------------------------------------

TEST_F(SqliteStoreTest, creating_a_new_store_records_the_current_schema_version_in_wal_mode) {
  ASSERT_NE(Open(), nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'application'"), "harmlens");
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.Int("PRAGMA page_size"), 65536);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM crime_types"), kCrimeTypeCount);
}

TEST_F(SqliteStoreTest, reopening_a_store_keeps_its_data_and_schema) {
  {
    auto store = Open();
    int64_t load = Begin(store.get());
    Write(store.get(), MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b")}));
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->CountIncidents(), 2);
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(raw.Int("SELECT count(*) FROM meta"), 3);  // application, schema_version, incident_key_secret
}

// The real environment for files, with the clock stopped at a known moment.
class StoppedClockEnv final : public Env {
 public:
  explicit StoppedClockEnv(int64_t now) : now_(now) {}
  Result<std::unique_ptr<FileContents>> ReadFile(const std::string& path) override {
    return Env::Default()->ReadFile(path);
  }
  Status WriteFile(const std::string& path, std::string_view bytes) override {
    return Env::Default()->WriteFile(path, bytes);
  }
  bool IsDirectory(const std::string& path) override { return Env::Default()->IsDirectory(path); }
  bool Exists(const std::string& path) override { return Env::Default()->Exists(path); }
  Result<std::vector<std::string>> ListFilesRecursively(const std::string& dir) override {
    return Env::Default()->ListFilesRecursively(dir);
  }
  int64_t NowUnixSeconds() override { return now_; }
  double MonotonicSeconds() override { return 0; }

 private:
  int64_t now_;
};

TEST_F(SqliteStoreTest, stamps_loads_and_batches_with_the_time_its_env_gives) {
  // 1700000000 is 2023-11-14T22:13:20Z (`date -u -d @1700000000`).
  StoppedClockEnv clock(1700000000);
  SqliteOptions options;
  options.env = &clock;
  auto opened = OpenSqliteStore(path_, options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(opened).value();
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}));
  ASSERT_TRUE(store->FinishLoad(load, "hash").ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT started_at FROM loads"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(raw.Text("SELECT finished_at FROM loads"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(raw.Text("SELECT committed_at FROM load_batches"), "2023-11-14T22:13:20Z");
}

TEST_F(SqliteStoreTest, refuses_a_missing_file_when_asked_not_to_create_one) {
  SqliteOptions options;
  options.create_if_missing = false;
  auto store = OpenSqliteStore(path_, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError);
  EXPECT_EQ(store.status().message(), "store " + path_ + ": cannot open: unable to open database file");
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteStoreTest, refuses_a_file_that_is_not_sqlite_and_leaves_it_alone) {
  const std::string text = "Crime ID,Month,Reported by\nabc,2022-10,Leicestershire Police\n";
  std::string path = scratch_.Write("police.csv", text);
  auto store = OpenSqliteStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(), "store " + path + " is not a SQLite database: file is not a database");
  EXPECT_TRUE(ReadBytes(path) == text) << "refusing the file changed it";
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_F(SqliteStoreTest, refuses_a_sqlite_file_without_harmlens_meta_and_leaves_it_alone) {
  {
    RawDb raw(path_);
    raw.Exec("CREATE TABLE patients(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO patients VALUES (1, 'x')");
  }
  const std::string before = ReadBytes(path_);
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "store " + path_ + " is a SQLite file but not a harmlens store (no meta table)");
  // Refusing a file must not change it: not even its journal mode.
  EXPECT_TRUE(ReadBytes(path_) == before) << "refusing the file changed it";
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "delete");
}

TEST_F(SqliteStoreTest, refuses_a_sqlite_file_whose_meta_names_another_application) {
  {
    RawDb raw(path_);
    raw.Exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "INSERT INTO meta VALUES ('application', 'other'), ('schema_version', '1')");
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(), "store " + path_ + " is a SQLite file but not a harmlens store");
}

TEST_F(SqliteStoreTest, refuses_a_store_whose_schema_is_newer_than_this_harmlens) {
  ASSERT_NE(Open(), nullptr);
  {
    RawDb raw(path_);
    raw.Exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(), "store " + path_ +
                                          " has schema version 99, newer than this harmlens understands (" +
                                          std::to_string(kSqliteSchemaVersion) + "): upgrade harmlens");
}

TEST_F(SqliteStoreTest, refuses_a_store_whose_schema_version_is_not_a_version_number) {
  ASSERT_NE(Open(), nullptr);
  for (const char* version : {"one", "-1", "1x", "99999999999999999999"}) {
    SCOPED_TRACE(version);
    {
      RawDb raw(path_);
      raw.Exec(std::string("UPDATE meta SET value = '") + version + "' WHERE key = 'schema_version'");
    }
    auto store = OpenSqliteStore(path_);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(store.status().message(),
              "store " + path_ + " has an unreadable schema version \"" + version + "\" in its meta table");
  }
}

TEST_F(SqliteStoreTest, stores_opened_at_once_on_a_new_file_all_open_and_migrate_it_once) {
  constexpr int kRounds = 10, kOpeners = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = scratch_.File("race-" + std::to_string(round) + ".db");
    std::latch start(kOpeners);
    std::vector<Status> outcomes(kOpeners);
    std::vector<std::thread> openers;
    for (int i = 0; i < kOpeners; ++i) {
      openers.emplace_back([&, i] {
        start.arrive_and_wait();  // all look at the empty file together
        auto store = OpenSqliteStore(path);
        outcomes[i] = store.status();
      });
    }
    for (std::thread& t : openers) t.join();
    for (int i = 0; i < kOpeners; ++i) {
      EXPECT_TRUE(outcomes[i].ok()) << "round " << round << " opener " << i << ": " << outcomes[i].ToString();
    }
    RawDb raw(path);
    EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(kSqliteSchemaVersion));
    EXPECT_EQ(raw.Int("SELECT count(*) FROM crime_types"), kCrimeTypeCount);
  }
}

// --- Writing batches -------------------------------------------------------------

TEST_F(SqliteStoreTest, a_batch_counts_duplicates_inside_it_as_already_present) {
  auto store = Open();
  int64_t load = Begin(store.get());
  LoadCounts counts = Write(store.get(), MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b"), MakeIncident("a")},
                                                   {MakeQuarantined(9)}));
  EXPECT_EQ(counts, Counts(4, 2, 1, 1));
  EXPECT_EQ(*store->CountIncidents(), 2);
  std::map<int64_t, Incident> stored = ReadAll(store.get());
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored.at(1).source_id, "a");  // the first copy is kept
  EXPECT_EQ(stored.at(2).source_id, "b");
}

TEST_F(SqliteStoreTest, a_later_batch_counts_incidents_stored_by_an_earlier_one) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b")}));
  LoadCounts second = Write(store.get(), MakeBatch(load, 1, {MakeIncident("b"), MakeIncident("c")}));
  EXPECT_EQ(second, Counts(2, 1, 1, 0));
  int64_t other_load = Begin(store.get(), "g.csv");
  LoadCounts third = Write(store.get(), MakeBatch(other_load, 0, {MakeIncident("a"), MakeIncident("c")}));
  EXPECT_EQ(third, Counts(2, 0, 2, 0));
  EXPECT_EQ(*store->CountIncidents(), 3);
}

// The hint makes the store size its key set for the stored keys and the expected ones
// together: the keys already stored (2,000, read back on reopening) must all still be
// found after that, whatever the hint, and new keys past the hint still fit.
TEST_F(SqliteStoreTest, keys_stored_before_are_found_after_a_hint_of_more_to_come) {
  std::vector<Incident> earlier;
  for (int i = 0; i < 2000; ++i) earlier.push_back(MakeIncident("old" + std::to_string(i)));
  {
    auto store = Open();
    Write(store.get(), MakeBatch(Begin(store.get()), 0, earlier));
  }
  for (int64_t hint : {int64_t{0}, int64_t{10}, int64_t{100000}}) {
    SCOPED_TRACE("hint " + std::to_string(hint));
    auto store = Open();
    store->ExpectIncidents(hint);
    std::vector<Incident> batch = earlier;
    for (int i = 0; i < 3000; ++i) {
      batch.push_back(MakeIncident("new" + std::to_string(hint) + "-" + std::to_string(i)));
    }
    EXPECT_EQ(Write(store.get(), MakeBatch(Begin(store.get(), "g.csv"), 0, batch)), Counts(5000, 3000, 2000, 0));
  }
  EXPECT_EQ(*Open()->CountIncidents(), 2000 + 3 * 3000);
}

TEST_F(SqliteStoreTest, the_same_source_id_from_two_agencies_is_two_incidents) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Incident police = MakeIncident("LE/1");
  Incident extract = MakeIncident("LE/1");
  extract.source.agency = Agency::kPoliceExtract;
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 0, {police, extract})), Counts(2, 2, 0, 0));
}

TEST_F(SqliteStoreTest, keys_computed_by_the_caller_and_by_the_store_deduplicate_alike) {
  auto store = Open();
  int64_t load = Begin(store.get());
  IncidentBatch given = MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b")});
  for (const Incident& inc : given.incidents) {
    given.keys.push_back(KeyOf(store->incident_key_secret(), inc.source.agency, inc.source_id));
  }
  EXPECT_EQ(Write(store.get(), given), Counts(2, 2, 0, 0));
  IncidentBatch computed = MakeBatch(load, 1, {MakeIncident("b"), MakeIncident("c")});
  EXPECT_EQ(Write(store.get(), computed), Counts(2, 1, 1, 0));
}

TEST_F(SqliteStoreTest, a_second_store_on_the_same_file_sees_keys_the_first_wrote) {
  auto first = Open();
  auto second = Open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  int64_t load_one = Begin(first.get(), "one.csv");
  int64_t load_two = Begin(second.get(), "two.csv");
  EXPECT_EQ(Write(first.get(), MakeBatch(load_one, 0, {MakeIncident("a"), MakeIncident("b")})), Counts(2, 2, 0, 0));
  EXPECT_EQ(Write(second.get(), MakeBatch(load_two, 0, {MakeIncident("a"), MakeIncident("c")})),
            Counts(2, 1, 1, 0));
  // And back: the first must see what the second wrote after its own last write.
  EXPECT_EQ(Write(first.get(), MakeBatch(load_one, 1, {MakeIncident("c"), MakeIncident("d")})),
            Counts(2, 1, 1, 0));
  EXPECT_EQ(*first->CountIncidents(), 4);
  EXPECT_EQ(*second->CountIncidents(), 4);
  // Incident ids stay unique and dense across the two writers.
  std::map<int64_t, Incident> stored = ReadAll(second.get());
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored.begin()->first, 1);
  EXPECT_EQ(stored.rbegin()->first, 4);
}

TEST_F(SqliteStoreTest, involvements_round_trip_and_one_person_key_is_one_person) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Incident first = MakeIncident("a");
  first.involvements = {{"P-1", Role::kVictim, AgeRange::Exact(30), Sex::kFemale},
                        {"P-2", Role::kSuspect, std::nullopt, Sex::kUnknown},
                        {"P-2", Role::kSuspect, std::nullopt, Sex::kUnknown}};  // listed twice
  Incident second = MakeIncident("b");
  second.involvements = {{"P-1", Role::kOffender, AgeRange::Exact(31), Sex::kFemale}};
  Incident other_agency = MakeIncident("c");
  other_agency.source.agency = Agency::kEmergencyDepartment;
  other_agency.involvements = {{"P-1", Role::kVictim, AgeRange::Exact(30), Sex::kFemale}};  // the ED's own P-1
  Write(store.get(), MakeBatch(load, 0, {first, second, other_agency}));

  auto of_first = store->InvolvementsOf(1);
  ASSERT_TRUE(of_first.ok()) << of_first.status().ToString();
  ASSERT_EQ(of_first->size(), 2u);
  EXPECT_EQ((*of_first)[0].person_key, "P-1");
  EXPECT_EQ((*of_first)[0].role, Role::kVictim);
  EXPECT_EQ((*of_first)[0].age, AgeRange::Exact(30));
  EXPECT_EQ((*of_first)[0].sex, Sex::kFemale);
  EXPECT_EQ((*of_first)[1].person_key, "P-2");
  EXPECT_EQ((*of_first)[1].role, Role::kSuspect);
  EXPECT_EQ((*of_first)[1].age, std::nullopt);
  EXPECT_EQ((*of_first)[1].sex, Sex::kUnknown);
  auto of_second = store->InvolvementsOf(2);
  ASSERT_TRUE(of_second.ok());
  ASSERT_EQ(of_second->size(), 1u);
  EXPECT_EQ((*of_second)[0].role, Role::kOffender);
  EXPECT_EQ((*of_second)[0].age, AgeRange::Exact(31));
  EXPECT_TRUE(store->InvolvementsOf(99)->empty());

  RawDb raw(path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM persons"), 3);  // police P-1, police P-2, ED P-1
  EXPECT_EQ(raw.Int("SELECT count(DISTINCT v.incident_id) FROM involvements v JOIN persons p ON p.id = v.person_id "
                    "WHERE p.person_key = 'P-1' AND p.agency = '" +
                    std::string(AgencyName(Agency::kPoliceUk)) + "'"),
            2);
}

TEST_F(SqliteStoreTest, involvements_of_an_already_present_incident_are_not_added_again) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Incident first = MakeIncident("a");
  first.involvements = {{"P-1", Role::kVictim, AgeRange::Exact(30), Sex::kFemale}};
  Write(store.get(), MakeBatch(load, 0, {first}));
  Incident again = first;
  again.involvements = {{"P-9", Role::kWitness, AgeRange::Exact(50), Sex::kMale}};
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 1, {again})), Counts(1, 0, 1, 0));
  auto involvements = store->InvolvementsOf(1);
  ASSERT_TRUE(involvements.ok());
  ASSERT_EQ(involvements->size(), 1u);
  EXPECT_EQ((*involvements)[0].person_key, "P-1");
}

TEST_F(SqliteStoreTest, an_involvement_may_name_no_person_and_keeps_an_age_band) {
  // A&E is anonymised: its patient is an involvement with no person key, aged by band.
  auto store = Open();
  int64_t load = Begin(store.get());
  Incident attendance = MakeIncident("RWEAA/ED-1");
  attendance.source.agency = Agency::kEmergencyDepartment;
  attendance.involvements = {{"", Role::kVictim, AgeRange{15, 17}, Sex::kMale}};
  Incident other = MakeIncident("RWEAA/ED-2");
  other.source.agency = Agency::kEmergencyDepartment;
  other.involvements = {{"", Role::kVictim, AgeRange{65, kOldestAgeYears}, Sex::kFemale}};
  Incident two_patients = MakeIncident("RWEAA/ED-3");  // two anonymous rows are two people
  two_patients.source.agency = Agency::kEmergencyDepartment;
  two_patients.involvements = {{"", Role::kVictim, std::nullopt, Sex::kUnknown},
                               {"", Role::kVictim, std::nullopt, Sex::kUnknown}};
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 0, {attendance, other, two_patients})), Counts(3, 3, 0, 0));

  auto first = store->InvolvementsOf(1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].person_key, "");
  EXPECT_EQ((*first)[0].age, (AgeRange{15, 17}));
  EXPECT_TRUE((*first)[0].age->EntirelyUnder(18));
  EXPECT_EQ((*first)[0].sex, Sex::kMale);
  EXPECT_EQ((*store->InvolvementsOf(2))[0].age, (AgeRange{65, 120}));
  EXPECT_EQ(store->InvolvementsOf(3)->size(), 2u);
  RawDb raw(path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM persons"), 0);  // no person is made up for them
  EXPECT_EQ(raw.Int("SELECT count(*) FROM involvements WHERE person_id IS NULL"), 4);
  EXPECT_EQ(raw.Text("SELECT age_min || '-' || age_max FROM involvements WHERE incident_id = 1"), "15-17");
  EXPECT_TRUE(store->CheckIntegrity().ok());
}

// A police extract: incidents from one file, their involvements from a persons file with
// a load of its own, accounted for in the same transaction.
class InvolvementRowsTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    store_ = Open();
    incidents_load_ = *store_->BeginLoad({"police-extract-incidents", "incidents.csv", 10, "r"});
    persons_load_ = *store_->BeginLoad({"police-extract-persons", "persons.csv", 10, "r"});
  }
  IncidentBatch Batch(int64_t batch_no, std::vector<Incident> incidents, std::vector<QuarantinedRow> quarantined,
                      int64_t first_line, int64_t last_line) {
    IncidentBatch batch = MakeBatch(incidents_load_, batch_no, std::move(incidents));
    batch.involvement_rows = InvolvementRows{persons_load_, batch_no, first_line, last_line, std::move(quarantined)};
    return batch;
  }
  static Incident WithPeople(const std::string& id, std::vector<std::string> keys) {
    Incident inc = MakeIncident(id);
    inc.source.agency = Agency::kPoliceExtract;
    for (const std::string& key : keys) inc.involvements.push_back({key, Role::kVictim, AgeRange::Exact(20), Sex::kMale});
    return inc;
  }
  std::unique_ptr<Store> store_;
  int64_t incidents_load_ = 0, persons_load_ = 0;
};

TEST_F(InvolvementRowsTest, counts_each_persons_row_with_its_incident_and_keeps_the_two_loads_balanced) {
  QuarantinedRow bad = MakeQuarantined(7);
  bad.source.file = "persons.csv";
  auto first = store_->WriteBatch(Batch(0, {WithPeople("a", {"P1", "P2"}), WithPeople("b", {"P3"})}, {bad}, 2, 7));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rows, Counts(2, 2, 0, 0));
  EXPECT_EQ(first->involvement_rows, Counts(4, 3, 0, 1));
  // "a" again (a second extract): its persons rows are already present, even a new one.
  auto second = store_->WriteBatch(Batch(1, {WithPeople("a", {"P1", "P9"}), WithPeople("c", {})}, {}, 8, 9));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->rows, Counts(2, 1, 1, 0));
  EXPECT_EQ(second->involvement_rows, Counts(2, 0, 2, 0));
  // A person listed twice in one role of a new incident is stored once.
  auto third = store_->WriteBatch(Batch(2, {WithPeople("d", {"P4", "P4"})}, {}, 10, 11));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->involvement_rows, Counts(2, 1, 1, 0));

  auto loads = store_->ListLoads();
  ASSERT_TRUE(loads.ok());
  ASSERT_EQ(loads->size(), 2u);
  EXPECT_EQ((*loads)[0].counts, Counts(5, 4, 1, 0));
  EXPECT_EQ((*loads)[1].counts, Counts(8, 4, 3, 1));
  EXPECT_TRUE((*loads)[1].counts.Balanced());
  auto quarantined = store_->ListQuarantine(persons_load_);
  ASSERT_TRUE(quarantined.ok());
  ASSERT_EQ(quarantined->size(), 1u);
  EXPECT_EQ((*quarantined)[0].source.file, "persons.csv");
  EXPECT_TRUE(store_->ListQuarantine(incidents_load_)->empty());
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT group_concat(batch_no || ':' || first_line || '-' || last_line || ':' || rows_read, ' ') "
                     "FROM load_batches WHERE load_id = " + std::to_string(persons_load_)),
            "0:2-7:4 1:8-9:2 2:10-11:2");
  EXPECT_EQ(raw.Int("SELECT count(*) FROM involvements"), 4);  // P1, P2, P3 and P4 once
}

TEST_F(InvolvementRowsTest, a_batch_whose_persons_load_does_not_exist_fails_and_stores_nothing) {
  const StoredStateProbe probe(path_);
  IncidentBatch batch = Batch(0, {WithPeople("a", {"P1"})}, {}, 2, 2);
  batch.involvement_rows->load_id = 99;
  auto counts = store_->WriteBatch(batch);
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().message(), "store: batch refers to load 99, which does not exist");
  EXPECT_TRUE(probe.Unchanged());
  EXPECT_EQ(store_->WriteBatch(Batch(0, {WithPeople("a", {"P1"})}, {}, 2, 2))->rows, Counts(1, 1, 0, 0));
}

// --- Agency records ----------------------------------------------------------------

AgencyRecord MakeRecord(const std::string& record_id, PartnerAgency agency = PartnerAgency::kYouthOffending) {
  AgencyRecord r;
  r.source = {Agency::kPartnerAgency, "yos.csv", 2};
  r.agency = agency;
  r.record_id = record_id;
  r.event_type = std::string(EventTypesOf(agency)[0]);
  r.event_date = {2023, 2, 14};
  r.given_name = "Jayden";
  r.surname = "O'Kafor-Smith";
  r.date_of_birth = CivilDate{2007, 3, 21};
  r.sex = Sex::kMale;
  r.postcode = "LE2 0QA";
  return r;
}

AgencyRecordBatch MakeRecordBatch(int64_t load_id, int64_t batch_no, std::vector<AgencyRecord> records,
                                  std::vector<QuarantinedRow> quarantined = {}) {
  AgencyRecordBatch batch;
  batch.load_id = load_id;
  batch.batch_no = batch_no;
  batch.first_line = 2;
  batch.last_line = 1 + static_cast<int64_t>(records.size() + quarantined.size());
  batch.records = std::move(records);
  batch.quarantined = std::move(quarantined);
  return batch;
}

TEST_F(SqliteStoreTest, agency_records_round_trip_every_field_in_their_own_table) {
  auto store = Open();
  int64_t load = Begin(store.get(), "agency_youth_offending.csv");
  AgencyRecord full = MakeRecord("YOS-1");
  full.source.file = "agency_youth_offending.csv";
  full.source.line = 2;
  AgencyRecord sparse = MakeRecord("CSC-2", PartnerAgency::kChildrensSocialCare);
  sparse.source = {Agency::kPartnerAgency, "agency_youth_offending.csv", 3};
  sparse.given_name = "Zoë";
  sparse.date_of_birth.reset();
  sparse.postcode = "";
  sparse.sex = Sex::kUnknown;
  auto counts = store->WriteAgencyRecords(MakeRecordBatch(load, 0, {full, sparse}));
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, Counts(2, 2, 0, 0));

  std::vector<std::pair<int64_t, AgencyRecord>> read;
  Status s = store->ReadAgencyRecords([&](int64_t id, const AgencyRecord& r) { read.emplace_back(id, r); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].first, 1);
  EXPECT_EQ(read[0].second, full);
  EXPECT_EQ(read[1].second, sparse);
  EXPECT_EQ(*store->CountIncidents(), 0);  // agency records are not incidents
  RawDb raw(path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM agency_records WHERE postcode IS NULL AND date_of_birth IS NULL"), 1);
  EXPECT_EQ(raw.Text("SELECT event_date || ' ' || date_of_birth FROM agency_records WHERE id = 1"),
            "2023-02-14 2007-03-21");
}

TEST_F(SqliteStoreTest, an_agency_record_is_identified_by_agency_and_record_id) {
  auto store = Open();
  int64_t load = Begin(store.get());
  AgencyRecord changed = MakeRecord("R-1");
  changed.surname = "Okafor";
  // The same id at another agency is another record; the same id again is not.
  auto first = store->WriteAgencyRecords(MakeRecordBatch(
      load, 0, {MakeRecord("R-1"), MakeRecord("R-1", PartnerAgency::kProbation), changed}, {MakeQuarantined(9)}));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, Counts(4, 2, 1, 1));
  auto again = store->WriteAgencyRecords(MakeRecordBatch(load, 1, {MakeRecord("R-1"), MakeRecord("R-2")}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, Counts(2, 1, 1, 0));
  auto loads = store->ListLoads();
  EXPECT_EQ((*loads)[0].counts, Counts(6, 3, 2, 1));
  EXPECT_EQ(store->ListQuarantine(load)->size(), 1u);
  std::vector<std::string> surnames;
  ASSERT_TRUE(store->ReadAgencyRecords([&](int64_t, const AgencyRecord& r) { surnames.push_back(r.surname); }).ok());
  EXPECT_EQ(surnames, (std::vector<std::string>{"O'Kafor-Smith", "O'Kafor-Smith", "O'Kafor-Smith"}));
}

TEST_F(SqliteStoreTest, an_agency_batch_for_a_missing_load_or_a_repeated_batch_number_stores_nothing) {
  auto store = Open();
  int64_t load = Begin(store.get());
  ASSERT_TRUE(store->WriteAgencyRecords(MakeRecordBatch(load, 0, {MakeRecord("R-1")})).ok());
  const StoredStateProbe probe(path_);
  auto missing = store->WriteAgencyRecords(MakeRecordBatch(42, 0, {MakeRecord("R-2")}, {MakeQuarantined(3)}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "store: batch refers to load 42, which does not exist");
  auto repeated = store->WriteAgencyRecords(MakeRecordBatch(load, 0, {MakeRecord("R-3")}, {MakeQuarantined(3)}));
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.status().code(), StatusCode::kIoError);
  EXPECT_TRUE(probe.Unchanged());
  EXPECT_EQ(*store->WriteAgencyRecords(MakeRecordBatch(load, 1, {MakeRecord("R-3")})), Counts(1, 1, 0, 0));
}

TEST_F(SqliteStoreTest, a_damaged_agency_record_is_reported_by_id_without_its_identifiers) {
  auto store = Open();
  int64_t load = Begin(store.get());
  ASSERT_TRUE(store->WriteAgencyRecords(MakeRecordBatch(load, 0, {MakeRecord("R-1")})).ok());
  {
    RawDb raw(path_);
    raw.Exec("UPDATE agency_records SET date_of_birth = '2007-02-30'");
  }
  Status s = store->ReadAgencyRecords([](int64_t, const AgencyRecord&) { ADD_FAILURE() << "a damaged record was read"; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "store " + path_ + ": agency record 1 has an unreadable date_of_birth");
}

TEST_F(SqliteStoreTest, load_totals_equal_the_sum_of_their_batches) {
  auto store = Open();
  int64_t load = Begin(store.get(), "2022-01.csv");
  int64_t unfinished = Begin(store.get(), "2022-02.csv");
  IncidentBatch b0 = MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b")}, {MakeQuarantined(4)});
  b0.rows_lsoa_checked = 2;
  b0.rows_lsoa_agreed = 1;
  IncidentBatch b1 = MakeBatch(load, 1, {MakeIncident("b"), MakeIncident("c"), MakeIncident("d")},
                               {MakeQuarantined(7), MakeQuarantined(8)});
  b1.rows_lsoa_checked = 3;
  b1.rows_lsoa_agreed = 3;
  IncidentBatch b2 = MakeBatch(load, 2, {});
  Write(store.get(), b0);
  Write(store.get(), b1);
  Write(store.get(), b2);
  Write(store.get(), MakeBatch(unfinished, 0, {MakeIncident("e")}));
  ASSERT_TRUE(store->FinishLoad(load, "feedc0de").ok());

  auto loads = store->ListLoads();
  ASSERT_TRUE(loads.ok()) << loads.status().ToString();
  ASSERT_EQ(loads->size(), 2u);
  const LoadRecord& r = (*loads)[0];
  EXPECT_EQ(r.id, load);
  EXPECT_EQ(r.start.feed, "police-uk");
  EXPECT_EQ(r.start.file, "2022-01.csv");
  EXPECT_EQ(r.start.bytes, 1234);
  EXPECT_EQ(r.start.rules_version, "rules-test");
  EXPECT_EQ(r.content_hash, "feedc0de");
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.started_at.empty());
  EXPECT_FALSE(r.finished_at.empty());
  EXPECT_EQ(r.counts, Counts(8, 4, 1, 3));
  EXPECT_TRUE(r.counts.Balanced());
  EXPECT_EQ(r.rows_lsoa_checked, 5);
  EXPECT_EQ(r.rows_lsoa_agreed, 4);
  const LoadRecord& u = (*loads)[1];
  EXPECT_FALSE(u.complete);
  EXPECT_EQ(u.finished_at, "");
  EXPECT_EQ(u.content_hash, "");
  EXPECT_EQ(u.counts, Counts(1, 1, 0, 0));

  RawDb raw(path_);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM load_batches WHERE load_id = " + std::to_string(load)), 3);
  EXPECT_EQ(raw.Int("SELECT sum(rows_read) FROM load_batches WHERE load_id = " + std::to_string(load)), 8);
  auto quarantined = store->ListQuarantine(load);
  ASSERT_TRUE(quarantined.ok());
  ASSERT_EQ(quarantined->size(), 3u);
  EXPECT_EQ((*quarantined)[0].source.line, 4);
  EXPECT_EQ((*quarantined)[2].source.line, 8);
  EXPECT_EQ((*quarantined)[0].reason, MakeQuarantined(4).reason);
  EXPECT_EQ((*quarantined)[0].raw, "x,2022-13,y");
  EXPECT_TRUE(store->ListQuarantine(unfinished)->empty());
}

TEST_F(SqliteStoreTest, a_load_s_last_batch_completes_it_in_its_own_transaction_or_not_at_all) {
  auto store = Open();
  int64_t load = Begin(store.get(), "2022-01.csv");
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}));
  // A last batch that fails (its number is taken) leaves the load unfinished.
  IncidentBatch repeated = MakeBatch(load, 0, {MakeIncident("b")});
  repeated.completes_load = "sha256:feedc0de";
  const StoredStateProbe probe(path_);
  ASSERT_FALSE(store->WriteBatch(repeated).ok());
  EXPECT_TRUE(probe.Unchanged());
  EXPECT_FALSE((*store->ListLoads())[0].complete);

  IncidentBatch last = MakeBatch(load, 1, {MakeIncident("b")});
  last.completes_load = "sha256:feedc0de";
  Write(store.get(), last);
  const LoadRecord r = (*store->ListLoads())[0];
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.content_hash, "sha256:feedc0de");
  EXPECT_EQ(r.counts, Counts(2, 2, 0, 0));
}

// --- Reading ---------------------------------------------------------------------

TEST_F(SqliteStoreTest, scan_keeps_incidents_from_the_first_minute_up_to_but_not_including_the_last) {
  auto store = Open();
  int64_t load = Begin(store.get());
  const int64_t jan = MonthMinute(2022, 1), feb = MonthMinute(2022, 2), mar = MonthMinute(2022, 3);
  // One segment spanning January to March, one wholly in March, one wholly before.
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("jan", jan), MakeIncident("feb", feb),
                                         MakeIncident("feb-last", mar - 1), MakeIncident("mar", mar)}));
  Write(store.get(), MakeBatch(load, 1, {MakeIncident("mar-2", mar)}));
  Write(store.get(), MakeBatch(load, 2, {MakeIncident("dec", MonthMinute(2021, 12))}));
  auto ids_in = [&](IncidentScan scan) {
    std::vector<std::string> ids;
    Status s = store->ScanIncidents(scan, [&](const IncidentRow& row) {
      ids.push_back(std::to_string(row.id) + ":" + std::string(row.csp_area));
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  };
  EXPECT_EQ(ids_in({feb, mar}), (std::vector<std::string>{"2:E06000016", "3:E06000016"}));
  EXPECT_EQ(ids_in({mar, std::nullopt}), (std::vector<std::string>{"4:E06000016", "5:E06000016"}));
  EXPECT_EQ(ids_in({std::nullopt, feb}), (std::vector<std::string>{"1:E06000016", "6:E06000016"}));
  EXPECT_EQ(ids_in({}).size(), 6u);
  EXPECT_TRUE(ids_in({jan, jan}).empty());
  std::map<int64_t, Incident> read = ReadAll(store.get(), {feb, mar});
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read.at(2).source_id, "feb");
  EXPECT_EQ(read.at(3).source_id, "feb-last");
}

// The per-cell counts the store keeps against the incidents themselves, counted one by
// one through ScanIncidents (what the Store base class does for a store without counts).
class RowByRowCounts final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status ScanIncidentCounts(std::optional<YearMonth> from, std::optional<YearMonth> to,
                            const std::function<void(const IncidentCount&)>& visit) override {
    return Store::ScanIncidentCounts(from, to, visit);
  }
};

// Counts by cell as "agency|type|month|behaviours|area|lsoa" -> incidents, added up.
std::map<std::string, int64_t> CellsOf(Store* store, std::optional<YearMonth> from = std::nullopt,
                                       std::optional<YearMonth> to = std::nullopt) {
  std::map<std::string, int64_t> cells;
  Status s = store->ScanIncidentCounts(from, to, [&](const IncidentCount& c) {
    cells[std::to_string(static_cast<int>(c.agency)) + "|" + std::to_string(static_cast<int>(c.crime_type)) +
          "|" + c.month.ToString() + "|" + std::to_string(c.behaviours.bits()) + "|" +
          std::string(c.csp_area) + "|" + (c.has_lsoa ? "lsoa" : "-")] += c.incidents;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return cells;
}

// A mix of cells: areas, no area but an LSOA, no location, behaviours, months, sources.
void WriteMixedBatches(Store* store, int64_t load) {
  std::vector<Incident> first, second;
  for (int i = 0; i < 40; ++i) {
    Incident inc = MakeIncident("m" + std::to_string(i), MonthMinute(2022, 1 + i % 3) + i);
    inc.crime_type = i % 4 == 0 ? CrimeType::kRobbery : CrimeType::kBurglary;
    if (i % 5 == 0) inc.location.csp_area = "E07000129";
    if (i % 7 == 0) {
      inc.location.csp_area.clear();
      inc.location.lsoa_reported = "E01000001";
    }
    if (i % 11 == 0) inc.location.csp_area.clear();
    if (i % 6 == 0) inc.behaviours.Add(HarmfulBehaviour::kSeriousViolence);
    if (i % 9 == 0) inc.source.agency = Agency::kPoliceExtract;
    (i < 25 ? first : second).push_back(inc);
  }
  second.push_back(first[3]);  // already present: counted once
  auto a = store->WriteBatch(MakeBatch(load, 0, first));
  auto b = store->WriteBatch(MakeBatch(load, 1, second));
  EXPECT_TRUE(a.ok() && b.ok());
}

TEST_F(SqliteStoreTest, incident_counts_agree_with_counting_the_incidents_one_by_one) {
  auto store = Open();
  WriteMixedBatches(store.get(), Begin(store.get()));
  RowByRowCounts row_by_row(store.get());
  std::map<std::string, int64_t> kept = CellsOf(store.get());
  EXPECT_EQ(kept, CellsOf(&row_by_row));
  int64_t total = 0;
  for (const auto& [cell, n] : kept) total += n;
  EXPECT_EQ(total, 40);
  const YearMonth feb{2022, 2};
  EXPECT_EQ(CellsOf(store.get(), feb, feb), CellsOf(&row_by_row, feb, feb));
  EXPECT_EQ(CellsOf(store.get(), feb, std::nullopt), CellsOf(&row_by_row, feb, std::nullopt));
  EXPECT_EQ(CellsOf(store.get(), std::nullopt, feb), CellsOf(&row_by_row, std::nullopt, feb));
  EXPECT_TRUE(CellsOf(store.get(), YearMonth{2023, 1}, std::nullopt).empty());
}

TEST_F(SqliteStoreTest, opening_a_schema_1_store_counts_its_stored_incidents) {
  std::map<std::string, int64_t> expected;
  {
    auto store = Open();
    WriteMixedBatches(store.get(), Begin(store.get()));
    RowByRowCounts row_by_row(store.get());
    expected = CellsOf(&row_by_row);
  }
  {
    // Back to schema 1 as it was: no incident_counts table.
    RawDb raw(path_);
    raw.Exec("DROP TABLE incident_counts; DELETE FROM meta WHERE key = 'incident_key_secret'; "
             "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(CellsOf(store.get()), expected);
  EXPECT_TRUE(store->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, opening_a_schema_2_store_labels_its_file_hashes_as_blake2b) {
  const std::string blake2b = "2a9c1d6f0e5b4c3a29180f7e6d5c4b3a2a9c1d6f0e5b4c3a29180f7e6d5c4b3a";
  int64_t finished = 0, unfinished = 0;
  {
    auto store = Open();
    finished = Begin(store.get(), "a.csv");
    ASSERT_TRUE(store->FinishLoad(finished, blake2b).ok());
    unfinished = Begin(store.get(), "b.csv");
  }
  {
    RawDb raw(path_);  // as schema 2 stored them: the bare hex of BLAKE2b-256
    raw.Exec("DELETE FROM meta WHERE key = 'incident_key_secret'; "
             "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto loads = store->ListLoads();
  ASSERT_TRUE(loads.ok());
  ASSERT_EQ(loads->size(), 2u);
  EXPECT_EQ((*loads)[0].id, finished);
  EXPECT_EQ((*loads)[0].content_hash, "blake2b-256:" + blake2b);
  EXPECT_EQ((*loads)[1].id, unfinished);
  EXPECT_EQ((*loads)[1].content_hash, "");
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"), std::to_string(kSqliteSchemaVersion));
}

TEST_F(SqliteStoreTest, opening_a_schema_3_store_draws_a_key_secret_and_rekeys_every_segment) {
  {
    auto store = Open();
    int64_t load = Begin(store.get());
    Write(store.get(), MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("b")}));
    Write(store.get(), MakeBatch(load, 1, {MakeIncident("c")}));
  }
  {
    // As schema 3 left it: no secret, keys of another function (zeros stand in for them).
    RawDb raw(path_);
    raw.Exec("UPDATE incident_segments SET keys = zeroblob(length(keys)); "
             "DELETE FROM meta WHERE key = 'incident_key_secret'; "
             "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.Text("SELECT value FROM meta WHERE key = 'schema_version'"), std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(raw.Text("SELECT length(value) FROM meta WHERE key = 'incident_key_secret'"), "32");
  EXPECT_EQ(raw.Int("SELECT count(*) FROM incident_segments WHERE keys = zeroblob(length(keys))"), 0);
  // The stored incidents are recognised under the new keys; a new one is stored.
  int64_t load = Begin(store.get());
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 0, {MakeIncident("a"), MakeIncident("c"), MakeIncident("d")})),
            Counts(3, 1, 2, 0));
  EXPECT_TRUE(store->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, each_new_store_draws_its_own_key_secret) {
  ASSERT_NE(Open(), nullptr);
  ScratchDir other_dir;
  const std::string other = other_dir.File("other.db");
  ASSERT_TRUE(OpenSqliteStore(other).ok());
  const std::string mine = RawDb(path_).Text("SELECT value FROM meta WHERE key = 'incident_key_secret'");
  EXPECT_EQ(mine.size(), 32u);
  EXPECT_NE(mine, RawDb(other).Text("SELECT value FROM meta WHERE key = 'incident_key_secret'"));
}

TEST_F(SqliteStoreTest, refuses_a_store_whose_key_secret_is_unreadable) {
  ASSERT_NE(Open(), nullptr);
  RawDb(path_).Exec("UPDATE meta SET value = 'not hex' WHERE key = 'incident_key_secret'");
  auto reopened = OpenSqliteStore(path_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find("incident_key_secret"), std::string::npos)
      << reopened.status().ToString();
}

TEST_F(SqliteStoreTest, read_incidents_returns_every_field) {
  auto store = Open();
  int64_t load = Begin(store.get(), "extract/2025-06.csv");
  Incident full;
  full.source = {Agency::kPoliceExtract, "extract/2025-06.csv", 77};
  full.source_id = "LE/12345/25";
  full.occurred = {DaysFromCivil(2025, 6, 14) * 1440 + 23 * 60 + 17, TimePrecision::kMinute};
  full.crime_type = CrimeType::kViolenceAndSexualOffences;
  full.offence_code = "008/01";
  full.weapon = Weapon::kKnifeOrSharp;
  full.domestic = false;
  full.behaviours.Add(HarmfulBehaviour::kSeriousViolence);
  full.behaviours.Add(HarmfulBehaviour::kNightTimeEconomy);
  full.location = {GeoPoint{-1.131, 52.634}, "On or near Granby Street — “café”", "E01013648", "E01013649",
                   "E06000016", "gazetteer:street", 150.0, 0.75, LocationType::kLicensedPremises};
  full.outcome = "Awaiting court outcome";
  full.occurred_note = TimeNote::kAssaultWeekBeforeArrival;
  full.attendance = {full.occurred.local_minute + 600, AssaultMethod::kOther, "bottle, broken",
                     AssailantRelationship::kAcquaintance};
  Incident window = MakeIncident("window");
  window.source.file = "extract/2025-06.csv";
  window.occurred = OccurredTime::Window(DaysFromCivil(2025, 6, 1) * 1440 + 8 * 60 + 15,
                                         DaysFromCivil(2025, 6, 4) * 1440 + 17 * 60 + 30);
  window.occurred_note = TimeNote::kArrivalNotAssault;
  window.location.method = std::string(kLocationUnresolvedNoGeocoder);
  Incident bare = MakeIncident("bare");
  bare.source.file = "extract/2025-06.csv";
  bare.source.line = 78;
  bare.location = {};
  bare.domestic = true;
  Write(store.get(), MakeBatch(load, 0, {full, bare, window}));

  std::map<int64_t, Incident> read = ReadAll(store.get());
  ASSERT_EQ(read.size(), 3u);
  for (const auto& [id, want] : std::map<int64_t, Incident>{{1, full}, {2, bare}, {3, window}}) {
    SCOPED_TRACE(want.source_id);
    const Incident& got = read.at(id);
    EXPECT_EQ(got.source.agency, want.source.agency);
    EXPECT_EQ(got.source.file, want.source.file);
    EXPECT_EQ(got.source.line, want.source.line);
    EXPECT_EQ(got.source_id, want.source_id);
    EXPECT_EQ(got.occurred, want.occurred);
    EXPECT_EQ(got.crime_type, want.crime_type);
    EXPECT_EQ(got.offence_code, want.offence_code);
    EXPECT_EQ(got.weapon, want.weapon);
    EXPECT_EQ(got.domestic, want.domestic);
    EXPECT_EQ(got.behaviours, want.behaviours);
    ASSERT_EQ(got.location.point.has_value(), want.location.point.has_value());
    if (want.location.point) {
      EXPECT_EQ(got.location.point->longitude, want.location.point->longitude);
      EXPECT_EQ(got.location.point->latitude, want.location.point->latitude);
    }
    EXPECT_EQ(got.location.description, want.location.description);
    EXPECT_EQ(got.location.lsoa_reported, want.location.lsoa_reported);
    EXPECT_EQ(got.location.lsoa_by_point, want.location.lsoa_by_point);
    EXPECT_EQ(got.location.csp_area, want.location.csp_area);
    EXPECT_EQ(got.outcome, want.outcome);
    EXPECT_EQ(got.occurred.end_minute(), want.occurred.end_minute());
    EXPECT_EQ(got.occurred_note, want.occurred_note);
    EXPECT_EQ(got.location.method, want.location.method);
    EXPECT_EQ(got.location.radius_metres, want.location.radius_metres);
    EXPECT_EQ(got.location.confidence, want.location.confidence);
    EXPECT_EQ(got.location.type, want.location.type);
    EXPECT_EQ(got.attendance, want.attendance);
  }
}

TEST_F(SqliteStoreTest, a_damaged_segment_is_reported_not_read) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}));
  {
    RawDb raw(path_);
    raw.Exec("UPDATE incident_segments SET columns = substr(columns, 1, 20)");
  }
  Status s = store->ScanIncidents({}, [](const IncidentRow&) { ADD_FAILURE() << "a damaged row was visited"; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(),
            "store " + path_ + ": segment 1: incident segment is damaged: column 1 prefix is truncated");
}

TEST_F(SqliteStoreTest, reads_segments_of_format_version_1_as_stores_before_version_2_hold_them) {
  auto store = Open();
  int64_t load = Begin(store.get());
  std::vector<Incident> incidents = {MakeIncident("2022-01/0a1b"), MakeIncident("2022-01/asb-ff-0"),
                                     MakeIncident("LE/12345/25", MonthMinute(2022, 2))};
  incidents[1].location.point = GeoPoint{-1.13, 52.63};
  incidents[2].occurred = OccurredTime::Window(MonthMinute(2022, 2), MonthMinute(2022, 2) + 90);
  Write(store.get(), MakeBatch(load, 0, incidents));
  std::map<int64_t, Incident> written = ReadAll(store.get());
  {
    // The same incidents as a version 1 blob, as an older harmlens wrote them.
    std::vector<const Incident*> pointers;
    for (const Incident& inc : incidents) pointers.push_back(&inc);
    std::string v1 = EncodeSegment(pointers, 1), hex;
    static const char* kDigits = "0123456789ABCDEF";
    for (unsigned char c : v1) hex += std::string{kDigits[c >> 4], kDigits[c & 15]};
    RawDb raw(path_);
    raw.Exec("UPDATE incident_segments SET format_version = 1, columns = X'" + hex + "'");
    ASSERT_EQ(raw.Int("SELECT count(*) FROM incident_segments WHERE format_version = 1"), 1);
  }
  std::map<int64_t, Incident> read = ReadAll(store.get());
  ASSERT_EQ(read.size(), written.size());
  for (const auto& [id, inc] : written) {
    EXPECT_EQ(read.at(id).source_id, inc.source_id);
    EXPECT_EQ(read.at(id).occurred, inc.occurred);
    EXPECT_EQ(read.at(id).location.point.has_value(), inc.location.point.has_value());
    EXPECT_EQ(read.at(id).location.description, inc.location.description);
  }
  // A blob whose version disagrees with its row is refused.
  {
    RawDb raw(path_);
    raw.Exec("UPDATE incident_segments SET format_version = 2");
  }
  Status s = store->ScanIncidents({}, [](const IncidentRow&) {});
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
}

TEST_F(SqliteStoreTest, integrity_check_passes_on_a_new_and_on_a_written_store) {
  auto store = Open();
  EXPECT_TRUE(store->CheckIntegrity().ok());
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}, {MakeQuarantined(3)}));
  Status s = store->CheckIntegrity();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// --- Failed batches leave nothing ------------------------------------------------

struct StoredState {
  int64_t incidents, segments, batches, quarantined, persons, involvements;
  std::string loads;
  bool operator==(const StoredState&) const = default;
};

StoredState StateOf(const std::string& path) {
  RawDb raw(path);
  return {raw.Int("SELECT coalesce(sum(row_count), 0) FROM incident_segments"),
          raw.Int("SELECT count(*) FROM incident_segments"),
          raw.Int("SELECT count(*) FROM load_batches"),
          raw.Int("SELECT count(*) FROM quarantine"),
          raw.Int("SELECT count(*) FROM persons"),
          raw.Int("SELECT count(*) FROM involvements"),
          raw.Text("SELECT group_concat(id || ':' || rows_read || ',' || rows_stored || ',' || rows_present || ',' || "
                   "rows_quarantined, ';') FROM loads")};
}

TEST_F(SqliteStoreTest, a_batch_for_a_load_that_does_not_exist_fails_and_stores_nothing) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}));
  const StoredState before = StateOf(path_);
  Incident with_person = MakeIncident("b");
  with_person.involvements = {{"P-1", Role::kVictim, AgeRange::Exact(30), Sex::kFemale}};
  auto counts = store->WriteBatch(MakeBatch(42, 0, {with_person, MakeIncident("c")}, {MakeQuarantined(5)}));
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(counts.status().message(), "store: batch refers to load 42, which does not exist");
  EXPECT_EQ(StateOf(path_), before);
  // The failed batch's keys were not kept: the same incidents are new to a real load.
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 1, {with_person, MakeIncident("c"), MakeIncident("a")})),
            Counts(3, 2, 1, 0));
  EXPECT_TRUE(store->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, a_quarantine_only_batch_for_a_missing_load_fails_the_same_way) {
  auto store = Open();
  const StoredState before = StateOf(path_);
  auto counts = store->WriteBatch(MakeBatch(7, 0, {}, {MakeQuarantined(5)}));
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(counts.status().message(), "store: batch refers to load 7, which does not exist");
  EXPECT_EQ(StateOf(path_), before);
}

TEST_F(SqliteStoreTest, a_batch_number_written_twice_fails_and_the_second_write_stores_nothing) {
  auto store = Open();
  int64_t load = Begin(store.get());
  Write(store.get(), MakeBatch(load, 0, {MakeIncident("a")}));
  const StoredState before = StateOf(path_);
  auto counts = store->WriteBatch(MakeBatch(load, 0, {MakeIncident("b")}, {MakeQuarantined(5)}));
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().code(), StatusCode::kIoError);
  EXPECT_NE(counts.status().message().find("UNIQUE constraint failed"), std::string::npos)
      << counts.status().message();
  EXPECT_EQ(StateOf(path_), before);
  EXPECT_EQ(Write(store.get(), MakeBatch(load, 1, {MakeIncident("b")})), Counts(1, 1, 0, 0));
}

}  // namespace
}  // namespace harmlens
