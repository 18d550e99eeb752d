// The dashboard's HTTP transport (cpp-httplib): one pre-routing step every request
// passes — size limit, method, the AccessPolicy, then the API or the web front end's
// built files. Responses carry no wildcard CORS header, Cache-Control: no-store on data,
// and security headers; the access log holds method, path, status and time, never a
// request body or query string. Start/Stop may be called from different threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "server/api.h"

namespace harmlens {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;         // 0: any free port (tests)
  std::string web_dir;  // the built front end (web/dist); "" = API only
  size_t max_body_bytes = 16 * 1024;
  int worker_threads = 64;  // one per open keep-alive connection
  std::chrono::seconds read_timeout{10};
  // One line per request; nullptr = no access log.
  std::function<void(std::string_view line)> access_log;
};

class HttpServer {
 public:
  // Binds the socket (so the port is known and reachable when this returns). `api` must
  // outlive the server.
  static Result<std::unique_ptr<HttpServer>> Bind(const Api* api, HttpOptions options);
  ~HttpServer();

  int port() const;
  // Serves until Stop(); returns an error only if the listener failed.
  Status Run();
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace harmlens
