// Metric geometry for every spatial statistic: WGS84 longitude/latitude to and from the
// British National Grid (EPSG:27700, metres), by PROJ. A BritishGrid owns its own PROJ
// context, so one object must be used from one thread at a time; make one per thread.
#pragma once

#include <memory>
#include <vector>

#include "base/status.h"
#include "model/incident.h"

namespace harmlens {

// Easting (x) and northing (y) in British National Grid metres.
struct GridPoint {
  double x = 0;
  double y = 0;
  bool operator==(const GridPoint&) const = default;
};

class BritishGrid {
 public:
  // Builds the WGS84 <-> EPSG:27700 transformation. Without the OSTN15 grid file (not
  // packaged by Debian), PROJ uses the published 7-parameter Helmert transformation
  // OSGB36 <-> WGS84 (EPSG:1314, stated accuracy about 2 m), which is well inside the
  // anonymisation of police.uk points.
  static Result<std::unique_ptr<BritishGrid>> Create();
  // The same, from OSGB36 geographic (EPSG:4277, Airy 1830) coordinates: the pure
  // Transverse Mercator projection, checked against the Ordnance Survey's worked example.
  static Result<std::unique_ptr<BritishGrid>> CreateFromOsgb36();
  ~BritishGrid();
  BritishGrid(const BritishGrid&) = delete;
  BritishGrid& operator=(const BritishGrid&) = delete;

  Result<GridPoint> ToGrid(GeoPoint point) const;
  // Converts many points in one PROJ call; an error names the first point that failed.
  Result<std::vector<GridPoint>> ToGrid(const std::vector<GeoPoint>& points) const;
  Result<GeoPoint> ToGeo(GridPoint point) const;

  struct Proj;  // PROJ's context and transformation, opaque to callers

 private:
  explicit BritishGrid(std::unique_ptr<Proj> proj);
  std::unique_ptr<Proj> proj_;
};

}  // namespace harmlens
