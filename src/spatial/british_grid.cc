#include "spatial/british_grid.h"

#include <proj.h>

#include <cmath>
#include <string>

namespace harmlens {

struct BritishGrid::Proj {
  PJ_CONTEXT* context = nullptr;
  PJ* transform = nullptr;
  ~Proj() {
    if (transform) proj_destroy(transform);
    if (context) proj_context_destroy(context);
  }
};

namespace {

Result<std::unique_ptr<BritishGrid::Proj>> MakeProj(const char* from) {
  auto p = std::make_unique<BritishGrid::Proj>();
  p->context = proj_context_create();
  if (!p->context) return Status::Internal("PROJ: cannot create a context");
  // No network grid fetching: results must not depend on what a CDN serves today.
  proj_context_set_enable_network(p->context, 0);
  // Failures come back as values (non-finite coordinates), not as lines on stderr.
  proj_log_level(p->context, PJ_LOG_NONE);
  PJ* raw = proj_create_crs_to_crs(p->context, from, "EPSG:27700", nullptr);
  if (!raw) {
    return Status::Internal(std::string("PROJ: no transformation from ") + from +
                            " to EPSG:27700 (is proj.db from libproj-dev installed?)");
  }
  // Longitude first, whatever axis order the EPSG definition uses.
  p->transform = proj_normalize_for_visualization(p->context, raw);
  proj_destroy(raw);
  if (!p->transform) return Status::Internal("PROJ: cannot normalise the axis order");
  return p;
}

std::string Describe(GeoPoint p) {
  return "(" + std::to_string(p.longitude) + ", " + std::to_string(p.latitude) + ")";
}

}  // namespace

BritishGrid::BritishGrid(std::unique_ptr<Proj> proj) : proj_(std::move(proj)) {}
BritishGrid::~BritishGrid() = default;

Result<std::unique_ptr<BritishGrid>> BritishGrid::Create() {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<Proj> p, MakeProj("EPSG:4326"));
  return std::unique_ptr<BritishGrid>(new BritishGrid(std::move(p)));
}

Result<std::unique_ptr<BritishGrid>> BritishGrid::CreateFromOsgb36() {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<Proj> p, MakeProj("EPSG:4277"));
  return std::unique_ptr<BritishGrid>(new BritishGrid(std::move(p)));
}

Result<GridPoint> BritishGrid::ToGrid(GeoPoint point) const {
  PJ_COORD c = proj_coord(point.longitude, point.latitude, 0, 0);
  PJ_COORD out = proj_trans(proj_->transform, PJ_FWD, c);
  if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
    return Status::InvalidArgument("cannot convert WGS84 point " + Describe(point) +
                                   " to British National Grid");
  }
  return GridPoint{out.xy.x, out.xy.y};
}

Result<std::vector<GridPoint>> BritishGrid::ToGrid(const std::vector<GeoPoint>& points) const {
  std::vector<double> x(points.size()), y(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    x[i] = points[i].longitude;
    y[i] = points[i].latitude;
  }
  if (!points.empty()) {
    proj_trans_generic(proj_->transform, PJ_FWD, x.data(), sizeof(double), x.size(), y.data(), sizeof(double),
                       y.size(), nullptr, 0, 0, nullptr, 0, 0);
  }
  std::vector<GridPoint> out(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      return Status::InvalidArgument("cannot convert WGS84 point " + Describe(points[i]) +
                                     " to British National Grid (point " + std::to_string(i + 1) + ")");
    }
    out[i] = {x[i], y[i]};
  }
  return out;
}

Result<GeoPoint> BritishGrid::ToGeo(GridPoint point) const {
  PJ_COORD c = proj_coord(point.x, point.y, 0, 0);
  PJ_COORD out = proj_trans(proj_->transform, PJ_INV, c);
  if (!std::isfinite(out.lp.lam) || !std::isfinite(out.lp.phi)) {
    return Status::InvalidArgument("cannot convert grid point (" + std::to_string(point.x) + ", " +
                                   std::to_string(point.y) + ") to WGS84");
  }
  return GeoPoint{out.xy.x, out.xy.y};
}

}  // namespace harmlens
