#include "server/access.h"

#include <algorithm>

namespace harmlens {
namespace {

bool IsLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

// The permissions of each role: the only place a role's reach is written down.
bool RoleMay(AccessRole role, Permission permission) {
  switch (role) {
    case AccessRole::kLocalAnalyst:
      return permission == Permission::kViewDashboard || permission == Permission::kReadReference ||
             permission == Permission::kReadAggregates;
  }
  return false;
}

}  // namespace

const char* AccessRoleName(AccessRole role) {
  switch (role) {
    case AccessRole::kLocalAnalyst:
      return "local-analyst";
  }
  return "unknown";
}

AccessPolicy::AccessPolicy(int port) {
  const std::string suffix = ":" + std::to_string(port);
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) allowed_hosts_.push_back(name + suffix);
}

AccessDecision AccessPolicy::Authorise(const RequestOrigin& origin, Permission needed) const {
  AccessDecision decision;
  if (!IsLoopback(origin.remote_address)) {
    decision.code = "forbidden";
    decision.message =
        "only the local analyst role exists yet: requests must come from this machine (loopback); agency "
        "sign-in "
        "is not built";
    return decision;
  }
  if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), origin.host_header) == allowed_hosts_.end()) {
    decision.code = "forbidden_host";
    decision.message = "the Host header \"" + origin.host_header.substr(0, 64) +
                       "\" is not this server; use http://" + allowed_hosts_.front() + "/";
    return decision;
  }
  if (!origin.origin_header.empty() &&
      std::none_of(allowed_hosts_.begin(), allowed_hosts_.end(),
                   [&](const std::string& host) { return origin.origin_header == "http://" + host; })) {
    decision.code = "forbidden_origin";
    decision.message = "requests from pages of another origin are refused (no cross-origin access)";
    return decision;
  }
  Principal principal;  // loopback: the local analyst, who sees everything
  if (!RoleMay(principal.role, needed)) {
    decision.code = "forbidden";
    decision.message = std::string("the role ") + AccessRoleName(principal.role) + " may not do this";
    return decision;
  }
  decision.http_status = 200;
  decision.principal = std::move(principal);
  return decision;
}

}  // namespace harmlens
