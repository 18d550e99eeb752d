// The dashboard's JSON API (docs/api.md) as plain request -> response, with no socket in
// sight: the HTTP layer (http_server.h) authorises, then hands over an ApiRequest. Routes
// read only aggregates; parameters are parsed strictly (an unknown parameter or an
// unreadable value is an error naming it, before any data is touched). Thread-safe:
// Handle may be called from many threads at once (the response cache is locked).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "server/access.h"
#include "server/incident_facts.h"

namespace harmlens {

struct ApiOptions {
  std::chrono::milliseconds query_timeout{2000};
  int max_page_size = 1000;
  size_t cached_responses = 512;
  // Agency values whose data in the store is synthetic (harmlens synth): every response
  // that counts them says so, and the front end labels them.
  std::vector<uint8_t> synthetic_sources;
};

struct ApiRequest {
  std::string path;                                         // without the query string
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
  Principal principal;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// The error every route returns: {"code": ..., "message": ...} (docs/api.md lists them).
ApiResponse ErrorResponse(int status, std::string_view code, std::string_view message);

class Api {
 public:
  // Reads the two boundary files from `data_dir`/reference once. `facts` must outlive the Api.
  static Result<std::unique_ptr<Api>> Create(Env* env, const IncidentFacts& facts,
                                             const std::string& data_dir, ApiOptions options);

  // The permission a route needs; nullopt if there is no such route.
  std::optional<Permission> PermissionFor(std::string_view path) const;
  // Answers an authorised request.
  ApiResponse Handle(const ApiRequest& request) const;

  Api(const IncidentFacts& facts, ApiOptions options, std::string lsoa_geojson, std::string district_geojson);

 private:
  ApiResponse Route(const ApiRequest& request) const;
  const IncidentFacts& facts_;
  ApiOptions options_;
  std::string lsoa_geojson_;
  std::string district_geojson_;

  // Recent responses by request (the data never changes while serving).
  mutable std::mutex cache_mutex_;
  mutable std::list<std::pair<std::string, ApiResponse>> cache_;  // most recent first
  mutable std::unordered_map<std::string, std::list<std::pair<std::string, ApiResponse>>::iterator>
      cache_index_;
};

}  // namespace harmlens
