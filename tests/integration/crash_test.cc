// Crash safety of a real ingest. The harmlens executable loads the bundled 19-month
// police.uk folder in small batches and is killed with SIGKILL at a random moment, or
// runs out of file space; then the store is reopened and checked:
//   1. it opens and passes SQLite's integrity check;
//   2. every batch the process reported as committed is stored, with the counts reported;
//   3. no partial batch is visible: each load's totals, segments and quarantine rows
//      are exactly the sums of its recorded batches, batches are numbered without gaps,
//      and at most one batch committed without being reported (killed in between);
//   4. finishing the ingest afterwards stores exactly the rows of the folder, once.
// The expected row counts come from tests/expected/police_uk_month_facts.csv (computed
// with gawk and Python, independently of harmlens). Kill times are random but seeded:
// the seed is printed, and HARMLENS_CRASH_SEED=<seed> repeats a run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::DataDir;
using testing::HarmlensBin;
using testing::ScratchDir;
using testing::SourceDir;
using Clock = std::chrono::steady_clock;

constexpr char kFolder[] = "/police-uk/leicestershire-2021-04_2022-10";
constexpr int kBatchRows = 2000;
constexpr int kKills = 24;          // runs killed in all (runs that finish first are checked too)
constexpr int kKillsPerStore = 6;   // kills into one store before it is finished and checked

// One "committed load L batch B lines a-b: read r = ..." line from --report-batches.
struct ReportedBatch {
  int64_t load_id = 0, batch_no = 0, first_line = 0, last_line = 0;
  int64_t read = 0, stored = 0, present = 0, quarantined = 0;
};

struct IngestRun {
  std::vector<ReportedBatch> reported;
  bool killed = false;  // by our SIGKILL, before it finished
  int exit_code = -1;   // when it exited by itself
  std::string err;
  double seconds = 0;
};

