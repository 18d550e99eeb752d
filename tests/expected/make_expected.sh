#!/usr/bin/env bash
# Regenerates the expected police.uk values used by the harmlens tests,
# independently of any harmlens code.
#
#   Run from the repository root:   bash tests/expected/make_expected.sh
#
# Writes:
#   tests/expected/police_uk_counts_by_month_type.csv   month,crime_type,rows
#   tests/expected/police_uk_month_facts.csv            month,rows,asb_rows,rows_without_coordinates,
#                                                       rows_with_lsoa_outside_llr,rows_with_blank_crime_id
#
# Primary computation: GNU awk (gawk) with FPAT so that RFC 4180 double-quoted fields
# containing commas (e.g. "On or near Asda, Thurmaston") stay one field; a trailing \r
# (CRLF files) and a UTF-8 BOM are stripped before splitting.
# Cross-check: the same numbers from Python's csv module; the script fails if they differ.
#
# Definitions (one police.uk CSV row = one data row; the header line is not counted):
#   month                       value of the `Month` column (checked to equal the file's YYYY-MM)
#   asb_rows                    `Crime type` == "Anti-social behaviour"
#   rows_without_coordinates    `Longitude` or `Latitude` empty
#   rows_with_lsoa_outside_llr  `LSOA code` non-empty and not a LSOA11CD in data/reference/lsoa11_to_lad19_llr.csv
#   rows_with_blank_crime_id    `Crime ID` empty
set -euo pipefail
export LC_ALL=C

if [ ! -d data/police-uk ] || [ ! -d tests/expected ]; then
  echo "make_expected.sh: run from the repository root" >&2
  exit 2
fi
if ! command -v gawk >/dev/null 2>&1; then
  echo "make_expected.sh: gawk not found (Debian: apt-get install -y gawk)" >&2
  exit 2
fi

