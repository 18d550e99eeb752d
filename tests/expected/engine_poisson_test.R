# Expected p-values for PoissonRatesPValue (src/engine/trends_test.cc), from R's
# poisson.test (exact conditional test of two Poisson rates; R 4.2.2).
# Run: Rscript tests/expected/engine_poisson_test.R
cases <- list(c(30, 31, 18, 31), c(5, 90, 40, 365), c(0, 1, 7, 1), c(120, 92, 100, 92), c(14, 59, 9, 59),
              c(14, 31, 5, 31), c(14, 31, 27, 365))  # the last two: the series in trends_test.cc
for (x in cases) {
  p <- poisson.test(c(x[1], x[3]), c(x[2], x[4]))$p.value
  cat(sprintf("{%d, %g, %d, %g, %.10g},\n", x[1], x[2], x[3], x[4], p))
}
