#!/usr/bin/env bash
# sqlite3 CLI peer for the harmlens benchmark: crime counts per (LSOA code, Crime type, Month).
# Usage: sqlite3_lsoa_type_month.sh DB FILE...   (DB is deleted and rebuilt; result CSV on stdout)
# This is what a SQL user would type: plain TEXT table, CLI .import, one GROUP BY, default pragmas
# (no tuning, so the peer is "sqlite3 as shipped").  sqlite3 3.40's CSV reader drops the \r of
# CRLF lines and honours quoted commas; .import stores empty fields as '' (not NULL), so rows
# without an LSOA form one group with an empty key, like pandas' dropna=False NaN group.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 DB FILE..." >&2; exit 2; }
db=$1; shift
rm -f -- "$db" "$db-journal" "$db-wal" "$db-shm"

{
  cat <<'SQL'
CREATE TABLE crimes ("Crime ID" TEXT, Month TEXT, "Reported by" TEXT, "Falls within" TEXT,
  Longitude TEXT, Latitude TEXT, Location TEXT, "LSOA code" TEXT, "LSOA name" TEXT,
  "Crime type" TEXT, "Last outcome category" TEXT, Context TEXT);
SQL
  for f in "$@"; do
    # .import takes the rest of the line as the file name only if it is quoted; escape for that.
    q=${f//\\/\\\\}; q=${q//\"/\\\"}
    printf '.import --csv --skip 1 "%s" crimes\n' "$q"
  done
  cat <<'SQL'
.headers on
.mode csv
SELECT "LSOA code", "Crime type", Month, count(*) AS count FROM crimes GROUP BY 1, 2, 3;
SQL
} | sqlite3 -bail "$db"
