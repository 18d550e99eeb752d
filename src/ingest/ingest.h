// Loads partner files into a Store, batch by batch: every file is checked before any
// is stored (a wrong file refuses the whole command, nothing stored); each batch is one
// atomic store write; every row is accounted for as stored, already present or
// quarantined. Parsing runs on a second thread while the store writes the previous
// batch. One ingest at a time per Store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/load.h"
#include "store/store.h"

namespace harmlens {

struct IngestProgress {
  int64_t bytes_done = 0;
  int64_t bytes_total = 0;
  int64_t rows_read = 0;
  double elapsed_seconds = 0;
};

struct FileLoadReport {
  std::string file;
  int64_t load_id = 0;
  LoadCounts counts;
  int64_t rows_lsoa_checked = 0;
  int64_t rows_lsoa_agreed = 0;
};

struct IngestOptions {
  int64_t batch_rows = 20000;
  // Called after each batch is committed (durably stored), on the calling thread.
  std::function<void(const FileLoadReport& file_so_far, const IncidentBatch& batch,
                     const LoadCounts& batch_counts)>
      on_batch_committed;
  std::function<void(const IngestProgress&)> on_progress;
};

struct IngestReport {
  std::vector<FileLoadReport> files;
  LoadCounts total;
  int64_t bytes = 0;
  double seconds = 0;
};

// Files named directly, plus every *.csv below each directory (sorted). An empty
// result or a missing path is an error naming the path.
Result<std::vector<std::string>> ExpandInputPaths(Env* env, const std::vector<std::string>& paths);

// Expands the paths and checks every file's header, storing nothing: the check
// IngestPoliceUk makes first, for callers that must not even create a store for a
// command that will be refused.
Status CheckPoliceUkInputs(Env* env, const std::vector<std::string>& paths);

Result<IngestReport> IngestPoliceUk(Store* store, Env* env, const ReferenceGeography& geography,
                                    const std::vector<std::string>& paths, const IngestOptions& options);

}  // namespace harmlens
