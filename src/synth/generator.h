// `harmlens synth`: a deterministic, streaming generator of a synthetic Leicester,
// Leicestershire and Rutland with ground truth. It writes the three partner feeds in
// their documented formats (docs/formats/police-extract.md, istv.md, agency-records.md)
// and, beside them in truth/, who is really behind every record. Realism and sources:
// docs/synthetic-llr.md. Rows are written as they are made: memory does not grow with
// --scale or --years. Same seed, options and generator version: byte-identical files.
// One call runs on the calling thread; calls on different output folders may run at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"

namespace harmlens::synth {

// Changes whenever any output for a given seed would change.
inline constexpr std::string_view kSynthVersion = "harmlens-synth/3";

struct SynthProgress {
  int64_t days_done = 0;
  int64_t days_total = 0;
  int64_t incidents = 0;
  double elapsed_seconds = 0;
};

struct SynthOptions {
  uint64_t seed = 1;
  int years = 1;
  double scale = 1.0;      // 1.0: LLR-sized (~1.1M residents, ~100k police incidents a year)
  int start_year = 2023;   // generation starts on the first day of this month
  int start_month = 1;
  std::string data_dir;    // the bundled data/ folder (reference, police-uk, synth)
  std::string out_dir;     // created if missing; existing files of the same names are replaced
  std::function<void(const SynthProgress&)> on_progress;  // about once a simulated week
};

struct SynthFile {
  std::string path;  // relative to out_dir
  int64_t rows = 0;  // data rows, excluding the header
};

struct SynthReport {
  int64_t residents = 0;
  int64_t incidents = 0;
  int64_t involvements = 0;
  int64_t attendances = 0;
  int64_t attendances_unknown_to_police = 0;
  int64_t agency_records = 0;
  std::vector<SynthFile> files;
  double seconds = 0;
};

// Checks the options (InvalidArgument naming the option), reads the reference geography,
// the police.uk rate source and the name lists (RejectedInput naming file and line), then
// writes every file. An I/O failure stops the run with IoError; files already renamed
// into place stay, and the manifest (written last) is then missing.
Result<SynthReport> GenerateSyntheticLlr(Env* env, const SynthOptions& options);

}  // namespace harmlens::synth
