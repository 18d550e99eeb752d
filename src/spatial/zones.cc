#include "spatial/zones.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <unordered_map>

namespace harmlens {

namespace {

uint64_t CellKey(int64_t cx, int64_t cy) {
  return (static_cast<uint64_t>(cx) << 32) ^ (static_cast<uint64_t>(cy) & 0xffffffffULL);
}

Neighbours FromLists(std::vector<std::vector<int32_t>>& lists) {
  Neighbours nb;
  nb.start.reserve(lists.size() + 1);
  for (auto& l : lists) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
    nb.ids.insert(nb.ids.end(), l.begin(), l.end());
    nb.start.push_back(static_cast<int64_t>(nb.ids.size()));
  }
  return nb;
}

}  // namespace

Result<Neighbours> DistanceBandNeighbours(const std::vector<GridPoint>& centres, double band,
                                          bool include_self) {
  if (!(band > 0) || !std::isfinite(band)) {
    return Status::InvalidArgument("distance band: must be a positive number of metres, got " +
                                   std::to_string(band));
  }
  const size_t n = centres.size();
  std::unordered_map<uint64_t, std::vector<int32_t>> buckets;
  buckets.reserve(n);
  auto cell_of = [band](double v) { return static_cast<int64_t>(std::floor(v / band)); };
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(centres[i].x) || !std::isfinite(centres[i].y)) {
      return Status::InvalidArgument("distance band: zone " + std::to_string(i + 1) +
                                     " has no finite centre");
    }
    buckets[CellKey(cell_of(centres[i].x), cell_of(centres[i].y))].push_back(static_cast<int32_t>(i));
  }
  const double band2 = band * band;
  Neighbours nb;
  nb.start.reserve(n + 1);
  std::vector<int32_t> found;
  for (size_t i = 0; i < n; ++i) {
    found.clear();
    int64_t cx = cell_of(centres[i].x), cy = cell_of(centres[i].y);
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        auto it = buckets.find(CellKey(cx + dx, cy + dy));
        if (it == buckets.end()) continue;
        for (int32_t j : it->second) {
          if (static_cast<size_t>(j) == i) {
            if (include_self) found.push_back(j);
            continue;
          }
          double ddx = centres[j].x - centres[i].x, ddy = centres[j].y - centres[i].y;
          if (ddx * ddx + ddy * ddy <= band2) found.push_back(j);
        }
      }
    }
    std::sort(found.begin(), found.end());
    nb.ids.insert(nb.ids.end(), found.begin(), found.end());
    nb.start.push_back(static_cast<int64_t>(nb.ids.size()));
  }
  return nb;
}

Result<Neighbours> QueenNeighbours(const std::vector<std::vector<std::vector<GridPoint>>>& zone_rings,
                                   bool include_self, double snap) {
  if (!(snap > 0)) return Status::InvalidArgument("queen contiguity: the snap distance must be positive");
  // Vertices into buckets `snap` wide; two vertices within snap of each other in both
  // coordinates fall in the same or adjacent buckets.
  struct Vertex {
    double x, y;
    int32_t zone;
  };
  std::unordered_map<uint64_t, std::vector<Vertex>> buckets;
  auto cell_of = [snap](double v) { return static_cast<int64_t>(std::floor(v / snap)); };
  for (size_t z = 0; z < zone_rings.size(); ++z) {
    for (const auto& ring : zone_rings[z]) {
      for (const GridPoint& p : ring) {
        auto& b = buckets[CellKey(cell_of(p.x), cell_of(p.y))];
        if (b.empty() || b.back().zone != static_cast<int32_t>(z) || b.back().x != p.x || b.back().y != p.y) {
          b.push_back({p.x, p.y, static_cast<int32_t>(z)});
        }
      }
    }
  }
  std::vector<std::vector<int32_t>> lists(zone_rings.size());
  for (size_t z = 0; z < zone_rings.size(); ++z) {
    if (include_self) lists[z].push_back(static_cast<int32_t>(z));
  }
  for (const auto& [key, vertices] : buckets) {
    int64_t cx = static_cast<int64_t>(key >> 32);
    int64_t cy = static_cast<int32_t>(key & 0xffffffffULL);
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        auto it = buckets.find(CellKey(cx + dx, cy + dy));
        if (it == buckets.end()) continue;
        for (const Vertex& a : vertices) {
          for (const Vertex& b : it->second) {
            if (a.zone == b.zone) continue;
            if (std::abs(a.x - b.x) <= snap && std::abs(a.y - b.y) <= snap) lists[a.zone].push_back(b.zone);
          }
        }
      }
    }
  }
  return FromLists(lists);
}

GridPoint ZoneCentroid(const std::vector<std::vector<GridPoint>>& rings) {
  double area = 0, cx = 0, cy = 0;
  double sx = 0, sy = 0;
  size_t count = 0;
  for (const auto& ring : rings) {
    if (ring.empty()) continue;
    // Relative to the ring's first vertex: grid coordinates are large, and the shoelace
    // sum of their products would lose digits.
    const GridPoint o = ring[0];
    double a = 0, x = 0, y = 0;
    for (size_t i = 0; i < ring.size(); ++i) {
      GridPoint p = ring[i], q = ring[(i + 1) % ring.size()];
      double px = p.x - o.x, py = p.y - o.y, qx = q.x - o.x, qy = q.y - o.y;
      double cross = px * qy - qx * py;
      a += cross;
      x += (px + qx) * cross;
      y += (py + qy) * cross;
      sx += p.x;
      sy += p.y;
      ++count;
    }
    // Area-weighted whatever the winding: each ring counts by its absolute area.
    double sign = a < 0 ? -1 : 1;
    area += sign * a / 2;
    cx += sign * (x / 6 + o.x * a / 2);
    cy += sign * (y / 6 + o.y * a / 2);
  }
  if (area > 0) return {cx / area, cy / area};
  return count ? GridPoint{sx / count, sy / count} : GridPoint{};
}

