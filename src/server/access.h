// Who may ask the dashboard what: the one authorisation point every request passes,
// API route or static file alike. Today there is a single role, the local analyst (a
// person at the machine, over loopback); agency roles (a CSP analyst who sees one area,
// a partner's data lead who sees their own source, an SPB member who sees the tiles)
// are new Role values with their permissions in one table, and a Principal built from a
// sign-in instead of the loopback address. Immutable: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harmlens {

enum class Permission : uint8_t {
  kViewDashboard,   // the web front end's own files
  kReadReference,   // boundaries, LSOA facts, rules: published open data
  kReadAggregates,  // counts, rates, series, tiles: aggregates of partner data
};

enum class AccessRole : uint8_t {
  kLocalAnalyst,  // at the machine itself: every aggregate, every source, every area
};
const char* AccessRoleName(AccessRole role);

struct Principal {
  AccessRole role = AccessRole::kLocalAnalyst;
  // The sources (Agency values) and CSP areas (district codes) this principal may see;
  // empty = all. The routes narrow every query by these, so an agency role needs no
  // route to change.
  std::vector<uint8_t> sources;
  std::vector<std::string> csp_areas;
};

// What the transport knows about a request before it is routed.
struct RequestOrigin {
  std::string remote_address;  // peer IP address
  std::string host_header;     // the Host the client asked for
  std::string origin_header;   // "" if the client sent none (same-origin GETs, curl)
};

struct AccessDecision {
  std::optional<Principal> principal;  // set when allowed
  int http_status = 403;
  std::string code;     // the API error code when refused
  std::string message;  // why, for the person who was refused
};

class AccessPolicy {
 public:
  // `port` is the one the server listens on: only Host headers naming this machine on
  // this port are accepted (a web page elsewhere cannot reach the API through DNS
  // rebinding), and only same-origin Origin headers.
  explicit AccessPolicy(int port);

  AccessDecision Authorise(const RequestOrigin& origin, Permission needed) const;

 private:
  std::vector<std::string> allowed_hosts_;
};

}  // namespace harmlens
