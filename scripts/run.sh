#!/usr/bin/env bash
# The main job: install, build, load the bundled real police.uk data into the embedded
# store (harmlens.db in the current directory), add a small SYNTHETIC partner set (the
# force's extract and A&E attendances from `harmlens synth`, labelled synthetic in the
# dashboard), print the per-CSP summary of the real data, then serve the dashboard and
# print its URL (Ctrl-C stops it).
#   HARMLENS_DB=path   the store (default harmlens.db)
#   HARMLENS_PORT=n    the dashboard's port (default 8080)
#   HARMLENS_NO_SERVE=1  stop after the summary
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
(cd "$here" && cmake --preset default >/dev/null && cmake --build --preset default)
"$here/scripts/build-web.sh"
db=${HARMLENS_DB:-harmlens.db}
bin="$here/build/default/src/harmlens"
"$bin" ingest police-uk --db "$db" "$here/data/police-uk"
"$bin" summary --db "$db" --source police-uk
if [[ -n "${HARMLENS_NO_SERVE:-}" ]]; then exit 0; fi

# A synthetic year for the partner feeds police.uk lacks (time of day, weapons, victims'
# ages, A&E). Loading it twice is harmless: rows already stored are counted, not added.
synth=$(mktemp -d)
trap 'rm -rf "$synth"' EXIT
"$bin" synth --seed 1 --scale 0.2 --years 1 --start 2021-11 --out "$synth" >/dev/null
"$bin" ingest police-extract --db "$db" --quiet "$synth/police_extract_incidents.csv" "$synth/police_extract_persons.csv"
"$bin" ingest istv --db "$db" --quiet "$synth/istv.csv"
echo "run: police-extract and emergency-department data in $db are SYNTHETIC (harmlens synth --seed 1)"
exec "$bin" serve --db "$db" --port "${HARMLENS_PORT:-8080}" --synthetic police-extract,emergency-department --quiet
