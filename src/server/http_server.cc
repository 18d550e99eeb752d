#include "server/http_server.h"

#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <thread>

namespace harmlens {
namespace {

// Set by the pre-routing step, read by the logger on the same worker thread.
thread_local std::chrono::steady_clock::time_point request_started;

void Write(httplib::Response& res, const ApiResponse& api) {
  res.status = api.status;
  res.set_content(api.body, api.content_type.c_str());
}

}  // namespace

struct HttpServer::Impl {
  const Api* api = nullptr;
  HttpOptions options;
  std::unique_ptr<AccessPolicy> policy;
  httplib::Server server;
  int port = 0;

  // Every request passes here first: the one authorisation point.
  httplib::Server::HandlerResponse Dispatch(const httplib::Request& req, httplib::Response& res) const {
    request_started = std::chrono::steady_clock::now();
    // A body is never read, so never logged: no route takes one. Refuse big ones early.
    if (req.has_header("Content-Length")) {
      const std::string length = req.get_header_value("Content-Length");
      char* end = nullptr;
      unsigned long long bytes = std::strtoull(length.c_str(), &end, 10);
      if (end == length.c_str() || *end != '\0' || bytes > options.max_body_bytes) {
        Write(res, ErrorResponse(
                       413, "payload_too_large",
                       "request bodies are limited to " + std::to_string(options.max_body_bytes) + " bytes"));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    const bool is_api = req.path.rfind("/api/", 0) == 0;
    std::optional<Permission> needed = is_api ? api->PermissionFor(req.path) : Permission::kViewDashboard;
    RequestOrigin origin{req.remote_addr, req.get_header_value("Host"), req.get_header_value("Origin")};
    AccessDecision decision = policy->Authorise(origin, needed.value_or(Permission::kReadReference));
    if (!decision.principal) {
      Write(res, ErrorResponse(decision.http_status, decision.code, decision.message));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      Write(res,
            ErrorResponse(405, "method_not_allowed", "only GET and HEAD are served: the API is read-only"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!is_api) {
      if (options.web_dir.empty()) {
        Write(res, ErrorResponse(404, "not_found",
                                 "this server has no web front end (build it: scripts/build-web.sh)"));
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;  // the mounted web/dist
    }
    if (!needed) {
      Write(res,
            ErrorResponse(404, "not_found", "no such route: " + req.path.substr(0, 128) + " (docs/api.md)"));
      return httplib::Server::HandlerResponse::Handled;
    }
    ApiRequest request;
    request.path = req.path;
    for (const auto& [name, value] : req.params) request.params.emplace_back(name, value);
    request.principal = std::move(*decision.principal);
    Write(res, api->Handle(request));
    return httplib::Server::HandlerResponse::Handled;
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const Api* api, HttpOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->api = api;
  impl->options = std::move(options);
  httplib::Server& server = impl->server;
  const int threads = impl->options.worker_threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(impl->options.max_body_bytes);
  server.set_read_timeout(impl->options.read_timeout);
  server.set_write_timeout(impl->options.read_timeout);
  // No Access-Control-Allow-Origin at all: the front end is same-origin.
  server.set_default_headers({
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src "
       "'self'; "
       "frame-ancestors 'none'"},
  });
  Impl* self = impl.get();
  server.set_pre_routing_handler(
      [self](const httplib::Request& req, httplib::Response& res) { return self->Dispatch(req, res); });
  // httplib's own refusals (no such file, a URI too long, a bad request line) in the same
  // {code, message} form; our responses already have a body and are left alone.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const char* code = res.status == 404   ? "not_found"
                           : res.status == 413 ? "payload_too_large"
                           : res.status == 414 ? "uri_too_long"
                           : res.status < 500  ? "bad_request"
                                               : "internal";
        Write(res, ErrorResponse(res.status, code, std::string("HTTP ") + std::to_string(res.status)));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Write(res, ErrorResponse(500, "internal", "the server failed on this request; it has been logged"));
  });
  if (impl->options.access_log) {
    server.set_logger([self](const httplib::Request& req, const httplib::Response& res) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_started)
              .count();
      char line[512];
      // Path only: no query string, no headers, no body.
      std::snprintf(line, sizeof line, "%s %.200s %d %.1fms", req.method.c_str(), req.path.c_str(),
                    res.status, ms);
      self->options.access_log(line);
    });
  }
  if (!impl->options.web_dir.empty() && !server.set_mount_point("/", impl->options.web_dir)) {
    return Status::NotFound("the web front end is not built: no folder " + impl->options.web_dir +
                            " (run scripts/build-web.sh)");
  }
  if (impl->options.port == 0) {
    impl->port = server.bind_to_any_port(impl->options.host);
  } else if (server.bind_to_port(impl->options.host, impl->options.port)) {
    impl->port = impl->options.port;
  } else {
    impl->port = -1;
  }
  if (impl->port <= 0) {
    return Status::IoError("cannot listen on " + impl->options.host + ":" +
                           std::to_string(impl->options.port) +
                           " (in use, or not an address of this machine)");
  }
  impl->policy = std::make_unique<AccessPolicy>(impl->port);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

Status HttpServer::Run() {
  if (!impl_->server.listen_after_bind()) return Status::IoError("the HTTP listener stopped with an error");
  return Status::Ok();
}

void HttpServer::Stop() {
  if (impl_) impl_->server.stop();
}

}  // namespace harmlens
