#include "geo/lsoa_index.h"

#include <algorithm>
#include <cmath>

namespace harmlens {

bool ZoneContains(const ZonePolygon& zone, GeoPoint p) {
  if (p.longitude < zone.min_lon || p.longitude > zone.max_lon || p.latitude < zone.min_lat ||
      p.latitude > zone.max_lat) {
    return false;
  }
  bool inside = false;
  for (const Ring& ring : zone.rings) {
    const auto& pts = ring.points;
    size_t n = pts.size();
    if (n < 3) continue;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
      const GeoPoint& a = pts[i];
      const GeoPoint& b = pts[j];
      if ((a.latitude > p.latitude) != (b.latitude > p.latitude)) {
        double x = a.longitude + (p.latitude - a.latitude) * (b.longitude - a.longitude) /
                                     (b.latitude - a.latitude);
        if (p.longitude < x) inside = !inside;
      }
    }
  }
  return inside;
}

LsoaIndex::LsoaIndex(std::vector<ZonePolygon> zones) : zones_(std::move(zones)) {
  if (zones_.empty()) return;
  double min_lon = zones_[0].min_lon, max_lon = zones_[0].max_lon;
  double min_lat = zones_[0].min_lat, max_lat = zones_[0].max_lat;
  for (const ZonePolygon& z : zones_) {
    min_lon = std::min(min_lon, z.min_lon);
    max_lon = std::max(max_lon, z.max_lon);
    min_lat = std::min(min_lat, z.min_lat);
    max_lat = std::max(max_lat, z.max_lat);
  }
  // About four zones per cell on average keeps candidate lists short for 611 LSOAs.
  int side = std::max(1, static_cast<int>(std::sqrt(static_cast<double>(zones_.size()) / 4.0) * 2));
  cols_ = side;
  rows_ = side;
  min_lon_ = min_lon;
  min_lat_ = min_lat;
  cell_w_ = (max_lon - min_lon) / cols_;
  cell_h_ = (max_lat - min_lat) / rows_;
  if (cell_w_ <= 0) cell_w_ = 1;
  if (cell_h_ <= 0) cell_h_ = 1;
  cells_.assign(static_cast<size_t>(cols_) * rows_, {});
  for (size_t zi = 0; zi < zones_.size(); ++zi) {
    const ZonePolygon& z = zones_[zi];
    int c0 = std::clamp(static_cast<int>((z.min_lon - min_lon_) / cell_w_), 0, cols_ - 1);
    int c1 = std::clamp(static_cast<int>((z.max_lon - min_lon_) / cell_w_), 0, cols_ - 1);
    int r0 = std::clamp(static_cast<int>((z.min_lat - min_lat_) / cell_h_), 0, rows_ - 1);
    int r1 = std::clamp(static_cast<int>((z.max_lat - min_lat_) / cell_h_), 0, rows_ - 1);
    for (int r = r0; r <= r1; ++r) {
      for (int c = c0; c <= c1; ++c) cells_[static_cast<size_t>(r) * cols_ + c].push_back(static_cast<int32_t>(zi));
    }
  }
}

int LsoaIndex::Find(GeoPoint p) const {
  if (cells_.empty() || !std::isfinite(p.longitude) || !std::isfinite(p.latitude)) return -1;
  double fc = (p.longitude - min_lon_) / cell_w_;
  double fr = (p.latitude - min_lat_) / cell_h_;
  if (fc < 0 || fr < 0 || fc > cols_ || fr > rows_) return -1;
  int c = std::min(static_cast<int>(fc), cols_ - 1);
  int r = std::min(static_cast<int>(fr), rows_ - 1);
  for (int32_t zi : cells_[static_cast<size_t>(r) * cols_ + c]) {
    if (ZoneContains(zones_[zi], p)) return zi;
  }
  return -1;
}

}  // namespace harmlens
