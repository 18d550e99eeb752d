// The harmlens command line: one executable, one subcommand per task, each a thin
// wrapper over a library call. Exit codes: 0 done, 1 the task failed (bad input file,
// store error), 2 the command itself was wrong (unknown option, bad value).
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "cli/analyse_command.h"
#include "cli/commands.h"
#include "cli/spatial_commands.h"
#include "cli/linkage_commands.h"
#include "cli/serve_command.h"
#include "model/geography.h"
#include "model/harmful_behaviour.h"
#include "model/time.h"

#ifndef HARMLENS_DEFAULT_DATA_DIR
#define HARMLENS_DEFAULT_DATA_DIR "data"
#endif

namespace harmlens {
namespace {

constexpr int kExitUsage = 2;

std::string DefaultDataDir() {
  const char* env = std::getenv("HARMLENS_DATA_DIR");
  return env && *env ? env : HARMLENS_DEFAULT_DATA_DIR;
}

const CLI::Validator kYearMonth(
    [](std::string& value) -> std::string {
      return ParseYearMonth(value) ? "" : "expected a month as YYYY-MM, got \"" + value + "\"";
    },
    "YYYY-MM");

const CLI::Validator kCsp(
    [](std::string& value) -> std::string {
      if (FindCspArea(value)) return "";
      std::string names;
      for (const CspArea& a : LlrCspAreas()) names += (names.empty() ? "" : ", ") + std::string(a.name);
      return "unknown CSP area \"" + value + "\" (expected a district code or one of: " + names + ")";
    },
    "CSP");

const CLI::Validator kBehaviour(
    [](std::string& value) -> std::string {
      if (HarmfulBehaviourFromSlug(value)) return "";
      std::string slugs;
      for (HarmfulBehaviour b : AllHarmfulBehaviours()) {
        slugs += (slugs.empty() ? "" : ", ") + std::string(HarmfulBehaviourSlug(b));
      }
      return "unknown harmful behaviour \"" + value + "\" (expected one of: " + slugs + ")";
    },
    "BEHAVIOUR");

void AddDbOption(CLI::App* cmd, std::string* db) {
  cmd->add_option("--db", *db, "the store: a SQLite file (created by ingest if missing)")
      ->capture_default_str();
}

void AddFormatOption(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
}

OutputFormat ToFormat(const std::string& name) {
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return OutputFormat::kTable;
}

}  // namespace
}  // namespace harmlens

