#include "server/api.h"

#include <gtest/gtest.h>

#include <thread>

#include <map>

#include <nlohmann/json.hpp>

#include "server/server_test_data.h"

namespace harmlens {
namespace {

using nlohmann::json;
using testing::FactsOf;
using testing::IncidentSpec;
using testing::kBlaby;
using testing::kBlaby002A;
using testing::kLeicester;
using testing::kLeicester041A;

constexpr uint32_t kSeriousViolence = 1u << static_cast<int>(HarmfulBehaviour::kSeriousViolence);

class ApiTest : public ::testing::Test {
 protected:
  void Use(const std::vector<IncidentSpec>& specs, ApiOptions options = {}) {
    facts_ = FactsOf(specs);
    api_ = std::make_unique<Api>(*facts_, options, "{\"lsoas\":1}", "{\"districts\":1}");
  }
  ApiResponse Get(const std::string& path, std::vector<std::pair<std::string, std::string>> params = {},
                  Principal principal = {}) {
    return api_->Handle({path, std::move(params), std::move(principal)});
  }
  json GetJson(const std::string& path, std::vector<std::pair<std::string, std::string>> params = {}) {
    ApiResponse response = Get(path, std::move(params));
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body);
  }
  std::unique_ptr<IncidentFacts> facts_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, counts_by_lsoa_with_residents_and_a_rate_per_thousand) {
  Use({{.lsoa = kBlaby002A, .csp = kBlaby},
       {.lsoa = kBlaby002A, .csp = kBlaby},
       {.lsoa = kBlaby002A, .csp = kBlaby},
       {.lsoa = kLeicester041A, .csp = kLeicester}});
  json body = GetJson("/api/v1/counts", {{"group", "lsoa"}, {"sort", "incidents"}});
  ASSERT_EQ(body["rows"].size(), 2u);
  EXPECT_EQ(body["matched"], 4);
  EXPECT_EQ(body["rows"][0]["key"], kBlaby002A);
  EXPECT_EQ(body["rows"][0]["label"], "Blaby 002A");
  EXPECT_EQ(body["rows"][0]["incidents"], 3);
  EXPECT_EQ(body["rows"][0]["population"], 1394);
  // 3 / 1,394 residents x 1,000 = 2.152... -> 2.15 (hand calculation)
  EXPECT_DOUBLE_EQ(body["rows"][0]["rate_per_1000"].get<double>(), 2.15);
  // 1 / 3,999 x 1,000 = 0.25006 -> 0.25
  EXPECT_DOUBLE_EQ(body["rows"][1]["rate_per_1000"].get<double>(), 0.25);
  EXPECT_TRUE(body["rows"][0]["harm"].is_null());  // harm comes with the engine: null, never 0
}

TEST_F(ApiTest, filters_by_the_five_variables_and_pages) {
  Use({{.source = Agency::kPoliceExtract,
        .lsoa = kBlaby002A,
        .csp = kBlaby,
        .day = 7,
        .minute = 23 * 60,
        .weapon = Weapon::kKnifeOrSharp,
        .victim_age = AgeRange{16, 16}},
       {.source = Agency::kPoliceExtract,
        .lsoa = kBlaby002A,
        .csp = kBlaby,
        .day = 8,
        .minute = 60,
        .weapon = Weapon::kNone,
        .victim_age = AgeRange{40, 40}},
       {.lsoa = kLeicester041A, .csp = kLeicester, .type = CrimeType::kBurglary}});
  // 2022-01-07 was a Friday.
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"day", "fri"}})["matched"], 1);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"hour", "0,1,23"}})["matched"], 2);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"weapon", "knife-or-sharp"}})["matched"], 1);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"victim_age", "under-18,18-24"}})["matched"], 1);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"crime_type", "burglary"}})["matched"], 1);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"csp", kBlaby}})["matched"], 2);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"lsoa", kLeicester041A}})["matched"], 1);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"imd_decile", "8"}})["matched"], 2);
  EXPECT_EQ(GetJson("/api/v1/counts", {{"group", "total"}, {"source", "police-uk"}})["matched"], 1);

  json page = GetJson("/api/v1/counts", {{"group", "source"}, {"limit", "1"}, {"offset", "1"}});
  EXPECT_EQ(page["total_rows"], 2);
  ASSERT_EQ(page["rows"].size(), 1u);
  EXPECT_EQ(page["rows"][0]["key"], "police-extract");
}

