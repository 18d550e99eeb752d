// Hot-spot delineation: density-based clusters of points (DBSCAN) drawn as polygons
// (convex hulls) and ranked by how many incidents and how much harm they hold. Pure
// functions: thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"

namespace harmlens {

struct ClusterOptions {
  double radius = 100;  // DBSCAN ε, metres: neighbours are points within it (inclusive)
  int min_points = 10;  // a core point has at least this many neighbours, itself included
};

struct PointCluster {
  int rank_by_count = 0;  // 1 = most points
  int rank_by_harm = 0;   // 1 = most weight (harm); ties broken by count, then id
  int64_t points = 0;
  double harm = 0;               // sum of the weights (= points when unweighted)
  GridPoint centre;              // mean of the points
  double area = 0;               // of the hull, m²
  std::vector<GridPoint> hull;   // convex hull, anticlockwise, closed (first == last)
  std::vector<int32_t> members;  // indices into the input points
};

// DBSCAN (Ester et al. 1996): clusters of density-connected points; points in no
// cluster are noise. A border point reachable from two clusters joins the first found,
// in input order (so the result depends only on the input order). Clusters are
// returned ranked by count (most first).
Result<std::vector<PointCluster>> DbscanClusters(const std::vector<GridPoint>& points,
                                                 const std::vector<double>& weights,
                                                 const ClusterOptions& options);

// Andrew's monotone chain. Fewer than three distinct points give the points themselves.
std::vector<GridPoint> ConvexHull(std::vector<GridPoint> points);
double PolygonArea(const std::vector<GridPoint>& ring);  // absolute, m²

}  // namespace harmlens
