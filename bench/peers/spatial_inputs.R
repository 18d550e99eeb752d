# Inputs for bench/scripts/spatial_bench.sh, in British National Grid metres, made with
# sf/PROJ and a fixed seed (so both harmlens and the R peers read the same files):
#   llr_violence.csv   x,y of every bundled police.uk "Violence and sexual offences" row
#                      with coordinates (data/police-uk), transformed by sf::st_transform
#   national.csv       x,y: the violence incidents with a point of seven synthetic force
#                      areas (harmlens synth, seeds 1-7, one year at scale 1.85 each, made
#                      by spatial_bench.sh in SYNTHDIR/seed-N), the k-th shifted by whole
#                      multiples of 130 km east and north (a national-sized, national-extent
#                      input: police.uk files of other forces are not bundled)
#   zones30k.csv       id,x,y,value: 30,000 zone centres around 300 town centres (normal,
#                      sd 3 km) over a 500 x 600 km box, value Poisson(20 + 200·exp(-d²/2(2 km)²))
#   events10k.csv      x,y,date: 10,000 events over 40 x 40 km and 365 days, 30% of them
#                      near repeats of an earlier event (within 200 m, 1-14 days later)
# Usage: Rscript bench/peers/spatial_inputs.R OUTDIR SYNTHDIR   (from the repository root)
suppressPackageStartupMessages(library(sf))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
synth <- args[2]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(20261123)

files <- list.files("data/police-uk", pattern = "\\.csv$", recursive = TRUE, full.names = TRUE)
d <- do.call(rbind, lapply(files, function(f) {
  x <- read.csv(f, stringsAsFactors = FALSE, check.names = FALSE)
  x[x[["Crime type"]] == "Violence and sexual offences" & !is.na(x$Longitude), c("Longitude", "Latitude")]
}))
pts <- st_coordinates(st_transform(st_as_sf(d, coords = c("Longitude", "Latitude"), crs = 4326), 27700))
write.csv(data.frame(x = sprintf("%.3f", pts[, 1]), y = sprintf("%.3f", pts[, 2])),
          file.path(out, "llr_violence.csv"), row.names = FALSE, quote = FALSE)

shifts <- expand.grid(i = 0:2, j = 0:2)[1:7, ]
nat <- do.call(rbind, lapply(seq_len(nrow(shifts)), function(k) {
  x <- read.csv(file.path(synth, paste0("seed-", k), "police_extract_incidents.csv"), stringsAsFactors = FALSE)
  x <- x[x$offence_category == "Violence and sexual offences" & !is.na(x$longitude), c("longitude", "latitude")]
  p <- st_coordinates(st_transform(st_as_sf(x, coords = c("longitude", "latitude"), crs = 4326), 27700))
  cbind(p[, 1] + shifts$i[k] * 130000, p[, 2] + shifts$j[k] * 130000)
}))
write.csv(data.frame(x = sprintf("%.3f", nat[, 1]), y = sprintf("%.3f", nat[, 2])),
          file.path(out, "national.csv"), row.names = FALSE, quote = FALSE)

towns <- cbind(runif(300, 100000, 600000), runif(300, 50000, 650000))
k <- sample(300, 30000, replace = TRUE)
zx <- towns[k, 1] + rnorm(30000, 0, 3000)
zy <- towns[k, 2] + rnorm(30000, 0, 3000)
dd <- (zx - towns[k, 1])^2 + (zy - towns[k, 2])^2
zv <- rpois(30000, 20 + 200 * exp(-dd / (2 * 2000^2)))
write.csv(data.frame(id = sprintf("Z%05d", 1:30000), x = sprintf("%.2f", zx), y = sprintf("%.2f", zy), value = zv),
          file.path(out, "zones30k.csv"), row.names = FALSE, quote = FALSE)

n0 <- 7000
ex <- runif(n0, 440000, 480000); ey <- runif(n0, 280000, 320000); et <- sample(0:364, n0, replace = TRUE)
src <- sample(n0, 3000, replace = TRUE)
ang <- runif(3000, 0, 2 * pi); r <- runif(3000, 0, 200)
ex <- c(ex, ex[src] + r * cos(ang)); ey <- c(ey, ey[src] + r * sin(ang))
et <- c(et, et[src] + sample(1:14, 3000, replace = TRUE))
write.csv(data.frame(x = sprintf("%.2f", ex), y = sprintf("%.2f", ey), date = format(as.Date("2022-01-01") + et)),
          file.path(out, "events10k.csv"), row.names = FALSE, quote = FALSE)
cat("inputs in", out, ":", nrow(pts), "LLR violence points,", nrow(nat), "national points, 30000 zones, 10000 events\n")
