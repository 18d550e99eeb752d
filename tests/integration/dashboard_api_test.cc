// The dashboard's API on the bundled real police.uk data (22 months): its counts must be
// the independently computed ones (tests/expected/police_uk_counts_by_month_type.csv,
// made by gawk and cross-checked with Python's csv module, see tests/expected/README.md),
// and its fast fixed views (server/incident_facts) must agree with the analysis engine
// (/api/v1/query) area by area. The fixed views' facts are made from the engine's columns;
// they must equal the facts made from each stored incident (server/incident_facts.h's
// FactOf), on the real data and on a synthetic extract with persons.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/env.h"
#include "engine/incident_table.h"
#include "geo/reference_geography.h"
#include "ingest/ingest.h"
#include "model/crime_type.h"
#include "server/api.h"
#include "server/incident_facts.h"
#include "spatial/incident_points.h"
#include "spatial/kde.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::CommandResult;
using ::harmlens::testing::DataDir;
using ::harmlens::testing::RunHarmlens;
using ::harmlens::testing::ScratchDir;
using ::harmlens::testing::SourceDir;
using nlohmann::json;

// The facts made from the engine's columns equal those FactOf makes from each stored
// incident with its involvements in storing order (the first victim is the first stored),
// read from the store directly, row by row (both in store id order).
void ExpectFactsOfEveryStoredIncident(Store* store, const ReferenceGeography& geography,
                                      const IncidentFacts& facts) {
  std::map<int64_t, std::vector<Involvement>> involvements;
  ASSERT_TRUE(
      store
          ->ScanInvolvements(0,
                             [&](const InvolvementRow& row) {
                               involvements[row.incident_id].push_back({"", row.role, row.age, row.sex});
                             })
          .ok());
  std::vector<IncidentFact> expected;
  ASSERT_TRUE(store
                  ->ReadIncidents(IncidentScan{},
                                  [&](int64_t id, const Incident& incident) {
                                    Incident with_persons = incident;
                                    auto it = involvements.find(id);
                                    if (it != involvements.end()) with_persons.involvements = it->second;
                                    expected.push_back(FactOf(with_persons, geography));
                                  })
                  .ok());
  ASSERT_EQ(facts.size(), expected.size());
  size_t differing = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (facts.rows()[i] == expected[i]) continue;
    if (++differing <= 3) {
      const IncidentFact& a = facts.rows()[i];
      const IncidentFact& b = expected[i];
      ADD_FAILURE() << "row " << i << ": month " << a.month << "/" << b.month << " lsoa " << a.lsoa << "/"
                    << b.lsoa << " csp " << int{a.csp} << "/" << int{b.csp} << " day " << int{a.day} << "/"
                    << int{b.day} << " hour " << int{a.hour} << "/" << int{b.hour} << " victim "
                    << int{a.victim} << "/" << int{b.victim} << " perpetrator " << int{a.perpetrator} << "/"
                    << int{b.perpetrator};
    }
  }
  EXPECT_EQ(differing, 0u);
}

// The pre-aggregated counts equal the row scan on this data for every grouping, whole and
// cut by the dashboard's usual filters.
void ExpectFastCountsEqualTheScan(const IncidentFacts& facts) {
  const Deadline far = std::chrono::steady_clock::now() + std::chrono::hours(1);
  std::vector<AnalysisFilter> filters(6);
  filters[1].crime_types = 1u << static_cast<int>(CrimeType::kBurglary);
  filters[2].csp_slots = 1u << 2;
  filters[2].from_month = filters[2].to_month = YearMonth{2023, 3}.Index();
  filters[3].sources = 1u << 1;
  filters[3].days = 1u << 5;
  filters[4].lsoa = 100;
  filters[4].crime_types = 1u << static_cast<int>(CrimeType::kViolenceAndSexualOffences);
  filters[5].imd_deciles = (1u << 1) | (1u << 2);
  for (const AnalysisFilter& filter : filters) {
    for (GroupBy group : {GroupBy::kTotal, GroupBy::kCspArea, GroupBy::kLsoa, GroupBy::kMonth,
                          GroupBy::kCrimeType, GroupBy::kSource, GroupBy::kDayHour, GroupBy::kImdDecile}) {
      auto fast = facts.Count(filter, group, far);
      auto scan = facts.CountByScan(filter, group, far);
      ASSERT_TRUE(fast && scan);
      EXPECT_EQ(fast->rows, scan->rows) << filter.Key() << " " << static_cast<int>(group);
      EXPECT_EQ(fast->matched, scan->matched) << filter.Key() << " " << static_cast<int>(group);
      EXPECT_EQ(fast->not_grouped, scan->not_grouped) << filter.Key() << " " << static_cast<int>(group);
    }
  }
}

