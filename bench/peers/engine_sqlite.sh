#!/usr/bin/env bash
# sqlite3 (indexed) peer for the engine benchmark (docs/PERFORMANCE.md, "Analysis engine").
# Usage: engine_sqlite.sh DIR [REPEATS]
# Imports DIR/incidents.csv and DIR/persons.csv (written by `engine_bench make`) into
# DIR/peer.db with integer columns and indexes on what the queries filter and group by,
# then runs each benchmark query REPEATS times (default 11) with .timer on and prints the
# median wall time. The queries say in SQL what the engine's field=value queries say.
set -euo pipefail
dir=$1
repeats=${2:-11}
db=$dir/peer.db
if [[ ! -f $db ]]; then
  sqlite3 -bail "$db" <<SQL
CREATE TABLE incidents(id INTEGER PRIMARY KEY, csp TEXT, lsoa TEXT, month TEXT, crime_type INT, weapon INT,
  domestic INT, minute INT);
CREATE TABLE persons(incident_id INT, role INT, age_min INT, age_max INT, sex INT);
.import --csv --skip 1 $dir/incidents.csv incidents
.import --csv --skip 1 $dir/persons.csv persons
UPDATE persons SET age_min = NULL WHERE age_min = '';
UPDATE persons SET age_max = NULL WHERE age_max = '';
CREATE INDEX incidents_csp_month ON incidents(csp, month);
CREATE INDEX incidents_weapon_month ON incidents(weapon, month);
CREATE INDEX persons_incident ON persons(incident_id, role, age_max);
ANALYZE;
SQL
fi
declare -A queries=(
  [crosstab]="SELECT csp, crime_type, count(*) FROM incidents WHERE weapon IN (1, 2, 4) AND month BETWEEN '2022-01' AND '2023-12' GROUP BY 1, 2;"
  [crosstab_victim_under25]="SELECT csp, crime_type, count(*) FROM incidents i WHERE EXISTS (SELECT 1 FROM persons p WHERE p.incident_id = i.id AND p.role = 0 AND p.age_max < 25) GROUP BY 1, 2;"
  [series_one_csp]="SELECT month, count(*) FROM incidents WHERE csp = 'E07000130' GROUP BY 1;"
)
for name in crosstab crosstab_victim_under25 series_one_csp; do
  times=$( { echo ".timer on"; for ((r = 0; r < repeats; r++)); do echo "${queries[$name]}"; done; } |
    sqlite3 "$db" | awk '/^Run Time: real/ { print $4 * 1000 }' | sort -n)
  median=$(echo "$times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf 'sqlite3 %-24s median %.1f ms (%d runs)\n' "$name" "$median" "$repeats"
done
