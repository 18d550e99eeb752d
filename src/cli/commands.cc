#include "cli/commands.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "engine/summary.h"
#include "geo/gazetteer.h"
#include "geo/geocode.h"
#include "geo/reference_geography.h"
#include "ingest/ingest.h"
#include "model/behaviour_rules.h"
#include "model/geography.h"
#include "store/sqlite_store.h"
#include "synth/generator.h"
#include "model/time.h"

namespace harmlens {
namespace {

constexpr int kExitFailure = 1;

int Fail(const std::string& context, const Status& status) {
  std::cerr << "harmlens: " << context << status.ToString() << '\n';
  return kExitFailure;
}

// Read-only commands must not create an empty store by accident.
Result<std::unique_ptr<Store>> OpenExistingStore(Env* env, const std::string& db) {
  if (!env->Exists(db)) {
    return Status::NotFound("no store at " + db + " (run 'harmlens ingest ...' first, or give --db)");
  }
  SqliteOptions options;
  options.create_if_missing = false;
  return OpenSqliteStore(db, options);
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole == 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string Accounting(const LoadCounts& c) {
  return "read " + std::to_string(c.read) + " = stored " + std::to_string(c.stored) + " + already present " +
         std::to_string(c.already_present) + " + quarantined " + std::to_string(c.quarantined);
}

// "[#########...........]  45%  312,000 rows/s" redrawn in place on a terminal.
void DrawProgress(const IngestProgress& p) {
  constexpr int kWidth = 30;
  double fraction = p.bytes_total > 0 ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 1;
  int filled = static_cast<int>(fraction * kWidth);
  double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.rows_read) / p.elapsed_seconds : 0;
  std::fprintf(stderr, "\r[%s%s] %3d%%  %.0f rows/s ", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), static_cast<int>(fraction * 100), rate);
  std::fflush(stderr);
}

}  // namespace

int RunIngest(Env* env, Feed feed, const IngestCommand& command) {
  auto geography = ReferenceGeography::Load(env, command.data_dir + "/reference");
  if (!geography.ok()) return Fail("reference geography: ", geography.status());
  // A command that will be refused must not leave even an empty store behind.
  Status inputs = CheckInputs(feed, env, command.paths);
  if (!inputs.ok()) return Fail("ingest: ", inputs);
  std::unique_ptr<const Geocoder> geocoder;
  if (feed == Feed::kIstv) {
    auto loaded = Geocoder::Load(env, command.data_dir + "/reference");
    if (!loaded.ok()) return Fail("geocoder: ", loaded.status());
    geocoder = std::move(*loaded);
  }
  auto store = OpenSqliteStore(command.db);
  if (!store.ok()) return Fail("", store.status());

  IngestOptions options;
  options.batch_rows = command.batch_rows;
  options.geocoder = geocoder.get();
  if (command.report_batches) {
    options.on_batch_committed = [](const FileLoadReport& file, const CommittedBatch& batch) {
      std::printf("committed load %lld batch %lld lines %lld-%lld: %s\n", static_cast<long long>(file.load_id),
                  static_cast<long long>(batch.batch_no), static_cast<long long>(batch.first_line),
                  static_cast<long long>(batch.last_line), Accounting(batch.counts).c_str());
      std::fflush(stdout);  // a test may kill us right after this line
    };
  }
  if (command.progress && !command.quiet) options.on_progress = DrawProgress;

  auto report = Ingest(feed, store->get(), env, **geography, command.paths, options);
  if (command.progress && !command.quiet) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail("ingest: ", report.status());

  int64_t checked = 0, agree = 0, located = 0, incidents = 0;
  for (const FileLoadReport& f : report->files) {
    checked += f.rows_lsoa_checked;
    agree += f.rows_lsoa_agreed;
    located += f.rows_located;
    incidents += f.counts.stored + f.counts.already_present;
    if (!command.quiet) std::printf("%s: %s\n", f.file.c_str(), Accounting(f.counts).c_str());
  }
  std::printf("loaded %zu file(s), %.1f MB in %.2f s: %s\n", report->files.size(),
              static_cast<double>(report->bytes) / 1e6, report->seconds, Accounting(report->total).c_str());
  if (feed == Feed::kPoliceUk || feed == Feed::kPoliceExtract) {
    std::printf("LSOA check: %lld of %lld rows with coordinates and an LLR LSOA (%s) lie inside that LSOA's "
                "polygon; CSP areas in summaries follow %s LSOA\n",
                static_cast<long long>(agree), static_cast<long long>(checked), Percent(agree, checked).c_str(),
                feed == Feed::kPoliceUk ? "police.uk's" : "the force's");
  }
  if (feed == Feed::kIstv) {
    std::printf("geocoding: %lld of %lld accepted attendances placed on the map from the clerk's words (%s); the "
                "rest keep their text, unresolved (see docs/geocoding.md)\n",
                static_cast<long long>(located), static_cast<long long>(incidents), Percent(located, incidents).c_str());
  }
  if (report->total.quarantined > 0) {
    std::printf("%lld row(s) quarantined: see 'harmlens quarantine --db %s'\n",
                static_cast<long long>(report->total.quarantined), command.db.c_str());
  }
  return 0;
}

