// learn's broad session: without --allow/--profile a request that allows
// it resolves to no actions and plans no session policy; everything else
// behaves as for run.
#include <gtest/gtest.h>

#include "core/access_request.h"
#include "core/session_plan.h"

namespace audex {
namespace {

AccessRequest Unscoped() {
  AccessRequest request;
  request.unscoped_allowed = true;
  return request;
}

TEST(UnscopedRequest, PlansNoSessionPolicy) {
  auto plan = PlanSession(Unscoped(), std::nullopt, UserConfig{}, {}, {}, {"./script.sh"});
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->request.actions.empty());
  EXPECT_FALSE(plan->policy.has_value());
  EXPECT_TRUE(plan->policy_json.empty());
  EXPECT_EQ(plan->request.provider, Provider::kAws);
  EXPECT_EQ(plan->ttl.count(), 900);  // the default 15m still applies
}

TEST(UnscopedRequest, RunStillNeedsAllowOrProfile) {
  AccessRequest request;  // unscoped_allowed false: run's rule
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, {}, {"x"});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::kUsage);
}

TEST(UnscopedRequest, AllowIsStillAnUpperBound) {
  AccessRequest request = Unscoped();
  request.allow = "s3:GetObject";
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, {}, {"x"});
  ASSERT_TRUE(plan);
  ASSERT_TRUE(plan->policy.has_value());
  EXPECT_NE(plan->policy_json.find("s3:GetObject"), std::string::npos);
}

TEST(UnscopedRequest, ResourceWithoutAllowIsAUsageError) {
  AccessRequest request = Unscoped();
  request.resource = "arn:aws:s3:::b";
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, {}, {"x"});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::kUsage);
  EXPECT_NE(plan.error().message.find("--resource"), std::string::npos);
}

TEST(UnscopedRequest, WarnsThatTheDenyListIsNotApplied) {
  auto deny = MakeDenyList({"iam:*"}, "deny-list.toml");
  ASSERT_TRUE(deny);
  auto plan = PlanSession(Unscoped(), std::nullopt, UserConfig{}, {}, *deny, {"x"});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->request.warnings.size(), 1u);
  EXPECT_NE(plan->request.warnings[0].find("deny list"), std::string::npos);
}

TEST(UnscopedRequest, TtlBoundsStillApply) {
  auto plan = PlanSession(Unscoped(), std::chrono::seconds(60), UserConfig{}, {}, {}, {"x"});
  ASSERT_FALSE(plan);
}

}  // namespace
}  // namespace audex
