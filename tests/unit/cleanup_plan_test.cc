// What cleanup deletes and in which order (core/cleanup/cleanup_plan.h):
// ARNs of every kind it handles, objects before their bucket, instances
// before security groups, and what it only lists.
#include "core/cleanup/cleanup_plan.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

const SessionTag kTag{"audex-session", "0123456789abcdef"};

TEST(CleanupPlan, DescribesEveryKindItDeletes) {
  struct Case {
    const char* arn;
    ResourceKind kind;
    const char* type;
    const char* name;
  };
  const Case cases[] = {
      {"arn:aws:s3:::my-bucket", ResourceKind::kS3Bucket, "s3:bucket", "my-bucket"},
      {"arn:aws:s3:::my-bucket/a/b.txt", ResourceKind::kS3Object, "s3:object", "a/b.txt"},
      {"arn:aws:dynamodb:us-east-1:123456789012:table/Orders", ResourceKind::kDynamoDbTable,
       "dynamodb:table", "Orders"},
      {"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", ResourceKind::kEc2Instance,
       "ec2:instance", "i-0abc"},
      {"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0abc", ResourceKind::kEc2SecurityGroup,
       "ec2:security-group", "sg-0abc"},
      {"arn:aws:lambda:us-east-1:123456789012:function:fn:3", ResourceKind::kLambdaFunction,
       "lambda:function", "fn"},
      {"arn:aws:sqs:us-east-1:123456789012:jobs", ResourceKind::kSqsQueue, "sqs:queue", "jobs"},
      {"arn:aws:sns:us-east-1:123456789012:alerts", ResourceKind::kSnsTopic, "sns:topic", "alerts"},
      {"arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/ByDate",
       ResourceKind::kUnsupported, "dynamodb:table", ""},
      {"arn:aws:iam::123456789012:role/r", ResourceKind::kUnsupported, "iam:role", ""},
  };
  for (const Case& c : cases) {
    const SessionResource resource = DescribeResource(c.arn, "tag");
    EXPECT_EQ(resource.kind, c.kind) << c.arn;
    EXPECT_EQ(resource.type, c.type) << c.arn;
    if (c.kind != ResourceKind::kUnsupported) {
      EXPECT_EQ(resource.name, c.name) << c.arn;
    }
  }
  EXPECT_EQ(DescribeResource("arn:aws:s3:::my-bucket/k", "bucket").bucket, "my-bucket");
  EXPECT_EQ(DescribeResource("arn:aws:sqs:us-east-1:123456789012:jobs", "").account,
            "123456789012");
  EXPECT_EQ(DescribeResource("not an arn", "tag").kind, ResourceKind::kUnsupported);
}

TEST(CleanupPlan, DeletesInDependencyOrder) {
  const std::vector<std::string> tagged = {
      "arn:aws:s3:::bucket-b",
      "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
      "arn:aws:dynamodb:us-east-1:123456789012:table/T",
      "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
      "arn:aws:iam::123456789012:role/r",
      "arn:aws:s3:::bucket-a",
  };
  const std::map<std::string, std::vector<BucketObject>> objects = {
      {"bucket-a", {{"x.txt", "null"}}}, {"bucket-b", {{"y.txt", "v2"}, {"y.txt", "v1"}}}};
  const CleanupPlan plan = PlanCleanup(kTag, tagged, objects, {});
  std::vector<std::string> order;
  for (const SessionResource& resource : plan.to_delete) order.push_back(resource.arn);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "arn:aws:s3:::bucket-a/x.txt",
                       "arn:aws:s3:::bucket-b/y.txt",
                       "arn:aws:s3:::bucket-b/y.txt",
                       "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                       "arn:aws:dynamodb:us-east-1:123456789012:table/T",
                       "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
                       "arn:aws:s3:::bucket-a",
                       "arn:aws:s3:::bucket-b",
                   }));
  EXPECT_EQ(plan.to_delete[1].version_id, "v2");
  EXPECT_EQ(plan.to_delete[0].found_by, "bucket");
  ASSERT_EQ(plan.unsupported.size(), 1u);
  EXPECT_EQ(plan.unsupported[0].type, "iam:role");
}

TEST(CleanupPlan, CloudTrailFindsAreListedNeverDeleted) {
  const CleanupPlan plan = PlanCleanup(
      kTag, {"arn:aws:s3:::tagged"}, {},
      {"arn:aws:s3:::tagged", "arn:aws:dynamodb:us-east-1:123456789012:table/Untagged"});
  ASSERT_EQ(plan.to_delete.size(), 1u);
  ASSERT_EQ(plan.untagged.size(), 1u);  // the tagged one is not listed twice
  EXPECT_EQ(plan.untagged[0].arn, "arn:aws:dynamodb:us-east-1:123456789012:table/Untagged");
  EXPECT_EQ(plan.untagged[0].found_by, "cloudtrail");
}

TEST(CleanupPlan, JsonNamesEveryResourceAndOutcome) {
  const CleanupPlan plan = PlanCleanup(kTag, {"arn:aws:s3:::b"}, {{"b", {{"k", "null"}}}}, {});
  std::vector<DeletionOutcome> outcomes = {
      {plan.to_delete[0], DeletionOutcome::Result::kDeleted, ""},
      {plan.to_delete[1], DeletionOutcome::Result::kFailed, "HTTP 409 BucketNotEmpty"}};
  const auto json = CleanupJson(plan, outcomes);
  EXPECT_EQ(json["tag"], "audex-session=0123456789abcdef");
  ASSERT_EQ(json["resources"].size(), 2u);
  EXPECT_EQ(json["resources"][0]["type"], "s3:object");
  EXPECT_EQ(json["resources"][1]["kind"], "S3 bucket");
  EXPECT_EQ(json["outcomes"][1]["result"], "failed");
  EXPECT_EQ(json["outcomes"][1]["detail"], "HTTP 409 BucketNotEmpty");
}

}  // namespace
}  // namespace audex