TEST(DashboardApiOnSyntheticData, facts_from_the_engine_equal_the_facts_of_every_stored_incident) {
  ScratchDir scratch;
  const std::string out = scratch.File("llr");
  CommandResult synth =
      RunHarmlens({"synth", "--seed", "5", "--scale", "0.02", "--years", "1", "--out", out});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  const std::string db = scratch.File("synth.db");
  CommandResult extract =
      RunHarmlens({"ingest", "police-extract", "--db", db, "--quiet", out + "/police_extract_incidents.csv",
                   out + "/police_extract_persons.csv"});
  ASSERT_EQ(extract.exit_code, 0) << extract.err;
  CommandResult istv = RunHarmlens({"ingest", "istv", "--db", db, "--quiet", out + "/istv.csv"});
  ASSERT_EQ(istv.exit_code, 0) << istv.err;
  auto geography = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  auto store = OpenSqliteStore(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto denominators = LoadDenominators(Env::Default(), DataDir() + "/reference", **geography);
  ASSERT_TRUE(denominators.ok()) << denominators.status().ToString();
  auto engine = IncidentTable::Load(store->get(), *geography, std::move(*denominators));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto facts = IncidentFacts::FromTable(**engine);
  EXPECT_GT(facts->size(), 1000u);
  EXPECT_GT(engine->get()->person_row_count(), facts->size());  // persons: victims and perpetrators
  ExpectFactsOfEveryStoredIncident(store->get(), **geography, *facts);
  ExpectFastCountsEqualTheScan(*facts);
}

TEST(DashboardApiOnRealData, counts_match_the_independent_counts_and_the_engine_area_by_area) {
  // Expected (month, crime type) -> rows, from tests/expected (gawk; see the file's header).
  std::map<std::pair<std::string, std::string>, int64_t> expected;
  {
    std::ifstream in(SourceDir() + "/tests/expected/police_uk_counts_by_month_type.csv");
    ASSERT_TRUE(in);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (header) {
        ASSERT_EQ(line, "month,crime_type,rows");
        header = false;
        continue;
      }
      std::stringstream split(line);
      std::string month, type, rows;
      std::getline(split, month, ',');
      std::getline(split, type, ',');
      std::getline(split, rows, ',');
      expected[{month, type}] = std::stoll(rows);
    }
  }
  ASSERT_EQ(expected.size(), 22u * 14u);

  ScratchDir scratch;
  auto geography = ReferenceGeography::Load(Env::Default(), DataDir() + "/reference");
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  auto store = OpenSqliteStore(scratch.File("real.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto report = IngestPoliceUk(store->get(), Env::Default(), **geography, {DataDir() + "/police-uk"}, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto denominators = LoadDenominators(Env::Default(), DataDir() + "/reference", **geography);
  ASSERT_TRUE(denominators.ok()) << denominators.status().ToString();
  auto engine = IncidentTable::Load(store->get(), *geography, std::move(*denominators));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto facts = IncidentFacts::FromTable(**engine);
  ExpectFactsOfEveryStoredIncident(store->get(), **geography, *facts);
  ExpectFastCountsEqualTheScan(*facts);
  auto api = Api::Create(Env::Default(), *facts, engine->get(), DataDir(), {});
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  auto get = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> params) {
    ApiResponse response = (*api)->Handle({path, std::move(params), {}});
    EXPECT_EQ(response.status, 200) << path << " " << response.body;
    return json::parse(response.body);
  };

  // 1. Every (month, crime type) count, one request per month.
  std::set<std::string> months;
  for (const auto& [key, n] : expected) months.insert(key.first);
  for (const std::string& month : months) {
    json body = get("/api/v1/counts", {{"group", "crime_type"}, {"from", month}, {"to", month}});
    std::map<std::string, int64_t> got;
    for (const json& row : body["rows"]) got[row["label"]] = row["incidents"];
    for (CrimeType type : AllCrimeTypes()) {
      std::string name(CrimeTypeName(type));
      EXPECT_EQ(got[name], (expected[{month, name}])) << month << " " << name;
    }
  }

  // 2. The fixed views agree with the engine: by CSP area and by LSOA (all 611).
  json by_csp = get("/api/v1/counts", {{"group", "csp"}});
  json engine_csp = get("/api/v1/query", {{"by", "csp"}});
  std::map<std::string, int64_t> engine_counts;
  for (const json& row : engine_csp["rows"]) engine_counts[row[0]] = std::stoll(row[1].get<std::string>());
  ASSERT_EQ(by_csp["rows"].size(), engine_counts.size());
  for (const json& row : by_csp["rows"])
    EXPECT_EQ(row["incidents"], engine_counts[row["label"]]) << row["label"];

  json by_lsoa = get("/api/v1/counts", {{"group", "lsoa"}});
  json engine_lsoa = get("/api/v1/query", {{"by", "lsoa"}});
  engine_counts.clear();
  for (const json& row : engine_lsoa["rows"]) engine_counts[row[0]] = std::stoll(row[1].get<std::string>());
  int64_t compared = 0;
  for (const json& row : by_lsoa["rows"]) {
    EXPECT_EQ(row["incidents"], engine_counts[row["key"]]) << row["key"];
    ++compared;
  }
  EXPECT_EQ(compared, 611);
  EXPECT_EQ(by_lsoa["matched"],
            200569);  // every row of the 22 files (tests/expected/police_uk_month_facts.csv)

  // 3. A filter on a crime type and a CSP area: the same in both.
  json burglary =
      get("/api/v1/counts", {{"group", "total"}, {"crime_type", "burglary"}, {"csp", "E07000130"}});
  json engine_burglary = get("/api/v1/query", {{"category", "burglary"}, {"csp", "E07000130"}});
  EXPECT_EQ(burglary["matched"], engine_burglary["incidents"]);
  EXPECT_GT(burglary["matched"].get<int64_t>(), 0);

  // 4. The engine's refusals come back as API errors, not 500s.
  ApiResponse hour = (*api)->Handle({"/api/v1/query", {{"hour", "22"}}, {}});
  EXPECT_EQ(hour.status, 400);
  EXPECT_EQ(json::parse(hour.body)["code"], "bad_query");
  EXPECT_NE(json::parse(hour.body)["message"].get<std::string>().find("cannot cut by hour"),
            std::string::npos);
  ApiResponse unknown = (*api)->Handle({"/api/v1/query", {{"colour", "red"}}, {}});
  EXPECT_EQ(json::parse(unknown.body)["code"], "unknown_parameter");
  ApiResponse page =
      (*api)->Handle({"/api/v1/query", {{"by", "lsoa"}, {"limit", "5"}, {"offset", "10"}}, {}});
  EXPECT_EQ(json::parse(page.body)["rows"].size(), 5u);
  EXPECT_EQ((*api)->Handle({"/api/v1/query", {{"by", "lsoa"}, {"limit", "5000"}}, {}}).status, 400);

  // 5. The KDE layer equals the surface made the CLI's way: the engine's selection read
  // back from the store at full precision (spatial/incident_points.h), projected, and
  // summed exactly (spatial/kde.h), at every cell the layer shows.
  json kde = get("/api/v1/hotspots", {{"method", "kde"},
                                      {"crime_type", "burglary"},
                                      {"from", "2022-01"},
                                      {"to", "2022-06"},
                                      {"bandwidth", "1000"},
                                      {"cell", "250"}});
  auto query = ParseQueryArgs({"category=burglary", "from=2022-01", "to=2022-06"});
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  auto grid = BritishGrid::Create();
  ASSERT_TRUE(grid.ok());
  auto selected = SelectIncidentPoints(store->get(), **engine, *query, **grid);
  ASSERT_TRUE(selected.ok()) << selected.status().ToString();
  EXPECT_EQ(kde["matched"], selected->matched);
  EXPECT_EQ(kde["without_point"], selected->without_point);
  EXPECT_EQ(kde["computation"], "exact");
  std::vector<GridPoint> points;
  for (const IncidentPoint& p : selected->points) points.push_back(p.at);
  GridFrame frame = GridFrame::Covering(points, 250, 1000);
  auto expected_surface = KernelDensity(points, {}, {Kernel::kQuartic, 1000, 250}, frame);
  ASSERT_TRUE(expected_surface.ok());
  const double mean = kde["mean_density"].get<double>();
  int64_t shown = 0, differing = 0;
  std::set<std::pair<int, int>> shown_cells;
  for (const json& cell : kde["cells"]["features"]) {
    const json& sw = cell["geometry"]["coordinates"][0][0];
    auto corner = (*grid)->ToGrid(GeoPoint{sw[0].get<double>(), sw[1].get<double>()});
    ASSERT_TRUE(corner.ok());
    // The corner, back from 7 decimals of a degree, is within a few cm of the lattice.
    const int col = static_cast<int>(std::lround((corner->x - frame.x0) / 250));
    const int row = static_cast<int>(std::lround((corner->y - frame.y0) / 250));
    ASSERT_TRUE(col >= 0 && row >= 0 && col < frame.cols && row < frame.rows);
    shown_cells.insert({col, row});
    const double want = expected_surface->At(col, row) * 1e6;
    const double got = cell["properties"]["density_per_km2"].get<double>();
    // The engine holds places as float degrees (within 0.2 m), which moves a kernel's
    // value near its edge by up to about 1%: 4·d·δ/(h² − d²) for d = 950 m, δ = 0.2 m.
    // Output is rounded to 3 decimals.
    if (std::abs(got - want) > 1e-3 + 1e-2 * want && ++differing <= 3)
      ADD_FAILURE() << "cell " << col << "," << row << ": layer " << got << ", expected " << want;
    EXPECT_GE(want, mean * (1 - 1e-2));
    ++shown;
  }
  EXPECT_GT(shown, 100);
  EXPECT_EQ(kde["cells_shown"], shown);
  // And every cell at or clearly above the mean, well inside LLR's extent, is shown.
  const GridFrame llr = GridFrame::Covering({{440000, 285000}, {490000, 325000}}, 250);
  for (int row = 0; row < frame.rows; ++row) {
    for (int col = 0; col < frame.cols; ++col) {
      GridPoint c = frame.Centre(col, row);
      if (c.x < llr.x0 || c.y < llr.y0 || c.x > llr.x0 + llr.cols * 250.0 || c.y > llr.y0 + llr.rows * 250.0)
        continue;
      if (expected_surface->At(col, row) * 1e6 >= mean * (1 + 1e-2)) {
        EXPECT_TRUE(shown_cells.count({col, row})) << "cell " << col << "," << row << " not shown";
      }
    }
  }
}

}  // namespace
}  // namespace harmlens
