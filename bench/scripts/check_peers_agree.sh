#!/usr/bin/env bash
# Check that the pandas and sqlite3 peers compute the same (LSOA code, Crime type, Month) count
# table for the given police.uk CSVs, and that the counts add up to the number of data rows.
# Usage: check_peers_agree.sh [--keep DIR] FILE...
# The two outputs differ in form (sqlite3 quotes fields with spaces and ends lines with CRLF),
# so both are parsed as CSV and rewritten canonically before the sort + diff.  The data-row
# count comes from a third parser (Python's csv module), independent of both peers.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
keep=
if [[ ${1:-} == --keep ]]; then keep=$2; shift 2; fi
[[ $# -ge 1 ]] || { echo "usage: $0 [--keep DIR] FILE..." >&2; exit 2; }
if [[ -n $keep ]]; then mkdir -p "$keep"; tmp=$keep; else tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi

/usr/bin/python3 "$here/peers/pandas_lsoa_type_month.py" --out "$tmp/pandas.csv" "$@"
"$here/peers/sqlite3_lsoa_type_month.sh" "$tmp/peer.db" "$@" > "$tmp/sqlite3.csv"
rm -f "$tmp/peer.db"

canon() {  # CSV in -> "lsoa|type|month|count" lines, byte-sorted; prints the sum of counts on stderr
  /usr/bin/python3 -c '
import csv, sys
r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8")); next(r)
rows = ["|".join(x) for x in r]
print(sum(int(x.rsplit("|", 1)[1]) for x in rows), file=sys.stderr)
sys.stdout.write("".join(x + "\n" for x in rows))' "$1" | LC_ALL=C sort
}
canon "$tmp/pandas.csv" > "$tmp/pandas.canon" 2> "$tmp/pandas.total"
canon "$tmp/sqlite3.csv" > "$tmp/sqlite3.canon" 2> "$tmp/sqlite3.total"

rows=$(/usr/bin/python3 -c '
import csv, sys
n = 0
for p in sys.argv[1:]:
    with open(p, newline="", encoding="utf-8") as f:
        n += sum(1 for _ in csv.reader(f)) - 1   # minus the header
print(n)' "$@")

ok=1
if diff -q "$tmp/pandas.canon" "$tmp/sqlite3.canon" > /dev/null; then
  echo "tables identical: $(wc -l < "$tmp/pandas.canon") groups"
else
  ok=0; echo "TABLES DIFFER (first lines of diff):"; diff "$tmp/pandas.canon" "$tmp/sqlite3.canon" | head -20 || true
fi
echo "data rows (python csv): $rows; sum of counts: pandas $(cat "$tmp/pandas.total"), sqlite3 $(cat "$tmp/sqlite3.total")"
[[ $(cat "$tmp/pandas.total") == "$rows" && $(cat "$tmp/sqlite3.total") == "$rows" ]] || { ok=0; echo "TOTAL MISMATCH"; }
echo "empty-LSOA groups: $(grep -c '^|' "$tmp/pandas.canon" || true)"
if [[ $ok == 1 ]]; then echo "AGREE"; else echo "DISAGREE"; exit 1; fi