LOOKUP=data/reference/lsoa11_to_lad19_llr.csv
# Sorted list of the bundled monthly files (glob order is sorted under LC_ALL=C).
FILES=(data/police-uk/*/*/*-leicestershire-street.csv)
OUT_COUNTS=tests/expected/police_uk_counts_by_month_type.csv
OUT_FACTS=tests/expected/police_uk_month_facts.csv

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- gawk ---
GAWK_PROG='
BEGIN {
  FPAT = "([^,]*)|(\"([^\"]|\"\")*\")"
  want = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
}
function unq(s) {                       # RFC 4180: strip enclosing quotes, "" -> "
  if (s ~ /^".*"$/) { s = substr(s, 2, length(s) - 2); gsub(/""/, "\"", s) }
  return s
}
{ sub(/\r$/, "") }                      # CRLF -> LF (re-splits $0)
FNR == 1 { sub(/^\xEF\xBB\xBF/, "") }   # UTF-8 BOM
FILENAME == lookup {
  if (FNR == 1) { if ($1 != "LSOA11CD") { print "bad lookup header: " $0 > "/dev/stderr"; exit 1 }; next }
  llr[unq($1)] = 1; next
}
FNR == 1 {
  if ($0 != want) { print "unexpected header in " FILENAME ": " $0 > "/dev/stderr"; exit 1 }
  fm = FILENAME; sub(/^.*\//, "", fm); fm = substr(fm, 1, 7)
  next
}
$0 == "" { next }
{
  if (NF != 12) { print FILENAME ":" FNR ": " NF " fields" > "/dev/stderr"; exit 1 }
  m = unq($2); type = unq($10); lsoa = unq($8)
  if (m != fm) { print FILENAME ":" FNR ": month " m " != file month " fm > "/dev/stderr"; exit 1 }
  months[m] = 1
  rows[m]++
  cnt[m SUBSEP type]++
  if (type == "Anti-social behaviour") asb[m]++
  if (unq($5) == "" || unq($6) == "") nocoord[m]++
  if (lsoa != "" && !(lsoa in llr)) outside[m]++
  if (unq($1) == "") blankid[m]++
}
END {
  for (k in cnt) { split(k, p, SUBSEP); t = p[2]; if (t ~ /[",]/) { gsub(/"/, "\"\"", t); t = "\"" t "\"" }; print p[1] "," t "," cnt[k] > counts_out }
  for (m in months) print m "," rows[m] "," asb[m] + 0 "," nocoord[m] + 0 "," outside[m] + 0 "," blankid[m] + 0 > facts_out
}'
gawk -v lookup="$LOOKUP" -v counts_out="$TMP/gawk_counts" -v facts_out="$TMP/gawk_facts" \
  "$GAWK_PROG" "$LOOKUP" "${FILES[@]}"
sort -t, -k1,1 -k2,2 "$TMP/gawk_counts" > "$TMP/counts.body"
sort -t, -k1,1 "$TMP/gawk_facts" > "$TMP/facts.body"

# ------------------------------------------------------ python cross-check ---
PY=""
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; elif command -v python3 >/dev/null 2>&1; then PY=python3; fi
CROSS="not run (no python3 found)"
if [ -n "$PY" ]; then
  "$PY" - "$LOOKUP" "$TMP/py_counts" "$TMP/py_facts" "${FILES[@]}" <<'PYEOF'
import csv, sys, os, collections
lookup, counts_out, facts_out, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(lookup, encoding="utf-8-sig", newline="") as fh:
    llr = {r["LSOA11CD"] for r in csv.DictReader(fh)}
cnt = collections.Counter()
facts = {}
for f in files:
    fm = os.path.basename(f)[:7]
    with open(f, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            m = r["Month"]
            assert m == fm, (f, m)
            a = facts.setdefault(m, [0, 0, 0, 0, 0])
            a[0] += 1
            a[1] += r["Crime type"] == "Anti-social behaviour"
            a[2] += (r["Longitude"] == "" or r["Latitude"] == "")
            a[3] += (r["LSOA code"] != "" and r["LSOA code"] not in llr)
            a[4] += r["Crime ID"] == ""
            cnt[(m, r["Crime type"])] += 1
with open(counts_out, "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    for (m, t), n in cnt.items():
        w.writerow([m, t, n])
with open(facts_out, "w", newline="") as fh:
    for m, a in facts.items():
        fh.write(",".join([m] + [str(x) for x in a]) + "\n")
PYEOF
  sort -t, -k1,1 -k2,2 "$TMP/py_counts" > "$TMP/py_counts.s"
  sort -t, -k1,1 "$TMP/py_facts" > "$TMP/py_facts.s"
  if ! cmp -s "$TMP/counts.body" "$TMP/py_counts.s" || ! cmp -s "$TMP/facts.body" "$TMP/py_facts.s"; then
    echo "make_expected.sh: gawk and python csv results DIFFER" >&2
    diff "$TMP/counts.body" "$TMP/py_counts.s" >&2 || true
    diff "$TMP/facts.body" "$TMP/py_facts.s" >&2 || true
    exit 1
  fi
  CROSS="identical results from $("$PY" --version 2>&1) csv module"
fi

# ---------------------------------------------------------------- write ---
GAWK_VER=$(gawk --version | head -n 1)
TODAY=$(date -u +%Y-%m-%d)
header() {
  echo "# Expected values for harmlens tests, computed independently of harmlens."
  echo "# Produced by (from the repo root): bash tests/expected/make_expected.sh"
  echo "# Core step inside the script: LC_ALL=C gawk -v lookup=$LOOKUP \"\$GAWK_PROG\" $LOOKUP data/police-uk/*/*/*-leicestershire-street.csv, then LC_ALL=C sort -t, -k1,1 -k2,2"
  echo "# (GAWK_PROG uses FPAT for RFC 4180 quoted fields and strips a trailing \\r and a UTF-8 BOM)"
  echo "# gawk: $GAWK_VER; cross-check: $CROSS"
  echo "# Generated: $TODAY (UTC); ${#FILES[@]} monthly files"
}
{
  header
  echo "# rows = data rows (header excluded) per Month and Crime type"
  echo "month,crime_type,rows"
  cat "$TMP/counts.body"
} > "$OUT_COUNTS"
{
  header
  echo "# asb_rows: Crime type = Anti-social behaviour; rows_without_coordinates: Longitude or Latitude empty;"
  echo "# rows_with_lsoa_outside_llr: LSOA code non-empty and not in $LOOKUP; rows_with_blank_crime_id: Crime ID empty"
  echo "month,rows,asb_rows,rows_without_coordinates,rows_with_lsoa_outside_llr,rows_with_blank_crime_id"
  cat "$TMP/facts.body"
} > "$OUT_FACTS"

gawk -F, '!/^#/ && $1 != "month" { n += $2 } END { print "total rows: " n }' "$OUT_FACTS"
echo "wrote $OUT_COUNTS ($(grep -vc '^#' "$OUT_COUNTS") lines incl. header) and $OUT_FACTS; cross-check: $CROSS"
