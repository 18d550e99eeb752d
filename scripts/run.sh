#!/usr/bin/env bash
# The main job: install, build, load the bundled real police.uk data into the embedded
# store (harmlens.db in the current directory) and print the per-CSP summary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
cmake --preset default -S "$here" >/dev/null
cmake --build --preset default
db=${HARMLENS_DB:-harmlens.db}
bin="$here/build/default/src/harmlens"
"$bin" ingest police-uk --db "$db" "$here/data/police-uk"
"$bin" summary --db "$db"
