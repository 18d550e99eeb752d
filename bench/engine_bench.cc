// The analysis engine at scale (docs/PERFORMANCE.md, "Analysis engine"). Two steps:
//
//   engine_bench make DIR N   writes N generated police-extract incidents with about two
//                             persons each into DIR/engine.db (the store), and the same
//                             rows as DIR/incidents.csv and DIR/persons.csv for the peers
//   engine_bench run DIR      loads the engine from DIR/engine.db (load rate, memory per
//                             incident-person row) and times the benchmark queries, median
//                             of repeated runs, on 1 and 2 threads
//
// bench/scripts/engine_peers.sh runs both with the SQLite and pandas peers in one go.
// A plain program rather than Google Benchmark: the load is the expensive part and must
// happen once. Generated data is seeded (seed 1).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "engine/incident_table.h"
#include "engine/query.h"
#include "geo/reference_geography.h"
#include "model/behaviour_rules.h"
#include "store/sqlite_store.h"

#ifndef HARMLENS_DATA_DIR
#define HARMLENS_DATA_DIR "data"
#endif

namespace harmlens {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int Make(const std::string& dir, int64_t n) {
  auto geography = ReferenceGeography::Load(Env::Default(), std::string(HARMLENS_DATA_DIR) + "/reference");
  if (!geography.ok()) {
    std::cerr << geography.status().ToString() << "\n";
    return 1;
  }
  const auto& lsoas = (*geography)->lsoas();
  SqliteOptions options;
  options.cache_mebibytes = 1024;
  auto store = OpenSqliteStore(dir + "/engine.db", options);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  std::ofstream incidents_csv(dir + "/incidents.csv"), persons_csv(dir + "/persons.csv");
  incidents_csv << "id,csp,lsoa,month,crime_type,weapon,domestic,minute\n";
  persons_csv << "incident_id,role,age_min,age_max,sex\n";
  std::mt19937_64 rng(1);
  auto pick = [&](uint64_t k) { return static_cast<int64_t>(rng() % k); };
  static const char* const kOffences[] = {"8N", "105A", "5D", "34B", "28E", "58C", "92E", "46", "9A", "8L"};
  static const CrimeType kTypes[] = {CrimeType::kViolenceAndSexualOffences,
                                     CrimeType::kViolenceAndSexualOffences,
                                     CrimeType::kViolenceAndSexualOffences,
                                     CrimeType::kRobbery,
                                     CrimeType::kBurglary,
                                     CrimeType::kCriminalDamageAndArson,
                                     CrimeType::kDrugs,
                                     CrimeType::kShoplifting,
                                     CrimeType::kPublicOrder,
                                     CrimeType::kViolenceAndSexualOffences};
  const int64_t start = DaysFromCivil(2021, 1, 1) * 1440;
  const int64_t span = int64_t{4} * 365 * 1440;
  const int64_t people = std::max<int64_t>(1000, n / 2);
  auto load = (*store)->BeginLoad({"police-extract", "generated", 0, std::string(kBehaviourRulesVersion)});
  if (!load.ok()) return 1;
  const auto t0 = Clock::now();
  int64_t id = 0;
  const int64_t batch_rows = 200000;
  for (int64_t batch_no = 0; id < n; ++batch_no) {
    IncidentBatch batch;
    batch.load_id = *load;
    batch.batch_no = batch_no;
    for (int64_t k = 0; k < batch_rows && id < n; ++k) {
      ++id;
      Incident inc;
      inc.source = {Agency::kPoliceExtract, "generated", id + 1};
      inc.source_id = "g" + std::to_string(id);
      int64_t minute = start + pick(static_cast<uint64_t>(span));
      inc.occurred = {minute, TimePrecision::kMinute};
      int offence = static_cast<int>(pick(10));
      inc.offence_code = kOffences[offence];
      inc.crime_type = kTypes[offence];
      inc.weapon = static_cast<Weapon>(pick(10) < 8 ? 1 : pick(5));
      if (pick(3)) inc.domestic = pick(4) == 0;
      const Lsoa& lsoa = lsoas[static_cast<size_t>(pick(lsoas.size()))];
      inc.location.lsoa_reported = lsoa.code;
      inc.location.csp_area = lsoa.csp_area;
      // About two persons: a victim and a suspect, sometimes one or three.
      int persons = pick(10) < 1 ? 1 : pick(10) < 9 ? 2 : 3;
      for (int p = 0; p < persons; ++p) {
        Involvement inv;
        inv.person_key = "P" + std::to_string(pick(static_cast<uint64_t>(people)));
        inv.role = p == 0 ? Role::kVictim : (p == 1 ? Role::kSuspect : Role::kOffender);
        if (pick(10)) inv.age = AgeRange::Exact(static_cast<int>(10 + pick(60)));
        inv.sex = static_cast<Sex>(pick(4));
        inc.involvements.push_back(inv);
      }
      inc.behaviours = TagBehaviours(inc);
      CivilDate d = CivilDate::FromDays(minute / 1440);
      char month[16];
      std::snprintf(month, sizeof month, "%04d-%02d", d.year, d.month);
      incidents_csv << id << ',' << lsoa.csp_area << ',' << lsoa.code << ',' << month << ','
                    << static_cast<int>(inc.crime_type) << ',' << static_cast<int>(inc.weapon) << ','
                    << (inc.domestic ? (*inc.domestic ? 2 : 1) : 0) << ',' << minute << '\n';
      for (const Involvement& inv : inc.involvements) {
        persons_csv << id << ',' << static_cast<int>(inv.role) << ',';
        if (inv.age) {
          persons_csv << inv.age->min_years << ',' << inv.age->max_years;
        } else {
          persons_csv << ',';
        }
        persons_csv << ',' << static_cast<int>(inv.sex) << '\n';
      }
      batch.incidents.push_back(std::move(inc));
    }
    auto counts = (*store)->WriteBatch(batch);
    if (!counts.ok()) {
      std::cerr << counts.status().ToString() << "\n";
      return 1;
    }
    std::cerr << "\rgenerated " << id << " of " << n << " (" << static_cast<int64_t>(Seconds(t0)) << " s)";
  }
  if (!(*store)->FinishLoad(*load, "").ok()) return 1;
  std::cerr << "\n";
  std::cout << "made " << n << " incidents in " << Seconds(t0) << " s\n";
  return 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int64_t MaxRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int RunBench(const std::string& dir, int repeats) {
  SqliteOptions options;
  options.create_if_missing = false;
  auto store = OpenSqliteStore(dir + "/engine.db", options);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  auto geography = ReferenceGeography::Load(Env::Default(), std::string(HARMLENS_DATA_DIR) + "/reference");
  if (!geography.ok()) return 1;
  auto denominators =
      LoadDenominators(Env::Default(), std::string(HARMLENS_DATA_DIR) + "/reference", **geography);
  if (!denominators.ok()) return 1;
  {
    // The store's own read rates, without the engine's work: where load time goes.
    auto t = Clock::now();
    int64_t incidents = 0, involvements = 0;
    if (!(*store)->ScanIncidentsAfter(0, [&](const IncidentRow&) { ++incidents; }).ok()) return 1;
    const double scan_incidents = Seconds(t);
    t = Clock::now();
    if (!(*store)->ScanInvolvements(0, [&](const InvolvementRow&) { ++involvements; }).ok()) return 1;
    const double scan_involvements = Seconds(t);
    std::printf(
        "store alone: %lld incidents in %.2f s (%.2f M/s), %lld involvement rows in %.2f s (%.2f M/s)\n",
        static_cast<long long>(incidents), scan_incidents,
        static_cast<double>(incidents) / scan_incidents / 1e6, static_cast<long long>(involvements),
        scan_involvements, static_cast<double>(involvements) / scan_involvements / 1e6);
  }
  const int64_t rss_before = MaxRssKib();
  const auto t0 = Clock::now();
  auto table = IncidentTable::Load(store->get(), *geography, *denominators);
  const double load_seconds = Seconds(t0);
  if (!table.ok()) {
    std::cerr << table.status().ToString() << "\n";
    return 1;
  }
  const double incidents = static_cast<double>((*table)->incident_count());
  const double person_rows = static_cast<double>((*table)->person_row_count());
  std::printf("load: %.0f incidents, %.0f incident-person rows in %.2f s = %.2f M incidents/s\n", incidents,
              person_rows, load_seconds, incidents / load_seconds / 1e6);
  std::printf(
      "memory: %.1f bytes per incident-person row (columns and dictionaries: %.0f MB; max RSS grew %.0f "
      "MB)\n",
      static_cast<double>((*table)->MemoryBytes()) / person_rows,
      static_cast<double>((*table)->MemoryBytes()) / 1e6,
      static_cast<double>(MaxRssKib() - rss_before) / 1024.0);
  struct Bench {
    const char* name;
    std::vector<std::string> args;
  };
  const std::vector<Bench> benches = {
      {"crosstab", {"weapon=knife-or-sharp,other,none", "from=2022-01", "to=2023-12", "by=csp,category"}},
      {"crosstab_victim_under25", {"victim_age=under-25", "by=csp,category"}},
      {"series_one_csp", {"csp=Charnwood", "by=month"}},
  };
  for (const Bench& b : benches) {
    auto query = ParseQueryArgs(b.args);
    if (!query.ok()) return 1;
    for (int threads : {1, 2}) {
      std::vector<double> ms;
      int64_t matched = 0;
      for (int r = 0; r < repeats; ++r) {
        const auto t = Clock::now();
        auto result = RunQuery(**table, *query, QueryOptions{threads});
        ms.push_back(Seconds(t) * 1000);
        if (!result.ok()) {
          std::cerr << result.status().ToString() << "\n";
          return 1;
        }
        matched = result->incidents;
      }
      std::printf("query %-24s threads %d: median %.1f ms (min %.1f, %d runs, %lld incidents matched)\n",
                  b.name, threads, Median(ms), *std::min_element(ms.begin(), ms.end()), repeats,
                  static_cast<long long>(matched));
    }
  }
  return 0;
}

}  // namespace
}  // namespace harmlens

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "make") return harmlens::Make(args[1], std::stoll(args[2]));
  if ((args.size() == 2 || args.size() == 3) && args[0] == "run") {
    return harmlens::RunBench(args[1], args.size() == 3 ? std::stoi(args[2]) : 21);
  }
  std::cerr << "usage: engine_bench make DIR N | engine_bench run DIR [REPEATS]\n";
  return 2;
}
