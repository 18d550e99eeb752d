#include "spatial/british_grid.h"

#include <dlfcn.h>
#include <proj.h>

#include <cmath>
#include <string>
#include <type_traits>

namespace harmlens {
namespace {

// PROJ's functions, from the library loaded the first time a grid is made. PROJ brings
// some thirty shared libraries with it (curl, TLS, TIFF and theirs); linking them
// cost every command, ingest and summary included, 3.4 ms of start-up (a program
// linked with PROJ and nothing else starts in 5.8 ms instead of 0.7 ms, `perf stat`).
struct ProjLibrary {
  decltype(&proj_context_create) context_create = nullptr;
  decltype(&proj_context_destroy) context_destroy = nullptr;
  decltype(&proj_context_set_enable_network) context_set_enable_network = nullptr;
  decltype(&proj_log_level) log_level = nullptr;
  decltype(&proj_create_crs_to_crs) create_crs_to_crs = nullptr;
  decltype(&proj_normalize_for_visualization) normalize_for_visualization = nullptr;
  decltype(&proj_destroy) destroy = nullptr;
  decltype(&proj_trans) trans = nullptr;
  decltype(&proj_trans_generic) trans_generic = nullptr;
};

// Loaded once per process and never unloaded; an error says which library or
// function is missing.
Result<const ProjLibrary*> LoadProj() {
  static const Result<ProjLibrary> library = []() -> Result<ProjLibrary> {
    void* handle = ::dlopen(HARMLENS_PROJ_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      return Status::Internal(std::string("PROJ: cannot load " HARMLENS_PROJ_LIBRARY " (install libproj-dev): ") +
                              (why ? why : "unknown error"));
    }
    ProjLibrary lib;
    Status missing;
    auto bind = [&](auto& function, const char* name) {
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(handle, name));
      if (!function && missing.ok()) missing = Status::Internal(std::string("PROJ: " HARMLENS_PROJ_LIBRARY " has no ") + name);
    };
    bind(lib.context_create, "proj_context_create");
    bind(lib.context_destroy, "proj_context_destroy");
    bind(lib.context_set_enable_network, "proj_context_set_enable_network");
    bind(lib.log_level, "proj_log_level");
    bind(lib.create_crs_to_crs, "proj_create_crs_to_crs");
    bind(lib.normalize_for_visualization, "proj_normalize_for_visualization");
    bind(lib.destroy, "proj_destroy");
    bind(lib.trans, "proj_trans");
    bind(lib.trans_generic, "proj_trans_generic");
    if (!missing.ok()) return missing;
    return lib;
  }();
  if (!library.ok()) return library.status();
  return &*library;
}

PJ_COORD Coord(double x, double y) {
  PJ_COORD c{};
  c.v[0] = x;
  c.v[1] = y;
  return c;
}

}  // namespace

struct BritishGrid::Proj {
  const ProjLibrary* lib = nullptr;
  PJ_CONTEXT* context = nullptr;
  PJ* transform = nullptr;
  ~Proj() {
    if (transform) lib->destroy(transform);
    if (context) lib->context_destroy(context);
  }
};

namespace {

Result<std::unique_ptr<BritishGrid::Proj>> MakeProj(const char* from) {
  HL_ASSIGN_OR_RETURN(const ProjLibrary* lib, LoadProj());
  auto p = std::make_unique<BritishGrid::Proj>();
  p->lib = lib;
  p->context = lib->context_create();
  if (!p->context) return Status::Internal("PROJ: cannot create a context");
  // No network grid fetching: results must not depend on what a CDN serves today.
  lib->context_set_enable_network(p->context, 0);
  // Failures come back as values (non-finite coordinates), not as lines on stderr.
  lib->log_level(p->context, PJ_LOG_NONE);
  PJ* raw = lib->create_crs_to_crs(p->context, from, "EPSG:27700", nullptr);
  if (!raw) {
    return Status::Internal(std::string("PROJ: no transformation from ") + from +
                            " to EPSG:27700 (is proj.db from libproj-dev installed?)");
  }
  // Longitude first, whatever axis order the EPSG definition uses.
  p->transform = lib->normalize_for_visualization(p->context, raw);
  lib->destroy(raw);
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
  PJ_COORD out = proj_->lib->trans(proj_->transform, PJ_FWD, Coord(point.longitude, point.latitude));
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
    proj_->lib->trans_generic(proj_->transform, PJ_FWD, x.data(), sizeof(double), x.size(), y.data(), sizeof(double),
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
  PJ_COORD out = proj_->lib->trans(proj_->transform, PJ_INV, Coord(point.x, point.y));
  if (!std::isfinite(out.lp.lam) || !std::isfinite(out.lp.phi)) {
    return Status::InvalidArgument("cannot convert grid point (" + std::to_string(point.x) + ", " +
                                   std::to_string(point.y) + ") to WGS84");
  }
  return GeoPoint{out.xy.x, out.xy.y};
}

}  // namespace harmlens
