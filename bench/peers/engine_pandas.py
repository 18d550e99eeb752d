#!/usr/bin/python3
"""pandas peer for the engine benchmark (docs/PERFORMANCE.md, "Analysis engine").

Usage: /usr/bin/python3 bench/peers/engine_pandas.py DIR [REPEATS]
Reads DIR/incidents.csv and DIR/persons.csv (written by `engine_bench make`) into
DataFrames (not timed), then times each benchmark query REPEATS times (default 11) and
prints the median. Debian's python3-pandas (scripts/setup.sh --bench); run it with
/usr/bin/python3, not another interpreter on PATH.
"""
import statistics
import sys
import time

import pandas as pd

directory = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 11
t0 = time.perf_counter()
inc = pd.read_csv(f"{directory}/incidents.csv", dtype={"csp": "category", "lsoa": "category", "month": "category"})
per = pd.read_csv(f"{directory}/persons.csv")
print(f"pandas read {len(inc)} incidents, {len(per)} persons in {time.perf_counter() - t0:.1f} s "
      f"({(inc.memory_usage(deep=True).sum() + per.memory_usage(deep=True).sum()) / len(per):.1f} bytes per person row)")


def crosstab():
    sel = inc[inc.weapon.isin([1, 2, 4]) & (inc.month >= "2022-01") & (inc.month <= "2023-12")]
    return sel.groupby(["csp", "crime_type"], observed=True).size()


def crosstab_victim_under25():
    ids = per.loc[(per.role == 0) & (per.age_max < 25), "incident_id"].unique()
    sel = inc[inc.id.isin(ids)]
    return sel.groupby(["csp", "crime_type"], observed=True).size()


def series_one_csp():
    return inc[inc.csp == "E07000130"].groupby("month", observed=True).size()


inc["month"] = inc["month"].astype(str)
for fn in (crosstab, crosstab_victim_under25, series_one_csp):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    print(f"pandas {fn.__name__:24s} median {statistics.median(times):.1f} ms ({repeats} runs)")
