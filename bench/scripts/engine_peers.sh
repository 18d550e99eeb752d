#!/usr/bin/env bash
# The engine benchmark and its peers in one run (docs/PERFORMANCE.md, "Analysis engine").
# Usage: bench/scripts/engine_peers.sh DIR [N]
#   Without DIR/engine.db, first writes N generated incidents (default 10,000,000) there.
# Needs the release build (cmake --preset release && cmake --build build/release --target
# engine_bench) and scripts/setup.sh --bench (python3-pandas).
set -euo pipefail
dir=$1
n=${2:-10000000}
here=$(cd "$(dirname "$0")/../.." && pwd)
bench=$here/build/release/bench/engine_bench
mkdir -p "$dir"
[[ -f $dir/engine.db ]] || "$bench" make "$dir" "$n"
"$bench" run "$dir" 21
"$here/bench/peers/engine_sqlite.sh" "$dir" 11
/usr/bin/python3 "$here/bench/peers/engine_pandas.py" "$dir" 11
