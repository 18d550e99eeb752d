#include "server/kde_layer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "engine/incident_table.h"
#include "geo/reference_geography.h"
#include "spatial/map_output.h"

namespace harmlens {

namespace {

constexpr double kSquareMetresPerKm2 = 1e6;
// The frame reaches this far beyond the LLR LSOAs, so a hot spot on the county boundary
// is not cut off at its edge.
constexpr double kFramePadMetres = 1000;

// Projects rows [begin, end) of the place columns into x and y (NaN where there is none).
Status ProjectRows(const std::vector<float>& longitude, const std::vector<float>& latitude, size_t begin,
                   size_t end, std::vector<float>* x, std::vector<float>* y) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<BritishGrid> grid, BritishGrid::Create());
  constexpr size_t kChunk = 1 << 16;
  std::vector<GeoPoint> places;
  std::vector<size_t> rows;
  for (size_t start = begin; start < end; start += kChunk) {
    places.clear();
    rows.clear();
    for (size_t i = start; i < std::min(end, start + kChunk); ++i) {
      if (std::isnan(longitude[i]) || std::isnan(latitude[i])) continue;
      places.push_back({longitude[i], latitude[i]});
      rows.push_back(i);
    }
    HL_ASSIGN_OR_RETURN(std::vector<GridPoint> at, grid->ToGrid(places));
    for (size_t k = 0; k < rows.size(); ++k) {
      (*x)[rows[k]] = static_cast<float>(at[k].x);
      (*y)[rows[k]] = static_cast<float>(at[k].y);
    }
  }
  return Status::Ok();
}

}  // namespace

const char* KdeClassColour(int kde_class) {
  // ColorBrewer RdPu: apart from the choropleth's oranges and the Gi* reds and blues.
  static const char* const kColours[kKdeClasses] = {"#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177"};
  return kColours[std::clamp(kde_class, 1, kKdeClasses) - 1];
}

KdeLayer::KdeLayer(std::vector<float> x, std::vector<float> y, GridPoint llr_min, GridPoint llr_max,
                   std::unique_ptr<BritishGrid> grid)
    : x_(std::move(x)), y_(std::move(y)), llr_min_(llr_min), llr_max_(llr_max), grid_(std::move(grid)) {}

Result<std::unique_ptr<KdeLayer>> KdeLayer::FromTable(const IncidentTable& table) {
  return Build(table.incidents().longitude, table.incidents().latitude, table.geography());
}

Result<std::unique_ptr<KdeLayer>> KdeLayer::FromPlaces(const std::vector<GeoPoint>& places,
                                                       const ReferenceGeography& geography) {
  std::vector<float> longitude, latitude;
  for (const GeoPoint& p : places) {
    longitude.push_back(static_cast<float>(p.longitude));
    latitude.push_back(static_cast<float>(p.latitude));
  }
  return Build(longitude, latitude, geography);
}

Result<std::unique_ptr<KdeLayer>> KdeLayer::Build(const std::vector<float>& longitude,
                                                  const std::vector<float>& latitude,
                                                  const ReferenceGeography& geography) {
  const size_t n = longitude.size();
  std::vector<float> x(n, std::numeric_limits<float>::quiet_NaN()), y = x;
  // Two halves on two threads, each with its own PROJ context (BritishGrid's rule).
  const size_t half = n / 2;
  Status second_half;
  std::thread other([&] { second_half = ProjectRows(longitude, latitude, half, n, &x, &y); });
  Status first_half = ProjectRows(longitude, latitude, 0, half, &x, &y);
  other.join();
  HL_RETURN_IF_ERROR(first_half);
  HL_RETURN_IF_ERROR(second_half);

  HL_ASSIGN_OR_RETURN(std::unique_ptr<BritishGrid> grid, BritishGrid::Create());
  // The extent of LLR: the corners of every LSOA's longitude/latitude box, projected.
  std::vector<GeoPoint> corners;
  for (size_t i = 0; i < geography.lsoas().size(); ++i) {
    const ZonePolygon& z = geography.Polygon(i);
    corners.insert(corners.end(), {{z.min_lon, z.min_lat}, {z.max_lon, z.min_lat}, {z.min_lon, z.max_lat},
                                   {z.max_lon, z.max_lat}});
  }
  if (corners.empty()) return Status::InvalidArgument("KDE layer: the reference geography has no LSOAs");
  HL_ASSIGN_OR_RETURN(std::vector<GridPoint> at, grid->ToGrid(corners));
  GridPoint lo = at[0], hi = at[0];
  for (const GridPoint& p : at) {
    lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
    hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
  }
  return std::unique_ptr<KdeLayer>(new KdeLayer(std::move(x), std::move(y), lo, hi, std::move(grid)));
}

