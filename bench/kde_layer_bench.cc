// The dashboard's KDE layer (server/kde_layer.h) at scale: projecting every incident's
// place at start, and one surface request, on N places spread like incidents over LLR
// (half in ten clusters around town centres, half uniform over the county's box). The
// peer in the same run is one PROJ call over the same places on one thread, the floor
// the start-up projection (two threads) is measured against.
//   build/release/bench/kde_layer_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "base/env.h"
#include "geo/reference_geography.h"
#include "server/kde_layer.h"

namespace harmlens {
namespace {

const ReferenceGeography& Geography() {
  static std::shared_ptr<const ReferenceGeography> geography = [] {
    auto loaded = ReferenceGeography::Load(Env::Default(), std::string(HARMLENS_DATA_DIR) + "/reference");
    if (!loaded.ok()) std::abort();
    return *loaded;
  }();
  return *geography;
}

std::vector<GeoPoint> Places(size_t n) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(-1.58, -0.44), lat(52.39, 52.98), centre(0, 1);
  std::normal_distribution<double> spread(0, 0.01);
  std::vector<GeoPoint> towns;
  for (int i = 0; i < 10; ++i) towns.push_back({lon(rng), lat(rng)});
  std::vector<GeoPoint> places(n);
  for (size_t i = 0; i < n; ++i) {
    if (i % 2) {
      places[i] = {lon(rng), lat(rng)};
    } else {
      const GeoPoint& t = towns[static_cast<size_t>(centre(rng) * 10) % 10];
      places[i] = {t.longitude + spread(rng), t.latitude + spread(rng)};
    }
  }
  return places;
}

void BM_ProjectPlacesAtStart(benchmark::State& state) {
  const auto places = Places(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto layer = KdeLayer::FromPlaces(places, Geography());
    if (!layer.ok()) state.SkipWithError(layer.status().message().c_str());
    benchmark::DoNotOptimize(layer);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ProjectPlacesAtStart)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProjectPlacesOneProjCall(benchmark::State& state) {
  const auto places = Places(static_cast<size_t>(state.range(0)));
  auto grid = BritishGrid::Create();
  for (auto _ : state) {
    auto at = (*grid)->ToGrid(places);
    benchmark::DoNotOptimize(at);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ProjectPlacesOneProjCall)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One /hotspots?method=kde answer with the defaults (rule-of-thumb bandwidth, a third of
// it as the cell), every incident selected: the worst case of the route.
void BM_SurfaceOfEveryIncident(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto places = Places(n);
  auto layer = KdeLayer::FromPlaces(places, Geography());
  IncidentFacts facts(std::vector<IncidentFact>(n), Geography());
  const Deadline far = std::chrono::steady_clock::now() + std::chrono::hours(24);
  for (auto _ : state) {
    auto answer = (*layer)->Surface(facts, {}, {}, far);
    if (!answer || !answer->ok()) state.SkipWithError("no surface");
    state.counters["cells_shown"] = static_cast<double>((*answer)->cells_shown);
    state.counters["bandwidth_m"] = (*answer)->bandwidth;
    state.counters["binned"] = (*answer)->method == KdeMethod::kBinned;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SurfaceOfEveryIncident)
    ->Arg(200000)
    ->Arg(1000000)
    ->Arg(10000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace harmlens

BENCHMARK_MAIN();