Result<std::vector<GridZone>> AggregateToGrid(const std::vector<GridPoint>& points,
                                              const std::vector<double>& weights, GridShape shape,
                                              double size) {
  if (!(size > 0) || !std::isfinite(size)) {
    return Status::InvalidArgument("grid: the cell size must be a positive number of metres, got " +
                                   std::to_string(size));
  }
  if (!weights.empty() && weights.size() != points.size()) {
    return Status::InvalidArgument("grid: " + std::to_string(weights.size()) + " weights for " +
                                   std::to_string(points.size()) + " points");
  }
  std::vector<GridZone> zones;
  if (points.empty()) return zones;
  double min_x = points[0].x, max_x = min_x, min_y = points[0].y, max_y = min_y;
  for (const GridPoint& p : points) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  if (shape == GridShape::kSquare) {
    int64_t c0 = static_cast<int64_t>(std::floor(min_x / size)),
            c1 = static_cast<int64_t>(std::floor(max_x / size));
    int64_t r0 = static_cast<int64_t>(std::floor(min_y / size)),
            r1 = static_cast<int64_t>(std::floor(max_y / size));
    if (static_cast<double>(c1 - c0 + 1) * static_cast<double>(r1 - r0 + 1) > 50e6) {
      return Status::InvalidArgument("grid: more than 50 million cells; use a larger cell size");
    }
    const int64_t cols = c1 - c0 + 1;
    for (int64_t r = r0; r <= r1; ++r) {
      for (int64_t c = c0; c <= c1; ++c) {
        GridZone z;
        z.id = "c" + std::to_string(c) + "r" + std::to_string(r);
        z.centre = {(c + 0.5) * size, (r + 0.5) * size};
        double x = c * size, y = r * size;
        z.polygon = {{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}};
        zones.push_back(std::move(z));
      }
    }
    for (size_t i = 0; i < points.size(); ++i) {
      int64_t c = static_cast<int64_t>(std::floor(points[i].x / size)) - c0;
      int64_t r = static_cast<int64_t>(std::floor(points[i].y / size)) - r0;
      GridZone& z = zones[static_cast<size_t>(r * cols + c)];
      z.value += weights.empty() ? 1.0 : weights[i];
      ++z.points;
    }
    return zones;
  }
  // Pointy-top hexagons in "odd-r" offset coordinates: row spacing 1.5·size, column
  // spacing √3·size, odd rows shifted east by half a column.
  const double w = std::sqrt(3.0) * size, vstep = 1.5 * size;
  auto locate = [&](GridPoint p) {
    // Axial coordinates, then cube rounding: the nearest hexagon centre.
    double q = (std::sqrt(3.0) / 3 * p.x - p.y / 3) / size, r = (2.0 / 3 * p.y) / size;
    double x = q, z = r, y = -x - z;
    double rx = std::round(x), ry = std::round(y), rz = std::round(z);
    double ex = std::abs(rx - x), ey = std::abs(ry - y), ez = std::abs(rz - z);
    if (ex > ey && ex > ez) {
      rx = -ry - rz;
    } else if (ey <= ez) {
      rz = -rx - ry;
    }
    int64_t row = static_cast<int64_t>(rz);
    int64_t col = static_cast<int64_t>(rx) + (row - (row & 1)) / 2;
    return std::pair<int64_t, int64_t>{col, row};
  };
  auto centre = [&](int64_t col, int64_t row) {
    return GridPoint{w * (static_cast<double>(col) + 0.5 * static_cast<double>(row & 1)), vstep * row};
  };
  int64_t row0 = locate({min_x, min_y}).second - 1, row1 = locate({max_x, max_y}).second + 1;
  int64_t col0 = static_cast<int64_t>(std::floor(min_x / w)) - 1,
          col1 = static_cast<int64_t>(std::floor(max_x / w)) + 1;
  if (static_cast<double>(col1 - col0 + 1) * static_cast<double>(row1 - row0 + 1) > 50e6) {
    return Status::InvalidArgument("grid: more than 50 million cells; use a larger cell size");
  }
  const int64_t cols = col1 - col0 + 1;
  std::vector<double> value(static_cast<size_t>(cols * (row1 - row0 + 1)), 0.0);
  std::vector<int64_t> count(value.size(), 0);
  for (size_t i = 0; i < points.size(); ++i) {
    auto [c, r] = locate(points[i]);
    size_t k = static_cast<size_t>((r - row0) * cols + (c - col0));
    value[k] += weights.empty() ? 1.0 : weights[i];
    ++count[k];
  }
  for (int64_t r = row0; r <= row1; ++r) {
    for (int64_t c = col0; c <= col1; ++c) {
      GridPoint o = centre(c, r);
      // Keep the cells that reach into the points' extent.
      if (o.x + w / 2 < min_x || o.x - w / 2 > max_x || o.y + size < min_y || o.y - size > max_y) continue;
      GridZone z;
      z.id = "q" + std::to_string(c) + "r" + std::to_string(r);
      z.centre = o;
      for (int k = 0; k <= 6; ++k) {
        double angle = std::numbers::pi / 180 * (60 * (k % 6) - 30);
        z.polygon.push_back({o.x + size * std::cos(angle), o.y + size * std::sin(angle)});
      }
      size_t k = static_cast<size_t>((r - row0) * cols + (c - col0));
      z.value = value[k];
      z.points = count[k];
      zones.push_back(std::move(z));
    }
  }
  return zones;
}

}  // namespace harmlens
