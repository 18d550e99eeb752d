#include "spatial/clusters.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

namespace harmlens {

std::vector<GridPoint> ConvexHull(std::vector<GridPoint> p) {
  std::sort(p.begin(), p.end(),
            [](const GridPoint& a, const GridPoint& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  p.erase(std::unique(p.begin(), p.end()), p.end());
  if (p.size() < 3) return p;
  auto cross = [](const GridPoint& o, const GridPoint& a, const GridPoint& b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  };
  std::vector<GridPoint> h(2 * p.size());
  size_t k = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  h.resize(k);  // the last point repeats the first: a closed ring
  return h;
}

double PolygonArea(const std::vector<GridPoint>& ring) {
  if (ring.size() < 3) return 0;
  double a = 0;
  const GridPoint o = ring[0];
  for (size_t i = 0; i < ring.size(); ++i) {
    const GridPoint& p = ring[i];
    const GridPoint& q = ring[(i + 1) % ring.size()];
    a += (p.x - o.x) * (q.y - o.y) - (q.x - o.x) * (p.y - o.y);
  }
  return std::abs(a) / 2;
}

Result<std::vector<PointCluster>> DbscanClusters(const std::vector<GridPoint>& points,
                                                 const std::vector<double>& weights,
                                                 const ClusterOptions& o) {
  if (!(o.radius > 0) || o.min_points < 1) {
    return Status::InvalidArgument(
        "clusters: the radius must be positive metres and the minimum points at least 1");
  }
  if (!weights.empty() && weights.size() != points.size()) {
    return Status::InvalidArgument("clusters: " + std::to_string(weights.size()) + " weights for " +
                                   std::to_string(points.size()) + " points");
  }
  const size_t n = points.size();
  auto key = [](int64_t cx, int64_t cy) {
    return (static_cast<uint64_t>(cx) << 32) ^ (static_cast<uint64_t>(cy) & 0xffffffffULL);
  };
  auto cell = [&](double v) { return static_cast<int64_t>(std::floor(v / o.radius)); };
  std::unordered_map<uint64_t, std::vector<int32_t>> buckets;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(points[i].x) || !std::isfinite(points[i].y)) {
      return Status::InvalidArgument("clusters: point " + std::to_string(i + 1) +
                                     " is not a finite coordinate");
    }
    buckets[key(cell(points[i].x), cell(points[i].y))].push_back(static_cast<int32_t>(i));
  }
  const double r2 = o.radius * o.radius;
  auto neighbours = [&](size_t i, std::vector<int32_t>& out) {
    out.clear();
    int64_t cx = cell(points[i].x), cy = cell(points[i].y);
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        auto it = buckets.find(key(cx + dx, cy + dy));
        if (it == buckets.end()) continue;
        for (int32_t j : it->second) {
          double ex = points[j].x - points[i].x, ey = points[j].y - points[i].y;
          if (ex * ex + ey * ey <= r2) out.push_back(j);
        }
      }
    }
  };
  constexpr int32_t kUnvisited = -2, kNoise = -1;
  std::vector<int32_t> label(n, kUnvisited);
  std::vector<int32_t> nb, nb2, queue;
  int32_t clusters = 0;
  for (size_t i = 0; i < n; ++i) {
    if (label[i] != kUnvisited) continue;
    neighbours(i, nb);
    if (static_cast<int>(nb.size()) < o.min_points) {
      label[i] = kNoise;
      continue;
    }
    const int32_t c = clusters++;
    label[i] = c;
    queue.assign(nb.begin(), nb.end());
    for (size_t q = 0; q < queue.size(); ++q) {
      int32_t j = queue[q];
      if (label[j] == kNoise) label[j] = c;  // a border point
      if (label[j] != kUnvisited) continue;
      label[j] = c;
      neighbours(j, nb2);
      if (static_cast<int>(nb2.size()) >= o.min_points) queue.insert(queue.end(), nb2.begin(), nb2.end());
    }
  }
  std::vector<PointCluster> out(clusters);
  for (size_t i = 0; i < n; ++i) {
    if (label[i] < 0) continue;
    PointCluster& c = out[label[i]];
    c.members.push_back(static_cast<int32_t>(i));
    c.harm += weights.empty() ? 1.0 : weights[i];
    c.centre.x += points[i].x;
    c.centre.y += points[i].y;
  }
  std::vector<GridPoint> member_points;
  for (PointCluster& c : out) {
    c.points = static_cast<int64_t>(c.members.size());
    c.centre = {c.centre.x / c.points, c.centre.y / c.points};
    member_points.clear();
    for (int32_t m : c.members) member_points.push_back(points[m]);
    c.hull = ConvexHull(member_points);
    c.area = PolygonArea(c.hull);
  }
  std::stable_sort(out.begin(), out.end(), [](const PointCluster& a, const PointCluster& b) {
    return a.harm > b.harm || (a.harm == b.harm && a.points > b.points);
  });
  for (size_t k = 0; k < out.size(); ++k) out[k].rank_by_harm = static_cast<int>(k + 1);
  std::stable_sort(out.begin(), out.end(),
                   [](const PointCluster& a, const PointCluster& b) { return a.points > b.points; });
  for (size_t k = 0; k < out.size(); ++k) out[k].rank_by_count = static_cast<int>(k + 1);
  return out;
}

}  // namespace harmlens
