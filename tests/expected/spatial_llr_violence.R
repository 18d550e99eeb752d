# Expected Gi* and local Moran's I for the spatial layer's tests, computed by R's spdep
# (independently of harmlens) on the bundled real data. Run from the repository root:
#   Rscript tests/expected/spatial_llr_violence.R
# Writes tests/expected/spatial_llr_violence.csv. Never edit that file by hand.
#
# Zones: the 611 LLR LSOAs of data/reference/lsoa11_llr.geojson, in file order.
# value: police.uk "Violence and sexual offences" rows of every bundled month
#   (data/police-uk/**.csv) whose "LSOA code" is that LSOA (0 if none).
# x, y: sf::st_centroid of the polygon after st_transform to EPSG:27700 (PROJ).
# queen_n, gi_queen: neighbours (self included) and spdep::localG for queen
#   contiguity, poly2nb(queen = TRUE) on the WGS84 polygons, include.self, style "B".
# band_n, gi_band_1500, q_band_1500: the same for dnearneigh(0, 1500 m) on x, y; q is
#   p.adjust(2 * pnorm(-|z|), "BH").
# moran_i_queen: spdep::localmoran Ii, queen contiguity without self, style "W".
suppressPackageStartupMessages({ library(sf); library(spdep) })
suppressMessages(sf_use_s2(FALSE))

files <- list.files("data/police-uk", pattern = "\\.csv$", recursive = TRUE, full.names = TRUE)
rows <- do.call(rbind, lapply(files, function(f) {
  d <- read.csv(f, stringsAsFactors = FALSE, check.names = FALSE)
  d[d[["Crime type"]] == "Violence and sexual offences", c("LSOA code"), drop = FALSE]
}))
counts <- table(rows[["LSOA code"]])

zones <- st_read("data/reference/lsoa11_llr.geojson", quiet = TRUE)
value <- as.numeric(counts[zones$LSOA11CD])
value[is.na(value)] <- 0
bng <- st_transform(zones, 27700)
xy <- st_coordinates(st_centroid(st_geometry(bng)))

queen <- include.self(poly2nb(zones, queen = TRUE))
gi_queen <- as.numeric(localG(value, nb2listw(queen, style = "B")))

band <- include.self(dnearneigh(xy, 0, 1500))
gi_band <- as.numeric(localG(value, nb2listw(band, style = "B", zero.policy = TRUE), zero.policy = TRUE))
q_band <- p.adjust(2 * pnorm(-abs(gi_band)), method = "BH")

moran <- localmoran(value, nb2listw(poly2nb(zones, queen = TRUE), style = "W"))[, "Ii"]

out <- data.frame(lsoa = zones$LSOA11CD, x = xy[, 1], y = xy[, 2], value = value,
                  queen_n = card(queen), gi_queen = gi_queen,
                  band_n = card(band), gi_band_1500 = gi_band, q_band_1500 = q_band,
                  moran_i_queen = as.numeric(moran))
con <- file("tests/expected/spatial_llr_violence.csv", "w")
writeLines(c(
  "# Made by tests/expected/spatial_llr_violence.R (see its header for every column).",
  paste0("# ", R.version.string, ", spdep ", packageVersion("spdep"), ", sf ", packageVersion("sf"),
         ", PROJ ", sf_extSoftVersion()[["PROJ"]], ", ", format(Sys.Date()))), con)
num <- sapply(out, is.numeric)
out[num] <- lapply(out[num], function(v) sprintf("%.17g", v))
write.csv(out, con, row.names = FALSE, quote = FALSE)
close(con)
