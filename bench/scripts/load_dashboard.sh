#!/usr/bin/env bash
# Load benchmark of the dashboard: wrk (Debian) with 50 concurrent connections for 60 s
# against `harmlens serve`, a realistic mix of routes (dashboard_mix.lua), over a store of
# synthetic incidents. Prints p50/p95/p99, errors and the server's memory before and
# after. Only loopback traffic; wrk stops by itself after the duration.
#   bench/scripts/load_dashboard.sh [--scale 10 --years 10] [--duration 60] [--connections 50]
#   bench/scripts/load_dashboard.sh --db /tmp/dash10m/store.db     # an existing store, read only
#   ... --bin OTHER/harmlens     # another build's server over the same store (before/after)
# Without --db the store is built once and kept in build/bench-dashboard/ (scale 10 x 10
# years is about 10.8 million police incidents; synth ~2 min, ingest several minutes).
# Run timed runs under `flock /tmp/harmlens-bench.lock ...` so they do not overlap others.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
scale=10 years=10 duration=60 connections=50 threads=2 port=18480 db=""
bin="$here/build/default/src/harmlens"  # the README's build (RelWithDebInfo)
while (($#)); do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --years) years=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$db" ]]; then
  [[ -f "$db" ]] || { echo "no store at $db" >&2; exit 2; }
  work="$here/build/bench-dashboard/given"
else
  work="$here/build/bench-dashboard/scale${scale}-years${years}"
  db="$work/store.db"
fi
mkdir -p "$work"
if [[ ! -f "$db" ]]; then
  echo "== building the store: harmlens synth --seed 1 --scale $scale --years $years" >&2
  "$bin" synth --seed 1 --scale "$scale" --years "$years" --start 2015-01 --out "$work/synth" >&2
  /usr/bin/time -f "ingest police-extract: %e s wall, %M KB peak" "$bin" ingest police-extract --db "$db.tmp" --quiet \
    "$work/synth/police_extract_incidents.csv" "$work/synth/police_extract_persons.csv" >&2
  "$bin" ingest istv --db "$db.tmp" --quiet "$work/synth/istv.csv" >&2
  mv "$db.tmp" "$db"
  rm -rf "$work/synth"
fi

"$here/scripts/build-web.sh" >/dev/null
log="$work/serve.log"
start=$(date +%s.%N)
"$bin" serve --db "$db" --port "$port" --quiet --synthetic police-extract,emergency-department >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until grep -q "dashboard at" "$log"; do
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
echo "== harmlens serve ready in $(echo "$(date +%s.%N) - $start" | bc) s: $(grep 'in memory' "$log")"
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }
echo "== machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); server $bin (tree $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo "?"))"
# The data the run is over, as the server sees it.
echo "== data: $db ($(du -h "$db" | cut -f1))"
months=$(curl -s "http://127.0.0.1:$port/api/v1/meta" | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
print(" ".join(sorted({x for s in m["sources"] for x in s["months"]})[-24:]))
print("== incidents: %d" % m["incidents"], file=sys.stderr)
for s in m["sources"]:
    if s["months"]:
        print("==   %s: %s to %s (%d months)" % (s["slug"], s["months"][0], s["months"][-1], len(s["months"])), file=sys.stderr)')
echo "== memory before: $(rss)"
# A short warm-up fills the caches the way a session would.
wrk -t "$threads" -c "$connections" -d 5s -s "$here/bench/scripts/dashboard_mix.lua" "http://127.0.0.1:$port" -- $months >/dev/null
echo "== memory after warm-up: $(rss)"
echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# The load average and the server's memory every 10 s during the run.
( while sleep 10; do echo "==   during: load $(cut -d' ' -f1-3 /proc/loadavg), server $(rss)"; done ) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; kill $pid 2>/dev/null || true' EXIT
wrk -t "$threads" -c "$connections" -d "${duration}s" --timeout 10s -s "$here/bench/scripts/dashboard_mix.lua" \
  "http://127.0.0.1:$port" -- $months
kill $sampler 2>/dev/null || true
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== memory after: $(rss)"
echo "== server CPU time: $(awk '{printf "%.1f s user, %.1f s system", $14 / 100, $15 / 100}' "/proc/$pid/stat")"
