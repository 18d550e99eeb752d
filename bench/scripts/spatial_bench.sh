#!/usr/bin/env bash
# The spatial benchmarks of docs/PERFORMANCE.md ("Spatial"): harmlens against R's spatstat
# (density.ppp) and spdep (localG) on the same inputs in the same run, plus the Knox test.
# Usage (from the repository root; needs Rscript with sf, spatstat and spdep, and python3):
#   bench/scripts/spatial_bench.sh [--harmlens BIN] [--runs N] [--workdir DIR]
# Inputs are made by bench/peers/spatial_inputs.R (fixed seed). harmlens is timed as a whole
# process (reading the CSV and writing every cell included) with GNU time; the R peers
# inside R around the computation only (reading the CSV not timed). Each workload runs
# N times, harmlens and its peer alternating; the script prints every run, the medians of
# elapsed and CPU (user + sys) seconds, and checks that the answers agree.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
harmlens=$root/build/release/src/harmlens runs=5 workdir=/tmp/harmlens-spatial-bench
while [[ $# -gt 0 ]]; do
  case $1 in
    --harmlens) harmlens=$(realpath "$2"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$workdir"
cd "$root"
if [[ ! -f $workdir/zones30k.csv ]]; then
  for seed in 1 2 3 4 5 6 7; do  # seven synthetic force areas for the national input
    "$harmlens" synth --seed "$seed" --years 1 --scale 1.85 --out "$workdir/synth/seed-$seed" > /dev/null
  done
  Rscript bench/peers/spatial_inputs.R "$workdir" "$workdir/synth"
fi
cd "$workdir"
peers=$root/bench/peers/spatial_peers.R
log=$workdir/runs.txt; : > "$log"
echo "# spatial benchmark $(date -Is); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(uname -sr)"
echo "# harmlens: $harmlens; $(R --version | head -1)"

hl() {  # name, then the harmlens arguments; output to $workdir/h_<name>.out
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$workdir/time.txt" "$harmlens" "$@" > "$workdir/h_$name.out" 2> "$workdir/h_$name.err"
  read -r e u s < "$workdir/time.txt"
  echo "harmlens $name seconds $e cpu $(echo "$u + $s" | bc)" | tee -a "$log"
  # kde reports the computation alone (wall clock) on stderr: "computed in S s".
  local inner; inner=$(grep -o 'computed in [0-9.]*' "$workdir/h_$name.err" | awk '{print $3}' || true)
  if [[ -n $inner ]]; then echo "harmlens-compute $name seconds $inner cpu $inner" | tee -a "$log"; fi
}
peer() {  # name, then the peer's arguments (runs = 1 each call)
  local name=$1; shift
  Rscript "$peers" "$@" | sed "s/^peer [^ ]* run 1/peer $name/" | tee -a "$log"
}
for ((r = 1; r <= runs; r++)); do
  hl kde_llr hotspots kde --points llr_violence.csv --bandwidth 250 --cell 100 --kernel gaussian --format csv
  hl kde_llr_binned hotspots kde --points llr_violence.csv --bandwidth 250 --cell 100 --kernel gaussian --method binned --format csv
  peer kde_llr kde llr_violence.csv 250 100 1 r_kde_llr.csv
  hl kde_national hotspots kde --points national.csv --bandwidth 2000 --cell 1000 --kernel gaussian --format csv
  hl kde_national_binned hotspots kde --points national.csv --bandwidth 2000 --cell 1000 --kernel gaussian --method binned --format csv
  peer kde_national kde national.csv 2000 1000 1 r_kde_national.csv
  hl gistar_30k hotspots gistar --zones zones30k.csv --band 1500 --format csv
  peer gistar_30k gistar zones30k.csv 1500 1 r_gistar_30k.csv
  hl knox_10k nearrepeat --events events10k.csv --permutations 999 --seed 1 --format csv
done

echo "# medians over $runs runs (elapsed s, cpu s)"
python3 - "$log" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, name, _, e, _, c = line.split()[:6]
    runs.setdefault((name, who), []).append((float(e), float(c)))
for name in sorted({n for n, _ in runs}):
    h = runs.get((name, "harmlens")); p = runs.get((name, "peer")) or runs.get((name.replace("_binned", ""), "peer"))
    he, hc = statistics.median(x[0] for x in h), statistics.median(x[1] for x in h)
    msg = f"{name}: harmlens {he:.2f} s elapsed, {hc:.2f} s cpu"
    inner = runs.get((name, "harmlens-compute"))
    if inner:
        ie = statistics.median(x[0] for x in inner)
        msg += f" (computation alone {ie:.3f} s elapsed"
        if p: msg += f", peer/harmlens {statistics.median(x[0] for x in p)/ie:.0f}x"
        msg += ")"
    if p:
        pe, pc = statistics.median(x[0] for x in p), statistics.median(x[1] for x in p)
        msg += f"; peer {pe:.2f} s elapsed, {pc:.2f} s cpu; peer/harmlens {pe/he:.1f}x elapsed, {pc/hc:.1f}x cpu"
    print(msg)
PY

echo "# agreement"
python3 - <<'PY'
import csv
def grid(f):
    return {(round(float(r["x"]), 1), round(float(r["y"]), 1)): float(r["density"]) for r in csv.DictReader(open(f))}
for name, cell in (("kde_llr", 100), ("kde_llr_binned", 100), ("kde_national", 1000), ("kde_national_binned", 1000)):
    h, r = grid(f"h_{name}.out"), grid(f"r_{name.replace('_binned', '')}.csv")
    top = max(h.values())
    common = set(h) & set(r)
    rel = max((abs(h[k] - r[k]) / h[k] for k in common if h[k] > 0.01 * top), default=0)
    if name.endswith("_binned"):
        e = grid(f"h_{name.replace('_binned', '')}.out")
        be = max((abs(h[k] - e[k]) / e[k] for k in e if e[k] > 0.01 * top), default=0)
        print(f"{name} against harmlens exact: max relative diff where density > 1% of max {be:.3g}")
    print(f"{name}: {len(h)} cells (peer {len(r)}, common {len(common)}); integral harmlens {sum(h.values())*cell*cell:.1f}, "
          f"peer {sum(r.values())*cell*cell:.1f}; max |diff| {max(abs(h[k]-r[k]) for k in common)/top:.3g} of the maximum; "
          f"max relative diff where density > 1% of max {rel:.3g}")
g = {r["id"]: float(r["gi_z"]) for r in csv.DictReader(open("h_gistar_30k.out"))}
p = {r["id"]: float(r["gi_z"]) for r in csv.DictReader(open("r_gistar_30k.csv"))}
print(f"gistar_30k: {len(g)} zones, max |z harmlens - z spdep| = {max(abs(g[k] - p[k]) for k in g):.3g}")
PY
