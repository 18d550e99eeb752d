// Fuzz target: any bytes as a request to the dashboard's API — the first byte picks the
// route, the rest is a query string ("name=value&..."). API clients are untrusted: every
// request must get a JSON {code, message} error or a JSON answer, never a crash, and a
// refusal must never be a 500.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/env.h"
#include "geo/reference_geography.h"
#include "server/api.h"
#include "server/incident_facts.h"

namespace {

const harmlens::Api& TheApi() {
  static std::shared_ptr<const harmlens::ReferenceGeography> geography = [] {
    auto loaded = harmlens::ReferenceGeography::Load(harmlens::Env::Default(), HARMLENS_REFERENCE_DIR);
    if (!loaded.ok()) __builtin_trap();
    return std::move(loaded).value();
  }();
  static harmlens::IncidentFacts facts(
      {
          {.month = 2022 * 12, .lsoa = 0, .behaviours = 1, .crime_type = 14, .source = 0, .csp = 0},
          {.month = 2022 * 12 + 5,
           .lsoa = 10,
           .behaviours = 0,
           .crime_type = 3,
           .source = 1,
           .csp = 2,
           .day = 4,
           .hour = 23,
           .weapon = 2,
           .victim = 0x21,
           .perpetrator = 0x13},
      },
      *geography);
  static harmlens::ApiOptions options = [] {
    harmlens::ApiOptions o;
    o.cached_responses = 4;
    return o;
  }();
  static harmlens::Api api(facts, options, "{}", "{}");
  return api;
}

constexpr const char* kRoutes[] = {"/api/v1/counts",          "/api/v1/trend",  "/api/v1/spb",
                                   "/api/v1/measures",        "/api/v1/meta",   "/api/v1/query",
                                   "/api/v1/geography/lsoas", "/api/v1/nowhere"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  harmlens::ApiRequest request;
  request.path = kRoutes[data[0] % (sizeof kRoutes / sizeof kRoutes[0])];
  std::string_view query(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    request.params.emplace_back(std::string(pair.substr(0, eq)),
                                eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  harmlens::ApiResponse response = TheApi().Handle(request);
  if (response.status >= 500 && response.status != 501 && response.status != 503) __builtin_trap();
  if (response.content_type == "application/json") {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded()) __builtin_trap();
    if (response.status != 200 && !(body.contains("code") && body.contains("message"))) __builtin_trap();
  }
  return 0;
}
