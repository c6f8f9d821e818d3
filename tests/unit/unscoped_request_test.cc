// learn's broad session: without --allow/--profile a request that allows
// it resolves to no actions and plans no session policy, or with a deny list
// one that allows everything but the denied actions; everything else behaves
// as for run.
#include <gtest/gtest.h>

#include "catalog/catalog_universe.h"
#include "core/plan/session_plan.h"
#include "core/policy/access_request.h"
#include "core/policy/policy_evaluator.h"

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

TEST(UnscopedRequest, TheDenyListStillAppliesAsAnExplicitDeny) {
  auto deny = MakeDenyList({"iam:*", "ec2:TerminateInstances", "iam:CreateUser"}, "deny-list.toml");
  ASSERT_TRUE(deny);
  auto plan =
      PlanSession(Unscoped(), std::nullopt, UserConfig{}, {}, *deny, {"x"}, &BuiltinAwsActions());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->request.actions.empty());
  EXPECT_TRUE(plan->request.warnings.empty());
  ASSERT_TRUE(plan->policy.has_value());
  // iam:CreateUser is inside iam:*: the Deny names only the broadest.
  EXPECT_EQ(plan->request.explicit_denies,
            (std::vector<std::string>{"iam:*", "ec2:TerminateInstances"}));
  // What the session allows is the role's permissions minus the list.
  const PolicyDocument& policy = *plan->policy;
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "dynamodb:Query"), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "ec2:TerminateInstances"), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(policy, "iam:PassRole"), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(policy, "ec2:StopInstances"), Decision::kAllow);
  ASSERT_EQ(plan->request.notes.size(), 1u);
  EXPECT_NE(plan->request.notes[0].find("minus the deny list deny-list.toml"), std::string::npos);
}

TEST(UnscopedRequest, SelectorsInTheDenyListBecomeTheActionsTheySelect) {
  auto deny = MakeDenyList({"s3:@write"}, "deny-list.toml");
  ASSERT_TRUE(deny);
  auto plan =
      PlanSession(Unscoped(), std::nullopt, UserConfig{}, {}, *deny, {"x"}, &BuiltinAwsActions());
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->policy.has_value());
  EXPECT_EQ(Evaluate(*plan->policy, "s3:PutObject"), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(*plan->policy, "s3:GetObject"), Decision::kAllow);
  EXPECT_LE(plan->policy_json.size(), 2048u);
}

TEST(UnscopedRequest, ALongDenyListIsPackedToFitTheSessionPolicy) {
  // Every write action of several services, written out: far over 2,048
  // characters as exact names, so the catalog packs them.
  std::vector<std::string> patterns;
  const ActionUniverse& universe = BuiltinAwsActions();
  for (const char* selector : {"ec2:@write", "iam:@write", "s3:@write"}) {
    auto members = universe.Expand(selector);
    ASSERT_TRUE(members);
    patterns.insert(patterns.end(), members->begin(), members->end());
  }
  auto deny = MakeDenyList(patterns, "deny-list.toml");
  ASSERT_TRUE(deny);
  auto plan = PlanSession(Unscoped(), std::nullopt, UserConfig{}, {}, *deny, {"x"}, &universe);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->policy.has_value());
  EXPECT_LE(plan->policy_json.size(), 2048u);
  for (const std::string& action : patterns) {
    EXPECT_EQ(Evaluate(*plan->policy, action), Decision::kExplicitDeny) << action;
  }
  EXPECT_EQ(Evaluate(*plan->policy, "ec2:DescribeInstances"), Decision::kAllow);
  EXPECT_EQ(Evaluate(*plan->policy, "s3:GetObject"), Decision::kAllow);
  ASSERT_FALSE(plan->policy_notes.empty());
  EXPECT_NE(plan->policy_notes[0].find("packed"), std::string::npos);
}

TEST(UnscopedRequest, GcpCannotCarryTheDenyListAndSaysSo) {
  auto deny = MakeDenyList({"storage.buckets.delete"}, "deny-list.toml");
  ASSERT_TRUE(deny);
  AccessRequest request = Unscoped();
  request.provider = Provider::kGcp;
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, *deny, {"x"});
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->policy.has_value());
  ASSERT_EQ(plan->request.warnings.size(), 1u);
  EXPECT_NE(plan->request.warnings[0].find("cannot carry the deny list"), std::string::npos);
}

TEST(UnscopedRequest, TtlBoundsStillApply) {
  // 60 s is below STS's 900 s minimum for DurationSeconds: a policy error
  // that names the range, as for a scoped request.
  auto plan = PlanSession(Unscoped(), std::chrono::seconds(60), UserConfig{}, {}, {}, {"x"});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(plan.error().message.find("900 to 43200 seconds"), std::string::npos)
      << plan.error().message;
}

}  // namespace
}  // namespace audex
