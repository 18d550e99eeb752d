# The R peers of bench/scripts/spatial_bench.sh, timed inside R (reading the CSV is not
# timed; harmlens is timed as a whole process, so the ratios favour R):
#   Rscript spatial_peers.R kde POINTS.csv SIGMA CELL RUNS OUT.csv
#     spatstat density.ppp, Gaussian kernel (sd SIGMA m), edge = FALSE, on the grid of
#     cells CELL m wide aligned to multiples of CELL and covering the points, as
#     `harmlens hotspots kde --kernel gaussian` uses; OUT: x,y,density of the last run.
#   Rscript spatial_peers.R gistar ZONES.csv BAND RUNS OUT.csv
#     spdep dnearneigh(0, BAND) + include.self + nb2listw(style "B") + localG, all timed.
# Prints one line per run: "peer <name> run <k> seconds <elapsed> cpu <user+sys>".
suppressPackageStartupMessages({ library(spatstat.geom); library(spatstat.explore); library(spdep) })
a <- commandArgs(trailingOnly = TRUE)
if (a[1] == "kde") {
  p <- read.csv(a[2]); sigma <- as.numeric(a[3]); cell <- as.numeric(a[4]); runs <- as.integer(a[5])
  x0 <- floor(min(p$x) / cell) * cell; y0 <- floor(min(p$y) / cell) * cell
  cols <- floor(max(p$x) / cell) - floor(min(p$x) / cell) + 1
  rows <- floor(max(p$y) / cell) - floor(min(p$y) / cell) + 1
  w <- owin(c(x0, x0 + cols * cell), c(y0, y0 + rows * cell))
  X <- ppp(p$x, p$y, window = w, check = FALSE)
  for (k in seq_len(runs)) {
    t <- system.time(im <- density.ppp(X, sigma = sigma, dimyx = c(rows, cols), edge = FALSE))
    cat("peer spatstat-density.ppp run", k, "seconds", t[["elapsed"]], "cpu", t[["user.self"]] + t[["sys.self"]], "\n")
  }
  df <- as.data.frame(im)
  write.csv(data.frame(x = sprintf("%.3f", df$x), y = sprintf("%.3f", df$y), density = sprintf("%.10g", df$value)),
            a[6], row.names = FALSE, quote = FALSE)
} else if (a[1] == "gistar") {
  z <- read.csv(a[2], stringsAsFactors = FALSE); band <- as.numeric(a[3]); runs <- as.integer(a[4])
  xy <- cbind(z$x, z$y)
  for (k in seq_len(runs)) {
    t <- system.time({
      nb <- include.self(dnearneigh(xy, 0, band))
      g <- as.numeric(localG(z$value, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE))
    })
    cat("peer spdep-localG run", k, "seconds", t[["elapsed"]], "cpu", t[["user.self"]] + t[["sys.self"]], "\n")
  }
  write.csv(data.frame(id = z$id, gi_z = sprintf("%.17g", g)), a[5], row.names = FALSE, quote = FALSE)
}