struct RunLimits {
  std::optional<double> kill_after_seconds;
  std::optional<rlim_t> max_file_bytes;  // RLIMIT_FSIZE: writes beyond it fail (EFBIG)
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<ReportedBatch> ParseReported(const std::string& out) {
  std::vector<ReportedBatch> batches;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = out.substr(start, nl - start);
    if (line.rfind("committed load ", 0) != 0) continue;
    ReportedBatch b;
    long long v[8];
    int n = std::sscanf(line.c_str(),
                        "committed load %lld batch %lld lines %lld-%lld: read %lld = stored %lld + already present "
                        "%lld + quarantined %lld",
                        &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    EXPECT_EQ(n, 8) << "cannot read the report line: " << line;
    if (n != 8) continue;
    b = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
    batches.push_back(b);
  }
  return batches;  // a last line without its newline is not counted: it was not all written
}

// Runs `harmlens ingest police-uk <folder> --db <db> --batch-rows 2000 --report-batches`,
// reading its stdout through a pipe as it goes, and kills it with SIGKILL once
// `kill_after_seconds` have passed since the fork (if it is still running).
IngestRun RunIngest(const std::string& db, const std::string& scratch, const RunLimits& limits = {}) {
  IngestRun run;
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  const std::string err_path = scratch + "/ingest-stderr";
  const Clock::time_point started = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out_pipe[0]);
    ::dup2(out_pipe[1], 1);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(err, 2);
    if (limits.max_file_bytes) {
      ::signal(SIGXFSZ, SIG_IGN);  // inherited across exec: a write past the limit fails with EFBIG
      rlimit limit{*limits.max_file_bytes, *limits.max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<std::string> args = {HarmlensBin(), "ingest", "police-uk", DataDir() + kFolder, "--db", db,
                                     "--batch-rows", std::to_string(kBatchRows), "--report-batches"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ADD_FAILURE() << "fork failed";
    return run;
  }
  std::string out;
  char buf[65536];
  std::optional<Clock::time_point> deadline;
  if (limits.kill_after_seconds) {
    deadline = started + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(*limits.kill_after_seconds));
  }
  for (;;) {
    timespec wait{};
    timespec* timeout = nullptr;  // no deadline: wait for output or the end
    if (deadline) {
      auto left = *deadline - Clock::now();
      if (left <= Clock::duration::zero()) {
        ::kill(pid, SIGKILL);
        run.killed = true;
        break;
      }
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      wait = {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      timeout = &wait;
    }
    pollfd fd{out_pipe[0], POLLIN, 0};
    int ready = ::ppoll(&fd, 1, timeout, nullptr);
    if (ready <= 0) continue;  // timed out (the deadline check kills) or interrupted
    ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;  // end of output: the process has finished
    out.append(buf, static_cast<size_t>(n));
  }
  // Whatever it wrote before it died is still in the pipe.
  for (ssize_t n; (n = ::read(out_pipe[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(out_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
    run.killed = false;  // it finished before the kill landed
  } else {
    EXPECT_TRUE(run.killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "harmlens died by itself, status " << status << ": " << ReadFile(err_path);
  }
  run.err = ReadFile(err_path);
  run.reported = ParseReported(out);
  return run;
}

// Rows per month of the folder, from the independently computed facts file.
std::map<std::string, int64_t> ExpectedRowsByMonth() {
  std::map<std::string, int64_t> facts;
  std::ifstream in(SourceDir() + "/tests/expected/police_uk_month_facts.csv");
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      EXPECT_EQ(line.rfind("month,rows,", 0), 0u) << line;
      header = false;
      continue;
    }
    size_t comma = line.find(',');
    facts[line.substr(0, comma)] = std::stoll(line.substr(comma + 1));
  }
  std::map<std::string, int64_t> months;
  for (const auto& entry : std::filesystem::directory_iterator(DataDir() + kFolder)) {
    if (!entry.is_directory()) continue;
    std::string month = entry.path().filename().string();
    EXPECT_TRUE(facts.count(month)) << "no expected row count for " << month;
    months[month] = facts[month];
  }
  EXPECT_EQ(months.size(), 19u);
  return months;
}

// "data/.../2022-01/2022-01-leicestershire-street.csv" -> "2022-01".
std::string MonthOfFile(const std::string& file) {
  return std::filesystem::path(file).parent_path().filename().string();
}

// Read-only queries straight at the file, for what the Store interface does not show.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Every row of the query, each as its columns' integer values (NULL -> 0).
  std::vector<std::vector<int64_t>> Rows(const std::string& sql, std::vector<int64_t> params = {}) {
    std::vector<std::vector<int64_t>> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    for (size_t i = 0; i < params.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), params[i]);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<int64_t> row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) row.push_back(sqlite3_column_int64(st, c));
      rows.push_back(std::move(row));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rows;
  }
  int64_t Int(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() ? -1 : rows[0][0];
  }
  // The 16-byte incident keys of every segment, in segment order.
  std::vector<std::array<char, 16>> Keys() {
    std::vector<std::array<char, 16>> keys;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT keys FROM incident_segments ORDER BY id", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char* p = static_cast<const char*>(sqlite3_column_blob(st, 0));
      int n = sqlite3_column_bytes(st, 0);
      for (int off = 0; off + 16 <= n; off += 16) {
        keys.emplace_back();
        std::memcpy(keys.back().data(), p + off, 16);
      }
    }
    sqlite3_finalize(st);
    return keys;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Describe(const LoadCounts& c) {
  return "read " + std::to_string(c.read) + " = stored " + std::to_string(c.stored) + " + already present " +
         std::to_string(c.already_present) + " + quarantined " + std::to_string(c.quarantined);
}

struct StoreFacts {
  int64_t incidents = 0;
  std::vector<LoadRecord> loads;
  int64_t unreported_batches = 0;  // committed by the run but killed before it said so
};

// Checks invariants 1-3 after `run` wrote to `db`; `loads_before` is how many loads the
// store had before the run.
StoreFacts CheckConsistent(const std::string& db, const IngestRun& run, size_t loads_before,
                           const std::map<std::string, int64_t>& rows_by_month) {
  StoreFacts facts;
  auto store = OpenSqliteStore(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return facts;
  Status integrity = (*store)->CheckIntegrity();
  EXPECT_TRUE(integrity.ok()) << integrity.ToString();
  auto loads = (*store)->ListLoads();
  EXPECT_TRUE(loads.ok()) << loads.status().ToString();
  if (!loads.ok()) return facts;
  facts.loads = *loads;

  RawDb raw(db);
  // 2. Every reported batch is there, with the counts reported.
  for (const ReportedBatch& b : run.reported) {
    auto rows = raw.Rows("SELECT first_line, last_line, rows_read, rows_stored, rows_present, rows_quarantined "
                         "FROM load_batches WHERE load_id = ? AND batch_no = ?",
                         {b.load_id, b.batch_no});
    EXPECT_EQ(rows.size(), 1u) << "reported batch " << b.load_id << "/" << b.batch_no << " is not stored";
    if (rows.size() != 1) continue;
    EXPECT_EQ(rows[0], (std::vector<int64_t>{b.first_line, b.last_line, b.read, b.stored, b.present, b.quarantined}))
        << "batch " << b.load_id << "/" << b.batch_no;
  }

  // 3. No partial batch: per load, everything equals the sums over its batches.
  int64_t stored_by_loads = 0;
  for (const LoadRecord& load : facts.loads) {
    SCOPED_TRACE("load " + std::to_string(load.id) + " " + load.start.file);
    auto sums = raw.Rows(
        "SELECT count(*), coalesce(max(batch_no), -1), coalesce(sum(rows_read), 0), coalesce(sum(rows_stored), 0), "
        "coalesce(sum(rows_present), 0), coalesce(sum(rows_quarantined), 0) FROM load_batches WHERE load_id = ?",
        {load.id});
    const std::vector<int64_t>& s = sums.at(0);
    EXPECT_EQ(s[0], s[1] + 1) << "batch numbers have a gap";
    EXPECT_EQ(Describe(load.counts), Describe(LoadCounts{s[2], s[3], s[4], s[5]}));
    EXPECT_TRUE(load.counts.Balanced()) << Describe(load.counts);
    EXPECT_EQ(raw.Rows("SELECT coalesce(sum(row_count), 0) FROM incident_segments WHERE load_id = ?", {load.id})
                  .at(0)
                  .at(0),
              s[3]);
    EXPECT_EQ(raw.Rows("SELECT count(*) FROM quarantine WHERE load_id = ?", {load.id}).at(0).at(0), s[5]);
    if (load.complete) {
      EXPECT_EQ(load.counts.read, rows_by_month.at(MonthOfFile(load.start.file)));
    }
    stored_by_loads += load.counts.stored;
  }
  // Every segment belongs to a recorded batch with the same number of stored rows, and
  // carries one 16-byte key per row.
  EXPECT_EQ(raw.Int("SELECT count(*) FROM incident_segments s LEFT JOIN load_batches b "
                    "ON b.load_id = s.load_id AND b.batch_no = s.batch_no "
                    "WHERE b.load_id IS NULL OR b.rows_stored != s.row_count OR length(s.keys) != 16 * s.row_count"),
            0);
  // Incident ids are dense: each segment starts where the one before ended.
  EXPECT_EQ(raw.Int("SELECT count(*) FROM (SELECT first_incident_id, "
                    "1 + coalesce(sum(row_count) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
                    " AS expected FROM incident_segments) WHERE first_incident_id != expected"),
            0);
  std::vector<std::array<char, 16>> keys = raw.Keys();
  std::vector<std::array<char, 16>> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) << "an incident is stored twice";

  // Only the last batch of the run can have committed without being reported.
  int64_t batches_of_run = 0;
  for (size_t i = loads_before; i < facts.loads.size(); ++i) {
    batches_of_run += raw.Rows("SELECT count(*) FROM load_batches WHERE load_id = ?", {facts.loads[i].id}).at(0).at(0);
    if (i + 1 < facts.loads.size()) {
      EXPECT_TRUE(facts.loads[i].complete) << "a load before the last was left open";
    }
  }
  const int64_t reported = static_cast<int64_t>(run.reported.size());
  EXPECT_GE(batches_of_run, reported);
  EXPECT_LE(batches_of_run, reported + (run.killed ? 1 : 0));
  facts.unreported_batches = batches_of_run - reported;

  // Every segment passes the decoder's full validation, and the count of incidents
  // agrees with the loads' accounting.
  int64_t read_back = 0;
  Status scan = (*store)->ScanIncidents({}, [&](const IncidentRow&) { ++read_back; });
  EXPECT_TRUE(scan.ok()) << scan.ToString();
  auto count = (*store)->CountIncidents();
  EXPECT_TRUE(count.ok());
  facts.incidents = count.ok() ? *count : -1;
  EXPECT_EQ(read_back, facts.incidents);
  EXPECT_EQ(stored_by_loads, facts.incidents);
  EXPECT_EQ(static_cast<int64_t>(keys.size()), facts.incidents);
  return facts;
}

// Invariant 4: after an uninterrupted run the store holds each row of the folder once.
void CheckFinishedRun(const std::string& db, const IngestRun& run, size_t loads_before,
                      const std::map<std::string, int64_t>& rows_by_month) {
  ASSERT_FALSE(run.killed);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  StoreFacts facts = CheckConsistent(db, run, loads_before, rows_by_month);
  int64_t expected_total = 0;
  for (const auto& [month, rows] : rows_by_month) expected_total += rows;
  EXPECT_EQ(facts.incidents, expected_total);
  ASSERT_EQ(facts.loads.size(), loads_before + rows_by_month.size());
  LoadCounts run_total;
  for (size_t i = loads_before; i < facts.loads.size(); ++i) {
    const LoadRecord& load = facts.loads[i];
    EXPECT_TRUE(load.complete) << load.start.file;
    EXPECT_EQ(load.content_hash.substr(0, 7), "sha256:") << load.start.file;
    EXPECT_EQ(load.content_hash.size(), 7u + 64u) << load.start.file;
    run_total += load.counts;
  }
  EXPECT_EQ(run_total.read, expected_total);
  EXPECT_TRUE(run_total.Balanced()) << Describe(run_total);
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override { rows_by_month_ = ExpectedRowsByMonth(); }
  ScratchDir scratch_;
  std::map<std::string, int64_t> rows_by_month_;
};

TEST_F(CrashTest, a_killed_ingest_leaves_only_whole_batches_and_finishing_it_stores_every_row_once) {
  const char* seed_text = std::getenv("HARMLENS_CRASH_SEED");
  const uint32_t seed = seed_text ? static_cast<uint32_t>(std::strtoul(seed_text, nullptr, 10)) : std::random_device{}();
  std::cout << "crash test seed: " << seed << " (repeat with HARMLENS_CRASH_SEED=" << seed << ")" << std::endl;
  SCOPED_TRACE("crash test seed " + std::to_string(seed));
  std::mt19937 rng(seed);

  // An uninterrupted run into a fresh store: the baseline, and how long a whole run takes.
  const std::string baseline_db = scratch_.File("baseline.db");
  IngestRun baseline = RunIngest(baseline_db, scratch_.path());
  CheckFinishedRun(baseline_db, baseline, 0, rows_by_month_);
  ASSERT_GT(baseline.reported.size(), 50u) << "too few batches to kill between";
  std::cout << "uninterrupted run: " << baseline.seconds << " s, " << baseline.reported.size() << " batches"
            << std::endl;

  int kills = 0, finished_first = 0, unreported_commits = 0;
  for (int round = 0; kills < kKills; ++round) {
    // Trials share a store, as a user re-running after a crash would; a few stores so
    // that kills land while rows are still new as well as when they are already present.
    const std::string db = scratch_.File("crash-" + std::to_string(round) + ".db");
    size_t loads_before = 0;
    // Kill times are uniform over a whole run into this store. A run into a store that
    // already holds rows is quicker; when one finishes first, its length is the new span.
    double whole_run_seconds = baseline.seconds;
    for (int k = 0; k < kKillsPerStore && kills < kKills;) {
      ASSERT_LT(finished_first, 2 * kKills) << "runs keep finishing before their kill time";
      const double after = std::uniform_real_distribution<double>(0.0, whole_run_seconds)(rng);
      SCOPED_TRACE("store " + std::to_string(round) + " trial " + std::to_string(k) + ": kill after " +
                   std::to_string(after) + " s");
      IngestRun run = RunIngest(db, scratch_.path(), {after, std::nullopt});
      if (run.killed) {
        ++kills;
        ++k;
      } else {
        ++finished_first;
        whole_run_seconds = run.seconds;
        EXPECT_EQ(run.exit_code, 0) << run.err;
      }
      StoreFacts facts = CheckConsistent(db, run, loads_before, rows_by_month_);
      loads_before = facts.loads.size();
      unreported_commits += static_cast<int>(facts.unreported_batches);
      if (HasFailure()) return;  // one broken store is enough to read
    }
    // Finish the load into the same store: every row of the folder, exactly once.
    IngestRun finish = RunIngest(db, scratch_.path());
    CheckFinishedRun(db, finish, loads_before, rows_by_month_);
    if (HasFailure()) return;
  }
  std::cout << kills << " runs killed (" << unreported_commits << " between a commit and its report line), "
            << finished_first << " finished before their kill time" << std::endl;
}

TEST_F(CrashTest, an_ingest_that_runs_out_of_file_space_fails_with_exit_1_and_keeps_its_whole_batches) {
  const std::string db = scratch_.File("full.db");
  constexpr rlim_t kMaxFileBytes = 8 << 20;  // room for some batches, far from the whole folder
  IngestRun run = RunIngest(db, scratch_.path(), {std::nullopt, kMaxFileBytes});
  ASSERT_FALSE(run.killed);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "harmlens: ingest: store " + db + ": disk I/O error\n");
  EXPECT_GE(run.reported.size(), 5u) << "the limit stopped the ingest before it got going";
  StoreFacts facts = CheckConsistent(db, run, 0, rows_by_month_);
  EXPECT_GT(facts.incidents, 0);
  EXPECT_FALSE(facts.loads.empty() || facts.loads.back().complete);
  // With room again, finishing the ingest stores every row once.
  size_t loads_before = facts.loads.size();
  IngestRun finish = RunIngest(db, scratch_.path());
  CheckFinishedRun(db, finish, loads_before, rows_by_month_);
}

TEST_F(CrashTest, an_ingest_into_a_store_that_cannot_be_created_fails_with_exit_1_naming_it) {
  const std::string not_a_folder = scratch_.Write("not-a-folder", "a file, not a folder\n");
  const std::string db = not_a_folder + "/harmlens.db";
  auto result = testing::RunHarmlens({"ingest", "police-uk", DataDir() + kFolder + "/2021-04", "--db", db});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "harmlens: store " + db + ": cannot open: unable to open database file\n");
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
}  // namespace harmlens
