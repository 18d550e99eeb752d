// The embedded store: one SQLite file, WAL journal with synchronous=FULL, one
// transaction per batch, bound parameters only. The schema is versioned in the `meta`
// table and migrated forward on open; a newer or foreign file is refused.
#pragma once

#include <memory>
#include <string>

#include "base/env.h"
#include "store/store.h"

namespace harmlens {

inline constexpr int kSqliteSchemaVersion = 4;

struct SqliteOptions {
  bool create_if_missing = true;
  // The clock for load and batch timestamps (tests fix it). Not owned; must outlive
  // the store.
  Env* env = Env::Default();
  // Page cache: SQLite's default (2 MB) makes index inserts seek on big loads. Not more:
  // a load writes pages it never reads again, and each new cache page is fresh memory
  // to fault in (256 MB cost a 2 M-row police.uk ingest 30,000 page faults, a tenth of
  // its CPU); reads go through the memory map below.
  int cache_mebibytes = 32;
  // How much of the file to read through a memory map (0: none, plain read() calls).
  int64_t mmap_mebibytes = 2048;
};

// Opens (and if needed creates and migrates) the store at `path`.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options = {});

}  // namespace harmlens
