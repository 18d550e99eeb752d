#include "server/access.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

TEST(AccessPolicy, lets_the_local_analyst_on_loopback_read_everything) {
  AccessPolicy policy(8080);
  for (const char* address : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    for (Permission p :
         {Permission::kViewDashboard, Permission::kReadReference, Permission::kReadAggregates}) {
      AccessDecision decision = policy.Authorise({address, "localhost:8080", ""}, p);
      ASSERT_TRUE(decision.principal) << address << " " << decision.message;
      EXPECT_EQ(decision.principal->role, AccessRole::kLocalAnalyst);
      EXPECT_TRUE(decision.principal->sources.empty());
    }
  }
}

TEST(AccessPolicy, refuses_any_other_machine_until_agency_sign_in_exists) {
  AccessPolicy policy(8080);
  AccessDecision decision =
      policy.Authorise({"192.168.1.20", "127.0.0.1:8080", ""}, Permission::kViewDashboard);
  EXPECT_FALSE(decision.principal);
  EXPECT_EQ(decision.http_status, 403);
  EXPECT_EQ(decision.code, "forbidden");
}

TEST(AccessPolicy, refuses_a_host_header_or_origin_that_is_not_this_server) {
  AccessPolicy policy(8080);
  EXPECT_EQ(policy.Authorise({"127.0.0.1", "127.0.0.1:9090", ""}, Permission::kReadAggregates).code,
            "forbidden_host");
  EXPECT_EQ(policy.Authorise({"127.0.0.1", "evil.example:8080", ""}, Permission::kReadAggregates).code,
            "forbidden_host");
  EXPECT_EQ(
      policy.Authorise({"127.0.0.1", "127.0.0.1:8080", "http://evil.example"}, Permission::kReadAggregates)
          .code,
      "forbidden_origin");
  EXPECT_EQ(
      policy.Authorise({"127.0.0.1", "127.0.0.1:8080", "https://127.0.0.1:8080"}, Permission::kReadAggregates)
          .code,
      "forbidden_origin");
  EXPECT_TRUE(
      policy.Authorise({"127.0.0.1", "127.0.0.1:8080", "http://127.0.0.1:8080"}, Permission::kReadAggregates)
          .principal);
}

}  // namespace
}  // namespace harmlens
