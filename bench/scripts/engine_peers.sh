#!/usr/bin/env bash
# The engine benchmark and its peers in one run (docs/PERFORMANCE.md, "Analysis engine").
# Usage: bench/scripts/engine_peers.sh DIR [N] [PEER_REPEATS]
#   Without DIR/engine.db, first writes N generated incidents (default 10,000,000) there.
#   The engine runs each query 21 times, the peers PEER_REPEATS times (default 11: at 10M
#   the sqlite3 peer's slowest query takes about a minute a run).
# Needs the release build (cmake --preset release && cmake --build build/release --target
# engine_bench) and scripts/setup.sh --bench (python3-pandas).
set -euo pipefail
dir=$1
n=${2:-10000000}
peer_repeats=${3:-11}
here=$(cd "$(dirname "$0")/../.." && pwd)
bench=$here/build/release/bench/engine_bench
mkdir -p "$dir"
[[ -f $dir/engine.db ]] || "$bench" make "$dir" "$n"
"$bench" run "$dir" 21
"$here/bench/peers/engine_sqlite.sh" "$dir" "$peer_repeats"
/usr/bin/python3 "$here/bench/peers/engine_pandas.py" "$dir" "$peer_repeats"