int RunSummary(Env* env, const std::string& db, const SummaryCommand& command, OutputFormat format) {
  auto store = OpenExistingStore(env, db);
  if (!store.ok()) return Fail("", store.status());
  SummaryQuery query;
  if (!command.csp.empty()) query.csp_area = std::string(FindCspArea(command.csp)->code);
  if (!command.from.empty()) query.from = ParseYearMonth(command.from);
  if (!command.to.empty()) query.to = ParseYearMonth(command.to);
  if (!command.behaviour.empty()) query.behaviour = HarmfulBehaviourFromSlug(command.behaviour);
  for (Agency a : {Agency::kPoliceUk, Agency::kPoliceExtract, Agency::kEmergencyDepartment}) {
    if (command.source == AgencyName(a)) query.agency = a;
  }
  auto rows = Summarise(store->get(), query);
  if (!rows.ok()) {
    if (rows.status().code() == StatusCode::kInvalidArgument) {
      std::cerr << "harmlens: " << rows.status().ToString() << " (see 'harmlens summary --help')\n";
      return 2;
    }
    return Fail("summary: ", rows.status());
  }
  OutputTable table{{"csp_area", "month", "crime_type", "incidents"}, {false, false, false, true}, {}};
  int64_t total = 0;
  for (const SummaryRow& r : *rows) {
    table.rows.push_back({r.csp_area, r.month.ToString(), std::string(CrimeTypeName(r.crime_type)),
                          std::to_string(r.incidents)});
    total += r.incidents;
  }
  WriteTable(table, format, std::cout);
  if (format == OutputFormat::kTable) {
    // Where the CSP areas come from, and a warning when the figures mix sources: the
    // same event reported by police.uk, the force's extract and A&E is three incidents.
    std::vector<Agency> sources;
    if (query.agency) {
      sources = {*query.agency};
    } else {
      auto seen = SourcesIn(store->get(), query);
      if (!seen.ok()) return Fail("summary: ", seen.status());
      sources = *seen;
    }
    const char* areas_from = "police.uk's LSOA label";
    if (sources.size() == 1 && sources[0] == Agency::kPoliceExtract) areas_from = "the force's LSOA";
    if (sources.size() == 1 && sources[0] == Agency::kEmergencyDepartment) areas_from = "the place geocoded from A&E's words";
    if (sources.size() > 1) areas_from = "each source's LSOA or place";
    std::cout << "total " << total << " incidents in " << rows->size() << " cells; CSP area from " << areas_from
              << "\n";
    if (sources.size() > 1) {
      std::string names;
      for (Agency a : sources) names += std::string(names.empty() ? "" : ", ") + AgencyName(a);
      std::cout << "note: these counts add up " << sources.size() << " sources (" << names
                << "); one event may be counted once by each: choose one with --source\n";
    }
  }
  return 0;
}

