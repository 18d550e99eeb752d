// `harmlens analyse`: the engine's query interface on the command line. Filters are
// `field=value` arguments (or --json), the answer a table, CSV or JSON; --explain lists
// the stored records a figure was counted from.
#pragma once

#include <functional>
#include <optional>

#include <CLI/CLI.hpp>

#include "base/env.h"

namespace harmlens {

// Adds the `analyse` subcommand to `app`. The returned function, called after parsing,
// runs it and returns the exit code if it was the subcommand given, else nullopt.
std::function<std::optional<int>(Env*)> AddAnalyseCommand(CLI::App* app, const std::string& default_data_dir);

}  // namespace harmlens
