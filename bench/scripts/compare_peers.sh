#!/usr/bin/env bash
# Time harmlens against its peers (pandas, sqlite3 CLI) on the same police.uk CSVs, as whole
# processes: start-up, parsing and writing are part of what a user waits for.
# Usage: compare_peers.sh [--harmlens BIN] [--runs N] [--pandas-all-columns] [--workdir DIR] FILE...
#   One untimed warm-up round (page cache, .pyc files), then N timed rounds.  Workloads run
#   interleaved (A B C A B C ...) so that drift on a shared machine hits all of them alike; the
#   "pairwise" ratio is the median of per-round ratios, which is the more drift-proof figure.
#   Peak RSS is GNU time's %M: the largest single process of the workload's process tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
harmlens='' runs=5 allcols=0 workdir=''
while [[ $# -gt 0 ]]; do
  case $1 in
    --harmlens) harmlens=$(realpath "$2"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --pandas-all-columns) allcols=1; shift ;;
    --workdir) workdir=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { echo "usage: $0 [--harmlens BIN] [--runs N] [--pandas-all-columns] [--workdir DIR] FILE..." >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
if [[ -z $workdir ]]; then workdir=$(mktemp -d); trap 'rm -rf "$workdir"' EXIT; else mkdir -p "$workdir"; fi

files=$(printf ' %q' "$@")
names=() cmds=()
if [[ -n $harmlens ]]; then
  db=$workdir/harmlens.db
  names+=(harmlens)
  cmds+=("rm -f $(printf %q "$db") && $(printf %q "$harmlens") ingest police-uk --quiet --db $(printf %q "$db")$files > /dev/null && $(printf %q "$harmlens") summary --db $(printf %q "$db") --format csv > /dev/null")
fi
names+=(pandas); cmds+=("/usr/bin/python3 $(printf %q "$here/peers/pandas_lsoa_type_month.py")$files > /dev/null")
if [[ $allcols == 1 ]]; then
  names+=(pandas-allcols); cmds+=("/usr/bin/python3 $(printf %q "$here/peers/pandas_lsoa_type_month.py") --all-columns$files > /dev/null")
fi
names+=(sqlite3); cmds+=("$(printf %q "$here/peers/sqlite3_lsoa_type_month.sh") $(printf %q "$workdir/peer.db")$files > /dev/null")

echo "# harmlens peer comparison  $(date -Is)"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "# versions: $(/usr/bin/python3 -c 'import sys, pandas; print("python", sys.version.split()[0], "pandas", pandas.__version__)'), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "# input: $# file(s), $(cat -- "$@" | wc -c) bytes, $(cat -- "$@" | wc -l) lines incl. headers"
echo "# runs: 1 warm-up + $runs timed, interleaved; time: /usr/bin/time -f '%e %M' bash -c CMD"
for i in "${!names[@]}"; do echo "# ${names[$i]}: ${cmds[$i]}"; done

results=$workdir/results.tsv; : > "$results"
for ((r = 0; r <= runs; r++)); do
  for i in "${!names[@]}"; do
    if ! /usr/bin/time -f '%e %M' -o "$workdir/t" bash -c "${cmds[$i]}" 2> "$workdir/err"; then
      echo "${names[$i]} failed (round $r):" >&2; cat "$workdir/err" >&2; exit 1
    fi
    # round 0 is the warm-up and is not recorded
    (( r > 0 )) && printf '%d\t%s\t%s\n' "$r" "${names[$i]}" "$(tail -n1 "$workdir/t" | tr ' ' '\t')" >> "$results"
  done
done

# Reference for the ratios: harmlens if given, else the first peer (so the script is useful before harmlens exists).
/usr/bin/python3 - "$results" "${names[0]}" <<'PY'
import sys
from statistics import median
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
ref = sys.argv[2]
ratio = lambda a, b: a / b if b > 0 else float("nan")  # %e has 10 ms resolution, so 0.00 can occur
order = list(dict.fromkeys(r[1] for r in rows))
wall = {n: {int(r[0]): float(r[2]) for r in rows if r[1] == n} for n in order}
rss = {n: [int(r[3]) / 1024 for r in rows if r[1] == n] for n in order}
print(f"\n{'workload':<15}{'median s':>10}{'min s':>8}{'max s':>8}{'med RSS MB':>12}"
      f"{ref + '/this (medians)':>28}{ref + '/this (pairwise median)':>34}")
for n in order:
    w = list(wall[n].values())
    pair = median(ratio(wall[ref][k], wall[n][k]) for k in wall[n])
    print(f"{n:<15}{median(w):>10.2f}{min(w):>8.2f}{max(w):>8.2f}{median(rss[n]):>12.1f}"
          f"{ratio(median(wall[ref].values()), median(w)):>28.2f}{pair:>34.2f}")
print(f"(ratios < 1: {ref} is faster than that workload)")
print("raw wall seconds per round: " + "; ".join(f"{n} " + " ".join(f"{wall[n][k]:.2f}" for k in sorted(wall[n])) for n in order))
PY
