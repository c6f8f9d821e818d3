#include "core/policy/policy_document.h"

#include <gtest/gtest.h>

#include "core/policy/policy_evaluator.h"

namespace audex {
namespace {

TEST(RenderPolicy, IsMinifiedWithCustomaryKeyOrder) {
  PolicyDocument document;
  Statement allow;
  allow.actions = {"s3:GetObject"};
  allow.resources = {"*"};
  document.statements.push_back(allow);
  EXPECT_EQ(RenderPolicy(document),
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
            R"("Resource":"*"}]})");
}

TEST(ParsePolicy, AcceptsStringsOrListsAndSingleStatementObjects) {
  auto parsed = ParsePolicy(R"({"Version":"2012-10-17","Statement":{"Sid":"x","Effect":"Deny",
      "NotAction":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::b/*",
      "Condition":{"Bool":{"aws:SecureTransport":"false"}}}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->statements.size(), 1u);
  const Statement& statement = parsed->statements[0];
  EXPECT_EQ(statement.sid, "x");
  EXPECT_EQ(statement.effect, Effect::kDeny);
  EXPECT_EQ(statement.not_actions.size(), 2u);
  EXPECT_EQ(statement.resources, (std::vector<std::string>{"arn:aws:s3:::b/*"}));
  EXPECT_TRUE(statement.has_condition);
}

TEST(ParsePolicy, RejectsMalformedDocumentsWithTheStatementNumber) {
  EXPECT_FALSE(ParsePolicy("not json").has_value());
  EXPECT_FALSE(ParsePolicy("[]").has_value());
  EXPECT_FALSE(ParsePolicy(R"({"Version":"2012-10-17"})").has_value());
  auto bad_effect = ParsePolicy(R"({"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},
      {"Effect":"Maybe","Action":"a:b"}]})");
  ASSERT_FALSE(bad_effect.has_value());
  EXPECT_NE(bad_effect.error().message.find("statement 2"), std::string::npos);
  EXPECT_FALSE(ParsePolicy(R"({"Statement":[{"Effect":"Allow","Action":5}]})").has_value());
  EXPECT_FALSE(ParsePolicy(R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})").has_value());
  EXPECT_FALSE(ParsePolicy(R"({"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d"}]})")
                   .has_value());
}

TEST(CheckSessionPolicySize, ReportsTheMeasuredSize) {
  EXPECT_TRUE(CheckSessionPolicySize(std::string(2048, 'x')).has_value());
  auto over = CheckSessionPolicySize(std::string(2049, 'x'));
  ASSERT_FALSE(over.has_value());
  EXPECT_NE(over.error().message.find("2049 characters"), std::string::npos);
  EXPECT_NE(over.error().message.find("2048"), std::string::npos);
}

PolicyDocument Parse(const char* json) { return ParsePolicy(json).value(); }

TEST(Evaluate, ExplicitDenyWinsOverAllow) {
  const PolicyDocument document = Parse(R"({"Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]})");
  EXPECT_EQ(Evaluate(document, "s3:GetObject"), Decision::kAllow);
  EXPECT_EQ(Evaluate(document, "S3:deletebucket"), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(document, "ec2:DescribeInstances"), Decision::kImplicitDeny);
}

TEST(Evaluate, NotActionAndResourcesNarrowStatements) {
  const PolicyDocument document = Parse(R"({"Statement":[
      {"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*"}]})");
  EXPECT_EQ(Evaluate(document, "s3:GetObject", "arn:aws:s3:::b/key"), Decision::kAllow);
  EXPECT_EQ(Evaluate(document, "s3:GetObject", "arn:aws:s3:::other/key"), Decision::kImplicitDeny);
  EXPECT_EQ(Evaluate(document, "iam:GetUser", "arn:aws:s3:::b/key"), Decision::kImplicitDeny);
}

TEST(Evaluate, ConditionalAllowsDoNotGrant) {
  const PolicyDocument document = Parse(R"({"Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"x":"y"}}}]})");
  EXPECT_EQ(Evaluate(document, "s3:GetObject"), Decision::kImplicitDeny);
}

}  // namespace
}  // namespace audex