TEST_F(ApiTest, refuses_unknown_repeated_and_unreadable_parameters_naming_them) {
  Use({{.month = 1}});
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    int status;
    std::string code;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {{{"group", "csp"}, {"colour", "red"}}, 400, "unknown_parameter", "\"colour\""},
      {{{"group", "csp"}, {"csp", kBlaby}, {"csp", kLeicester}},
       400,
       "repeated_parameter",
       "csp given twice"},
      {{{"group", "csp"}, {"from", "2022-13"}}, 400, "bad_parameter", "from: expected a month as YYYY-MM"},
      {{{"group", "csp"}, {"from", "2022-05"}, {"to", "2022-01"}},
       400,
       "bad_parameter",
       "the period is empty"},
      {{{"group", "csp"}, {"day", "funday"}}, 400, "bad_parameter", "day: unknown value \"funday\""},
      {{{"group", "csp"}, {"lsoa", "E01999999"}}, 400, "bad_parameter", "not an LLR LSOA"},
      {{{"group", "csp"}, {"limit", "1001"}}, 400, "page_too_large", "at most 1000 rows"},
      {{{"group", "csp"}, {"limit", "0"}}, 400, "bad_parameter", "limit"},
      {{{"group", "colour"}}, 400, "bad_parameter", "unknown grouping"},
      {{}, 400, "missing_parameter", "group is required"},
  };
  for (const Case& c : cases) {
    ApiResponse response = Get("/api/v1/counts", c.params);
    EXPECT_EQ(response.status, c.status) << response.body;
    json body = json::parse(response.body);
    EXPECT_EQ(body["code"], c.code) << response.body;
    EXPECT_NE(body["message"].get<std::string>().find(c.message_part), std::string::npos) << response.body;
  }
  EXPECT_EQ(json::parse(Get("/api/v1/nowhere").body)["code"], "not_found");
  // A name that is not UTF-8 is named back with U+FFFD, not an exception (fuzz/api_fuzz.cc found it).
  ApiResponse not_utf8 = Get("/api/v1/counts", {{"group", "csp"}, {"weapo\x92n", "x"}});
  EXPECT_EQ(not_utf8.status, 400);
  EXPECT_EQ(json::parse(not_utf8.body)["code"], "unknown_parameter");
  EXPECT_NE(not_utf8.body.find("weapo\ufffdn"), std::string::npos) << not_utf8.body;
  // Without the engine there are no places for the KDE layer, and it says why.
  ApiResponse kde = Get("/api/v1/hotspots", {{"method", "kde"}});
  EXPECT_EQ(kde.status, 501);
  EXPECT_NE(kde.body.find("needs the analysis engine"), std::string::npos) << kde.body;
  EXPECT_EQ(json::parse(Get("/api/v1/hotspots", {{"method", "moran"}}).body)["code"], "bad_parameter");
  ApiResponse gi_bandwidth = Get("/api/v1/hotspots", {{"method", "gi"}, {"bandwidth", "500"}});
  EXPECT_EQ(json::parse(gi_bandwidth.body)["code"], "unknown_parameter");
  EXPECT_NE(gi_bandwidth.body.find("bandwidth is a parameter of method=kde"), std::string::npos);
  ApiResponse bad_cell = Get("/api/v1/hotspots", {{"method", "kde"}, {"cell", "0.5km"}});
  EXPECT_EQ(json::parse(bad_cell.body)["code"], "bad_parameter");
  EXPECT_NE(bad_cell.body.find("cell: expected whole metres"), std::string::npos) << bad_cell.body;
}

TEST_F(ApiTest, trend_leaves_months_without_data_empty_and_computes_the_baseline_from_months_with_data) {
  // One incident a month in 2021-01..2021-12, five in 2022-01, nothing in 2022-02, two
  // in 2022-03. Baseline for 2022-01 = (12 x 1) / 12 = 1.0. For 2022-03 the 12 months
  // before are 2021-03..2022-02, of which 2022-02 has no data: (10 x 1 + 5) / 11 = 1.36.
  std::vector<IncidentSpec> specs;
  for (int m = 1; m <= 12; ++m) specs.push_back({.year = 2021, .month = m});
  for (int i = 0; i < 5; ++i) specs.push_back({.year = 2022, .month = 1});
  for (int i = 0; i < 2; ++i) specs.push_back({.year = 2022, .month = 3});
  Use(specs);
  json series = GetJson("/api/v1/trend", {{"from", "2021-06"}})["series"];
  ASSERT_EQ(series.size(), 10u);  // 2021-06 .. 2022-03
  EXPECT_EQ(series[0]["month"], "2021-06");
  EXPECT_TRUE(series[0]["baseline"].is_null());  // only 5 months with data before it
  EXPECT_EQ(series[7]["month"], "2022-01");
  EXPECT_EQ(series[7]["incidents"], 5);
  EXPECT_DOUBLE_EQ(series[7]["baseline"].get<double>(), 1.0);
  EXPECT_EQ(series[8]["month"], "2022-02");
  EXPECT_TRUE(series[8]["incidents"].is_null());               // no data: not zero
  EXPECT_DOUBLE_EQ(series[9]["baseline"].get<double>(), 1.4);  // 15 / 11 = 1.36 -> 1.4
}

