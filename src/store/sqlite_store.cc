#include "store/sqlite_store.h"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/env.h"
#include "store/incident_key.h"
#include "store/incident_segment.h"

namespace harmlens {
namespace {

// Schema migrations, applied in order; entry i takes the schema from version i to i+1.
// Never edit a released entry: add a new one and bump kSqliteSchemaVersion.
const char* const kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE crime_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE loads(
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  file TEXT NOT NULL,
  content_hash TEXT,
  bytes INTEGER NOT NULL,
  rules_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_stored INTEGER NOT NULL DEFAULT 0,
  rows_present INTEGER NOT NULL DEFAULT 0,
  rows_quarantined INTEGER NOT NULL DEFAULT 0,
  rows_lsoa_checked INTEGER NOT NULL DEFAULT 0,
  rows_lsoa_agreed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE load_batches(
  load_id INTEGER NOT NULL REFERENCES loads(id),
  batch_no INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  last_line INTEGER NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_stored INTEGER NOT NULL,
  rows_present INTEGER NOT NULL,
  rows_quarantined INTEGER NOT NULL,
  committed_at TEXT NOT NULL,
  PRIMARY KEY(load_id, batch_no)) WITHOUT ROWID;
CREATE TABLE incident_segments(
  id INTEGER PRIMARY KEY,
  load_id INTEGER NOT NULL REFERENCES loads(id),
  batch_no INTEGER NOT NULL,
  first_incident_id INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  min_minute INTEGER NOT NULL,
  max_minute INTEGER NOT NULL,
  format_version INTEGER NOT NULL,
  keys BLOB NOT NULL,
  columns BLOB NOT NULL,
  UNIQUE(load_id, batch_no));
CREATE TABLE persons(
  id INTEGER PRIMARY KEY,
  agency TEXT NOT NULL,
  person_key TEXT NOT NULL,
  UNIQUE(agency, person_key));
CREATE TABLE involvements(
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL,
  person_id INTEGER REFERENCES persons(id),
  role INTEGER NOT NULL CHECK(role BETWEEN 0 AND 3),
  age_min INTEGER,
  age_max INTEGER,
  sex INTEGER NOT NULL CHECK(sex BETWEEN 0 AND 3),
  CHECK((age_min IS NULL AND age_max IS NULL) OR (age_min >= 0 AND age_max >= age_min)));
CREATE UNIQUE INDEX involvements_once ON involvements(incident_id, person_id, role) WHERE person_id IS NOT NULL;
CREATE INDEX involvements_by_incident ON involvements(incident_id);
CREATE INDEX involvements_by_person ON involvements(person_id) WHERE person_id IS NOT NULL;
CREATE TABLE agency_records(
  id INTEGER PRIMARY KEY,
  load_id INTEGER NOT NULL REFERENCES loads(id),
  line INTEGER NOT NULL,
  agency TEXT NOT NULL,
  record_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_date TEXT NOT NULL,
  given_name TEXT NOT NULL,
  surname TEXT NOT NULL,
  date_of_birth TEXT,
  sex INTEGER NOT NULL CHECK(sex BETWEEN 0 AND 3),
  postcode TEXT,
  UNIQUE(agency, record_id));
CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  load_id INTEGER NOT NULL REFERENCES loads(id),
  batch_no INTEGER NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  column_index INTEGER NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('application', 'harmlens'), ('schema_version', '0');
)sql",
    // 1 -> 2: incident counts per segment and summary cell, written with each segment so
    // that a summary reads these rows instead of decoding every segment. Segments stored
    // before this version are counted by BackfillIncidentCounts in the same transaction.
    R"sql(
CREATE TABLE incident_counts(
  segment_id INTEGER NOT NULL REFERENCES incident_segments(id),
  agency INTEGER NOT NULL CHECK(agency BETWEEN 0 AND 3),
  crime_type INTEGER NOT NULL CHECK(crime_type BETWEEN 1 AND 14),
  month INTEGER NOT NULL,
  behaviours INTEGER NOT NULL,
  csp_area TEXT NOT NULL,
  has_lsoa INTEGER NOT NULL CHECK(has_lsoa IN (0, 1)),
  incidents INTEGER NOT NULL CHECK(incidents > 0));
)sql",
    // 2 -> 3: a load's content_hash names its algorithm ("sha256:<hex>"). Hashes
    // recorded before this version are BLAKE2b-256, and say so now.
    R"sql(
UPDATE loads SET content_hash = 'blake2b-256:' || content_hash
  WHERE content_hash IS NOT NULL AND content_hash <> '';
)sql",
    // 3 -> 4: incidents are keyed with SipHash-2-4-128 under a secret of the store's own
    // (meta 'incident_key_secret'), drawn and applied to every stored segment's keys by
    // CreateKeySecretAndRekey in the migration's transaction.
    R"sql(
SELECT 1;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSqliteSchemaVersion);

