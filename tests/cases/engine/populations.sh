#!/bin/sh
# Independent denominators for the rate cases, computed with awk from the bundled
# reference files (not by harmlens): mid-2018 residents per district, and Census 2021
# residents aged under 25 per district (LSOA names start with the district name).
ref="$(dirname "$0")/../../../data/reference"
echo "mid-2018 residents per district:"
awk -F, 'NR==FNR { if (FNR > 1) lad[$1] = $3; next } FNR > 1 { pop[lad[$1]] += $3 } END { for (l in pop) print l, pop[l] }' \
  "$ref/lsoa11_to_lad19_llr.csv" "$ref/population_mid2018_lsoa11_llr.csv" | sort
echo "Census 2021 residents aged 0-24 per district:"
awk -F, 'FNR > 1 && ($3 == "Aged 15 years and under" || $3 == "Aged 16 to 24 years") {
  name = $2; sub(/ [0-9][0-9][0-9][A-Z]$/, "", name); u25[name] += $4 } END { for (n in u25) print n ":", u25[n] }' \
  "$ref/census2021_age6_lsoa21_llr.csv" | sort