TEST_F(ApiTest, spb_tiles_say_no_data_plainly_and_never_show_a_zero_for_a_behaviour_without_data) {
  std::vector<IncidentSpec> specs;
  for (int m = 1; m <= 12; ++m) specs.push_back({.year = 2021, .month = m, .behaviours = kSeriousViolence});
  for (int i = 0; i < 3; ++i) specs.push_back({.year = 2022, .month = 1, .behaviours = kSeriousViolence});
  Use(specs);
  json tiles = GetJson("/api/v1/spb")["tiles"];
  ASSERT_EQ(tiles.size(), static_cast<size_t>(kHarmfulBehaviourCount));
  EXPECT_EQ(tiles[0]["slug"], "serious-violence");
  EXPECT_EQ(tiles[0]["status"], "ok");
  EXPECT_EQ(tiles[0]["latest"]["month"], "2022-01");
  EXPECT_EQ(tiles[0]["latest"]["incidents"], 3);
  EXPECT_DOUBLE_EQ(tiles[0]["baseline"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(tiles[0]["change_percent"].get<double>(), 200.0);  // (3 - 1) / 1
  EXPECT_EQ(tiles[0]["sparkline"].size(), 12u);
  EXPECT_EQ(tiles[0]["synthetic_sources"], json::array());  // police.uk only: real data
  for (size_t i = 1; i < tiles.size(); ++i) {
    EXPECT_EQ(tiles[i]["status"], "no_data") << tiles[i]["slug"];
    EXPECT_FALSE(tiles[i].contains("latest")) << tiles[i]["slug"];
    EXPECT_EQ(tiles[i]["reason"].get<std::string>().rfind("No data yet", 0), 0u) << tiles[i]["slug"];
  }
}

TEST_F(ApiTest, home_office_measures_split_victims_under_25_and_label_synthetic_sources) {
  ApiOptions options;
  options.synthetic_sources = {static_cast<uint8_t>(Agency::kEmergencyDepartment)};
  std::vector<IncidentSpec> specs;
  for (int m = 1; m <= 6; ++m) {
    specs.push_back({.source = Agency::kEmergencyDepartment,
                     .year = 2021,
                     .month = m,
                     .weapon = Weapon::kKnifeOrSharp,
                     .victim_age = AgeRange{18, 24}});
    specs.push_back({.source = Agency::kEmergencyDepartment,
                     .year = 2021,
                     .month = m,
                     .weapon = Weapon::kKnifeOrSharp,
                     .victim_age = AgeRange{35, 44}});
    specs.push_back(
        {.source = Agency::kEmergencyDepartment, .year = 2021, .month = m, .weapon = Weapon::kNone});
  }
  specs.push_back({.source = Agency::kEmergencyDepartment,
                   .year = 2021,
                   .month = 7,
                   .weapon = Weapon::kKnifeOrSharp,
                   .victim_age = AgeRange{16, 16}});
  Use(specs, options);
  json body = GetJson("/api/v1/measures");
  json knife = body["measures"][0];
  EXPECT_EQ(knife["status"], "ok");
  EXPECT_EQ(knife["latest"]["month"], "2021-07");
  EXPECT_EQ(knife["latest"]["incidents"], 1);
  EXPECT_DOUBLE_EQ(knife["baseline"].get<double>(), 2.0);  // 2 knife attendances a month in 2021-01..06
  EXPECT_EQ(knife["under_25"]["latest"]["incidents"], 1);
  EXPECT_DOUBLE_EQ(knife["under_25"]["baseline"].get<double>(), 1.0);
  EXPECT_EQ(knife["synthetic_sources"], json::array({"emergency-department"}));
  EXPECT_EQ(body["measures"][1]["status"], "no_data");  // no police extract loaded
  EXPECT_EQ(body["measures"][2]["status"], "no_data");
  EXPECT_EQ(body["synthetic_sources"], json::array({"emergency-department"}));
}

TEST_F(ApiTest, narrows_every_query_to_what_the_principal_may_see) {
  Use({{.source = Agency::kPoliceExtract, .lsoa = kBlaby002A, .csp = kBlaby},
       {.lsoa = kLeicester041A, .csp = kLeicester}});
  Principal extract_lead;
  extract_lead.sources = {static_cast<uint8_t>(Agency::kPoliceExtract)};
  ApiResponse response = Get("/api/v1/counts", {{"group", "total"}}, extract_lead);
  EXPECT_EQ(json::parse(response.body)["matched"], 1);
  response = Get("/api/v1/counts", {{"group", "total"}, {"source", "police-uk"}}, extract_lead);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(json::parse(response.body)["code"], "forbidden");

  Principal blaby_analyst;
  blaby_analyst.csp_areas = {kBlaby};
  EXPECT_EQ(json::parse(Get("/api/v1/counts", {{"group", "total"}}, blaby_analyst).body)["matched"], 1);
  // The same request by the local analyst is not answered from the narrowed cache entry.
  EXPECT_EQ(json::parse(Get("/api/v1/counts", {{"group", "total"}}).body)["matched"], 2);
}

TEST_F(ApiTest, stops_a_query_that_runs_past_its_time_limit) {
  ApiOptions options;
  options.query_timeout = std::chrono::milliseconds(-1);
  Use({{.month = 1}}, options);
  ApiResponse response = Get("/api/v1/counts", {{"group", "csp"}});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(json::parse(response.body)["code"], "query_timeout");
}

TEST_F(ApiTest, keeps_the_precomputed_opening_view_and_answers_identical_requests_at_once_alike) {
  // A time limit no query can meet: only what was precomputed (with its own limit) answers.
  ApiOptions options;
  options.query_timeout = std::chrono::milliseconds(-1);
  Use({{.month = 1, .behaviours = 1u}, {.source = Agency::kEmergencyDepartment, .month = 2}}, options);
  EXPECT_EQ(Get("/api/v1/spb").status, 503);
  api_->PrecomputeOpeningView();
  EXPECT_EQ(Get("/api/v1/spb").status, 200);
  EXPECT_EQ(Get("/api/v1/measures").status, 200);
  EXPECT_EQ(Get("/api/v1/spb", {{"source", "police-uk"}}).status, 503);  // with filters: per request

  Use({{.lsoa = kBlaby002A, .csp = kBlaby}, {.lsoa = kLeicester041A, .csp = kLeicester}});
  std::vector<std::thread> threads;
  std::vector<ApiResponse> answers(16);
  for (size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] { answers[i] = Get("/api/v1/counts", {{"group", "lsoa"}}); });
  }
  for (std::thread& t : threads) t.join();
  for (const ApiResponse& answer : answers) {
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, answers[0].body);
  }
}

}  // namespace
}  // namespace harmlens

