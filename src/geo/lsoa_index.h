// Finds the LSOA that contains a point, by an even-odd ray test against the bundled
// LSOA polygons (so ring winding does not matter), with a uniform grid of bounding
// boxes to keep each lookup to a few candidate polygons. Immutable after Build():
// safe to query from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/incident.h"

namespace harmlens {

struct Ring {
  std::vector<GeoPoint> points;  // closed or not; the test treats it as closed
};

// One zone (an LSOA): all rings of all its parts. Holes are rings too: even-odd counting
// over every ring of the zone handles them without knowing which ring is which.
struct ZonePolygon {
  std::string code;
  std::vector<Ring> rings;
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

bool ZoneContains(const ZonePolygon& zone, GeoPoint p);

class LsoaIndex {
 public:
  LsoaIndex() = default;
  explicit LsoaIndex(std::vector<ZonePolygon> zones);

  // Index of the zone containing `p`, or -1. A point on a shared edge goes to the
  // first zone in file order that the ray test accepts.
  int Find(GeoPoint p) const;
  const std::vector<ZonePolygon>& zones() const { return zones_; }

 private:
  std::vector<ZonePolygon> zones_;
  double min_lon_ = 0, min_lat_ = 0, cell_w_ = 1, cell_h_ = 1;
  int cols_ = 0, rows_ = 0;
  std::vector<std::vector<int32_t>> cells_;
};

}  // namespace harmlens