namespace {

// The ingest subcommand (feed) a load came from, by the format recorded in the load.
std::string_view CommandFeedOf(std::string_view load_feed) {
  if (load_feed == "police-extract-incidents" || load_feed == "police-extract-persons") return "police-extract";
  if (load_feed == "agency-records") return "agency";
  return load_feed;  // "police-uk", "istv"
}

}  // namespace

int RunLoads(Env* env, const std::string& db, const std::string& feed, OutputFormat format) {
  auto store = OpenExistingStore(env, db);
  if (!store.ok()) return Fail("", store.status());
  auto loads = (*store)->ListLoads();
  if (!loads.ok()) return Fail("", loads.status());
  OutputTable table{{"load", "feed", "file", "state", "read", "stored", "already_present", "quarantined",
                     "rows_lsoa_checked", "lsoa_agreed", "started_at", "content_hash"},
                    {true, false, false, false, true, true, true, true, true, true, false, false},
                    {}};
  for (const LoadRecord& l : *loads) {
    if (!feed.empty() && CommandFeedOf(l.start.feed) != feed) continue;
    table.rows.push_back({std::to_string(l.id), l.start.feed, l.start.file, l.complete ? "complete" : "incomplete",
                          std::to_string(l.counts.read), std::to_string(l.counts.stored),
                          std::to_string(l.counts.already_present), std::to_string(l.counts.quarantined),
                          std::to_string(l.rows_lsoa_checked), std::to_string(l.rows_lsoa_agreed),
                          l.started_at, l.content_hash});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunQuarantine(Env* env, const std::string& db, std::optional<int64_t> load_id, const std::string& feed,
                  OutputFormat format) {
  auto store = OpenExistingStore(env, db);
  if (!store.ok()) return Fail("", store.status());
  std::vector<QuarantinedRow> rows;
  if (feed.empty()) {
    auto all = (*store)->ListQuarantine(load_id);
    if (!all.ok()) return Fail("", all.status());
    rows = std::move(*all);
  } else {
    auto loads = (*store)->ListLoads();
    if (!loads.ok()) return Fail("", loads.status());
    for (const LoadRecord& l : *loads) {
      if (CommandFeedOf(l.start.feed) != feed || (load_id && *load_id != l.id)) continue;
      auto of_load = (*store)->ListQuarantine(l.id);
      if (!of_load.ok()) return Fail("", of_load.status());
      for (QuarantinedRow& q : *of_load) rows.push_back(std::move(q));
    }
  }
  OutputTable table{{"file", "line", "column", "value", "reason"}, {false, true, false, false, false}, {}};
  for (const QuarantinedRow& q : rows) {
    table.rows.push_back({q.source.file, std::to_string(q.source.line), q.column, q.value, q.reason});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunGeography(Env* env, const std::string& data_dir, OutputFormat format) {
  auto geography = ReferenceGeography::Load(env, data_dir + "/reference");
  if (!geography.ok()) return Fail("reference geography: ", geography.status());
  OutputTable table{{"csp_code", "csp_area", "lsoas", "population_mid2018"}, {false, false, true, true}, {}};
  for (const CspArea& area : LlrCspAreas()) {
    int64_t lsoas = 0, population = 0;
    for (const Lsoa& l : (*geography)->lsoas()) {
      if (l.csp_area != area.code) continue;
      ++lsoas;
      population += l.population;
    }
    table.rows.push_back({std::string(area.code), std::string(area.name), std::to_string(lsoas),
                          std::to_string(population)});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunGazetteer(Env* env, const GazetteerCommand& command) {
  auto entries = BuildGazetteer(env, command.data_dir);
  if (!entries.ok()) return Fail("gazetteer: ", entries.status());
  Status written = env->WriteFile(command.out, WriteGazetteerCsv(*entries));
  if (!written.ok()) return Fail("gazetteer: ", written);
  std::map<std::string_view, int64_t> kinds;
  for (const GazetteerEntry& e : *entries) ++kinds[PlaceKindName(e.kind)];
  std::cout << "wrote " << entries->size() << " places to " << command.out << " (";
  bool first = true;
  for (const auto& [kind, count] : kinds) {
    std::cout << (first ? "" : ", ") << count << " " << kind;
    first = false;
  }
  std::cout << ")\n";
  return 0;
}

int RunGeocode(Env* env, const GeocodeCommand& command, OutputFormat format) {
  auto geocoder = Geocoder::Load(env, command.data_dir + "/reference");
  if (!geocoder.ok()) return Fail("geocode: ", geocoder.status());
  GeocodeHints hints;
  if (!command.site_district.empty()) hints.site_district = std::string(FindCspArea(command.site_district)->code);
  std::vector<std::string> texts = command.texts;
  if (texts.empty()) {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      texts.push_back(line);
    }
  }
  OutputTable table{{"text", "method", "matched", "longitude", "latitude", "radius_m", "confidence", "unresolved"},
                    {false, false, false, true, true, true, true, false},
                    {}};
  for (const std::string& text : texts) {
    GeocodeResult r = (*geocoder)->Geocode(text, hints);
    char lon[32] = "", lat[32] = "", radius[32] = "", confidence[32] = "";
    if (r.resolved) {
      std::snprintf(lon, sizeof lon, "%.6f", r.point.longitude);
      std::snprintf(lat, sizeof lat, "%.6f", r.point.latitude);
      std::snprintf(radius, sizeof radius, "%.0f", r.radius_m);
      std::snprintf(confidence, sizeof confidence, "%.2f", r.confidence);
    }
    table.rows.push_back({text, r.MethodLabel(), r.matched_name, lon, lat, radius, confidence,
                          r.resolved ? "" : std::string(UnresolvedReasonName(r.reason)) + ": " + r.unresolved_reason});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunRules(OutputFormat format) {
  OutputTable table{{"version", "behaviour", "when"}, {false, false, false}, {}};
  for (const BehaviourRule& rule : BehaviourRules()) {
    table.rows.push_back({std::string(kBehaviourRulesVersion), std::string(HarmfulBehaviourSlug(rule.behaviour)),
                          std::string(rule.when)});
  }
  WriteTable(table, format, std::cout);
  return 0;
}

int RunSynth(Env* env, const SynthCommand& command) {
  std::optional<YearMonth> start = ParseYearMonth(command.start);
  synth::SynthOptions options;
  options.seed = command.seed;
  options.years = command.years;
  options.scale = command.scale;
  options.start_year = start ? start->year : 0;
  options.start_month = start ? start->month : 0;
  options.data_dir = command.data_dir;
  options.out_dir = command.out;
  if (command.progress) {
    options.on_progress = [](const synth::SynthProgress& p) {
      std::fprintf(stderr, "\rsynth: day %lld of %lld, %lld incidents, %.0f incidents/s ",
                   static_cast<long long>(p.days_done), static_cast<long long>(p.days_total),
                   static_cast<long long>(p.incidents),
                   p.elapsed_seconds > 0 ? static_cast<double>(p.incidents) / p.elapsed_seconds : 0.0);
      std::fflush(stderr);
    };
  }
  auto report = synth::GenerateSyntheticLlr(env, options);
  if (command.progress) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail("synth: ", report.status());
  std::printf("synthetic LLR (%s, seed %llu) in %s: %lld residents, %lld police incidents, %lld involvements, "
              "%lld A&E attendances (%lld unknown to police), %lld agency records, %.1f s\n",
              std::string(synth::kSynthVersion).c_str(), static_cast<unsigned long long>(command.seed),
              command.out.c_str(), static_cast<long long>(report->residents), static_cast<long long>(report->incidents),
              static_cast<long long>(report->involvements), static_cast<long long>(report->attendances),
              static_cast<long long>(report->attendances_unknown_to_police),
              static_cast<long long>(report->agency_records), report->seconds);
  return 0;
}

}  // namespace harmlens
