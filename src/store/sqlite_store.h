// The embedded store: one SQLite file, WAL journal with synchronous=FULL, one
// transaction per batch, bound parameters only. The schema is versioned in the `meta`
// table and migrated forward on open; a newer or foreign file is refused.
#pragma once

#include <memory>
#include <string>

#include "base/env.h"
#include "store/store.h"

namespace harmlens {

inline constexpr int kSqliteSchemaVersion = 2;

struct SqliteOptions {
  bool create_if_missing = true;
  // The clock for load and batch timestamps (tests fix it). Not owned; must outlive
  // the store.
  Env* env = Env::Default();
  // Page cache for big loads; SQLite's default (2 MB) makes index inserts seek.
  int cache_mebibytes = 256;
  // How much of the file to read through a memory map (0: none, plain read() calls).
  int64_t mmap_mebibytes = 2048;
};

// Opens (and if needed creates and migrates) the store at `path`.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options = {});

}  // namespace harmlens
