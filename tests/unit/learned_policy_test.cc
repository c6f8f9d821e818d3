// Aggregating observed calls into the least privilege: counts, denials,
// no-permission and unknown calls, conditional actions, resources.
#include "catalog/learned_policy.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

ObservedCall Sdk(std::string service, std::string operation, std::string error = "",
                 std::optional<int> status = 200) {
  ObservedCall call;
  call.service = std::move(service);
  call.operation = std::move(operation);
  call.error_code = std::move(error);
  call.http_status = status;
  call.denied = IsPermissionDenied(call.error_code, call.http_status);
  return call;
}

TEST(LearnedPolicy, CountsActionsAcrossOperations) {
  const LearnedPolicy learned = LearnPolicy(
      ActionCatalog::Builtin(),
      {Sdk("S3", "GetObject"), Sdk("S3", "HeadObject"), Sdk("S3", "ListObjectsV2"),
       Sdk("S3", "PutObject", "AccessDenied", 403), Sdk("S3", "GetObject", "NoSuchKey", 404),
       Sdk("STS", "GetCallerIdentity"), Sdk("DynamoDB", "Query")});
  EXPECT_EQ(learned.total_calls, 7u);
  ASSERT_EQ(learned.actions.size(), 4u);
  EXPECT_EQ(learned.AllowList(), "dynamodb:Query,s3:GetObject,s3:ListBucket,s3:PutObject");
  const LearnedAction& get = learned.actions[1];
  EXPECT_EQ(get.action, "s3:GetObject");
  EXPECT_EQ(get.calls, 3u);
  EXPECT_EQ(get.failed, 1u);
  EXPECT_EQ(get.denied, 0u);
  EXPECT_EQ(get.operations, (std::vector<std::string>{"S3 GetObject", "S3 HeadObject"}));
  EXPECT_EQ(learned.actions[3].denied, 1u);
  ASSERT_EQ(learned.no_permission.size(), 1u);
  EXPECT_EQ(learned.no_permission[0].operation, "GetCallerIdentity");
}

TEST(LearnedPolicy, UnknownCallsAreReportedNotGuessed) {
  const LearnedPolicy learned =
      LearnPolicy(ActionCatalog::Builtin(),
                  {Sdk("S3", "FrobnicateBucket"), Sdk("S3", "FrobnicateBucket"), Sdk("Nope", "X")});
  EXPECT_TRUE(learned.actions.empty());
  ASSERT_EQ(learned.unknown.size(), 2u);
  EXPECT_EQ(learned.unknown[0].calls, 2u);
}

TEST(LearnedPolicy, ConditionalActionsAlreadyGrantedAreNotRepeated) {
  const LearnedPolicy learned =
      LearnPolicy(ActionCatalog::Builtin(), {Sdk("IAM", "CreateRole"), Sdk("IAM", "CreateRole"),
                                             Sdk("EC2", "RunInstances"), Sdk("EC2", "CreateTags")});
  std::vector<std::string> conditional;
  for (const auto& extra : learned.conditional) conditional.push_back(extra.action);
  // iam:TagRole once (two CreateRole calls); ec2:CreateTags was observed itself.
  EXPECT_EQ(conditional, (std::vector<std::string>{"iam:TagRole", "iam:PassRole"}));
}

TEST(LearnedPolicy, CloudTrailEventSourcesAndResources) {
  ObservedCall event;
  event.naming = ServiceNaming::kEventSource;
  event.service = "lambda.amazonaws.com";
  event.operation = "CreateFunction20150331";
  event.resources = {"arn:aws:lambda:us-east-1:1:function:f"};
  const LearnedPolicy learned = LearnPolicy(ActionCatalog::Builtin(), {event});
  EXPECT_EQ(learned.AllowList(), "iam:PassRole,lambda:CreateFunction");
  EXPECT_EQ(learned.resources, event.resources);
}

TEST(LearnedPolicy, NothingObserved) {
  const LearnedPolicy learned = LearnPolicy(ActionCatalog::Builtin(), {});
  EXPECT_EQ(learned.total_calls, 0u);
  EXPECT_EQ(learned.AllowList(), "");
}

TEST(LearnedPolicy, RecommendedResourcesAddABucketsObjects) {
  LearnedPolicy learned;
  learned.resources = {"arn:aws:s3:::logs", "arn:aws:s3:::data/in/*",
                       "arn:aws:dynamodb:us-east-1:1:table/t"};
  EXPECT_EQ(
      learned.RecommendedResources(),
      (std::vector<std::string>{"arn:aws:dynamodb:us-east-1:1:table/t", "arn:aws:s3:::data/in/*",
                                "arn:aws:s3:::logs", "arn:aws:s3:::logs/*"}));
}

}  // namespace
}  // namespace audex
