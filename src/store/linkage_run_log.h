// The log of linkage runs, kept in the store's SQLite file (table `linkage_runs`,
// docs/formats/sqlite-store.md): the "combination" of personal data that the Data
// Protection Act 2018 Part 3 s.62 requires logged — who, when, why, which datasets, the
// parameters and the counts. Never holds an identifier, encoding or key. Each call opens
// the file, so it may be used from any thread; SQLite serialises writers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace harmlens {

struct LinkageRun {
  int64_t id = 0;          // assigned by RecordLinkageRun
  std::string started_at;  // "2026-11-23T07:40:00Z"
  std::string user;        // the operating-system account that ran it
  std::string purpose;     // why, as the analyst gave it ("" = not given)
  std::string command;     // "link" or "link --evaluate"
  std::string mode;        // "encoded" or "plaintext"
  std::string datasets;    // "file (BLAKE2b-256 of its bytes); ..."
  std::string parameters;  // JSON: schema name and hash, thresholds, clustering
  int64_t records = 0;
  int64_t candidate_pairs = 0;
  int64_t matched_pairs = 0;
  int64_t persons = 0;
};

// Appends `run` to the log in `db_path` (the file and table are created if missing);
// returns its id.
Result<int64_t> RecordLinkageRun(const std::string& db_path, const LinkageRun& run);
// Every run, oldest first; an empty list if the store has none.
Result<std::vector<LinkageRun>> ListLinkageRuns(const std::string& db_path);

}  // namespace harmlens
