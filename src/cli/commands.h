// The subcommands behind `harmlens`: each parses nothing itself (main.cc does), calls
// the library, prints, and returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "cli/output.h"
#include "ingest/ingest.h"

namespace harmlens {

struct IngestCommand {
  std::vector<std::string> paths;
  std::string db;
  std::string data_dir;
  int64_t batch_rows = 20000;
  bool report_batches = false;
  bool quiet = false;
  bool progress = false;  // draw a progress bar on stderr
};

struct SummaryCommand {
  std::string csp;
  std::string from;
  std::string to;
  std::string behaviour;
  std::string source;  // "" = every source, or an AgencyName ("police-uk", ...)
};

struct SynthCommand {
  uint64_t seed = 1;
  int years = 1;
  double scale = 1.0;
  std::string start = "2023-01";  // YYYY-MM, checked by main.cc
  std::string out;
  std::string data_dir;
  bool progress = false;  // draw progress on stderr
};

struct GazetteerCommand {
  std::string data_dir;
  std::string out;
};

struct GeocodeCommand {
  std::vector<std::string> texts;  // none: one text per line of standard input
  std::string data_dir;
  std::string site_district;       // a district code or name, or ""
};

// `harmlens ingest <feed>`: checks every file first (a refused command creates no
// store), loads them, prints one accounting line per file and the totals.
int RunIngest(Env* env, Feed feed, const IngestCommand& command);
// Builds the LLR gazetteer from the bundled data and writes it (docs/formats/gazetteer.md).
int RunGazetteer(Env* env, const GazetteerCommand& command);
// Geocodes free-text locations (docs/geocoding.md), one output row per text.
int RunGeocode(Env* env, const GeocodeCommand& command, OutputFormat format);
// Writes a synthetic LLR (docs/synthetic-llr.md) into command.out.
int RunSynth(Env* env, const SynthCommand& command);
int RunSummary(Env* env, const std::string& db, const SummaryCommand& command, OutputFormat format);
// `feed`: "" for all, or an ingest subcommand's feed ("police-extract" covers both files).
int RunLoads(Env* env, const std::string& db, const std::string& feed, OutputFormat format);
int RunQuarantine(Env* env, const std::string& db, std::optional<int64_t> load_id, const std::string& feed,
                  OutputFormat format);
int RunGeography(Env* env, const std::string& data_dir, OutputFormat format);
int RunRules(OutputFormat format);

}  // namespace harmlens
