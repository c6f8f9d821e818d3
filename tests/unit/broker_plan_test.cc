// --broker in the AWS issue plan (core/plan/aws_issue.h): the decision is
// made before any I/O, so --dry-run shows it, and the flags that cannot go
// with it are refused there.
#include <gtest/gtest.h>

#include <chrono>

#include "core/plan/aws_issue.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

AwsIssueInputs Inputs(UserConfig config = {}) {
  AwsIssueInputs inputs;
  inputs.env = MapEnv({{"AWS_REGION", "eu-west-1"}});
  inputs.config = std::move(config);
  inputs.ttl = std::chrono::minutes(15);
  return inputs;
}

SessionRequest Brokered() {
  SessionRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/dev";
  request.broker = true;
  return request;
}

TEST(BrokerPlan, RefusesCredentialCallsUnlessAllowed) {
  auto plan = PlanAwsIssue(Brokered(), Inputs());
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->broker.has_value());
  EXPECT_FALSE(plan->broker->allow_credential_calls);
  EXPECT_FALSE(plan->serve.has_value());

  SessionRequest allowing = Brokered();
  allowing.allow_credential_calls = true;
  auto allowed = PlanAwsIssue(allowing, Inputs());
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_TRUE(allowed->broker->allow_credential_calls);

  SessionRequest plain = Brokered();
  plain.broker = false;
  auto unbrokered = PlanAwsIssue(plain, Inputs());
  ASSERT_TRUE(unbrokered);
  EXPECT_FALSE(unbrokered->broker.has_value());
}

TEST(BrokerPlan, ServeInConfigGivesWayAnExplicitServeIsRefused) {
  UserConfig serving;
  serving.serve = true;
  auto plan = PlanAwsIssue(Brokered(), Inputs(serving));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->broker.has_value());
  EXPECT_FALSE(plan->serve.has_value());

  SessionRequest both = Brokered();
  both.serve = true;
  auto refused = PlanAwsIssue(both, Inputs());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("--broker and --serve"), std::string::npos);
}

TEST(BrokerPlan, AllowCredentialCallsNeedsBroker) {
  SessionRequest request = Brokered();
  request.broker = false;
  request.allow_credential_calls = true;
  auto refused = PlanAwsIssue(request, Inputs());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("add --broker or drop it"), std::string::npos);
}

}  // namespace
}  // namespace audex
