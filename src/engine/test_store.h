// Test support for the engine's unit tests: the bundled geography loaded once, and a
// scratch store written from hand-made incidents. Not part of the library.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/incident_table.h"
#include "model/behaviour_rules.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens::testing {

inline std::shared_ptr<const ReferenceGeography> EngineGeography() {
  static std::shared_ptr<const ReferenceGeography> geography = [] {
    auto loaded = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return geography;
}

// Writes `incidents` as one load of one batch.
inline void WriteLoad(Store* store, const std::vector<Incident>& incidents) {
  auto load = store->BeginLoad({"police-extract", "hand-made", 0, std::string(kBehaviourRulesVersion)});
  ASSERT_TRUE(load.ok());
  IncidentBatch batch;
  batch.load_id = *load;
  batch.incidents = incidents;
  auto counts = store->WriteBatch(batch);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  ASSERT_TRUE(store->FinishLoad(*load, "").ok());
}

inline Result<std::unique_ptr<IncidentTable>> LoadEngineTable(Store* store) {
  auto denominators = LoadDenominators(Env::Default(), DataDir() + "/reference", *EngineGeography());
  if (!denominators.ok()) return denominators.status();
  return IncidentTable::Load(store, EngineGeography(), *denominators);
}

// A police-extract incident at `minute` (local minutes since 1970) in Leicester 003A.
inline Incident ExtractIncident(int serial, int64_t minute,
                                CrimeType type = CrimeType::kViolenceAndSexualOffences) {
  Incident inc;
  inc.source = {Agency::kPoliceExtract, "hand-made", serial + 1};
  inc.source_id = "h-" + std::to_string(serial);
  inc.occurred = {minute, TimePrecision::kMinute};
  inc.crime_type = type;
  inc.location.csp_area = "E06000016";
  inc.location.lsoa_reported = "E01013600";
  return inc;
}

}  // namespace harmlens::testing
