#include "cli/spatial_commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "cli/output.h"
#include "engine/harm_weights.h"
#include "engine/incident_table.h"
#include "engine/query.h"
#include "geo/reference_geography.h"
#include "model/geography.h"
#include "spatial/british_grid.h"
#include "spatial/clusters.h"
#include "spatial/emerging.h"
#include "spatial/hot_spots.h"
#include "spatial/incident_points.h"
#include "spatial/kde.h"
#include "spatial/knox.h"
#include "spatial/map_output.h"
#include "spatial/plain_csv.h"
#include "spatial/zones.h"
#include "store/sqlite_store.h"

namespace harmlens {

namespace {
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// spdep poly2nb's default snap, sqrt(.Machine$double.eps), in degrees.
constexpr double kQueenSnapDegrees = 1.4901161193847656e-08;
}  // namespace

struct ZoneOptions {
  std::string zone_type = "lsoa";  // lsoa | square | hex
  std::string weights;             // queen | band ("" = queen for LSOAs, band for grids)
  double band = 0;
  double cell = 0;
};

struct SpatialCommands {
  std::string* db = nullptr;
  std::string* data_dir = nullptr;
  CLI::App *kde = nullptr, *gistar = nullptr, *moran = nullptr, *emerging = nullptr, *clusters = nullptr,
           *nearrepeat = nullptr;
  std::vector<std::string> filters;  // the engine's field=value cuts
  std::string weight = "none";       // none | harm (store points)
  ZoneOptions zones;
  std::string input;  // --points / --zones FILE / --events
  std::string format = "csv";
  std::string out;
  // kde
  double bandwidth = 0, cell = 0, pad = 0;
  std::string kernel = "quartic";
  std::string method = "exact";
  bool risk = false;
  double per_residents = 1000;
  // moran / knox
  int permutations = 999;
  uint64_t seed = 1;
  // emerging
  int slice_months = 1;
  double alpha = 0.05;
  // clusters
  double radius = 100;
  int min_points = 10;
  // knox
  double distance_band = 100;
  int distance_bands = 5;
  int64_t time_band = 0;
  int time_bands = 4;
  std::string time_unit = "auto";
  int threads = 2;
};

namespace {

int Fail(const std::string& context, const Status& status) {
  std::cerr << "harmlens: " << context << status.ToString() << '\n';
  return kExitFailure;
}

int Usage(const std::string& command, const std::string& message) {
  std::cerr << "harmlens: " << message << " (see 'harmlens " << command << " --help')\n";
  return kExitUsage;
}

std::string Num(double v, const char* fmt = "%.10g") {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

void AddSelection(CLI::App* cmd, SpatialCommands* c) {
  cmd->add_option("filters", c->filters,
                  "which incidents, as the engine's field=value cuts, e.g. category=robbery csp=Leicester "
                  "from=2022-01 (fields below)");
  cmd->add_option("--db", *c->db, "the store (when no file is given)")->capture_default_str();
  cmd->add_option("--data", *c->data_dir, "bundled data folder (data/): LSOA boundaries, residents")
      ->capture_default_str();
  cmd->footer("Fields of the engine's cuts (field=value):\n" + QueryFieldsHelp());
}

void AddZones(CLI::App* cmd, SpatialCommands* c) {
  cmd->add_option("--zone-type", c->zones.zone_type, "zones from the store: LSOAs or a grid")
      ->check(CLI::IsMember({"lsoa", "square", "hex"}))
      ->capture_default_str();
  cmd->add_option("--weights", c->zones.weights, "queen contiguity (LSOAs) or a fixed distance band")
      ->check(CLI::IsMember({"queen", "band"}));
  cmd->add_option("--band", c->zones.band, "distance band, metres (zone centres within it are neighbours)");
  cmd->add_option("--cell", c->zones.cell, "grid cell size, metres (square side, hexagon circumradius)");
}

void AddOutput(CLI::App* cmd, SpatialCommands* c, std::vector<std::string> formats) {
  cmd->add_option("--format", c->format, "output format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("--out", c->out, "write here instead of standard output");
}

Status Emit(Env* env, const SpatialCommands& c, const std::string& text) {
  if (c.out.empty()) {
    std::cout << text;
    return std::cout.good() ? Status::Ok() : Status::IoError("cannot write to standard output");
  }
  return env->WriteFile(c.out, text);
}

Status EmitTable(Env* env, const SpatialCommands& c, const OutputTable& table) {
  std::ostringstream s;
  WriteTable(table,
             c.format == "json"    ? OutputFormat::kJson
             : c.format == "table" ? OutputFormat::kTable
                                   : OutputFormat::kCsv,
             s);
  return Emit(env, c, s.str());
}

// The engine's cuts from the positional arguments; a grouping or a measure means nothing
// here and is refused.
Result<Query> ParseSelection(const SpatialCommands& c) {
  HL_ASSIGN_OR_RETURN(Query q, ParseQueryArgs(c.filters));
  if (!q.group_by.empty() || !q.measures.empty() || q.top != 0) {
    return Status::InvalidArgument("by=, measures= and top= shape a table; spatial commands take only cuts");
  }
  return q;
}

struct Selected {
  IncidentPoints incidents;
  std::vector<GridPoint> points;
  std::vector<double> weights;  // empty unless --weight harm
};

Result<Selected> SelectFromStore(Env* env, const SpatialCommands& c, const Query& query,
                                 const BritishGrid& grid) {
  if (!env->Exists(*c.db)) {
    return Status::NotFound("no store at " + *c.db +
                            " (run 'harmlens ingest ...' first, give --db, or give a file)");
  }
  SqliteOptions options;
  options.create_if_missing = false;
  HL_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(*c.db, options));
  HL_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceGeography> geography,
                      ReferenceGeography::Load(env, *c.data_dir + "/reference"));
  HL_ASSIGN_OR_RETURN(Denominators denominators,
                      LoadDenominators(env, *c.data_dir + "/reference", *geography));
  HL_ASSIGN_OR_RETURN(std::unique_ptr<IncidentTable> table,
                      IncidentTable::Load(store.get(), geography, std::move(denominators)));
  Selected s;
  HL_ASSIGN_OR_RETURN(s.incidents, SelectIncidentPoints(store.get(), *table, query, grid));
  for (const IncidentPoint& p : s.incidents.points) {
    s.points.push_back(p.at);
    if (c.weight == "harm") s.weights.push_back(p.harm_days);
  }
  std::cerr << "selected " << s.incidents.matched << " incidents, " << s.incidents.points.size()
            << " with a point (" << s.incidents.without_point << " without one are left out)"
            << (c.weight == "harm" ? ", weighted by harm (days, " + std::string(kHarmWeightsVersion) + ")"
                                   : "")
            << "\n";
  return s;
}

Result<std::string> ReadAll(Env* env, const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> f, env->ReadFile(path));
  return std::string(f->bytes());
}

// The LSOAs as zones in grid metres: polygons, centroids, codes; the rings in degrees
// for queen contiguity.
struct LsoaZones {
  std::shared_ptr<const ReferenceGeography> geography;
  std::vector<std::vector<GridRing>> polygons;
  std::vector<std::vector<GridRing>> degrees;
  std::vector<GridPoint> centroids;
};

Result<LsoaZones> LoadLsoaZones(Env* env, const std::string& data_dir, const BritishGrid& grid) {
  LsoaZones z;
  HL_ASSIGN_OR_RETURN(z.geography, ReferenceGeography::Load(env, data_dir + "/reference"));
  for (size_t i = 0; i < z.geography->lsoas().size(); ++i) {
    std::vector<GridRing> rings, deg;
    for (const Ring& ring : z.geography->Polygon(i).rings) {
      HL_ASSIGN_OR_RETURN(std::vector<GridPoint> r, grid.ToGrid(ring.points));
      rings.push_back(std::move(r));
      GridRing d;
      for (const GeoPoint& p : ring.points) d.push_back({p.longitude, p.latitude});
      deg.push_back(std::move(d));
    }
    z.centroids.push_back(ZoneCentroid(rings));
    z.polygons.push_back(std::move(rings));
    z.degrees.push_back(std::move(deg));
  }
  return z;
}

std::vector<GridRing> Boundaries(const LsoaZones& z) {
  std::vector<GridRing> all;
  for (const auto& p : z.polygons) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Zones for the store-based statistics: id, centre, polygon, and the points in each.
struct StoreZones {
  std::vector<std::string> ids;
  std::vector<GridPoint> centres;
  std::vector<std::vector<GridRing>> polygons;
  std::vector<std::vector<GridRing>> degrees;  // LSOAs only
  std::vector<int32_t> zone_of_point;          // -1: in no zone
  std::vector<double> values;                  // points per zone
};

Result<StoreZones> BuildZones(const ZoneOptions& o, const std::vector<IncidentPoint>& points,
                              const LsoaZones* lsoas) {
  StoreZones z;
  if (o.zone_type == "lsoa") {
    std::unordered_map<std::string, int32_t> index;
    for (size_t i = 0; i < lsoas->geography->lsoas().size(); ++i) {
      index[lsoas->geography->lsoas()[i].code] = static_cast<int32_t>(i);
      z.ids.push_back(lsoas->geography->lsoas()[i].code);
    }
    z.centres = lsoas->centroids;
    z.polygons = lsoas->polygons;
    z.degrees = lsoas->degrees;
    z.values.assign(z.ids.size(), 0);
    int64_t outside = 0;
    for (const IncidentPoint& p : points) {
      auto it = index.find(p.lsoa);
      z.zone_of_point.push_back(it == index.end() ? -1 : it->second);
      if (it == index.end()) {
        ++outside;
      } else {
        z.values[it->second] += 1;
      }
    }
    if (outside) std::cerr << outside << " incidents in no LLR LSOA are left out\n";
    return z;
  }
  std::vector<GridPoint> at;
  for (const IncidentPoint& p : points) at.push_back(p.at);
  GridShape shape = o.zone_type == "hex" ? GridShape::kHexagon : GridShape::kSquare;
  HL_ASSIGN_OR_RETURN(std::vector<GridZone> cells, AggregateToGrid(at, {}, shape, o.cell));
  for (GridZone& cell : cells) {
    z.ids.push_back(cell.id);
    z.centres.push_back(cell.centre);
    z.polygons.push_back({cell.polygon});
    z.values.push_back(cell.value);
  }
  return z;
}

Result<Neighbours> BuildNeighbours(const ZoneOptions& o, const StoreZones& z, bool include_self) {
  if (o.weights == "queen") return QueenNeighbours(z.degrees, include_self, kQueenSnapDegrees);
  return DistanceBandNeighbours(z.centres, o.band, include_self);
}

// "" or what is wrong with the zone options.
std::string CheckZones(ZoneOptions* o) {
  if (o->weights.empty()) o->weights = o->zone_type == "lsoa" && o->band <= 0 ? "queen" : "band";
  if (o->weights == "queen" && o->zone_type != "lsoa") {
    return "queen contiguity is for LSOAs; grids use --weights band --band M";
  }
  if (o->weights == "band" && !(o->band > 0))
    return "--band M (metres, > 0) is needed for distance-band weights";
  if (o->zone_type != "lsoa" && !(o->cell > 0))
    return "--cell M (metres, > 0) is needed for a " + o->zone_type + " grid";
  return "";
}

std::vector<std::pair<std::string, std::string>> ClassLegend() {
  std::vector<std::pair<std::string, std::string>> legend;
  for (int k = 3; k >= -3; --k) legend.push_back({FdrClassName(k), FdrClassColour(k)});
  return legend;
}

// ---------------------------------------------------------------- kde

// The points a command works on: from its plain CSV in grid metres, or selected from the
// store by the engine's cuts. An exit code when they cannot be had.
std::optional<int> LoadPoints(Env* env, const SpatialCommands& c, const std::string& cmd,
                              const BritishGrid& grid, std::vector<GridPoint>* points,
                              std::vector<double>* weights) {
  if (!c.input.empty()) {
    auto text = ReadAll(env, c.input);
    if (!text.ok()) return Fail("", text.status());
    auto plain = ReadPlainPoints(*text, c.input);
    if (!plain.ok()) return Fail("", plain.status());
    *points = std::move(plain->points);
    *weights = std::move(plain->weights);
    return std::nullopt;
  }
  auto query = ParseSelection(c);
  if (!query.ok()) return Usage(cmd, query.status().message());
  auto s = SelectFromStore(env, c, *query, grid);
  if (!s.ok()) return Fail("", s.status());
  *points = std::move(s->points);
  *weights = std::move(s->weights);
  return std::nullopt;
}

int RunKde(Env* env, SpatialCommands c, const BritishGrid& grid) {
  const std::string cmd = "hotspots kde";
  std::optional<Kernel> kernel = KernelFromName(c.kernel);
  if (!c.input.empty() && !c.filters.empty()) return Usage(cmd, "give a file or the engine's cuts, not both");
  if (!c.input.empty() && c.risk) {
    return Usage(cmd, "--risk needs incidents from the store (residents are placed by LSOA)");
  }
  std::vector<GridPoint> points;
  std::vector<double> weights;
  if (std::optional<int> code = LoadPoints(env, c, cmd, grid, &points, &weights)) return *code;
  const char* bandwidth_from = "given";
  if (!(c.bandwidth > 0)) {
    auto h = RuleOfThumbBandwidth(points);
    if (!h.ok()) return Fail("", h.status());
    c.bandwidth = *h;
    bandwidth_from = "rule of thumb";
  }
  const char* cell_from = "given";
  if (!(c.cell > 0)) {
    auto cell = DefaultCellSize(points);
    if (!cell.ok()) return Fail("", cell.status());
    c.cell = *cell;
    cell_from = "extent / 250";
  }
  KdeOptions options{*kernel, c.bandwidth, c.cell,
                     c.method == "binned" ? KdeMethod::kBinned : KdeMethod::kExact};
  GridFrame frame = GridFrame::Covering(points, c.cell, c.pad);
  auto started = std::chrono::steady_clock::now();
  auto surface = KernelDensity(points, weights, options, frame);
  if (!surface.ok()) return Fail("", surface.status());
  double compute_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "kde: " << points.size() << " points, " << c.method << " " << KernelName(*kernel)
            << " kernel, bandwidth " << Num(c.bandwidth, "%.1f") << " m (" << bandwidth_from << "), cell "
            << Num(c.cell, "%.1f") << " m (" << cell_from << "), " << frame.cols << " x " << frame.rows
            << " cells, computed in " << Num(compute_seconds, "%.3f") << " s\n";
  std::string value_name = "density";
  std::optional<LsoaZones> lsoas;
  if (c.risk || c.format == "svg") {
    auto z = LoadLsoaZones(env, *c.data_dir, grid);
    if (!z.ok()) return Fail("reference geography: ", z.status());
    lsoas = std::move(*z);
  }
  if (c.risk) {
    // Residents: each LSOA's mid-2018 population at its centroid, under the same kernel.
    std::vector<double> residents;
    for (const Lsoa& l : lsoas->geography->lsoas()) residents.push_back(l.population);
    auto people = KernelDensity(lsoas->centroids, residents, options, frame);
    if (!people.ok()) return Fail("", people.status());
    // Fewer than 10 residents per km² is open country: no rate is shown there.
    auto rate = RiskSurface(*surface, *people, c.per_residents, 10e-6);
    if (!rate.ok()) return Fail("", rate.status());
    surface = std::move(rate);
    value_name = "incidents_per_" + Num(c.per_residents, "%.0f") + "_residents";
  }
  std::string text;
  if (c.format == "csv") {
    // Shortest round-trip decimals (std::to_chars): exact, and fast on a million cells.
    text = "x,y," + value_name + "\n";
    text.reserve(text.size() + frame.size() * 32);
    char buf[96];
    for (int r = 0; r < frame.rows; ++r) {
      for (int col = 0; col < frame.cols; ++col) {
        GridPoint centre = frame.Centre(col, r);
        double v = surface->At(col, r);
        char* end = std::to_chars(buf, buf + 32, centre.x).ptr;
        *end++ = ',';
        end = std::to_chars(end, end + 32, centre.y).ptr;
        *end++ = ',';
        if (std::isfinite(v)) end = std::to_chars(end, end + 32, v).ptr;
        *end++ = '\n';
        text.append(buf, end);
      }
    }
  } else if (c.format == "geojson") {
    auto json = SurfaceGeoJson(*surface, grid, value_name);
    if (!json.ok()) return Fail("", json.status());
    text = std::move(*json);
  } else {
    std::string title = std::string(c.risk ? "Risk-adjusted " : "") + KernelName(*kernel) +
                        " KDE, h = " + Num(c.bandwidth, "%.0f") + " m, cell " + Num(c.cell, "%.0f") + " m, " +
                        std::to_string(points.size()) + " points";
    text = SvgMap(&*surface, {}, Boundaries(*lsoas), title, {});
  }
  Status st = Emit(env, c, text);
  return st.ok() ? 0 : Fail("", st);
}

// ---------------------------------------------------------------- gistar / moran

int RunZoneStatistic(Env* env, SpatialCommands c, const BritishGrid& grid, bool moran) {
  const std::string cmd = moran ? "hotspots moran" : "hotspots gistar";
  if (!c.input.empty()) {
    if (!(c.zones.band > 0)) return Usage(cmd, "--band M (metres, > 0) is needed with --zones FILE");
    if (c.format == "svg") return Usage(cmd, "--format svg needs zones from the store");
    auto text = ReadAll(env, c.input);
    if (!text.ok()) return Fail("", text.status());
    auto zones = ReadPlainZones(*text, c.input);
    if (!zones.ok()) return Fail("", zones.status());
    auto nb = DistanceBandNeighbours(zones->centres, c.zones.band, !moran);
    if (!nb.ok()) return Fail("", nb.status());
    std::vector<MapFeature> features;
    OutputTable table;
    if (!moran) {
      auto hot = GiStarHotSpots(*nb, zones->values);
      if (!hot.ok()) return Fail("", hot.status());
      table.columns = {"id", "gi_z", "p_value", "fdr_class"};
      for (size_t i = 0; i < hot->size(); ++i) {
        const HotSpot& h = (*hot)[i];
        table.rows.push_back(
            {zones->ids[i], Num(h.z, "%.17g"), Num(h.p, "%.17g"), FdrClassName(h.fdr_class)});
        features.push_back(
            {{},
             zones->centres[i],
             {{"id", zones->ids[i]}, {"fdr_class", FdrClassName(h.fdr_class)}},
             {{"value", zones->values[i]}, {"gi_z", h.z}, {"p_value", h.p}, {"q_value", h.q}}});
      }
    } else {
      auto lm = LocalMoranI(*nb, zones->values, {c.permutations, c.seed});
      if (!lm.ok()) return Fail("", lm.status());
      table.columns = {"id", "local_i", "p_value", "q_value", "quadrant", "permutations", "seed"};
      for (size_t i = 0; i < lm->size(); ++i) {
        const LocalMoran& m = (*lm)[i];
        table.rows.push_back({zones->ids[i], Num(m.i, "%.17g"), Num(m.p), Num(m.q), m.quadrant,
                              std::to_string(c.permutations), std::to_string(c.seed)});
        features.push_back(
            {{},
             zones->centres[i],
             {{"id", zones->ids[i]}, {"quadrant", m.quadrant}},
             {{"value", zones->values[i]}, {"local_i", m.i}, {"p_value", m.p}, {"q_value", m.q}}});
      }
    }
    if (c.format == "geojson") {
      auto json = GeoJson(features, grid);
      if (!json.ok()) return Fail("", json.status());
      Status st = Emit(env, c, *json);
      return st.ok() ? 0 : Fail("", st);
    }
    Status st = EmitTable(env, c, table);
    return st.ok() ? 0 : Fail("", st);
  }

  auto query = ParseSelection(c);
  if (!query.ok()) return Usage(cmd, query.status().message());
  std::string bad = CheckZones(&c.zones);
  if (!bad.empty()) return Usage(cmd, bad);
  auto lsoas = LoadLsoaZones(env, *c.data_dir, grid);
  if (!lsoas.ok()) return Fail("reference geography: ", lsoas.status());
  auto s = SelectFromStore(env, c, *query, grid);
  if (!s.ok()) return Fail("", s.status());
  auto zones = BuildZones(c.zones, s->incidents.points, &*lsoas);
  if (!zones.ok()) return Fail("", zones.status());
  auto nb = BuildNeighbours(c.zones, *zones, !moran);
  if (!nb.ok()) return Fail("", nb.status());
  std::cerr << (moran ? "local Moran's I" : "Gi*") << ": " << zones->ids.size() << " zones ("
            << c.zones.zone_type << "), weights " << c.zones.weights
            << (c.zones.weights == "band" ? " " + Num(c.zones.band, "%.0f") + " m" : std::string()) << "\n";
  OutputTable table;
  std::vector<MapFeature> features;
  std::vector<SvgShape> shapes;
  if (!moran) {
    auto hot = GiStarHotSpots(*nb, zones->values);
    if (!hot.ok()) return Fail("", hot.status());
    table.columns = {"id", "value", "neighbours", "gi_z", "p_value", "q_value", "fdr_class"};
    table.numeric = {false, true, true, true, true, true, false};
    for (size_t i = 0; i < hot->size(); ++i) {
      const HotSpot& h = (*hot)[i];
      table.rows.push_back({zones->ids[i], Num(zones->values[i]), std::to_string(nb->Count(i)),
                            Num(h.z, "%.17g"), Num(h.p, "%.17g"), Num(h.q, "%.17g"),
                            FdrClassName(h.fdr_class)});
      features.push_back({zones->polygons[i],
                          zones->centres[i],
                          {{"id", zones->ids[i]}, {"fdr_class", FdrClassName(h.fdr_class)}},
                          {{"value", zones->values[i]}, {"gi_z", h.z}, {"p_value", h.p}, {"q_value", h.q}}});
      if (h.fdr_class != 0) shapes.push_back({zones->polygons[i], FdrClassColour(h.fdr_class)});
    }
  } else {
    auto lm = LocalMoranI(*nb, zones->values, {c.permutations, c.seed});
    if (!lm.ok()) return Fail("", lm.status());
    table.columns = {"id", "value", "local_i", "p_value", "q_value", "quadrant", "permutations", "seed"};
    table.numeric = {false, true, true, true, true, false, true, true};
    for (size_t i = 0; i < lm->size(); ++i) {
      const LocalMoran& m = (*lm)[i];
      table.rows.push_back({zones->ids[i], Num(zones->values[i]), Num(m.i, "%.17g"), Num(m.p), Num(m.q),
                            m.quadrant, std::to_string(c.permutations), std::to_string(c.seed)});
      features.push_back(
          {zones->polygons[i],
           zones->centres[i],
           {{"id", zones->ids[i]}, {"quadrant", m.quadrant}},
           {{"value", zones->values[i]}, {"local_i", m.i}, {"p_value", m.p}, {"q_value", m.q}}});
      if (m.q <= 0.05) {
        const char* colour = m.quadrant == "high-high"  ? "#b2182b"
                             : m.quadrant == "low-low"  ? "#2166ac"
                             : m.quadrant == "high-low" ? "#ef8a62"
                                                        : "#67a9cf";
        shapes.push_back({zones->polygons[i], colour});
      }
    }
  }
  std::string text;
  if (c.format == "geojson") {
    auto json = GeoJson(features, grid);
    if (!json.ok()) return Fail("", json.status());
    text = std::move(*json);
  } else if (c.format == "svg") {
    std::vector<std::pair<std::string, std::string>> legend =
        moran ? std::vector<std::pair<std::string, std::string>>{{"high-high (q <= 0.05)", "#b2182b"},
                                                                 {"high-low", "#ef8a62"},
                                                                 {"low-high", "#67a9cf"},
                                                                 {"low-low", "#2166ac"}}
              : ClassLegend();
    text = SvgMap(nullptr, shapes, Boundaries(*lsoas),
                  moran ? "Local Moran's I (BH q <= 0.05)" : "Gi* hot and cold spots (BH FDR)", legend);
  } else {
    Status st = EmitTable(env, c, table);
    return st.ok() ? 0 : Fail("", st);
  }
  Status st = Emit(env, c, text);
  return st.ok() ? 0 : Fail("", st);
}

// ---------------------------------------------------------------- emerging

int RunEmerging(Env* env, SpatialCommands c, const BritishGrid& grid) {
  const std::string cmd = "hotspots emerging";
  auto query = ParseSelection(c);
  if (!query.ok()) return Usage(cmd, query.status().message());
  std::string bad = CheckZones(&c.zones);
  if (!bad.empty()) return Usage(cmd, bad);
  auto lsoas = LoadLsoaZones(env, *c.data_dir, grid);
  if (!lsoas.ok()) return Fail("reference geography: ", lsoas.status());
  auto s = SelectFromStore(env, c, *query, grid);
  if (!s.ok()) return Fail("", s.status());
  auto zones = BuildZones(c.zones, s->incidents.points, &*lsoas);
  if (!zones.ok()) return Fail("", zones.status());
  // Grid zones are counted again per point below; LSOA zones know each point's zone.
  std::vector<int32_t> zone_of = zones->zone_of_point;
  if (zone_of.empty()) {
    std::unordered_map<std::string, int32_t> by_id;
    for (size_t i = 0; i < zones->ids.size(); ++i) by_id[zones->ids[i]] = static_cast<int32_t>(i);
    GridShape shape = c.zones.zone_type == "hex" ? GridShape::kHexagon : GridShape::kSquare;
    for (const IncidentPoint& p : s->incidents.points) {
      auto one = AggregateToGrid({p.at}, {}, shape, c.zones.cell);
      int32_t z = -1;
      if (one.ok()) {
        for (const GridZone& g : *one) {
          if (g.points > 0) z = by_id.count(g.id) ? by_id[g.id] : -1;
        }
      }
      zone_of.push_back(z);
    }
  }
  // Slices: the months that hold any selected incident, in runs of --slice-months. A
  // month with none at all is a gap in the data (police.uk publishes none), not a quiet
  // month, so it is not a slice.
  std::set<int> months;
  for (const IncidentPoint& p : s->incidents.points) months.insert(p.occurred.month().Index());
  std::map<int, int> slice_of_month;
  int k = 0;
  for (int m : months) slice_of_month[m] = k++ / c.slice_months;
  const int slices = months.empty() ? 0 : (k + c.slice_months - 1) / c.slice_months;
  if (slices < 3)
    return Fail("", Status::InvalidArgument("emerging hot spots: need at least three time slices, got " +
                                            std::to_string(slices)));
  std::vector<std::vector<double>> cube(slices, std::vector<double>(zones->ids.size(), 0));
  for (size_t i = 0; i < s->incidents.points.size(); ++i) {
    if (zone_of[i] < 0) continue;
    cube[slice_of_month[s->incidents.points[i].occurred.month().Index()]][zone_of[i]] += 1;
  }
  auto nb = BuildNeighbours(c.zones, *zones, true);
  if (!nb.ok()) return Fail("", nb.status());
  auto ehs = EmergingHotSpots(*nb, cube, {c.alpha, 0.05});
  if (!ehs.ok()) return Fail("", ehs.status());
  std::cerr << "emerging hot spots: " << zones->ids.size() << " zones x " << slices << " slices of "
            << c.slice_months << " month(s), first " << YearMonth::FromIndex(*months.begin()).ToString()
            << ", last " << YearMonth::FromIndex(*months.rbegin()).ToString() << "\n";
  OutputTable table{{"id", "pattern", "hot_slices", "cold_slices", "slices", "trend_z", "trend_p"},
                    {false, false, true, true, true, true, true},
                    {}};
  std::vector<MapFeature> features;
  std::vector<SvgShape> shapes;
  static const std::map<EmergingPattern, std::pair<const char*, const char*>> kColour = {
      {EmergingPattern::kNew, {"#fdd0a2", "#c6dbef"}},
      {EmergingPattern::kConsecutive, {"#fdae6b", "#9ecae1"}},
      {EmergingPattern::kIntensifying, {"#a50f15", "#08306b"}},
      {EmergingPattern::kPersistent, {"#de2d26", "#3182bd"}},
      {EmergingPattern::kDiminishing, {"#fb6a4a", "#6baed6"}},
      {EmergingPattern::kSporadic, {"#fcbba1", "#deebf7"}},
      {EmergingPattern::kOscillating, {"#e6550d", "#2171b5"}},
      {EmergingPattern::kHistorical, {"#bdbdbd", "#969696"}},
  };
  for (size_t i = 0; i < ehs->size(); ++i) {
    const EmergingZone& e = (*ehs)[i];
    std::string name = EmergingPatternName(e);
    table.rows.push_back({zones->ids[i], name, std::to_string(e.hot_slices), std::to_string(e.cold_slices),
                          std::to_string(slices), Num(e.trend.z), Num(e.trend.p)});
    features.push_back({zones->polygons[i],
                        zones->centres[i],
                        {{"id", zones->ids[i]}, {"pattern", name}},
                        {{"hot_slices", double(e.hot_slices)},
                         {"cold_slices", double(e.cold_slices)},
                         {"trend_z", e.trend.z},
                         {"trend_p", e.trend.p}}});
    auto colour = kColour.find(e.pattern);
    if (colour != kColour.end())
      shapes.push_back({zones->polygons[i], e.hot ? colour->second.first : colour->second.second});
  }
  std::string text;
  if (c.format == "geojson") {
    auto json = GeoJson(features, grid);
    if (!json.ok()) return Fail("", json.status());
    text = std::move(*json);
  } else if (c.format == "svg") {
    std::vector<std::pair<std::string, std::string>> legend;
    for (const auto& [pattern, colours] : kColour) {
      EmergingZone z;
      z.pattern = pattern;
      legend.push_back({EmergingPatternName(z), colours.first});
      z.hot = false;
      legend.push_back({EmergingPatternName(z), colours.second});
    }
    text = SvgMap(nullptr, shapes, Boundaries(*lsoas), "Emerging hot spots", legend);
  } else {
    Status st = EmitTable(env, c, table);
    return st.ok() ? 0 : Fail("", st);
  }
  Status st = Emit(env, c, text);
  return st.ok() ? 0 : Fail("", st);
}

// ---------------------------------------------------------------- clusters

int RunClusters(Env* env, SpatialCommands c, const BritishGrid& grid) {
  const std::string cmd = "hotspots clusters";
  std::vector<GridPoint> points;
  std::vector<double> weights;
  if (std::optional<int> code = LoadPoints(env, c, cmd, grid, &points, &weights)) return *code;
  auto clusters = DbscanClusters(points, weights, {c.radius, c.min_points});
  if (!clusters.ok()) return Fail("", clusters.status());
  std::cerr << "clusters: " << clusters->size() << " DBSCAN clusters of " << points.size()
            << " points (radius " << Num(c.radius) << " m, at least " << c.min_points << " points)\n";
  OutputTable table{{"rank_by_count", "rank_by_harm", "points", "harm", "x", "y", "area_m2"},
                    {true, true, true, true, true, true, true},
                    {}};
  std::vector<MapFeature> features;
  std::vector<SvgShape> shapes;
  for (const PointCluster& k : *clusters) {
    table.rows.push_back({std::to_string(k.rank_by_count), std::to_string(k.rank_by_harm),
                          std::to_string(k.points), Num(k.harm), Num(k.centre.x, "%.1f"),
                          Num(k.centre.y, "%.1f"), Num(k.area, "%.0f")});
    MapFeature f;
    if (k.hull.size() >= 4) f.rings = {k.hull};
    f.point = k.centre;
    f.numeric = {{"rank_by_count", double(k.rank_by_count)},
                 {"rank_by_harm", double(k.rank_by_harm)},
                 {"points", double(k.points)},
                 {"harm", k.harm},
                 {"area_m2", k.area}};
    features.push_back(std::move(f));
    if (k.hull.size() >= 4) shapes.push_back({{k.hull}, k.rank_by_count <= 10 ? "#b2182b" : "#ef8a62"});
  }
  std::string text;
  if (c.format == "geojson") {
    auto json = GeoJson(features, grid);
    if (!json.ok()) return Fail("", json.status());
    text = std::move(*json);
  } else if (c.format == "svg") {
    auto lsoas = LoadLsoaZones(env, *c.data_dir, grid);
    if (!lsoas.ok()) return Fail("reference geography: ", lsoas.status());
    text = SvgMap(nullptr, shapes, Boundaries(*lsoas), "DBSCAN clusters (convex hulls)",
                  {{"top 10 by count", "#b2182b"}, {"other clusters", "#ef8a62"}});
  } else {
    Status st = EmitTable(env, c, table);
    return st.ok() ? 0 : Fail("", st);
  }
  Status st = Emit(env, c, text);
  return st.ok() ? 0 : Fail("", st);
}

// ---------------------------------------------------------------- nearrepeat

int RunNearRepeat(Env* env, SpatialCommands c, const BritishGrid& grid) {
  const std::string cmd = "nearrepeat";
  std::vector<KnoxEvent> events;
  KnoxTimeUnit unit = KnoxTimeUnit::kDay;
  if (!c.input.empty()) {
    auto text = ReadAll(env, c.input);
    if (!text.ok()) return Fail("", text.status());
    auto plain = ReadPlainEvents(*text, c.input);
    if (!plain.ok()) return Fail("", plain.status());
    events = std::move(plain->events);
    unit = plain->unit;
    if (c.time_unit == "day" && unit == KnoxTimeUnit::kMonth) {
      return Fail("",
                  Status::InvalidArgument(c.input + " gives months, not dates: day bands cannot be computed "
                                                    "(use --time-unit month or auto)"));
    }
    if (c.time_unit == "month" && unit == KnoxTimeUnit::kDay) {
      for (KnoxEvent& e : events)
        e.time = CivilDate::FromDays(e.time).year * 12 + CivilDate::FromDays(e.time).month - 1;
      unit = KnoxTimeUnit::kMonth;
    }
  } else {
    auto query = ParseSelection(c);
    if (!query.ok()) return Usage(cmd, query.status().message());
    auto s = SelectFromStore(env, c, *query, grid);
    if (!s.ok()) return Fail("", s.status());
    int64_t month_only = 0;
    for (const IncidentPoint& p : s->incidents.points)
      month_only += p.occurred.precision == TimePrecision::kMonth;
    if (c.time_unit == "day" && month_only > 0) {
      return Fail("", Status::InvalidArgument(
                          std::to_string(month_only) + " of " + std::to_string(s->incidents.points.size()) +
                          " incidents are known only to the month (police.uk): day bands cannot "
                          "be computed from them (use --time-unit month, or select a source with "
                          "dates)"));
    }
    unit = c.time_unit == "month" || (c.time_unit == "auto" && month_only > 0) ? KnoxTimeUnit::kMonth
                                                                               : KnoxTimeUnit::kDay;
    int64_t long_windows = 0;
    for (const IncidentPoint& p : s->incidents.points) {
      int64_t t;
      if (unit == KnoxTimeUnit::kMonth) {
        t = p.occurred.month().Index();
      } else {
        // A window is placed at its middle day; one longer than a day could sit in two
        // day bands, so it is left out (and counted) rather than guessed.
        if (p.occurred.precision == TimePrecision::kWindow && p.occurred.window_minutes >= 1440) {
          ++long_windows;
          continue;
        }
        int64_t minute = p.occurred.local_minute + p.occurred.window_minutes / 2;
        t = minute >= 0 ? minute / 1440 : -((-minute + 1439) / 1440);
      }
      events.push_back({p.at, t});
    }
    if (long_windows)
      std::cerr << long_windows << " incidents with a time window of a day or more are left out\n";
  }
  KnoxOptions o;
  o.distance_band = c.distance_band;
  o.distance_bands = c.distance_bands;
  o.time_band = c.time_band > 0 ? c.time_band : unit == KnoxTimeUnit::kDay ? 7 : 1;
  o.time_bands = c.time_bands;
  o.unit = unit;
  o.permutations = c.permutations;
  o.seed = c.seed;
  o.threads = c.threads;
  auto r = KnoxTest(events, o);
  if (!r.ok()) return Fail("", r.status());
  std::cerr << "Knox test: " << r->events << " events, " << r->pairs << " pairs (" << r->close_pairs
            << " closer than " << Num(o.distance_band * o.distance_bands) << " m), time in "
            << KnoxTimeUnitName(unit, true) << ", " << o.permutations << " permutations, seed " << o.seed
            << "\n";
  OutputTable table{{"distance", "time", "observed", "expected", "ratio", "p_value", "permutations", "seed"},
                    {false, false, true, true, true, true, true, true},
                    {}};
  for (const KnoxCell& cell : r->cells) {
    table.rows.push_back({cell.distance, cell.time, std::to_string(cell.observed), Num(cell.expected, "%.3f"),
                          Num(cell.ratio, "%.3f"), Num(cell.p, "%.4g"), std::to_string(o.permutations),
                          std::to_string(o.seed)});
  }
  Status st = EmitTable(env, c, table);
  return st.ok() ? 0 : Fail("", st);
}

}  // namespace

std::shared_ptr<SpatialCommands> AddSpatialCommands(CLI::App* app, std::string* db, std::string* data_dir) {
  auto c = std::make_shared<SpatialCommands>();
  c->db = db;
  c->data_dir = data_dir;
  SpatialCommands* s = c.get();
  CLI::App* hotspots = app->add_subcommand("hotspots",
                                           "hot spots: kernel density, Gi*, local Moran's I, emerging "
                                           "hot spots, clusters (docs/spatial.md)");
  hotspots->require_subcommand(1);

  s->kde = hotspots->add_subcommand("kde", "kernel density surface on a grid (points per m²)");
  s->kde->add_option("--points", s->input,
                     "a CSV of x,y[,weight] in British National Grid metres (else the store)");
  s->kde->add_option("--bandwidth", s->bandwidth, "metres (default: the rule of thumb, docs/spatial.md)");
  s->kde->add_option("--cell", s->cell, "cell size, metres (default: the shorter side of the extent / 250)");
  s->kde->add_option("--kernel", s->kernel, "kernel")
      ->check(CLI::IsMember({"quartic", "gaussian"}))
      ->capture_default_str();
  s->kde
      ->add_option("--method", s->method,
                   "exact (each point where it is), or binned (points moved to their cell's centre first, "
                   "as spatstat; faster for many points)")
      ->check(CLI::IsMember({"exact", "binned"}))
      ->capture_default_str();
  s->kde->add_option("--pad", s->pad, "extend the grid this many metres beyond the points")
      ->capture_default_str();
  s->kde->add_option("--weight", s->weight, "store points: none, or harm (the engine's harm weight in days)")
      ->check(CLI::IsMember({"none", "harm"}))
      ->capture_default_str();
  s->kde->add_flag("--risk", s->risk,
                   "dual surface: incidents per 1000 residents (mid-2018 LSOA populations)");
  AddSelection(s->kde, s);
  AddOutput(s->kde, s, {"csv", "geojson", "svg"});

  for (bool moran : {false, true}) {
    CLI::App* cmd = hotspots->add_subcommand(
        moran ? "moran" : "gistar", moran ? "local Moran's I per zone with seeded permutation inference"
                                          : "Getis-Ord Gi* per zone with Benjamini-Hochberg FDR classes");
    cmd->add_option("--zones", s->input,
                    "a CSV of id,x,y,value in British National Grid metres (else the store)");
    AddZones(cmd, s);
    AddSelection(cmd, s);
    if (moran) {
      cmd->add_option("--permutations", s->permutations, "permutations per zone")->capture_default_str();
      cmd->add_option("--seed", s->seed, "seed of the permutations (recorded in the output)")
          ->capture_default_str();
    }
    AddOutput(cmd, s, {"csv", "json", "table", "geojson", "svg"});
    (moran ? s->moran : s->gistar) = cmd;
  }

  s->emerging = hotspots->add_subcommand(
      "emerging", "emerging hot spots: Gi* per time slice, Mann-Kendall trend, classes");
  AddZones(s->emerging, s);
  AddSelection(s->emerging, s);
  s->emerging->add_option("--slice-months", s->slice_months, "months per time slice")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  s->emerging->add_option("--alpha", s->alpha, "a bin is significant if its FDR q is at most this")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str();
  AddOutput(s->emerging, s, {"csv", "json", "table", "geojson", "svg"});

  s->clusters =
      hotspots->add_subcommand("clusters", "DBSCAN clusters as convex hulls, ranked by count and harm");
  s->clusters->add_option("--points", s->input,
                          "a CSV of x,y[,weight] in British National Grid metres (else the store)");
  s->clusters->add_option("--radius", s->radius, "DBSCAN radius, metres")->capture_default_str();
  s->clusters
      ->add_option("--min-points", s->min_points,
                   "points within the radius (itself included) to be a core point")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  s->clusters
      ->add_option("--weight", s->weight, "store points: none, or harm (the engine's harm weight in days)")
      ->check(CLI::IsMember({"none", "harm"}))
      ->capture_default_str();
  AddSelection(s->clusters, s);
  AddOutput(s->clusters, s, {"csv", "json", "table", "geojson", "svg"});

  s->nearrepeat =
      app->add_subcommand("nearrepeat", "Knox near-repeat test: distance x time bands, Monte Carlo p-values");
  s->nearrepeat->add_option(
      "--events", s->input,
      "a CSV of x,y (British National Grid metres) and date (YYYY-MM-DD) or month (YYYY-MM)");
  s->nearrepeat->add_option("--distance-band", s->distance_band, "width of a distance band, metres")
      ->capture_default_str();
  s->nearrepeat->add_option("--distance-bands", s->distance_bands, "distance bands before 'or more'")
      ->capture_default_str();
  s->nearrepeat->add_option("--time-band", s->time_band,
                            "width of a time band in whole units (default 7 days, 1 month)");
  s->nearrepeat->add_option("--time-bands", s->time_bands, "time bands before 'or more'")
      ->capture_default_str();
  s->nearrepeat
      ->add_option("--time-unit", s->time_unit, "auto: months if any event is known only to the month")
      ->check(CLI::IsMember({"auto", "day", "month"}))
      ->capture_default_str();
  s->nearrepeat->add_option("--permutations", s->permutations, "Monte Carlo permutations")
      ->capture_default_str();
  s->nearrepeat->add_option("--seed", s->seed, "seed of the permutations (recorded in the output)")
      ->capture_default_str();
  s->nearrepeat
      ->add_option("--threads", s->threads, "threads for the permutations (the result does not depend on it)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  AddSelection(s->nearrepeat, s);
  s->format = "csv";
  AddOutput(s->nearrepeat, s, {"csv", "json", "table"});
  return c;
}

std::optional<int> RunSpatialCommand(Env* env, const SpatialCommands& c) {
  CLI::App* commands[] = {c.kde, c.gistar, c.moran, c.emerging, c.clusters, c.nearrepeat};
  CLI::App* given = nullptr;
  for (CLI::App* cmd : commands) {
    if (cmd->parsed()) given = cmd;
  }
  if (!given) return std::nullopt;
  auto grid = BritishGrid::Create();
  if (!grid.ok()) return Fail("", grid.status());
  if (given == c.kde) return RunKde(env, c, **grid);
  if (given == c.gistar) return RunZoneStatistic(env, c, **grid, false);
  if (given == c.moran) return RunZoneStatistic(env, c, **grid, true);
  if (given == c.emerging) return RunEmerging(env, c, **grid);
  if (given == c.clusters) return RunClusters(env, c, **grid);
  return RunNearRepeat(env, c, **grid);
}

}  // namespace harmlens
