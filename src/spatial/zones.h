// Zones for hot-spot statistics and who neighbours whom: LSOA polygons or square and
// hexagonal grid cells, with binary spatial weights by queen contiguity or a fixed
// distance band. Plain values and pure functions: safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"

namespace harmlens {

// Binary spatial weights as neighbour lists (compressed rows): the neighbours of zone
// i are ids[start[i] .. start[i+1]), in increasing order.
struct Neighbours {
  std::vector<int64_t> start = {0};
  std::vector<int32_t> ids;

  size_t zones() const { return start.size() - 1; }
  int64_t Count(size_t i) const { return start[i + 1] - start[i]; }
  const int32_t* begin(size_t i) const { return ids.data() + start[i]; }
  const int32_t* end(size_t i) const { return ids.data() + start[i + 1]; }
};

// Zones j with distance(i, j) <= band (spdep dnearneigh(0, band)), plus i itself when
// include_self (Gi*). A grid of buckets one band wide keeps it near-linear.
Result<Neighbours> DistanceBandNeighbours(const std::vector<GridPoint>& centres, double band,
                                          bool include_self);

// Zones sharing at least one boundary vertex (queen contiguity, spdep poly2nb with
// queen = TRUE): vertices equal to within `snap` in each coordinate count as shared.
// Each zone is its rings' vertices, in any coordinates (degrees or metres).
Result<Neighbours> QueenNeighbours(const std::vector<std::vector<std::vector<GridPoint>>>& zone_rings,
                                   bool include_self, double snap);

// Area-weighted centroid of a zone made of rings (holes, given as rings, are not
// subtracted: the LSOA boundaries have none worth the name).
GridPoint ZoneCentroid(const std::vector<std::vector<GridPoint>>& rings);

// A zone built from a grid: its centre, its polygon and the points aggregated into it.
struct GridZone {
  std::string id;  // "c<col>r<row>" (square) or "q<col>r<row>" (hexagon, odd rows shifted east)
  GridPoint centre;
  std::vector<GridPoint> polygon;
  double value = 0;  // sum of the weights (or count) of the points in it
  int64_t points = 0;
};

enum class GridShape { kSquare, kHexagon };

// Every cell of a grid over the points' extent (empty cells included: a hot spot is
// judged against the quiet places around it), with the points counted into it.
// Square cells have side `size`, aligned to multiples of it; hexagons are pointy-top
// with circumradius `size`. `weights` is empty or one per point.
Result<std::vector<GridZone>> AggregateToGrid(const std::vector<GridPoint>& points,
                                              const std::vector<double>& weights, GridShape shape,
                                              double size);

}  // namespace harmlens
