// The AssumeRole form body with managed policies, session tags and
// transitive tag keys, exactly as the STS Query API spells list parameters
// (NAME.member.N from 1), and the limits checked before a round trip.
#include <gtest/gtest.h>

#include "adapters/aws/sts_client.h"
#include "adapters/aws/sts_errors.h"

namespace audex {
namespace {

AssumeRoleRequest Request() {
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/dev";
  request.role_session_name = "audex-0123456789abcdef";
  request.duration_seconds = std::chrono::seconds(900);
  return request;
}

TEST(StsSessionTags, FormBodySpellsEveryListAsTheQueryApiDoes) {
  AssumeRoleRequest request = Request();
  request.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess",
                         "arn:aws:iam::123456789012:policy/ceiling/Company"};
  request.tags = {{"audex-session", "0123456789abcdef"}, {"team", "a b"}};
  request.transitive_tag_keys = {"audex-session"};
  const HttpRequest http =
      BuildAssumeRoleHttpRequest(request, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(
      http.body,
      "Action=AssumeRole&Version=2011-06-15"
      "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdev"
      "&RoleSessionName=audex-0123456789abcdef&DurationSeconds=900"
      "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
      "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fceiling%2FCompany"
      "&Tags.member.1.Key=audex-session&Tags.member.1.Value=0123456789abcdef"
      "&Tags.member.2.Key=team&Tags.member.2.Value=a%20b"
      "&TransitiveTagKeys.member.1=audex-session");
}

TEST(StsSessionTags, NothingExtraWhenThereIsNothingToSend) {
  const HttpRequest http = BuildAssumeRoleHttpRequest(Request(), "https://sts.amazonaws.com");
  EXPECT_EQ(http.body.find("PolicyArns"), std::string::npos);
  EXPECT_EQ(http.body.find("Tags"), std::string::npos);
}

TEST(StsSessionTags, AtMostTenManagedPoliciesOfTheRightShape) {
  AssumeRoleRequest request = Request();
  for (int i = 0; i < 11; ++i) {
    request.policy_arns.push_back("arn:aws:iam::123456789012:policy/P" + std::to_string(i));
  }
  auto eleven = ValidateAssumeRoleRequest(request);
  ASSERT_FALSE(eleven);
  EXPECT_NE(eleven.error().message.find("11 managed policy ARNs"), std::string::npos);
  request.policy_arns.resize(10);
  EXPECT_TRUE(ValidateAssumeRoleRequest(request));
  request.policy_arns = {"arn:aws:iam::123456789012:role/NotAPolicy"};
  EXPECT_FALSE(ValidateAssumeRoleRequest(request));
}

TEST(StsSessionTags, PolicyArnShapes) {
  for (const char* good :
       {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/a/b/Name",
        "arn:aws-cn:iam::123456789012:policy/x+=,.@_-y", "arn:aws-us-gov:iam::aws:policy/P"}) {
    EXPECT_TRUE(ValidatePolicyArn(good, "--policy-arn")) << good;
  }
  for (const char* bad :
       {"", "arn:aws:iam::12345:policy/Short", "arn:aws:iam:us-east-1:123456789012:policy/P",
        "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:policy/",
        "arn:aws:iam::123456789012:policy//P", "arn:aws:iam::123456789012:policy/has space",
        "ReadOnlyAccess"}) {
    auto refused = ValidatePolicyArn(bad, "--policy-arn");
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("--policy-arn"), std::string::npos);
  }
}

TEST(StsSessionTags, PolicyAndArnsTogetherFitIn2048Characters) {
  AssumeRoleRequest request = Request();
  request.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};  // 38 characters
  request.policy = std::string(2048 - 38, 'x');
  EXPECT_TRUE(ValidateAssumeRoleRequest(request));
  request.policy.push_back('x');
  auto over = ValidateAssumeRoleRequest(request);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind, ErrorKind::kPolicy);
}

TEST(StsSessionTags, TagLimits) {
  AssumeRoleRequest request = Request();
  request.tags = {{std::string(129, 'k'), "v"}};
  EXPECT_FALSE(ValidateAssumeRoleRequest(request));
  request.tags = {{"aws:reserved", "v"}};
  EXPECT_FALSE(ValidateAssumeRoleRequest(request));
  request.tags = {{"k", std::string(257, 'v')}};
  EXPECT_FALSE(ValidateAssumeRoleRequest(request));
  request.tags = {{"k", "v"}};
  request.transitive_tag_keys = {"other"};
  EXPECT_FALSE(ValidateAssumeRoleRequest(request));
  request.transitive_tag_keys = {"k"};
  EXPECT_TRUE(ValidateAssumeRoleRequest(request));
}

// What STS says when the role's trust policy lacks sts:TagSession.
TEST(StsSessionTags, RecognisesTheRefusalOfSessionTags) {
  StsCallContext context;
  context.operation = "AssumeRole";
  context.role_arn = "arn:aws:iam::123456789012:role/dev";
  const Error refused = DescribeStsError(
      {"AccessDenied",
       "User: arn:aws:iam::123456789012:user/a is not authorized to perform: sts:TagSession on "
       "resource: arn:aws:iam::123456789012:role/dev",
       "Sender", ""},
      403, context);
  EXPECT_TRUE(RefusedSessionTags(refused));
  EXPECT_NE(refused.message.find("trust policy does not allow sts:TagSession"), std::string::npos);
  const Error other = DescribeStsError(
      {"AccessDenied", "not authorized to perform: sts:AssumeRole", "Sender", ""}, 403, context);
  EXPECT_FALSE(RefusedSessionTags(other));
}

}  // namespace
}  // namespace audex
