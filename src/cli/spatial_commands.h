// `harmlens hotspots kde|gistar|moran|emerging|clusters` and `harmlens nearrepeat`: thin
// wrappers over the spatial layer, on a plain CSV in British National Grid metres or on
// incidents selected from the store. Definitions and formats: docs/spatial.md.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/env.h"

namespace CLI {
class App;
}

namespace harmlens {

struct SpatialCommands;

// Adds the subcommands to `app`. `db` and `data_dir` are main's shared options (their
// defaults), written by these subcommands' --db and --data too.
std::shared_ptr<SpatialCommands> AddSpatialCommands(CLI::App* app, std::string* db, std::string* data_dir);

// Runs the subcommand given, if it is one of these: its exit code (0 done, 1 the task
// failed, 2 a bad value on the command line); nullopt if none was given.
std::optional<int> RunSpatialCommand(Env* env, const SpatialCommands& commands);

}  // namespace harmlens
