// The dashboard's JSON API (docs/api.md) as plain request -> response, with no socket in
// sight: the HTTP layer (http_server.h) authorises, then hands over an ApiRequest. Routes
// read only aggregates; parameters are parsed strictly (an unknown parameter or an
// unreadable value is an error naming it, before any data is touched). Thread-safe:
// Handle may be called from many threads at once (the response cache is locked).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "engine/incident_table.h"
#include "server/access.h"
#include "server/incident_facts.h"
#include "server/kde_layer.h"
#include "spatial/zones.h"

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
  // Reads the two boundary files from `data_dir`/reference once. `facts` and `engine`
  // must outlive the Api; without an engine, /api/v1/query and the KDE layer are
  // not_implemented. With one, every incident's place is projected here (about 3 s for
  // 10 million).
  static Result<std::unique_ptr<Api>> Create(Env* env, const IncidentFacts& facts,
                                             const IncidentTable* engine, const std::string& data_dir,
                                             ApiOptions options);

  // The permission a route needs; nullopt if there is no such route.
  std::optional<Permission> PermissionFor(std::string_view path) const;
  // Answers an authorised request. Identical requests in flight at once are computed
  // once: the others wait for that answer (up to the time limit).
  ApiResponse Handle(const ApiRequest& request) const;
  // Answers the requests the dashboard opens with and that take no filters (meta, SPB
  // tiles, Home Office measures) once, now, and keeps them outside the bounded cache: the
  // data does not change while serving, and these are the most asked.
  void PrecomputeOpeningView();

  Api(const IncidentFacts& facts, ApiOptions options, std::string lsoa_geojson, std::string district_geojson,
      const IncidentTable* engine = nullptr);

 private:
  struct ResponseCache;
  ApiResponse Route(const ApiRequest& request, std::chrono::milliseconds time_limit) const;
  ApiResponse EngineQuery(const ApiRequest& request, const std::string& cache_key) const;
  ApiResponse HotSpots(const ApiRequest& request) const;
  ApiResponse KdeHotSpots(const AnalysisFilter& filter, const KdeLayerRequest& kde) const;
  const IncidentFacts& facts_;
  const IncidentTable* engine_;
  ApiOptions options_;
  std::string lsoa_geojson_;
  std::string district_geojson_;
  // LSOA queen contiguity including the zone itself (Gi*'s weights); empty if the
  // boundaries could not be read as zones, and /hotspots then says so.
  std::optional<Neighbours> lsoa_neighbours_;
  // Every incident's place in grid metres for the KDE layer; null without the engine (the
  // places come from its columns) or if PROJ could not be set up (kde_layer_error_ says why).
  std::unique_ptr<KdeLayer> kde_layer_;
  std::string kde_layer_error_;
  // Recent responses by request (the data never changes while serving), and the ones
  // being computed. Shared with engine queries' threads, which may finish after their
  // request gave up and still leave their answer for the next one.
  std::shared_ptr<ResponseCache> cache_;
};

}  // namespace harmlens
