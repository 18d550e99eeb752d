// The record of everything harmlens has accepted: incidents, the people in them, agency
// records (kept apart: they hold personal identifiers), every load and every
// quarantined row. One narrow interface, two implementations (SQLite,
// embedded, the default; PostgreSQL, the server store). Ingest writes through it, the
// engine reads through it; nothing else touches SQL. A Store is used from one thread at
// a time; open one per thread if you need more.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/agency_record.h"
#include "model/incident.h"
#include "model/load.h"
#include "store/incident_key.h"
#include "store/segment_summary.h"

namespace harmlens {

// What a load is, recorded before its first batch.
struct LoadStart {
  std::string feed;            // the format of the file: "police-uk", "istv", ...
  std::string file;            // path as given
  int64_t bytes = 0;
  std::string rules_version;   // behaviour rules the load applied
};

struct LoadRecord {
  int64_t id = 0;
  LoadStart start;
  std::string content_hash;  // "sha256:<hex>" of the file's bytes ("blake2b-256:<hex>" before schema 3); "" until finished
  std::string started_at;   // UTC, ISO 8601
  std::string finished_at;  // "" while running (or if the process died)
  bool complete = false;
  LoadCounts counts;        // the sum of the committed batches
  int64_t rows_lsoa_checked = 0;  // rows with coordinates and an LLR LSOA label
  int64_t rows_lsoa_agreed = 0;   // ... whose point lies in the polygon of that LSOA
};

// The rows of a second file that arrive as the involvements of a batch's incidents: the
// persons file of a police extract, which has a load of its own. Each Involvement of
// each incident of the batch is one row of that load.
struct InvolvementRows {
  int64_t load_id = 0;
  int64_t batch_no = 0;    // 0-based within that load
  int64_t first_line = 0;  // the lowest and highest line of that file among these rows
  int64_t last_line = 0;
  std::vector<QuarantinedRow> quarantined;  // rows of that file refused in this batch
};

// One unit of atomic work: every row of the batch is either wholly visible after
// WriteBatch returns OK, or (on any error or crash) none of it is.
struct IncidentBatch {
  int64_t load_id = 0;
  int64_t batch_no = 0;      // 0-based within the load
  int64_t first_line = 0;    // physical lines the batch covers
  int64_t last_line = 0;
  std::vector<Incident> incidents;
  std::vector<QuarantinedRow> quarantined;
  // KeyOf() of each incident under the store's incident_key_secret(), computed by the
  // caller (off the writing thread) or, if left empty, by the store.
  std::vector<IncidentKey> keys;
  // EncodeSegment of every incident, in order, and the SegmentSummary of them all, made
  // by the caller off the writing thread, or empty. The store uses both when every
  // incident is new. A batch may also come with `incidents` empty and its rows only
  // encoded, with every key and the summary given (police.uk's parsing threads, which
  // so never hold a batch's rows as Incident objects); such rows have no involvements.
  std::string encoded_incidents;
  SegmentSummary summary;
  // Set on a load's last batch to the file's content hash: the load is then recorded
  // as complete (as by FinishLoad) in the batch's own transaction, one commit fewer per
  // file. Empty on every other batch.
  std::string completes_load;
  int64_t rows_lsoa_checked = 0;
  int64_t rows_lsoa_agreed = 0;
  // Set when the involvements come from another file (police extract persons).
  std::optional<InvolvementRows> involvement_rows;
};

// How a batch's rows were accounted for (read = stored + already present + quarantined
// for each). `involvement_rows` is all zero unless the batch had involvement_rows: an
// involvement row is stored with its incident, and already present when its incident
// is (the involvements of a stored incident are never added to).
struct BatchCounts {
  LoadCounts rows;
  LoadCounts involvement_rows;
};

// A batch of agency records, atomic like an IncidentBatch. A record's identity is
// (agency, record_id): one already stored is counted as already present.
struct AgencyRecordBatch {
  int64_t load_id = 0;
  int64_t batch_no = 0;
  int64_t first_line = 0;
  int64_t last_line = 0;
  std::vector<AgencyRecord> records;
  std::vector<QuarantinedRow> quarantined;
};

// A compact, read-only view of a stored incident for analysis. String views are valid
// only during the callback that receives the row.
struct IncidentRow {
  int64_t id = 0;
  Agency agency = Agency::kPoliceUk;  // the source: police.uk, the extract, A&E
  OccurredTime occurred;
  CrimeType crime_type = CrimeType::kOtherCrime;
  BehaviourSet behaviours;
  std::string_view csp_area;        // "" = outside LLR or no location
  std::string_view lsoa_reported;
  std::string_view lsoa_by_point;
  // Added for the analysis engine (the fields above are unchanged).
  std::string_view source_id;
  std::string_view offence_code;
  std::string_view location_description;  // e.g. "On or near Granby Street"
  Weapon weapon = Weapon::kUnknown;
  std::optional<bool> domestic;
  std::optional<GeoPoint> point;
  TimeNote occurred_note = TimeNote::kNone;
  AssaultMethod assault_method = AssaultMethod::kUnknown;  // A&E only
};

// One stored involvement, for bulk reads. `person_id` is the store's number for the
// (agency, person key) pair, 0 when the source names no person.
struct InvolvementRow {
  int64_t incident_id = 0;
  int64_t person_id = 0;
  Role role = Role::kVictim;
  std::optional<AgeRange> age;
  Sex sex = Sex::kUnknown;
};

// Which incidents to scan: [from_minute, to_minute) on the occurred time.
struct IncidentScan {
  std::optional<int64_t> from_minute;
  std::optional<int64_t> to_minute;
};

class Store {
 public:
  virtual ~Store() = default;

