#!/usr/bin/python3
"""pandas peer for the harmlens benchmark: crime counts per (LSOA code, Crime type, Month).

Usage: pandas_lsoa_type_month.py [--all-columns] [--out FILE] FILE...

Default is the fair variant: read only the 3 needed columns, as a pandas user who knows the
query would.  --all-columns parses all 12 columns (what a naive read_csv does); it is slower
and kept only to show the cost of parsing everything.  Empty LSOA codes (rows without
coordinates) become NaN under the default NA handling, and dropna=False keeps them as their
own group, so the counts add up to the number of data rows.  Output: CSV with header
"LSOA code,Crime type,Month,count", sorted by key with the empty LSOA last.
"""
import argparse
import sys

import pandas as pd

KEYS = ["LSOA code", "Crime type", "Month"]

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("files", nargs="+")
ap.add_argument("--all-columns", action="store_true", help="parse all 12 columns (unfair, slower)")
ap.add_argument("--out", default="-", help="output CSV (default stdout)")
a = ap.parse_args()

usecols = None if a.all_columns else KEYS
frames = [pd.read_csv(f, usecols=usecols) for f in a.files]
df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
counts = df.groupby(KEYS, dropna=False).size().rename("count")
counts.to_csv(sys.stdout if a.out == "-" else a.out)
