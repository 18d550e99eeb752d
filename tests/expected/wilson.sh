#!/bin/sh
# Wilson score 95% intervals, computed with awk independently of harmlens, for
# src/linkage/cohort_test.cc (Wilson95). Usage: sh tests/expected/wilson.sh
for case in "5 20" "0 10" "10 10" "81 263" "1 1000"; do
  echo "$case" | awk '{ x = $1; n = $2; z = 1.959963984540054; p = x / n;
    c = (p + z*z/(2*n)) / (1 + z*z/n); h = z / (1 + z*z/n) * sqrt(p*(1-p)/n + z*z/(4*n*n));
    lo = c - h; if (lo < 0) lo = 0; hi = c + h; if (hi > 1) hi = 1;
    printf "%d/%d: %.6f %.6f\n", x, n, lo, hi }'
done
