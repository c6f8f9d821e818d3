// sts:GetScopedCredentials: the request's wire form and the reply, as the
// STS API reference (API_GetScopedCredentials, API_ScopedSession) gives them.
#include <gtest/gtest.h>

#include "adapters/aws/sts_client.h"
#include "adapters/aws/sts_xml.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

constexpr std::string_view kReply =
    R"(<GetScopedCredentialsResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetScopedCredentialsResult>
    <Credentials>
      <AccessKeyId>ASIASCOPEDEXAMPLE</AccessKeyId>
      <SecretAccessKey>scopedSecretExample</SecretAccessKey>
      <SessionToken>scopedTokenExample</SessionToken>
      <Expiration>2026-11-28T19:00:30Z</Expiration>
    </Credentials>
    <ScopedSession>
      <Arn>arn:aws:sts::123456789012:assumed-role/dev/alice</Arn>
      <ScopedSessionId>AROAEXAMPLE:alice</ScopedSessionId>
    </ScopedSession>
  </GetScopedCredentialsResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetScopedCredentialsResponse>)";

TEST(GetScopedCredentialsRequest, FormHasActionVersionPolicyAndDuration) {
  const HttpRequest request = BuildGetScopedCredentialsHttpRequest(
      GetScopedCredentialsRequest{R"({"Version":"2012-10-17"})", std::chrono::seconds(30)},
      "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_NE(request.body.find("Action=GetScopedCredentials"), std::string::npos);
  EXPECT_NE(request.body.find("Version=2011-06-15"), std::string::npos);
  EXPECT_NE(request.body.find("DurationSeconds=30"), std::string::npos);
  EXPECT_NE(request.body.find("Policy=%7B%22Version%22%3A%222012-10-17%22%7D"), std::string::npos);
}

TEST(GetScopedCredentialsRequest, NoDurationMeansTheCallersOwnExpiry) {
  const HttpRequest request = BuildGetScopedCredentialsHttpRequest(
      GetScopedCredentialsRequest{"", std::nullopt}, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(request.body.find("DurationSeconds"), std::string::npos);
  EXPECT_EQ(request.body.find("Policy"), std::string::npos);
}

TEST(GetScopedCredentialsRequest, DurationBoundsAreOneSecondTo36Hours) {
  EXPECT_TRUE(ValidateGetScopedCredentialsRequest({"", std::chrono::seconds(1)}));
  EXPECT_TRUE(ValidateGetScopedCredentialsRequest({"", std::chrono::seconds(129600)}));
  EXPECT_FALSE(ValidateGetScopedCredentialsRequest({"", std::chrono::seconds(0)}));
  EXPECT_FALSE(ValidateGetScopedCredentialsRequest({"", std::chrono::seconds(129601)}));
  // A TTL outside the provider's bounds is a policy error (exit 3), as for AssumeRole.
  EXPECT_EQ(ValidateGetScopedCredentialsRequest({"", std::chrono::seconds(0)}).error().kind,
            ErrorKind::kPolicy);
}

TEST(ParseGetScopedCredentialsReply, ReadsCredentialsAndScopedSession) {
  auto scoped = ParseGetScopedCredentialsReply(kReply, "sts:GetScopedCredentials");
  ASSERT_TRUE(scoped) << scoped.error().message;
  EXPECT_EQ(scoped->credentials.access_key_id, "ASIASCOPEDEXAMPLE");
  EXPECT_EQ(scoped->credentials.secret_access_key.Reveal(), "scopedSecretExample");
  EXPECT_EQ(scoped->credentials.session_token.Reveal(), "scopedTokenExample");
  EXPECT_EQ(scoped->credentials.expiration, ParseRfc3339("2026-11-28T19:00:30Z"));
  EXPECT_EQ(scoped->arn, "arn:aws:sts::123456789012:assumed-role/dev/alice");
  EXPECT_EQ(scoped->scoped_session_id, "AROAEXAMPLE:alice");
}

TEST(ParseGetScopedCredentialsReply, AnAssumeRoleReplyIsNotOne) {
  auto scoped = ParseGetScopedCredentialsReply(
      "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "x");
  ASSERT_FALSE(scoped);
  EXPECT_NE(scoped.error().message.find("GetScopedCredentialsResult"), std::string::npos);
}

}  // namespace
}  // namespace audex