  // The secret this store keys incidents with (KeyOf), for callers that compute the
  // keys of a batch themselves.
  virtual const IncidentKeySecret& incident_key_secret() const = 0;
  // Records that a load has started; returns its id.
  virtual Result<int64_t> BeginLoad(const LoadStart& start) = 0;
  // A hint before the batches of a command: about `incidents` more may come, so the
  // store can size what grows with them once instead of again and again. No promise.
  virtual void ExpectIncidents(int64_t incidents) { (void)incidents; }
  // Stores a batch atomically and returns how its rows were accounted for
  // (read = stored + already present + quarantined).
  virtual Result<BatchCounts> WriteBatch(const IncidentBatch& batch) = 0;
  // The same for agency records, which are kept apart from incidents.
  virtual Result<LoadCounts> WriteAgencyRecords(const AgencyRecordBatch& batch) = 0;
  // Marks a load complete and records the hash of the bytes it read. Counts are
  // already kept by WriteBatch.
  virtual Status FinishLoad(int64_t load_id, const std::string& content_hash) = 0;

  virtual Result<std::vector<LoadRecord>> ListLoads() = 0;
  // Quarantined rows of one load, or of all loads, in file and line order.
  virtual Result<std::vector<QuarantinedRow>> ListQuarantine(std::optional<int64_t> load_id) = 0;
  virtual Result<int64_t> CountIncidents() = 0;
  virtual Status ScanIncidents(const IncidentScan& scan,
                               const std::function<void(const IncidentRow&)>& visit) = 0;
  // Incident counts by cell for the months [from, to] (either end open), without reading
  // each incident: what `harmlens summary` needs. This default counts ScanIncidents rows
  // one by one; a store that keeps the counts as it writes overrides it.
  virtual Status ScanIncidentCounts(std::optional<YearMonth> from, std::optional<YearMonth> to,
                                    const std::function<void(const IncidentCount&)>& visit) {
    IncidentScan scan;
    if (from) scan.from_minute = OccurredTime::Month(*from).local_minute;
    if (to) scan.to_minute = OccurredTime::Month(YearMonth::FromIndex(to->Index() + 1)).local_minute;
    IncidentCount count;
    count.incidents = 1;
    return ScanIncidents(scan, [&](const IncidentRow& row) {
      count.agency = row.agency;
      count.crime_type = row.crime_type;
      count.month = row.occurred.month();
      count.behaviours = row.behaviours;
      count.csp_area = row.csp_area;
      count.has_lsoa = !row.lsoa_reported.empty() || !row.lsoa_by_point.empty();
      visit(count);
    });
  }
  // Every field of each incident in the scan, with its stored id, in id order.
  virtual Status ReadIncidents(const IncidentScan& scan,
                               const std::function<void(int64_t id, const Incident&)>& visit) = 0;
  // The involvements stored for an incident, with the partner's person key ("" when the
  // source names no person), ordered by role, then person key, then storing order.
  virtual Result<std::vector<Involvement>> InvolvementsOf(int64_t incident_id) = 0;
  // Every incident with an id above `after_incident_id`, in id order: ids only grow (a
  // later load never reuses one), so a reader can catch up on what was stored since it
  // last looked.
  virtual Status ScanIncidentsAfter(int64_t after_incident_id,
                                    const std::function<void(const IncidentRow&)>& visit) = 0;
  // Every stored involvement of an incident with an id above `after_incident_id`, in
  // storing order, which is incident id order for everything harmlens writes (a reader
  // that cannot rely on that must sort).
  virtual Status ScanInvolvements(int64_t after_incident_id,
                                  const std::function<void(const InvolvementRow&)>& visit) = 0;
  // Every stored agency record with its stored id, in id order. The records hold
  // personal identifiers: callers must not log them.
  virtual Status ReadAgencyRecords(const std::function<void(int64_t id, const AgencyRecord&)>& visit) = 0;

  // A full consistency check of the stored data (SQLite: PRAGMA integrity_check).
  virtual Status CheckIntegrity() = 0;

  // A second handle on the same record, for reading on another thread while this one
  // is busy (the engine reads incidents and involvements at once). A read through it
  // that starts after a read through this handle started sees at least what that one
  // sees. An error when the record cannot be shared (an in-memory database).
  virtual Result<std::unique_ptr<Store>> OpenReader() = 0;
};

}  // namespace harmlens
