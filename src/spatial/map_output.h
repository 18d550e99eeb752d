// Spatial results as maps: GeoJSON (RFC 7946: WGS84 longitude/latitude, exterior rings
// anticlockwise, no "crs" member; opens in QGIS) and an SVG preview of a surface or of
// coloured zones over the LSOA boundaries. Builds text in memory; the caller writes it.
// Uses a BritishGrid, so one call at a time per grid object.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"
#include "spatial/kde.h"

namespace harmlens {

using GridRing = std::vector<GridPoint>;

// A feature in grid metres: a polygon (rings, the first the exterior) or, with no
// rings, a point. Properties are written in order; `numeric` ones unquoted (NaN as null).
struct MapFeature {
  std::vector<GridRing> rings;
  GridPoint point;
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<std::pair<std::string, double>> numeric;
};

// The square of cell (col, row) of `frame`, anticlockwise from its south-west corner.
GridRing CellSquare(const GridFrame& frame, int col, int row);

// Coordinates are rounded to 7 decimals of a degree (about 1 cm).
Result<std::string> GeoJson(const std::vector<MapFeature>& features, const BritishGrid& grid);
// Every cell of a surface with a positive value, as a square with `value_name`.
Result<std::string> SurfaceGeoJson(const Surface& surface, const BritishGrid& grid,
                                   const std::string& value_name);

struct SvgShape {
  std::vector<GridRing> rings;
  std::string fill;  // CSS colour
};

// The surface's positive cells in seven quantile classes (yellow to red) under the
// shapes (zones coloured by class) under the boundaries (grey lines), 900 px wide,
// north up, with a title and a legend of `legend` (label, colour) pairs.
std::string SvgMap(const Surface* surface, const std::vector<SvgShape>& shapes,
                   const std::vector<GridRing>& boundaries, const std::string& title,
                   std::vector<std::pair<std::string, std::string>> legend);

// The colours of the hot-spot classes, +3 (hot-99) to −3 (cold-99); "none" is white.
const char* FdrClassColour(int fdr_class);

}  // namespace harmlens