// A prepared statement, reset after every use.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Status Prepare(sqlite3* db, const char* sql) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      return Status::Internal(std::string("store: cannot prepare statement: ") + sqlite3_errmsg(db));
    }
    return Status::Ok();
  }
  sqlite3_stmt* get() const { return stmt_; }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  // Empty text is stored as NULL: "not given" reads better in SQL than "".
  void BindTextOrNull(int i, std::string_view v) {
    if (v.empty()) {
      BindNull(i);
    } else {
      Bind(i, v);
    }
  }
  std::string_view Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p),
                                static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override {
    // Statements must be finalised before the connection closes.
    statements_.reset();
    sqlite3_close_v2(db_);
  }

  Status Open(const SqliteOptions& options) {
    options_ = options;
    env_ = options.env;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      return Status::IoError("store " + path_ + ": cannot open: " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 10000);
    HL_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON"));
    // Large pages suit a store of large segment blobs: 16 times fewer pages to
    // checksum, journal and checkpoint than the 4 KB default. Only takes effect when
    // the file is created.
    HL_RETURN_IF_ERROR(Exec("PRAGMA page_size = 65536"));
    // Classify the file before changing anything in it: switching to WAL is written to
    // the file's header, and a foreign or newer file must be refused untouched.
    HL_ASSIGN_OR_RETURN(int version, SchemaVersion());
    if (version > kSqliteSchemaVersion) return NewerSchema(version);
    HL_RETURN_IF_ERROR(SwitchToWal());
    HL_RETURN_IF_ERROR(Exec("PRAGMA synchronous = FULL"));
    HL_RETURN_IF_ERROR(Exec("PRAGMA cache_size = -" + std::to_string(options.cache_mebibytes * 1024)));
    HL_RETURN_IF_ERROR(Exec("PRAGMA temp_store = MEMORY"));
    // Copies the WAL into the file once it holds about one batch (32 pages of 64 KB),
    // not at SQLite's default of 1,000 pages (64 MB here): the WAL stays small and hot
    // in the page cache, and closing the store has little left to copy. Measured: 5%
    // off a 19-month police.uk ingest and 3% off 2 M rows (docs/PERFORMANCE.md).
    HL_RETURN_IF_ERROR(Exec("PRAGMA wal_autocheckpoint = 32"));
    // Reads straight from the mapped file instead of copying each page through read():
    // the copies were most of the time of a whole-store scan. SQLite caps this at its
    // compile-time maximum (2 GiB in Debian's build); pages beyond are read as before.
    HL_RETURN_IF_ERROR(Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_mebibytes * 1024 * 1024)));
    if (version < kSqliteSchemaVersion) HL_RETURN_IF_ERROR(Migrate());
    HL_RETURN_IF_ERROR(ReadKeySecret());
    return PrepareStatements();
  }

  const IncidentKeySecret& incident_key_secret() const override { return key_secret_; }

  Result<int64_t> BeginLoad(const LoadStart& start) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_,
                                  "INSERT INTO loads(feed, file, bytes, rules_version, started_at) "
                                  "VALUES (?, ?, ?, ?, ?)"));
    st.Bind(1, start.feed);
    st.Bind(2, start.file);
    st.Bind(3, start.bytes);
    st.Bind(4, start.rules_version);
    st.Bind(5, FormatUtcTimestamp(env_->NowUnixSeconds()));
    HL_RETURN_IF_ERROR(StepDone(st, "record the load"));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  // The key set at its final size at once (the stored keys read first): growing it by
  // doubling allocated (and the kernel zeroed) twice its final size and placed most
  // keys twice, a tenth of the writing thread's time on a 2 M-row ingest. A hint: if
  // the stored keys cannot be read now, the first batch reads them as always.
  void ExpectIncidents(int64_t incidents) override {
    if (incidents > 0 && RefreshKeys().ok()) known_keys_.Reserve(known_keys_.size() + static_cast<size_t>(incidents));
  }

  Result<BatchCounts> WriteBatch(const IncidentBatch& batch) override {
    HL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Result<BatchCounts> counts = WriteBatchInTransaction(batch);
    Status commit = counts.ok() ? Exec("COMMIT") : counts.status();
    if (!commit.ok()) {
      // After a failed write or commit (e.g. a failed fsync) roll back, and forget the
      // keys this batch added: they are rebuilt from the file on the next batch.
      (void)Exec("ROLLBACK");
      known_keys_ = IncidentKeySet();
      last_segment_seen_ = 0;
      return commit;
    }
    return counts;
  }

  Result<LoadCounts> WriteAgencyRecords(const AgencyRecordBatch& batch) override {
    HL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Result<LoadCounts> counts = WriteAgencyRecordsInTransaction(batch);
    Status commit = counts.ok() ? Exec("COMMIT") : counts.status();
    if (!commit.ok()) {
      (void)Exec("ROLLBACK");
      return commit;
    }
    return counts;
  }

  Status FinishLoad(int64_t load_id, const std::string& content_hash) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_, "UPDATE loads SET finished_at = ?, content_hash = ? WHERE id = ?"));
    st.Bind(1, FormatUtcTimestamp(env_->NowUnixSeconds()));
    st.Bind(2, content_hash);
    st.Bind(3, load_id);
    return StepDone(st, "finish the load");
  }

  Result<std::vector<LoadRecord>> ListLoads() override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT id, feed, file, coalesce(content_hash, ''), bytes, rules_version, started_at, "
        "coalesce(finished_at, ''), rows_read, rows_stored, rows_present, rows_quarantined, "
        "rows_lsoa_checked, rows_lsoa_agreed FROM loads ORDER BY id"));
    std::vector<LoadRecord> loads;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      LoadRecord r;
      r.id = st.Int(0);
      r.start.feed = st.Text(1);
      r.start.file = st.Text(2);
      r.content_hash = st.Text(3);
      r.start.bytes = st.Int(4);
      r.start.rules_version = st.Text(5);
      r.started_at = st.Text(6);
      r.finished_at = st.Text(7);
      r.complete = !r.finished_at.empty();
      r.counts = {st.Int(8), st.Int(9), st.Int(10), st.Int(11)};
      r.rows_lsoa_checked = st.Int(12);
      r.rows_lsoa_agreed = st.Int(13);
      loads.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Error("list loads");
    return loads;
  }

  Result<std::vector<QuarantinedRow>> ListQuarantine(std::optional<int64_t> load_id) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT q.file, q.line, q.column_name, q.column_index, q.value, q.reason, q.raw, l.feed "
        "FROM quarantine q JOIN loads l ON l.id = q.load_id "
        "WHERE ?1 IS NULL OR q.load_id = ?1 ORDER BY q.load_id, q.line"));
    if (load_id) {
      st.Bind(1, *load_id);
    } else {
      st.BindNull(1);
    }
    std::vector<QuarantinedRow> rows;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      QuarantinedRow q;
      q.source.file = st.Text(0);
      q.source.line = st.Int(1);
      q.column = st.Text(2);
      q.column_index = static_cast<int>(st.Int(3));
      q.value = st.Text(4);
      q.reason = st.Text(5);
      q.raw = st.Text(6);
      rows.push_back(std::move(q));
    }
    if (rc != SQLITE_DONE) return Error("list quarantined rows");
    return rows;
  }

  Result<int64_t> CountIncidents() override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_, "SELECT coalesce(sum(row_count), 0) FROM incident_segments"));
    if (sqlite3_step(st.get()) != SQLITE_ROW) return Error("count incidents");
    return st.Int(0);
  }

  Status ScanIncidents(const IncidentScan& scan,
                       const std::function<void(const IncidentRow&)>& visit) override {
    return ScanRows(scan, INT64_MIN, visit);
  }

  Status ScanIncidentsAfter(int64_t after_incident_id,
                            const std::function<void(const IncidentRow&)>& visit) override {
    return ScanRows(IncidentScan{}, after_incident_id, visit);
  }

  Status ScanIncidentCounts(std::optional<YearMonth> from, std::optional<YearMonth> to,
                            const std::function<void(const IncidentCount&)>& visit) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT agency, crime_type, month, behaviours, csp_area, has_lsoa, incidents FROM incident_counts "
        "WHERE month BETWEEN ?1 AND ?2"));  // one row per segment and cell: callers add
    st.Bind(1, static_cast<int64_t>(from ? from->Index() : INT32_MIN));
    st.Bind(2, static_cast<int64_t>(to ? to->Index() : INT32_MAX));
    IncidentCount cell;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      // The table's CHECKs keep agency and crime type in range; a file edited by hand
      // could still break them, and the values become enums.
      const int64_t agency = st.Int(0), type = st.Int(1);
      if (agency < 0 || agency > 3 || type < 1 || type > 14) {
        return Status::Corruption("store " + path_ +
                                  ": incident_counts has an out-of-range agency or crime type");
      }
      cell.agency = static_cast<Agency>(agency);
      cell.crime_type = static_cast<CrimeType>(type);
      cell.month = YearMonth::FromIndex(static_cast<int>(st.Int(2)));
      cell.behaviours = BehaviourSet::FromBits(static_cast<uint32_t>(st.Int(3)));
      cell.csp_area = st.Text(4);
      cell.has_lsoa = st.Int(5) != 0;
      cell.incidents = st.Int(6);
      visit(cell);
    }
    if (rc != SQLITE_DONE) return Error("read incident counts");
    return Status::Ok();
  }

  Status ScanRows(const IncidentScan& scan, int64_t after_id, const std::function<void(const IncidentRow&)>& visit) {
    IncidentRow row;
    return ForEachSegment(scan, after_id, [&](const SegmentReader& segment, int64_t first_id, const std::string&,
                                              int64_t from, int64_t to) {
      for (uint32_t i = 0; i < segment.row_count(); ++i) {
        if (first_id + static_cast<int64_t>(i) <= after_id) continue;
        row.occurred = segment.occurred(i);
        if (row.occurred.local_minute < from || row.occurred.local_minute >= to) continue;
        row.id = first_id + i;
        row.agency = segment.agency(i);
        row.crime_type = segment.crime_type(i);
        row.behaviours = segment.behaviours(i);
        row.csp_area = segment.csp_area(i);
        row.lsoa_reported = segment.lsoa_reported(i);
        row.lsoa_by_point = segment.lsoa_by_point(i);
        row.source_id = segment.source_id(i);
        row.offence_code = segment.offence_code(i);
        row.location_description = segment.location_description(i);
        row.weapon = segment.weapon(i);
        uint8_t domestic = segment.domestic_code(i);
        row.domestic = domestic == 0 ? std::nullopt : std::optional<bool>(domestic == 2);
        double lon = segment.longitude(i), lat = segment.latitude(i);
        row.point = std::isnan(lon) || std::isnan(lat) ? std::nullopt : std::optional<GeoPoint>(GeoPoint{lon, lat});
        row.occurred_note = segment.time_note(i);
        row.assault_method = segment.assault_method(i);
        visit(row);
      }
    });
  }

  Status ReadIncidents(const IncidentScan& scan,
                       const std::function<void(int64_t, const Incident&)>& visit) override {
    return ForEachSegment(scan, INT64_MIN, [&](const SegmentReader& segment, int64_t first_id, const std::string& file,
                                    int64_t from, int64_t to) {
      for (uint32_t i = 0; i < segment.row_count(); ++i) {
        int64_t minute = segment.occurred(i).local_minute;
        if (minute < from || minute >= to) continue;
        visit(first_id + i, segment.ToIncident(i, file));
      }
    });
  }

  Result<std::vector<Involvement>> InvolvementsOf(int64_t incident_id) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT coalesce(p.person_key, ''), v.role, v.age_min, v.age_max, v.sex FROM involvements v "
        "LEFT JOIN persons p ON p.id = v.person_id WHERE v.incident_id = ? ORDER BY v.role, p.person_key, v.id"));
    st.Bind(1, incident_id);
    std::vector<Involvement> out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      Involvement inv;
      inv.person_key = st.Text(0);
      inv.role = static_cast<Role>(st.Int(1));
      if (sqlite3_column_type(st.get(), 2) != SQLITE_NULL) {
        inv.age = AgeRange{static_cast<int>(st.Int(2)), static_cast<int>(st.Int(3))};
      }
      inv.sex = static_cast<Sex>(st.Int(4));
      out.push_back(std::move(inv));
    }
    if (rc != SQLITE_DONE) return Error("read involvements");
    return out;
  }

  Status ScanInvolvements(int64_t after_incident_id,
                          const std::function<void(const InvolvementRow&)>& visit) override {
    Statement st;
    // Every load stores involvements in incident order, so storing (rowid) order is
    // incident order; a whole-table read in rowid order is sequential, where the index
    // would seek once per row. A catch-up read of a few new rows uses the index.
    const bool whole_table = after_incident_id <= 0;
    HL_RETURN_IF_ERROR(st.Prepare(db_, whole_table
                                           ? "SELECT incident_id, coalesce(person_id, 0), role, age_min, age_max, sex "
                                             "FROM involvements ORDER BY id"
                                           : "SELECT incident_id, coalesce(person_id, 0), role, age_min, age_max, sex "
                                             "FROM involvements WHERE incident_id > ? ORDER BY incident_id, id"));
    if (!whole_table) st.Bind(1, after_incident_id);
    InvolvementRow row;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      row.incident_id = st.Int(0);
      row.person_id = st.Int(1);
      row.role = static_cast<Role>(st.Int(2));
      if (sqlite3_column_type(st.get(), 3) != SQLITE_NULL) {
        row.age = AgeRange{static_cast<int>(st.Int(3)), static_cast<int>(st.Int(4))};
      } else {
        row.age.reset();
      }
      row.sex = static_cast<Sex>(st.Int(5));
      visit(row);
    }
    if (rc != SQLITE_DONE) return Error("read involvements");
    return Status::Ok();
  }

  Status ReadAgencyRecords(const std::function<void(int64_t, const AgencyRecord&)>& visit) override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT r.id, l.file, r.line, r.agency, r.record_id, r.event_type, r.event_date, r.given_name, r.surname, "
        "coalesce(r.date_of_birth, ''), r.sex, coalesce(r.postcode, '') "
        "FROM agency_records r JOIN loads l ON l.id = r.load_id ORDER BY r.id"));
    int rc;
    AgencyRecord record;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const int64_t id = st.Int(0);
      auto damaged = [&](const std::string& what) {
        // Names the stored id and the column, never the person's identifiers.
        return Status::Corruption("store " + path_ + ": agency record " + std::to_string(id) + " has " + what);
      };
      std::optional<PartnerAgency> agency = PartnerAgencyFromName(st.Text(3));
      if (!agency) return damaged("an unknown agency");
      std::optional<CivilDate> event_date = ParseCivilDate(st.Text(6));
      if (!event_date) return damaged("an unreadable event_date");
      record.date_of_birth.reset();
      if (!st.Text(9).empty()) {
        record.date_of_birth = ParseCivilDate(st.Text(9));
        if (!record.date_of_birth) return damaged("an unreadable date_of_birth");
      }
      record.source = {Agency::kPartnerAgency, std::string(st.Text(1)), st.Int(2)};
      record.agency = *agency;
      record.record_id = st.Text(4);
      record.event_type = st.Text(5);
      record.event_date = *event_date;
      record.given_name = st.Text(7);
      record.surname = st.Text(8);
      record.sex = static_cast<Sex>(st.Int(10));
      record.postcode = st.Text(11);
      visit(id, record);
    }
    if (rc != SQLITE_DONE) return Error("read agency records");
    return Status::Ok();
  }

  Result<std::unique_ptr<Store>> OpenReader() override {
    // A second connection to the file. An in-memory or temporary database exists only
    // on its own connection, so it cannot be shared.
    if (path_.empty() || path_ == ":memory:" || path_.rfind("file:", 0) == 0) {
      return Status::InvalidArgument("store " + path_ + ": an in-memory store has no second handle");
    }
    SqliteOptions options = options_;
    options.create_if_missing = false;
    return OpenSqliteStore(path_, options);
  }

  Status CheckIntegrity() override {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_, "PRAGMA integrity_check"));
    std::string problems;
    while (sqlite3_step(st.get()) == SQLITE_ROW) {
      std::string_view line = st.Text(0);
      if (line != "ok") problems += std::string(line) + "; ";
    }
    if (!problems.empty()) return Status::Corruption("store " + path_ + ": " + problems);
    Statement fk;
    HL_RETURN_IF_ERROR(fk.Prepare(db_, "PRAGMA foreign_key_check"));
    if (sqlite3_step(fk.get()) == SQLITE_ROW) {
      return Status::Corruption("store " + path_ + ": a row refers to a missing parent in table " +
                                std::string(fk.Text(0)));
    }
    return Status::Ok();
  }

 private:
  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return Status::IoError("store " + path_ + ": " + msg);
    }
    return Status::Ok();
  }

  Status Error(const std::string& what) {
    return Status::IoError("store " + path_ + ": cannot " + what + ": " + sqlite3_errmsg(db_));
  }

  Status StepDone(Statement& st, const std::string& what) {
    int rc = sqlite3_step(st.get());
    Status s = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? Status::Ok() : Error(what);
    st.Reset();
    return s;
  }

  // Switching a new file from the rollback journal to WAL needs an exclusive lock, and
  // SQLite does not wait for it through the busy handler: when several processes create
  // the same store at once, all but one get SQLITE_BUSY at once. So wait here, as long
  // as the busy timeout would. (A file already in WAL needs no lock for this.)
  Status SwitchToWal() {
    constexpr int kWaitMilliseconds = 10, kAttempts = 1000;  // 10 s, as sqlite3_busy_timeout
    for (int attempt = 1;; ++attempt) {
      Statement st;
      HL_RETURN_IF_ERROR(st.Prepare(db_, "PRAGMA journal_mode = WAL"));
      int rc = sqlite3_step(st.get());
      if (rc == SQLITE_ROW) {
        std::string mode(st.Text(0));
        if (mode == "wal") return Status::Ok();
        return Status::IoError("store " + path_ + ": cannot switch to the WAL journal (still \"" + mode + "\")");
      }
      if ((rc & 0xFF) != SQLITE_BUSY || attempt == kAttempts) return Error("switch to the WAL journal");
      sqlite3_sleep(kWaitMilliseconds);
    }
  }

  // The schema version recorded in the file, 0 for a new empty file. Only reads.
  Result<int> SchemaVersion() {
    Statement probe;
    // A file that is not SQLite fails here, on the first read of its header.
    if (!probe.Prepare(db_, "SELECT count(*) FROM sqlite_master").ok() || sqlite3_step(probe.get()) != SQLITE_ROW) {
      if ((sqlite3_errcode(db_) & 0xFF) == SQLITE_NOTADB) {
        return Status::Corruption("store " + path_ + " is not a SQLite database: " + sqlite3_errmsg(db_));
      }
      return Error("read the schema");
    }
    if (probe.Int(0) == 0) return 0;  // a new, empty file
    Statement st;
    if (!st.Prepare(db_, "SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')").ok()) {
      return Status::Corruption("store " + path_ + " is a SQLite file but not a harmlens store (no meta table)");
    }
    std::string application, version;
    while (sqlite3_step(st.get()) == SQLITE_ROW) {
      if (st.Text(0) == "application") application = st.Text(1);
      if (st.Text(0) == "schema_version") version = st.Text(1);
    }
    if (application != "harmlens" || version.empty()) {
      return Status::Corruption("store " + path_ + " is a SQLite file but not a harmlens store");
    }
    // Text from the file: a damaged or hand-edited value must be refused, not thrown
    // (std::stoi) or used to index the migrations (a negative number).
    int number = -1;
    auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), number);
    if (error != std::errc() || end != version.data() + version.size() || number < 0) {
      return Status::Corruption("store " + path_ + " has an unreadable schema version \"" + version +
                                "\" in its meta table");
    }
    return number;
  }

  Status NewerSchema(int version) {
    return Status::Corruption("store " + path_ + " has schema version " + std::to_string(version) +
                              ", newer than this harmlens understands (" + std::to_string(kSqliteSchemaVersion) +
                              "): upgrade harmlens");
  }

  Status Migrate() {
    HL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    // Read again under the write lock: another process may have migrated the file
    // since Open looked, and running the first migration twice would fail.
    Result<int> current = SchemaVersion();
    if (!current.ok() || *current >= kSqliteSchemaVersion) {
      (void)Exec("ROLLBACK");
      if (!current.ok()) return current.status();
      return *current > kSqliteSchemaVersion ? NewerSchema(*current) : Status::Ok();
    }
    const int version = *current;
    for (int v = version; v < kSqliteSchemaVersion; ++v) {
      Status s = Exec(kMigrations[v]);
      if (!s.ok()) {
        (void)Exec("ROLLBACK");
        return s.WithPrefix("migration to schema " + std::to_string(v + 1) + " failed: ");
      }
    }
    std::string seed = "UPDATE meta SET value = '" + std::to_string(kSqliteSchemaVersion) +
                       "' WHERE key = 'schema_version'; INSERT OR IGNORE INTO crime_types(id, name) VALUES ";
    bool first = true;
    for (CrimeType t : AllCrimeTypes()) {
      // Names are compile-time constants without quotes; no user text reaches this SQL.
      seed += (first ? "(" : ",(") + std::to_string(static_cast<int>(t)) + ",'" +
              std::string(CrimeTypeName(t)) + "')";
      first = false;
    }
    Status s = Exec(seed);
    // Segments stored under schema 1 get their counts now, in the migration's transaction.
    if (s.ok() && version < 2) s = BackfillIncidentCounts();
    if (s.ok() && version < 4) s = CreateKeySecretAndRekey();
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
    return Exec("COMMIT");
  }

  // Segments overlapping [from, to) in commit order, with the first incident id and
  // the source file of each.
  Status ForEachSegment(const IncidentScan& scan, int64_t after_id,
                        const std::function<void(const SegmentReader&, int64_t, const std::string&, int64_t,
                                                 int64_t)>& visit) {
    int64_t from = scan.from_minute.value_or(INT64_MIN);
    int64_t to = scan.to_minute.value_or(INT64_MAX);
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(
        db_,
        "SELECT s.id, s.first_incident_id, s.format_version, s.columns, l.file FROM incident_segments s "
        "JOIN loads l ON l.id = s.load_id WHERE s.max_minute >= ?1 AND s.min_minute < ?2 "
        "AND s.first_incident_id + s.row_count - 1 > ?3 ORDER BY s.id"));
    st.Bind(1, from);
    st.Bind(2, to);
    st.Bind(3, after_id);
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      HL_ASSIGN_OR_RETURN(SegmentReader segment, OpenSegment(st.Int(0), st.Int(2), st.Blob(3)));
      visit(segment, st.Int(1), std::string(st.Text(4)), from, to);
    }
    if (rc != SQLITE_DONE) return Error("read incident segments");
    return Status::Ok();
  }

  Result<SegmentReader> OpenSegment(int64_t id, int64_t format_version, std::string_view blob) {
    // Version 1 segments (stores written before version 2) are read as they are.
    if (format_version < 1 || format_version > kSegmentFormatVersion) {
      return Status::Corruption("store " + path_ + ": segment " + std::to_string(id) +
                                " has format version " + std::to_string(format_version) + ", expected 1 to " +
                                std::to_string(kSegmentFormatVersion));
    }
    auto segment = SegmentReader::Open(blob);
    if (!segment.ok())
      return segment.status().WithPrefix("store " + path_ + ": segment " + std::to_string(id) + ": ");
    if (segment->format_version() != format_version) {
      return Status::Corruption("store " + path_ + ": segment " + std::to_string(id) +
                                " is recorded as format version " + std::to_string(format_version) +
                                " but its blob is version " + std::to_string(segment->format_version()));
    }
    return segment;
  }

  // The statements every batch uses, prepared once.
  struct BatchStatements {
    Statement upsert_person, find_person, insert_involvement, insert_quarantine, insert_segment, insert_batch,
        update_totals, next_incident_id, insert_agency_record, insert_count;
  };

  Status PrepareStatements() {
    statements_ = std::make_unique<BatchStatements>();
    BatchStatements& s = *statements_;
    HL_RETURN_IF_ERROR(s.upsert_person.Prepare(
        db_, "INSERT INTO persons(agency, person_key) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    HL_RETURN_IF_ERROR(s.find_person.Prepare(db_, "SELECT id FROM persons WHERE agency = ? AND person_key = ?"));
    HL_RETURN_IF_ERROR(s.insert_involvement.Prepare(
        db_,
        "INSERT INTO involvements(incident_id, person_id, role, age_min, age_max, sex) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT DO NOTHING"));
    HL_RETURN_IF_ERROR(s.insert_agency_record.Prepare(
        db_,
        "INSERT INTO agency_records(load_id, line, agency, record_id, event_type, event_date, given_name, "
        "surname, date_of_birth, sex, postcode) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(agency, record_id) DO NOTHING"));
    HL_RETURN_IF_ERROR(s.insert_quarantine.Prepare(
        db_,
        "INSERT INTO quarantine(load_id, batch_no, file, line, column_name, column_index, value, reason, raw) "
        "VALUES (?,?,?,?,?,?,?,?,?)"));
    HL_RETURN_IF_ERROR(s.insert_segment.Prepare(
        db_,
        "INSERT INTO incident_segments(load_id, batch_no, first_incident_id, row_count, min_minute, "
        "max_minute, format_version, keys, columns) VALUES (?,?,?,?,?,?,?,?,?)"));
    HL_RETURN_IF_ERROR(s.insert_batch.Prepare(
        db_,
        "INSERT INTO load_batches(load_id, batch_no, first_line, last_line, rows_read, rows_stored, "
        "rows_present, rows_quarantined, committed_at) VALUES (?,?,?,?,?,?,?,?,?)"));
    HL_RETURN_IF_ERROR(s.update_totals.Prepare(
        db_,
        "UPDATE loads SET rows_read = rows_read + ?, rows_stored = rows_stored + ?, "
        "rows_present = rows_present + ?, rows_quarantined = rows_quarantined + ?, "
        "rows_lsoa_checked = rows_lsoa_checked + ?, "
        "rows_lsoa_agreed = rows_lsoa_agreed + ? WHERE id = ?"));
    HL_RETURN_IF_ERROR(s.insert_count.Prepare(
        db_,
        "INSERT INTO incident_counts(segment_id, agency, crime_type, month, behaviours, csp_area, has_lsoa, "
        "incidents) VALUES (?,?,?,?,?,?,?,?)"));
    HL_RETURN_IF_ERROR(s.next_incident_id.Prepare(
        db_, "SELECT coalesce(max(first_incident_id + row_count), 1) FROM incident_segments"));
    return Status::Ok();
  }

  Status InsertCounts(int64_t segment_id, const SegmentSummary& summary) {
    Statement& st = statements_->insert_count;
    return summary.ForEachCell([&](const IncidentCount& cell) {
      st.Bind(1, segment_id);
      st.Bind(2, static_cast<int64_t>(cell.agency));
      st.Bind(3, static_cast<int64_t>(cell.crime_type));
      st.Bind(4, static_cast<int64_t>(cell.month.Index()));
      st.Bind(5, static_cast<int64_t>(cell.behaviours.bits()));
      st.Bind(6, cell.csp_area);
      st.Bind(7, static_cast<int64_t>(cell.has_lsoa));
      st.Bind(8, cell.incidents);
      return StepDone(st, "store incident counts");
    });
  }

  // Counts the segments of a schema-1 store (called inside the migration's transaction).
  Status BackfillIncidentCounts() {
    HL_RETURN_IF_ERROR(PrepareStatements());
    Statement st;
    HL_RETURN_IF_ERROR(
        st.Prepare(db_, "SELECT id, format_version, columns FROM incident_segments ORDER BY id"));
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      HL_ASSIGN_OR_RETURN(SegmentReader segment, OpenSegment(st.Int(0), st.Int(1), st.Blob(2)));
      SegmentSummary counts;
      for (uint32_t i = 0; i < segment.row_count(); ++i) {
        counts.AddToCell(segment.agency(i), segment.crime_type(i), segment.occurred(i).month().Index(),
                   segment.behaviours(i).bits(), segment.csp_area(i),
                   !segment.lsoa_reported(i).empty() || !segment.lsoa_by_point(i).empty());
      }
      HL_RETURN_IF_ERROR(InsertCounts(st.Int(0), counts));
    }
    if (rc != SQLITE_DONE) return Error("count the stored incidents");
    return Status::Ok();
  }

  // Schema 4: a random secret for this store's incident keys, and every segment's keys
  // recomputed under it from the source ids the segment holds.
  Status CreateKeySecretAndRekey() {
    if (sodium_init() < 0) return Status::Internal("store " + path_ + ": libsodium failed to initialise");
    randombytes_buf(key_secret_.bytes.data(), key_secret_.bytes.size());
    char hex[2 * sizeof key_secret_.bytes + 1];
    sodium_bin2hex(hex, sizeof hex, key_secret_.bytes.data(), key_secret_.bytes.size());
    Statement insert;
    HL_RETURN_IF_ERROR(insert.Prepare(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('incident_key_secret', ?)"));
    insert.Bind(1, hex);
    HL_RETURN_IF_ERROR(StepDone(insert, "record the store's key secret"));

    std::vector<int64_t> ids;
    Statement list;
    HL_RETURN_IF_ERROR(list.Prepare(db_, "SELECT id FROM incident_segments ORDER BY id"));
    int rc;
    while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) ids.push_back(list.Int(0));
    if (rc != SQLITE_DONE) return Error("list the stored segments");
    Statement read, write;
    HL_RETURN_IF_ERROR(read.Prepare(db_, "SELECT format_version, columns FROM incident_segments WHERE id = ?"));
    HL_RETURN_IF_ERROR(write.Prepare(db_, "UPDATE incident_segments SET keys = ? WHERE id = ?"));
    for (int64_t id : ids) {
      read.Bind(1, id);
      if (sqlite3_step(read.get()) != SQLITE_ROW) return Error("read segment " + std::to_string(id));
      HL_ASSIGN_OR_RETURN(SegmentReader segment, OpenSegment(id, read.Int(0), read.Blob(1)));
      std::string keys;
      keys.reserve(segment.row_count() * sizeof(IncidentKey::bytes));
      for (uint32_t i = 0; i < segment.row_count(); ++i) {
        IncidentKey key = KeyOf(key_secret_, segment.agency(i), segment.source_id(i));
        keys.append(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size());
      }
      read.Reset();  // done with the segment's bytes before its row is rewritten
      write.BindBlob(1, keys);
      write.Bind(2, id);
      HL_RETURN_IF_ERROR(StepDone(write, "rekey segment " + std::to_string(id)));
    }
    return Status::Ok();
  }

  Status ReadKeySecret() {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_, "SELECT value FROM meta WHERE key = 'incident_key_secret'"));
    std::string hex = sqlite3_step(st.get()) == SQLITE_ROW ? std::string(st.Text(0)) : "";
    size_t decoded = 0;
    const char* end = nullptr;
    const bool readable = sodium_hex2bin(key_secret_.bytes.data(), key_secret_.bytes.size(), hex.c_str(),
                                         hex.size(), nullptr, &decoded, &end) == 0 &&
                          decoded == key_secret_.bytes.size() && end == hex.c_str() + hex.size();
    if (!readable) {
      return Status::Corruption("store " + path_ +
                                " has no readable incident_key_secret (32 hexadecimal digits) in its meta table");
    }
    return Status::Ok();
  }

  // Brings the in-memory key set up to date with every committed segment, including
  // those other processes wrote since we last looked. Called inside the write
  // transaction, so no segment can appear between this and our commit.
  Status RefreshKeys() {
    Statement st;
    HL_RETURN_IF_ERROR(st.Prepare(db_, "SELECT id, keys FROM incident_segments WHERE id > ? ORDER BY id"));
    st.Bind(1, last_segment_seen_);
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      std::string_view keys = st.Blob(1);
      if (keys.size() % sizeof(IncidentKey::bytes) != 0) {
        return Status::Corruption("store " + path_ + ": segment " + std::to_string(st.Int(0)) +
                                  " has a damaged key list");
      }
      for (size_t off = 0; off < keys.size(); off += sizeof(IncidentKey::bytes)) {
        IncidentKey key;
        std::memcpy(key.bytes.data(), keys.data() + off, key.bytes.size());
        known_keys_.Insert(key);
      }
      last_segment_seen_ = st.Int(0);
    }
    if (rc != SQLITE_DONE) return Error("read incident keys");
    return Status::Ok();
  }

  // Stores the involvements of a new incident. An involvement already stored (the same
  // person in the same role, listed twice) is counted in `*duplicates`.
  Status InsertInvolvements(const Incident& inc, int64_t incident_id, int64_t* duplicates) {
    BatchStatements& s = *statements_;
    std::string_view agency = AgencyName(inc.source.agency);
    for (const Involvement& inv : inc.involvements) {
      Statement& insert = s.insert_involvement;
      insert.Bind(1, incident_id);
      if (!inv.person_key.empty()) {  // an anonymised source names no person: NULL
        s.upsert_person.Bind(1, agency);
        s.upsert_person.Bind(2, inv.person_key);
        HL_RETURN_IF_ERROR(StepDone(s.upsert_person, "store a person"));
        s.find_person.Bind(1, agency);
        s.find_person.Bind(2, inv.person_key);
        if (sqlite3_step(s.find_person.get()) != SQLITE_ROW) {
          s.find_person.Reset();
          return Error("find a person");
        }
        insert.Bind(2, s.find_person.Int(0));
        s.find_person.Reset();
      }
      insert.Bind(3, static_cast<int64_t>(inv.role));
      if (inv.age) {
        insert.Bind(4, static_cast<int64_t>(inv.age->min_years));
        insert.Bind(5, static_cast<int64_t>(inv.age->max_years));
      }
      insert.Bind(6, static_cast<int64_t>(inv.sex));
      HL_RETURN_IF_ERROR(StepDone(insert, "store an involvement"));
      if (sqlite3_changes(db_) == 0) ++*duplicates;
    }
    return Status::Ok();
  }

  // Adds a batch's counts to its load's totals. InvalidArgument if the load does not
  // exist: the caller's mistake, reported as such before any insert could fail on a
  // foreign key.
  Status AddToLoadTotals(int64_t load_id, const LoadCounts& counts, int64_t lsoa_checked, int64_t lsoa_agreed) {
    Statement& totals = statements_->update_totals;
    totals.Bind(1, counts.read);
    totals.Bind(2, counts.stored);
    totals.Bind(3, counts.already_present);
    totals.Bind(4, counts.quarantined);
    totals.Bind(5, lsoa_checked);
    totals.Bind(6, lsoa_agreed);
    totals.Bind(7, load_id);
    HL_RETURN_IF_ERROR(StepDone(totals, "update the load totals"));
    if (sqlite3_changes(db_) != 1) {
      return Status::InvalidArgument("store: batch refers to load " + std::to_string(load_id) +
                                     ", which does not exist");
    }
    return Status::Ok();
  }

  // The quarantined rows and the accounting row of one load's part of a batch.
  Status RecordBatch(int64_t load_id, int64_t batch_no, int64_t first_line, int64_t last_line,
                     const LoadCounts& counts, const std::vector<QuarantinedRow>& quarantined) {
    BatchStatements& s = *statements_;
    for (const QuarantinedRow& q : quarantined) {
      Statement& st = s.insert_quarantine;
      st.Bind(1, load_id);
      st.Bind(2, batch_no);
      st.Bind(3, q.source.file);
      st.Bind(4, q.source.line);
      st.Bind(5, q.column);
      st.Bind(6, static_cast<int64_t>(q.column_index));
      st.Bind(7, q.value);
      st.Bind(8, q.reason);
      st.Bind(9, q.raw);
      HL_RETURN_IF_ERROR(StepDone(st, "quarantine a row"));
    }
    Statement& record = s.insert_batch;
    record.Bind(1, load_id);
    record.Bind(2, batch_no);
    record.Bind(3, first_line);
    record.Bind(4, last_line);
    record.Bind(5, counts.read);
    record.Bind(6, counts.stored);
    record.Bind(7, counts.already_present);
    record.Bind(8, counts.quarantined);
    record.Bind(9, FormatUtcTimestamp(env_->NowUnixSeconds()));
    return StepDone(record, "record the batch");
  }

  Result<BatchCounts> WriteBatchInTransaction(const IncidentBatch& batch) {
    BatchStatements& s = *statements_;
    HL_RETURN_IF_ERROR(RefreshKeys());
    BatchCounts result;
    LoadCounts& counts = result.rows;
    // A batch whose rows come only encoded (police.uk's parsing threads) has a key per row.
    const bool only_encoded = batch.incidents.empty() && !batch.encoded_incidents.empty();
    const size_t row_count = only_encoded ? batch.keys.size() : batch.incidents.size();
    counts.read = static_cast<int64_t>(row_count + batch.quarantined.size());
    const bool keys_given = batch.keys.size() == row_count;
    std::vector<size_t> fresh_rows;
    std::string fresh_keys;
    int64_t involvements_of_present = 0;
    constexpr size_t kPrefetchAhead = 8;
    for (size_t i = 0; i < row_count; ++i) {
      if (keys_given && i + kPrefetchAhead < row_count) known_keys_.Prefetch(batch.keys[i + kPrefetchAhead]);
      IncidentKey key = keys_given ? batch.keys[i]
                                   : KeyOf(key_secret_, batch.incidents[i].source.agency, batch.incidents[i].source_id);
      if (!known_keys_.Insert(key)) {
        ++counts.already_present;
        if (!only_encoded) involvements_of_present += static_cast<int64_t>(batch.incidents[i].involvements.size());
        continue;
      }
      fresh_rows.push_back(i);
      fresh_keys.append(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size());
    }
    counts.stored = static_cast<int64_t>(fresh_rows.size());
    counts.quarantined = static_cast<int64_t>(batch.quarantined.size());
    // The totals first: updating no row means the load does not exist, which is the
    // caller's mistake to report as such (the inserts below would only fail on a
    // foreign key). Any later failure rolls this back with the rest of the batch.
    HL_RETURN_IF_ERROR(AddToLoadTotals(batch.load_id, counts, batch.rows_lsoa_checked, batch.rows_lsoa_agreed));
    int64_t involvements_stored = 0, duplicate_involvements = 0;
    if (!fresh_rows.empty()) {
      if (sqlite3_step(s.next_incident_id.get()) != SQLITE_ROW) {
        s.next_incident_id.Reset();
        return Error("number new incidents");
      }
      int64_t first_id = s.next_incident_id.Int(0);
      s.next_incident_id.Reset();
      // The caller's encoding and summary when they hold exactly these incidents (the
      // usual case: a load of new rows), so that the work is done on its threads, where
      // the rows are still in the cache, not on this one.
      const bool all_fresh = fresh_rows.size() == row_count;
      // Otherwise the new rows are encoded again, taken from the encoded batch if that
      // is all there is (a reload overlapping a stored file: rare, so not fast).
      std::vector<Incident> decoded;
      std::vector<const Incident*> fresh;
      if (!all_fresh && only_encoded) {
        HL_ASSIGN_OR_RETURN(SegmentReader reader, SegmentReader::Open(batch.encoded_incidents));
        if (reader.row_count() != row_count) {
          return Status::InvalidArgument("store: a batch's keys and rows differ in number");
        }
        decoded.reserve(fresh_rows.size());
        for (size_t i : fresh_rows) decoded.push_back(reader.ToIncident(i, ""));
        for (const Incident& inc : decoded) fresh.push_back(&inc);
      } else if (!only_encoded) {
        for (size_t i : fresh_rows) fresh.push_back(&batch.incidents[i]);
      }
      std::string encoded;
      if (!all_fresh || batch.encoded_incidents.empty()) encoded = EncodeSegment(fresh);
      std::string_view columns = encoded.empty() ? std::string_view(batch.encoded_incidents) : encoded;
      SegmentSummary counted;
      const SegmentSummary* summary = &batch.summary;
      if (!all_fresh || batch.summary.rows() != counts.stored) {
        if (fresh.empty()) return Status::InvalidArgument("store: a batch of encoded rows without their summary");
        for (const Incident* inc : fresh) counted.Add(*inc);
        summary = &counted;
      }
      Statement& seg = s.insert_segment;
      seg.Bind(1, batch.load_id);
      seg.Bind(2, batch.batch_no);
      seg.Bind(3, first_id);
      seg.Bind(4, counts.stored);
      seg.Bind(5, summary->min_minute());
      seg.Bind(6, summary->max_minute());
      seg.Bind(7, static_cast<int64_t>(kSegmentFormatVersion));
      seg.BindBlob(8, fresh_keys);
      seg.BindBlob(9, columns);
      HL_RETURN_IF_ERROR(StepDone(seg, "store incidents"));
      last_segment_seen_ = sqlite3_last_insert_rowid(db_);
      HL_RETURN_IF_ERROR(InsertCounts(last_segment_seen_, *summary));
      if (summary->involvements() > 0) {  // police.uk rows name nobody: no need to visit them
        for (size_t i = 0; i < fresh.size(); ++i) {
          HL_RETURN_IF_ERROR(
              InsertInvolvements(*fresh[i], first_id + static_cast<int64_t>(i), &duplicate_involvements));
          involvements_stored += static_cast<int64_t>(fresh[i]->involvements.size());
        }
      }
      involvements_stored -= duplicate_involvements;
    }
    HL_RETURN_IF_ERROR(
        RecordBatch(batch.load_id, batch.batch_no, batch.first_line, batch.last_line, counts, batch.quarantined));
    if (!batch.completes_load.empty()) HL_RETURN_IF_ERROR(FinishLoad(batch.load_id, batch.completes_load));
    if (batch.involvement_rows) {
      const InvolvementRows& rows = *batch.involvement_rows;
      LoadCounts& inv = result.involvement_rows;
      inv.stored = involvements_stored;
      inv.already_present = involvements_of_present + duplicate_involvements;
      inv.quarantined = static_cast<int64_t>(rows.quarantined.size());
      inv.read = inv.stored + inv.already_present + inv.quarantined;
      HL_RETURN_IF_ERROR(AddToLoadTotals(rows.load_id, inv, 0, 0));
      HL_RETURN_IF_ERROR(
          RecordBatch(rows.load_id, rows.batch_no, rows.first_line, rows.last_line, inv, rows.quarantined));
    }
    return result;
  }

  Result<LoadCounts> WriteAgencyRecordsInTransaction(const AgencyRecordBatch& batch) {
    LoadCounts counts;
    counts.read = static_cast<int64_t>(batch.records.size() + batch.quarantined.size());
    counts.quarantined = static_cast<int64_t>(batch.quarantined.size());
    // Totals are written last, once stored and already present are known; a missing
    // load is still reported as such, because the inserts check it first.
    Statement exists;
    HL_RETURN_IF_ERROR(exists.Prepare(db_, "SELECT 1 FROM loads WHERE id = ?"));
    exists.Bind(1, batch.load_id);
    if (sqlite3_step(exists.get()) != SQLITE_ROW) {
      return Status::InvalidArgument("store: batch refers to load " + std::to_string(batch.load_id) +
                                     ", which does not exist");
    }
    Statement& insert = statements_->insert_agency_record;
    for (const AgencyRecord& r : batch.records) {
      insert.Bind(1, batch.load_id);
      insert.Bind(2, r.source.line);
      insert.Bind(3, PartnerAgencyName(r.agency));
      insert.Bind(4, r.record_id);
      insert.Bind(5, r.event_type);
      insert.Bind(6, r.event_date.ToString());
      insert.Bind(7, r.given_name);
      insert.Bind(8, r.surname);
      if (r.date_of_birth) insert.Bind(9, r.date_of_birth->ToString());
      insert.Bind(10, static_cast<int64_t>(r.sex));
      insert.BindTextOrNull(11, r.postcode);
      HL_RETURN_IF_ERROR(StepDone(insert, "store an agency record"));
      if (sqlite3_changes(db_) == 1) {
        ++counts.stored;
      } else {
        ++counts.already_present;
      }
    }
    HL_RETURN_IF_ERROR(AddToLoadTotals(batch.load_id, counts, 0, 0));
    HL_RETURN_IF_ERROR(
        RecordBatch(batch.load_id, batch.batch_no, batch.first_line, batch.last_line, counts, batch.quarantined));
    return counts;
  }

  std::string path_;
  SqliteOptions options_;
  Env* env_ = Env::Default();
  sqlite3* db_ = nullptr;
  std::unique_ptr<BatchStatements> statements_;
  // Keys of every stored incident, for deduplication without a per-row index.
  IncidentKeySet known_keys_;
  IncidentKeySecret key_secret_;
  int64_t last_segment_seen_ = 0;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options) {
  auto store = std::make_unique<SqliteStore>(path);
  HL_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace harmlens