std::optional<Result<KdeLayerAnswer>> KdeLayer::Surface(const IncidentFacts& facts, const AnalysisFilter& filter,
                                                        const KdeLayerRequest& request, Deadline deadline) const {
  if (facts.size() != x_.size()) {
    return Status::Internal("KDE layer: " + std::to_string(x_.size()) + " places for " +
                            std::to_string(facts.size()) + " incidents");
  }
  if (request.cell != 0 && !(request.cell >= kMinCell && request.cell <= kMaxCell)) {
    return Status::InvalidArgument("cell: expected " + std::to_string(int(kMinCell)) + " to " +
                                   std::to_string(int(kMaxCell)) + " metres");
  }
  if (request.bandwidth != 0 && !(request.bandwidth >= kMinBandwidth && request.bandwidth <= kMaxBandwidth)) {
    return Status::InvalidArgument("bandwidth: expected " + std::to_string(int(kMinBandwidth)) + " to " +
                                   std::to_string(int(kMaxBandwidth)) + " metres");
  }
  std::unique_lock<std::timed_mutex> one_at_a_time(computing_, deadline);
  if (!one_at_a_time.owns_lock()) return std::nullopt;
  std::optional<std::vector<uint32_t>> rows = facts.MatchingRows(filter, deadline);
  if (!rows) return std::nullopt;
  KdeLayerAnswer answer;
  answer.matched = static_cast<int64_t>(rows->size());
  std::vector<GridPoint> points;
  points.reserve(rows->size());
  for (uint32_t r : *rows) {
    if (std::isnan(x_[r])) continue;
    points.push_back({x_[r], y_[r]});
  }
  answer.without_point = answer.matched - static_cast<int64_t>(points.size());
  answer.bandwidth = request.bandwidth;
  if (answer.bandwidth == 0) {
    Result<double> rule = RuleOfThumbBandwidth(points);
    if (!rule.ok()) {
      answer.note = "no surface: " + rule.status().message();
      answer.cells_geojson = R"({"type":"FeatureCollection","features":[]})";
      return answer;
    }
    answer.bandwidth = std::clamp(*rule, kMinBandwidth, kMaxBandwidth);
    answer.bandwidth_from_rule = true;
  }
  // A cell a third of the bandwidth resolves the kernel's shape (a quartic kernel spans
  // six cells across) without drawing more cells than a county map needs.
  answer.cell = request.cell != 0 ? request.cell
                                  : std::clamp(std::round(answer.bandwidth / 3 / 50) * 50, kMinCell, kMaxCell);
  if (answer.bandwidth > kMaxCellsPerBandwidth * answer.cell) {
    return Status::InvalidArgument("bandwidth: " + std::to_string(int(answer.bandwidth)) + " m is more than " +
                                   std::to_string(int(kMaxCellsPerBandwidth)) + " cells of " +
                                   std::to_string(int(answer.cell)) + " m: give a larger cell");
  }
  const double reach = 2 * answer.bandwidth / answer.cell + 1;
  answer.method = static_cast<double>(points.size()) * reach * reach > kMaxExactEvaluations ? KdeMethod::kBinned
                                                                                           : KdeMethod::kExact;
  const GridFrame frame = GridFrame::Covering({llr_min_, llr_max_}, answer.cell, kFramePadMetres);
  Result<harmlens::Surface> surface =
      KernelDensity(points, {}, {Kernel::kQuartic, answer.bandwidth, answer.cell, answer.method}, frame);
  if (!surface.ok()) return surface.status();
  if (std::chrono::steady_clock::now() > deadline) return std::nullopt;

  double sum = 0;
  int64_t positive = 0;
  for (double v : surface->values) {
    if (v > 0) {
      sum += v;
      ++positive;
    }
  }
  answer.mean_density = positive ? sum / positive * kSquareMetresPerKm2 : 0;
  std::vector<MapFeature> features;
  for (int r = 0; r < frame.rows; ++r) {
    for (int c = 0; c < frame.cols; ++c) {
      const double density = surface->At(c, r) * kSquareMetresPerKm2;
      if (!(density > 0) || density < answer.mean_density) continue;
      const double times_mean = density / answer.mean_density;
      MapFeature m;
      m.rings = {CellSquare(frame, c, r)};
      m.numeric = {{"density_per_km2", std::round(density * 1000) / 1000},
                   {"times_mean", std::round(times_mean * 100) / 100},
                   {"class", std::min<double>(kKdeClasses, std::floor(times_mean))}};
      features.push_back(std::move(m));
    }
  }
  answer.cells_shown = static_cast<int64_t>(features.size());
  Result<std::string> json = GeoJson(features, *grid_);
  if (!json.ok()) return json.status();
  answer.cells_geojson = std::move(*json);
  return answer;
}

}  // namespace harmlens
