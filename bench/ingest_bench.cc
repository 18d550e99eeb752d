// Microbenchmarks of each stage of a police.uk ingest, on the bundled 19-month
// Leicestershire set (174,353 rows, 41 MB): loading the reference geography, CSV
// records, row parsing, segment encoding and store writes. Whole-process comparisons
// with peers are in bench/scripts/.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/csv.h"
#include "base/env.h"
#include "geo/reference_geography.h"
#include "ingest/police_uk.h"
#include "store/incident_segment.h"
#include "store/sqlite_store.h"

namespace harmlens {
namespace {

const std::string kData = HARMLENS_DATA_DIR;

// The 19 monthly files concatenated (headers dropped after the first), read once.
const std::string& PoliceUkBytes() {
  static const std::string bytes = [] {
    std::string all;
    auto files = Env::Default()->ListFilesRecursively(kData + "/police-uk/leicestershire-2021-04_2022-10");
    bool first = true;
    for (const std::string& f : *files) {
      auto contents = Env::Default()->ReadFile(f);
      std::string_view b = (*contents)->bytes();
      if (!first) b.remove_prefix(b.find('\n') + 1);
      all.append(b);
      first = false;
    }
    return all;
  }();
  return bytes;
}

const ReferenceGeography& Geography() {
  static auto geography = *ReferenceGeography::Load(Env::Default(), kData + "/reference");
  return *geography;
}

std::vector<Incident> ParsedIncidents() {
  PoliceUkParser parser("bench.csv", Geography());
  CsvReader reader(PoliceUkBytes());
  CsvRecord record;
  reader.Next(&record);
  std::vector<Incident> incidents;
  Incident inc;
  QuarantinedRow rejected;
  while (reader.Next(&record)) {
    if (parser.Parse(record, &inc, &rejected)) incidents.push_back(inc);
  }
  return incidents;
}

// The reference geography every ingest loads first (611 LSOA polygons from GeoJSON, the
// district lookup, IMD and populations): part of each command's fixed cost.
void BM_LoadReferenceGeography(benchmark::State& state) {
  for (auto _ : state) {
    auto geography = ReferenceGeography::Load(Env::Default(), kData + "/reference");
    benchmark::DoNotOptimize(geography);
  }
}
BENCHMARK(BM_LoadReferenceGeography)->Unit(benchmark::kMillisecond);

// The LSOA polygon holding each distinct police.uk snap point of the 19 months (what a
// parsing thread does once per point it has not seen): the polygon search itself.
void BM_PlaceDistinctPoints(benchmark::State& state) {
  std::vector<GeoPoint> points;
  {
    std::unordered_set<std::string> seen;
    for (const Incident& inc : ParsedIncidents()) {
      const auto& p = inc.location.point;
      if (p && seen.insert(std::to_string(p->longitude) + "," + std::to_string(p->latitude)).second) {
        points.push_back(*p);
      }
    }
  }
  int64_t found = 0;
  for (auto _ : state) {
    for (const GeoPoint& p : points) found += Geography().LsoaContaining(p) != nullptr;
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * points.size()));
  state.counters["points"] = static_cast<double>(points.size());
}
BENCHMARK(BM_PlaceDistinctPoints)->Unit(benchmark::kMillisecond);

void BM_CsvRecords(benchmark::State& state) {
  const std::string& bytes = PoliceUkBytes();
  int64_t rows = 0;
  for (auto _ : state) {
    CsvReader reader(bytes);
    CsvRecord record;
    while (reader.Next(&record)) ++rows;
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_CsvRecords)->Unit(benchmark::kMillisecond);

void BM_ParsePoliceUkRows(benchmark::State& state) {
  const std::string& bytes = PoliceUkBytes();
  Geography();
  int64_t rows = 0;
  for (auto _ : state) {
    PoliceUkParser parser("bench.csv", Geography());
    CsvReader reader(bytes);
    CsvRecord record;
    Incident inc;
    QuarantinedRow rejected;
    reader.Next(&record);
    while (reader.Next(&record)) {
      benchmark::DoNotOptimize(parser.Parse(record, &inc, &rejected));
      ++rows;
    }
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParsePoliceUkRows)->Unit(benchmark::kMillisecond);

void BM_IncidentKeys(benchmark::State& state) {
  static const std::vector<Incident> incidents = ParsedIncidents();
  const IncidentKeySecret secret{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  for (auto _ : state) {
    for (const Incident& inc : incidents) benchmark::DoNotOptimize(KeyOf(secret, inc.source.agency, inc.source_id));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * incidents.size()));
}
BENCHMARK(BM_IncidentKeys)->Unit(benchmark::kMillisecond);

void BM_EncodeSegment(benchmark::State& state) {
  static const std::vector<Incident> incidents = ParsedIncidents();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<const Incident*> pointers;
  for (size_t i = 0; i < batch && i < incidents.size(); ++i) pointers.push_back(&incidents[i]);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string blob = EncodeSegment(pointers);
    bytes = blob.size();
    benchmark::DoNotOptimize(blob);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pointers.size()));
  state.counters["bytes_per_incident"] = static_cast<double>(bytes) / static_cast<double>(pointers.size());
}
BENCHMARK(BM_EncodeSegment)->Arg(20000)->Unit(benchmark::kMillisecond);

// Every batch of the 19 months into a fresh store: segments, keys, accounting, commits.
void BM_StoreWriteBatches(benchmark::State& state) {
  static const std::vector<Incident> incidents = ParsedIncidents();
  const size_t batch_rows = static_cast<size_t>(state.range(0));
  std::string dir = std::filesystem::temp_directory_path().string() + "/harmlens-bench-store";
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::unique_ptr<Store> store = std::move(OpenSqliteStore(dir + "/bench.db")).value();
    int64_t load = *store->BeginLoad({"police-uk", "bench.csv", 0, "bench"});
    std::vector<IncidentBatch> batches;
    for (size_t i = 0; i < incidents.size(); i += batch_rows) {
      IncidentBatch b;
      b.load_id = load;
      b.batch_no = static_cast<int64_t>(batches.size());
      for (size_t j = i; j < std::min(incidents.size(), i + batch_rows); ++j) {
        b.incidents.push_back(incidents[j]);
        b.keys.push_back(KeyOf(store->incident_key_secret(), incidents[j].source.agency, incidents[j].source_id));
      }
      batches.push_back(std::move(b));
    }
    state.ResumeTiming();
    for (const IncidentBatch& b : batches) benchmark::DoNotOptimize(store->WriteBatch(b));
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * incidents.size()));
}
BENCHMARK(BM_StoreWriteBatches)->Arg(20000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace harmlens

BENCHMARK_MAIN();
