// The HTTP layer in-process: a server on an ephemeral loopback port, asked with
// cpp-httplib's client, so the limits, headers and the authorisation point are tested as
// a browser or curl meets them.
#include "server/http_server.h"

#include <httplib.h>

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/server_test_data.h"

namespace harmlens {
namespace {

using nlohmann::json;
using testing::FactsOf;
using testing::kBlaby;
using testing::kBlaby002A;
using testing::ScratchDir;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    facts_ = FactsOf({{.lsoa = kBlaby002A, .csp = kBlaby}, {.lsoa = kBlaby002A, .csp = kBlaby}});
    api_ = std::make_unique<Api>(*facts_, ApiOptions{}, "{\"type\":\"FeatureCollection\"}", "{}");
    web_.Write("index.html", "<!doctype html><title>harmlens</title>");
    HttpOptions options;
    options.web_dir = web_.path();
    options.max_body_bytes = 1024;
    options.worker_threads = 4;
    options.access_log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.emplace_back(line);
    };
    auto server = HttpServer::Bind(api_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Run().ok()); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    host_ = "127.0.0.1:" + std::to_string(server_->port());
    // Wait until the listener accepts (Run starts it on the thread).
    for (int i = 0; i < 200 && !client_->Get("/api/v1/health"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void TearDown() override {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }
  static std::string Code(const httplib::Result& result) { return json::parse(result->body)["code"]; }

  ScratchDir web_;
  std::unique_ptr<IncidentFacts> facts_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::string host_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(HttpServerTest, answers_the_api_with_no_store_and_no_cross_origin_header) {
  auto result = client_->Get("/api/v1/counts?group=csp");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(json::parse(result->body)["matched"], 2);
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(result->has_header("Access-Control-Allow-Origin"));
  // A same-origin page's fetch sends its Origin: still answered, still no CORS header.
  auto same_origin = client_->Get("/api/v1/meta", {{"Origin", "http://" + host_}});
  ASSERT_TRUE(same_origin);
  EXPECT_EQ(same_origin->status, 200);
  EXPECT_FALSE(same_origin->has_header("Access-Control-Allow-Origin"));
}

TEST_F(HttpServerTest, serves_the_built_front_end_through_the_same_authorisation_point) {
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<title>harmlens</title>"), std::string::npos);
  auto refused = client_->Get("/", {{"Host", "attacker.example:80"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Code(refused), "forbidden_host");
  auto missing = client_->Get("/no-such-file.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Code(missing), "not_found");
}

TEST_F(HttpServerTest, refuses_another_host_or_origin_before_any_data_is_read) {
  auto rebinding =
      client_->Get("/api/v1/counts?group=csp", {{"Host", "evil.example:" + std::to_string(server_->port())}});
  ASSERT_TRUE(rebinding);
  EXPECT_EQ(rebinding->status, 403);
  EXPECT_EQ(Code(rebinding), "forbidden_host");
  auto cross_origin = client_->Get("/api/v1/counts?group=csp", {{"Origin", "http://evil.example"}});
  ASSERT_TRUE(cross_origin);
  EXPECT_EQ(cross_origin->status, 403);
  EXPECT_EQ(Code(cross_origin), "forbidden_origin");
  EXPECT_FALSE(cross_origin->has_header("Access-Control-Allow-Origin"));
}

TEST_F(HttpServerTest, refuses_bodies_over_the_limit_and_every_method_but_get) {
  auto big = client_->Post("/api/v1/counts", std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Code(big), "payload_too_large");
  auto post = client_->Post("/api/v1/counts", "group=csp", "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(Code(post), "method_not_allowed");
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  auto del = client_->Delete("/api/v1/counts");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
}

TEST_F(HttpServerTest, logs_method_path_and_status_but_never_a_body_or_a_query_string) {
  ASSERT_TRUE(client_->Post("/api/v1/counts", "SECRET-BODY-person_key=abc", "text/plain"));
  ASSERT_TRUE(client_->Get("/api/v1/counts?group=lsoa&lsoa=E01025631"));
  // The logger runs after the response is written: wait for both lines.
  for (int i = 0; i < 200 && Log().size() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<std::string> log = Log();
  ASSERT_GE(log.size(), 3u);  // the health check in SetUp, then these two
  bool saw_post = false;
  for (const std::string& line : log) {
    EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
    EXPECT_EQ(line.find('?'), std::string::npos) << line;
    EXPECT_EQ(line.find("E01025631"), std::string::npos) << line;
    if (line.rfind("POST /api/v1/counts 405", 0) == 0) saw_post = true;
  }
  EXPECT_TRUE(saw_post);
}

TEST_F(HttpServerTest, answers_unknown_api_routes_with_a_json_error) {
  auto result = client_->Get("/api/v2/counts");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(Code(result), "not_found");
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
}

}  // namespace
}  // namespace harmlens
