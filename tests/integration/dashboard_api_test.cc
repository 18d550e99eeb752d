// The dashboard's API on the bundled real police.uk data (22 months): its counts must be
// the independently computed ones (tests/expected/police_uk_counts_by_month_type.csv,
// made by gawk and cross-checked with Python's csv module, see tests/expected/README.md),
// and its fast fixed views (server/incident_facts) must agree with the analysis engine
// (/api/v1/query) area by area. One test: loading the data is the cost.
#include <gtest/gtest.h>

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
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using ::harmlens::testing::DataDir;
using ::harmlens::testing::ScratchDir;
using ::harmlens::testing::SourceDir;
using nlohmann::json;

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
  auto facts = IncidentFacts::Load(store->get(), **geography);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  auto denominators = LoadDenominators(Env::Default(), DataDir() + "/reference", **geography);
  ASSERT_TRUE(denominators.ok()) << denominators.status().ToString();
  auto engine = IncidentTable::Load(store->get(), *geography, std::move(*denominators));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto api = Api::Create(Env::Default(), **facts, engine->get(), DataDir(), {});
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
}

}  // namespace
}  // namespace harmlens
