#include "store/linkage_run_log.h"

#include <sqlite3.h>

namespace harmlens {
namespace {

constexpr const char* kCreate = R"sql(
CREATE TABLE IF NOT EXISTS linkage_runs(
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  user TEXT NOT NULL,
  purpose TEXT NOT NULL,
  command TEXT NOT NULL,
  mode TEXT NOT NULL,
  datasets TEXT NOT NULL,
  parameters TEXT NOT NULL,
  records INTEGER NOT NULL,
  candidate_pairs INTEGER NOT NULL,
  matched_pairs INTEGER NOT NULL,
  persons INTEGER NOT NULL);
)sql";

class Connection {
 public:
  ~Connection() { sqlite3_close(db_); }
  Status Open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      return Status::IoError("store " + path + ": cannot open: " + sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 10000);
    return Exec(kCreate, path);
  }
  Status Exec(const char* sql, const std::string& path) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      Status s = Status::IoError("store " + path + ": linkage run log: " + (error ? error : "unknown error"));
      sqlite3_free(error);
      return s;
    }
    return Status::Ok();
  }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

Result<int64_t> RecordLinkageRun(const std::string& db_path, const LinkageRun& run) {
  Connection db;
  HL_RETURN_IF_ERROR(db.Open(db_path));
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "INSERT INTO linkage_runs(started_at, user, purpose, command, mode, datasets, parameters, records, "
      "candidate_pairs, matched_pairs, persons) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr) != SQLITE_OK) {
    return Status::Internal(std::string("store: linkage run log: ") + sqlite3_errmsg(db.get()));
  }
  int i = 1;
  for (const std::string* text :
       {&run.started_at, &run.user, &run.purpose, &run.command, &run.mode, &run.datasets, &run.parameters}) {
    sqlite3_bind_text(st, i++, text->data(), static_cast<int>(text->size()), SQLITE_TRANSIENT);
  }
  for (int64_t count : {run.records, run.candidate_pairs, run.matched_pairs, run.persons}) {
    sqlite3_bind_int64(st, i++, count);
  }
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return Status::IoError("store " + db_path +
                           ": cannot record the linkage run: " + sqlite3_errmsg(db.get()));
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db.get()));
}

Result<std::vector<LinkageRun>> ListLinkageRuns(const std::string& db_path) {
  Connection db;
  HL_RETURN_IF_ERROR(db.Open(db_path));
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT id, started_at, user, purpose, command, mode, datasets, parameters, records, candidate_pairs, "
      "matched_pairs, persons FROM linkage_runs ORDER BY id";
  if (sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr) != SQLITE_OK) {
    return Status::Internal(std::string("store: linkage run log: ") + sqlite3_errmsg(db.get()));
  }
  std::vector<LinkageRun> runs;
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(st, column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    LinkageRun run;
    run.id = sqlite3_column_int64(st, 0);
    run.started_at = text(1);
    run.user = text(2);
    run.purpose = text(3);
    run.command = text(4);
    run.mode = text(5);
    run.datasets = text(6);
    run.parameters = text(7);
    run.records = sqlite3_column_int64(st, 8);
    run.candidate_pairs = sqlite3_column_int64(st, 9);
    run.matched_pairs = sqlite3_column_int64(st, 10);
    run.persons = sqlite3_column_int64(st, 11);
    runs.push_back(std::move(run));
  }
  sqlite3_finalize(st);
  return runs;
}

}  // namespace harmlens
