// Loads partner files into a Store, batch by batch, through one adapter per feed
// (police.uk, police extract, ISTV A&E, agency records): every file is checked before
// any is stored (a wrong file refuses the whole command, nothing stored); each batch is
// one atomic store write; every row is accounted for as stored, already present or
// quarantined, per file and per command. Parsing runs on a second thread while the
// store writes the previous batch. One ingest at a time per Store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "geo/geocode.h"
#include "geo/reference_geography.h"
#include "model/load.h"
#include "store/store.h"

namespace harmlens {

// The partner feeds, one adapter each.
enum class Feed {
  kPoliceUk,       // police.uk street-level crime CSVs (docs/formats/police-uk-street.md)
  kPoliceExtract,  // the force's extract: incidents and persons files (police-extract.md)
  kIstv,           // A&E assault attendances, ISTV minimum dataset (istv.md)
  kAgencyRecords,  // partner agency records (agency-records.md)
};
// As on the command line: "police-uk", "police-extract", "istv", "agency".
std::string_view FeedCommandName(Feed feed);

struct IngestProgress {
  int64_t bytes_done = 0;
  int64_t bytes_total = 0;
  int64_t rows_read = 0;
  double elapsed_seconds = 0;
};

struct FileLoadReport {
  std::string file;
  std::string feed;  // the file's format, as recorded in its load ("police-extract-persons", ...)
  int64_t load_id = 0;
  LoadCounts counts;
  int64_t rows_lsoa_checked = 0;
  int64_t rows_lsoa_agreed = 0;
  int64_t rows_located = 0;  // accepted incident rows with a point (given, or geocoded)
};

// One load's part of a committed batch (a police extract batch has two: incidents and
// the persons rows that came with them).
struct CommittedBatch {
  int64_t batch_no = 0;
  int64_t first_line = 0;
  int64_t last_line = 0;
  LoadCounts counts;
};

struct IngestOptions {
  int64_t batch_rows = 20000;
  // Places ISTV free-text locations; null: they are kept as text, unresolved. Must
  // outlive the ingest.
  const Geocoder* geocoder = nullptr;
  // Called after each batch is committed (durably stored), once per load it touched,
  // on the calling thread.
  std::function<void(const FileLoadReport& file_so_far, const CommittedBatch& batch)> on_batch_committed;
  std::function<void(const IngestProgress&)> on_progress;
};

struct IngestReport {
  std::vector<FileLoadReport> files;  // in load order
  LoadCounts total;
  int64_t bytes = 0;
  double seconds = 0;
};

// Files named directly, plus every *.csv below each directory (sorted). An empty
// result or a missing path is an error naming the path.
Result<std::vector<std::string>> ExpandInputPaths(Env* env, const std::vector<std::string>& paths);

// Expands the paths and checks every file as Ingest does first (header; for a police
// extract, which file is which and that each persons file has its incidents file),
// storing nothing: for callers that must not even create a store for a command that
// will be refused.
Status CheckInputs(Feed feed, Env* env, const std::vector<std::string>& paths);

// Loads `paths` as `feed`. A police extract is one incidents file and, optionally, its
// persons file, in the same folder, told apart by their headers; several extracts go
// in folders of their own.
Result<IngestReport> Ingest(Feed feed, Store* store, Env* env, const ReferenceGeography& geography,
                            const std::vector<std::string>& paths, const IngestOptions& options);

// The police.uk feed: CheckInputs and Ingest with Feed::kPoliceUk.
Status CheckPoliceUkInputs(Env* env, const std::vector<std::string>& paths);
Result<IngestReport> IngestPoliceUk(Store* store, Env* env, const ReferenceGeography& geography,
                                    const std::vector<std::string>& paths, const IngestOptions& options);

}  // namespace harmlens
