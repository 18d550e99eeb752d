// The linkage subcommands (docs/linkage.md): `harmlens encode` (partner side: identifiers
// in, keyed encodings out), `harmlens link` (hub side: encodings or, where the law allows,
// plaintext in, person ids out; --evaluate against ground truth; --explain a pair) and
// `harmlens linkage-runs` (the log of every linkage run). Kept apart from commands.cc so
// main.cc registers them in two lines.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "base/env.h"
#include "cli/output.h"

namespace harmlens {

struct LinkageCommands;  // the options of the three subcommands, bound to `app`

// Adds encode, link and linkage-runs to `app`; `db` and `format` are main's shared options.
std::shared_ptr<LinkageCommands> AddLinkageCommands(CLI::App* app, std::string* db, std::string* format,
                                                    const std::string* data_dir);
// The exit code if one of the linkage subcommands was parsed, nullopt otherwise.
std::optional<int> RunLinkageCommands(Env* env, const LinkageCommands& commands, OutputFormat format);

}  // namespace harmlens
