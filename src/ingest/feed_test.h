// A fixture for tests of a feed adapter end to end through the library: small crafted
// files in a scratch folder, ingested into a fresh SQLite store, read back through the
// Store interface (quarantine with file, line, column, value and message; stored rows;
// loads). Shared by the police extract, ISTV and agency records tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/ingest.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {

// How GoogleTest shows LoadCounts in a failed expectation.
[[maybe_unused]] static void PrintTo(const LoadCounts& c, std::ostream* os) {
  *os << "read " << c.read << " = stored " << c.stored << " + already present " << c.already_present
      << " + quarantined " << c.quarantined;
}

inline LoadCounts Counts(int64_t read, int64_t stored, int64_t present, int64_t quarantined) {
  return {read, stored, present, quarantined};
}

// Joins fields with commas, as written (a test that needs quotes writes them).
inline std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
  return line;
}

// The header, then each row, each followed by `eol`.
inline std::string FileText(std::string_view header, const std::vector<std::string>& rows,
                            const std::string& eol = "\n") {
  std::string text = std::string(header) + eol;
  for (const std::string& row : rows) text += row + eol;
  return text;
}

class FeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ReferenceGeography::Load(Env::Default(), ::harmlens::testing::DataDir() + "/reference");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    geography_ = *loaded;
  }
  static void TearDownTestSuite() { geography_.reset(); }

  void SetUp() override { store_ = OpenStore("harmlens.db"); }

  std::unique_ptr<Store> OpenStore(const std::string& name) {
    auto store = OpenSqliteStore(scratch_.File(name));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  Result<IngestReport> Ingest(Feed feed, const std::vector<std::string>& paths, Store* store = nullptr,
                              int64_t batch_rows = 20000, const Geocoder* geocoder = nullptr) {
    IngestOptions options;
    options.batch_rows = batch_rows;
    options.geocoder = geocoder;
    return ::harmlens::Ingest(feed, store ? store : store_.get(), Env::Default(), *geography_, paths,
                              options);
  }

  std::vector<QuarantinedRow> Quarantine() {
    auto rows = store_->ListQuarantine(std::nullopt);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<QuarantinedRow>{};
  }

  // Stored incidents by source line, with their stored ids.
  std::map<int64_t, std::pair<int64_t, Incident>> Stored(Store* store = nullptr) {
    std::map<int64_t, std::pair<int64_t, Incident>> by_line;
    Status status =
        (store ? store : store_.get())->ReadIncidents({}, [&](int64_t id, const Incident& incident) {
          by_line[incident.source.line] = {id, incident};
        });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return by_line;
  }

  std::vector<LoadRecord> Loads() {
    auto loads = store_->ListLoads();
    EXPECT_TRUE(loads.ok());
    return loads.ok() ? *loads : std::vector<LoadRecord>{};
  }

  int64_t IncidentCount() {
    auto count = store_->CountIncidents();
    EXPECT_TRUE(count.ok());
    return count.ok() ? *count : -1;
  }

  ::harmlens::testing::ScratchDir scratch_;
  std::unique_ptr<Store> store_;
  inline static std::shared_ptr<const ReferenceGeography> geography_;
};

}  // namespace harmlens
