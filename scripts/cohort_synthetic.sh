#!/bin/sh
# Cohort risk factors on a synthetic LLR, end to end (docs/linkage.md, "Cohort risk
# factors"): synth, ingest the police extract and agency records, encode the six agencies
# and the police nominals with one fresh key, link, and report with the truth beside.
# Usage: scripts/cohort_synthetic.sh SEED SCALE OUT_DIR   (from the repository root,
# after building build/default). Writes OUT_DIR/cohort.txt.
set -eu
seed=$1; scale=$2; out=$3
root=$(pwd)
h=${HARMLENS:-$root/build/default/src/harmlens}
data=$root/data
rm -rf "$out"; mkdir -p "$out"; cd "$out"
"$h" synth --seed "$seed" --scale "$scale" --years 1 --out llr --data "$data" > /dev/null 2>&1
"$h" ingest police-extract llr/police_extract_incidents.csv llr/police_extract_persons.csv --db hub.db --data "$data" --quiet
"$h" ingest agency llr/agency_*.csv --db hub.db --data "$data" --quiet
umask 077
head -c 48 /dev/urandom | base64 > partners.key
for f in llr/agency_*.csv llr/police_nominals.csv; do
  "$h" encode "$f" --schema "$data/linkage/schema-2.json" --secret-file partners.key --out "$(basename "$f" .csv).enc" > /dev/null
done
rm partners.key
"$h" link ./*.enc --schema "$data/linkage/schema-2.json" --persons persons.csv --db hub.db --purpose "cohort evaluation" > link.txt
"$h" cohort --db hub.db --persons persons.csv --population-scale "$scale" --truth llr/truth --data "$data" > cohort.txt
cat cohort.txt