int main(int argc, char** argv) {
  using namespace harmlens;
  // Ingest allocates and frees a few megabytes per batch; glibc would hand each block
  // back to the kernel and fault it in again, zeroed, for the next batch.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  CLI::App app{"harmlens: the data and analysis hub of the LLR Violence Reduction Network"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  std::string db = "harmlens.db";
  std::string data_dir = DefaultDataDir();
  std::string format = "table";

  // ingest
  IngestCommand ingest;
  CLI::App* ingest_cmd = app.add_subcommand("ingest", "load partner files into the store");
  ingest_cmd->require_subcommand(1);
  // One subcommand per feed, each with the same options (docs/formats/ for each format).
  struct FeedCommand {
    Feed feed;
    const char* description;
    CLI::App* app = nullptr;
  };
  std::vector<FeedCommand> feeds = {
      {Feed::kPoliceUk, "police.uk street-level crime CSVs (any force); files or folders of them"},
      {Feed::kPoliceExtract,
       "the force's extract: an incidents file and its persons file, told apart by their headers, one folder per "
       "extract (docs/formats/police-extract.md)"},
      {Feed::kIstv, "A&E assault attendances, ISTV minimum dataset, one or more submissions (docs/formats/istv.md)"},
      {Feed::kAgencyRecords,
       "partner agency records: youth offending, children's social care, school exclusions, probation, substance "
       "misuse, mental health (docs/formats/agency-records.md); personal data"},
  };
  for (FeedCommand& f : feeds) {
    CLI::App* cmd = ingest_cmd->add_subcommand(std::string(FeedCommandName(f.feed)), f.description);
    cmd->add_option("paths", ingest.paths, "files, or folders searched for *.csv")->required();
    AddDbOption(cmd, &db);
    cmd->add_option("--data", data_dir, "reference geography folder (data/)")->capture_default_str();
    cmd->add_option("--batch-rows", ingest.batch_rows, "rows per atomic batch")
        ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}))
        ->capture_default_str();
    cmd->add_flag("--report-batches", ingest.report_batches, "print a line on stdout as each batch is committed");
    cmd->add_flag("--quiet", ingest.quiet, "print only the totals");
    f.app = cmd;
  }

  // summary
  SummaryCommand summary;
  CLI::App* summary_cmd =
      app.add_subcommand("summary", "incident counts by CSP area x month x crime type");
  AddDbOption(summary_cmd, &db);
  summary_cmd->add_option("--csp", summary.csp, "one CSP area: district code or name")->check(kCsp);
  summary_cmd->add_option("--from", summary.from, "first month, YYYY-MM")->check(kYearMonth);
  summary_cmd->add_option("--to", summary.to, "last month, YYYY-MM")->check(kYearMonth);
  summary_cmd->add_option("--behaviour", summary.behaviour, "only incidents tagged with this harmful behaviour")
      ->check(kBehaviour);
  summary_cmd
      ->add_option("--source", summary.source,
                   "only incidents from this source (default: every source in the store)")
      ->check(CLI::IsMember({"police-uk", "police-extract", "emergency-department"}));
  AddFormatOption(summary_cmd, &format);

  // loads
  std::string feed_filter;
  const std::vector<std::string> kFeedNames = {"police-uk", "police-extract", "istv", "agency"};
  CLI::App* loads_cmd = app.add_subcommand("loads", "every load with its accounting and LSOA check");
  AddDbOption(loads_cmd, &db);
  loads_cmd->add_option("--feed", feed_filter, "only loads of this feed")->check(CLI::IsMember(kFeedNames));
  AddFormatOption(loads_cmd, &format);

  // quarantine
  int64_t quarantine_load = 0;
  CLI::App* quarantine_cmd = app.add_subcommand("quarantine", "rows refused by ingest, with reasons");
  AddDbOption(quarantine_cmd, &db);
  quarantine_cmd->add_option("--load", quarantine_load, "only this load id");
  quarantine_cmd->add_option("--feed", feed_filter, "only rows of this feed")->check(CLI::IsMember(kFeedNames));
  AddFormatOption(quarantine_cmd, &format);

  // geography
  CLI::App* geography_cmd =
      app.add_subcommand("geography", "check the reference geography: LSOAs per CSP area");
  geography_cmd->add_option("--data", data_dir, "reference geography folder (data/)")->capture_default_str();
  AddFormatOption(geography_cmd, &format);

  // synth
  SynthCommand synth;
  CLI::App* synth_cmd = app.add_subcommand(
      "synth", "write a synthetic LLR (police extract, ISTV A&E, agency records) with ground truth");
  synth_cmd->add_option("--seed", synth.seed, "seed: same seed and version, byte-identical files")->capture_default_str();
  synth_cmd->add_option("--years", synth.years, "years to simulate")->check(CLI::Range(1, 100))->capture_default_str();
  synth_cmd->add_option("--scale", synth.scale, "1.0 = LLR-sized (~1.1M residents, ~100k incidents a year)")
      ->check(CLI::Range(0.001, 1000.0))
      ->capture_default_str();
  synth_cmd->add_option("--start", synth.start, "first month, YYYY-MM")->check(kYearMonth)->capture_default_str();
  synth_cmd->add_option("--out", synth.out, "output folder (created if missing)")->required();
  synth_cmd->add_option("--data", data_dir, "bundled data folder (data/)")->capture_default_str();

  // gazetteer
  GazetteerCommand gazetteer;
  CLI::App* gazetteer_cmd = app.add_subcommand(
      "gazetteer", "build the LLR gazetteer (streets, places, wards, towns, districts) from the bundled data");
  gazetteer_cmd->add_option("--out", gazetteer.out, "the CSV to write (data/reference/gazetteer_llr.csv)")->required();
  gazetteer_cmd->add_option("--data", data_dir, "bundled data folder (data/)")->capture_default_str();

  // geocode
  GeocodeCommand geocode;
  CLI::App* geocode_cmd =
      app.add_subcommand("geocode", "resolve free-text locations (ISTV) to a point, radius and confidence");
  geocode_cmd->add_option("texts", geocode.texts, "texts to geocode (none: one per line of standard input)");
  geocode_cmd->add_option("--site-district", geocode.site_district,
                          "the treatment site's district (code or name): prefer places in it")
      ->check(kCsp);
  geocode_cmd->add_option("--data", data_dir, "bundled data folder (data/)")->capture_default_str();
  AddFormatOption(geocode_cmd, &format);

  auto linkage = AddLinkageCommands(&app, &db, &format, &data_dir);  // encode, link, linkage-runs, link-events
  ServeCommand serve;
  serve.data_dir = data_dir;
  CLI::App* serve_cmd = AddServeCommand(&app, &serve);
  auto run_analyse = AddAnalyseCommand(&app, data_dir);

  // rules
  CLI::App* rules_cmd = app.add_subcommand("rules", "the harmful-behaviour rule table in force");
  AddFormatOption(rules_cmd, &format);

  std::shared_ptr<SpatialCommands> spatial = AddSpatialCommands(&app, &db, &data_dir);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Point at the help of the innermost subcommand given ("harmlens ingest police-uk").
    std::string where = "harmlens";
    for (CLI::App* cmd = &app; !cmd->get_subcommands().empty();) {
      cmd = cmd->get_subcommands()[0];
      where += " " + cmd->get_name();
    }
    std::cerr << "harmlens: " << e.what() << " (see '" << where << " --help')\n";
    return kExitUsage;
  }

  Env* env = Env::Default();
  OutputFormat out = ToFormat(format);
  for (const FeedCommand& f : feeds) {
    if (!f.app->parsed()) continue;
    ingest.db = db;
    ingest.data_dir = data_dir;
    ingest.progress = isatty(STDERR_FILENO) != 0;
    return RunIngest(env, f.feed, ingest);
  }
  if (std::optional<int> code = RunLinkageCommands(env, *linkage, out)) return *code;
  if (auto code = run_analyse(env)) return *code;
  if (summary_cmd->parsed()) return RunSummary(env, db, summary, out);
  if (loads_cmd->parsed()) return RunLoads(env, db, feed_filter, out);
  if (quarantine_cmd->parsed()) {
    return RunQuarantine(env, db, quarantine_load > 0 ? std::optional<int64_t>(quarantine_load) : std::nullopt,
                         feed_filter, out);
  }
  if (geography_cmd->parsed()) return RunGeography(env, data_dir, out);
  if (rules_cmd->parsed()) return RunRules(out);
  if (serve_cmd->parsed()) return RunServe(env, serve);
  if (gazetteer_cmd->parsed()) {
    gazetteer.data_dir = data_dir;
    return RunGazetteer(env, gazetteer);
  }
  if (geocode_cmd->parsed()) {
    geocode.data_dir = data_dir;
    return RunGeocode(env, geocode, out);
  }
  if (synth_cmd->parsed()) {
    synth.data_dir = data_dir;
    synth.progress = isatty(STDERR_FILENO) != 0;
    return RunSynth(env, synth);
  }
  if (std::optional<int> code = RunSpatialCommand(env, *spatial)) return *code;
  return kExitUsage;
}