namespace harmlens {
namespace {

TEST_F(ApiTest, gi_star_marks_a_cluster_of_incidents_hot_and_leaves_quiet_places_alone) {
  // 60 incidents in Leicester 041A and none anywhere else: the city-centre LSOA is a
  // hot spot at the 99% level (its Gi* sum is all of the county's incidents over a
  // handful of zones); a Rutland LSOA far from it is not.
  std::vector<IncidentSpec> specs(60, IncidentSpec{.lsoa = kLeicester041A, .csp = kLeicester});
  Use(specs);
  json body = GetJson("/api/v1/hotspots", {{"method", "gi"}});
  ASSERT_EQ(body["rows"].size(), 611u);
  std::map<std::string, json> by_code;
  for (const json& row : body["rows"]) by_code[row["key"]] = row;
  EXPECT_EQ(by_code[kLeicester041A]["class"], "hot-99");
  EXPECT_GT(by_code[kLeicester041A]["z"].get<double>(), 3.0);
  EXPECT_EQ(by_code["E01013600"]["incidents"], 0);
  EXPECT_EQ(by_code["E01013600"]["class"], "none");  // Leicester 003A, in the north of the city
  // Filters apply: no burglary at all gives no variation, so no hot spot anywhere.
  json none = GetJson("/api/v1/hotspots", {{"crime_type", "burglary"}});
  for (const json& row : none["rows"]) EXPECT_EQ(row["class"], "none");
}

}  // namespace
}  // namespace harmlens

namespace harmlens {
namespace {

TEST_F(ApiTest, spb_tile_with_no_incident_under_the_filters_lists_no_synthetic_source) {
  ApiOptions options;
  options.synthetic_sources = {static_cast<uint8_t>(Agency::kEmergencyDepartment)};
  std::vector<IncidentSpec> specs;
  for (int m = 1; m <= 12; ++m) {
    specs.push_back(
        {.source = Agency::kEmergencyDepartment, .year = 2021, .month = m, .behaviours = kSeriousViolence});
  }
  Use(specs, options);
  json all = GetJson("/api/v1/spb")["tiles"][0];
  EXPECT_EQ(all["synthetic_sources"], json::array({"emergency-department"}));
  json none = GetJson("/api/v1/spb", {{"crime_type", "burglary"}})["tiles"][0];
  EXPECT_EQ(none["status"], "ok");
  EXPECT_EQ(none["latest"]["incidents"], 0);
  EXPECT_EQ(none["synthetic_sources"], json::array());
}

}  // namespace
}  // namespace harmlens
