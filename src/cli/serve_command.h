// `harmlens serve`: loads the store's incidents into memory once and serves the
// dashboard (the JSON API of docs/api.md and the built web front end) until stopped.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "base/env.h"

namespace harmlens {

struct ServeCommand {
  std::string db = "harmlens.db";
  std::string data_dir;  // the bundled data folder (boundaries, populations)
  std::string web_dir;   // the built front end; "" = web/dist of the source tree
  std::string host = "127.0.0.1";
  int port = 8080;
  int query_timeout_ms = 2000;
  int page_size_max = 1000;
  std::vector<std::string> synthetic_sources;  // sources whose data came from harmlens synth
  bool quiet = false;                          // no access log
};

// Adds the subcommand and its options to `app`; `command` receives the values.
CLI::App* AddServeCommand(CLI::App* app, ServeCommand* command);
// Serves until the process is stopped. Exit code 1 if the store, data or port fail.
int RunServe(Env* env, const ServeCommand& command);

}  // namespace harmlens
