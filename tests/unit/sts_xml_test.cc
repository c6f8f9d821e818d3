// STS replies as AWS, moto and radosgw write them: successes, the three
// error shapes, fractional seconds, and malformed input.
#include "adapters/aws/sts_xml.h"

#include <gtest/gtest.h>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::system_clock;

// AWS's shape (STS API reference), pretty-printed, whole seconds.
constexpr std::string_view kAwsReply =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/audex-01</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:audex-01</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
      </SessionToken>
      <Expiration>2026-07-15T23:28:33Z</Expiration>
    </Credentials>
    <PackedPolicySize>8</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

// moto 5's shape: one line, six fractional digits.
constexpr std::string_view kMotoReply =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIARZPUZDIKCAPKFKKI</AccessKeyId><SecretAccessKey>pcaaOA+ErnAzhM7rl0vi1Ysuo/NV5f2EXAMPLE</SecretAccessKey><SessionToken>FQoGZXIvYXdzEBYaDtayoesM2kJFXiWOJCbIIIen+/=</SessionToken><Expiration>2026-11-28T17:05:48.678822Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROARZPUZDIKOUIV4FIUJ:s1</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/dev/s1</Arn></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>6h0p3WVcEK6c</RequestId></ResponseMetadata></AssumeRoleResponse>)";

// radosgw's shape: no namespace, AssumeRoleId, nine fractional digits.
constexpr std::string_view kRadosgwReply =
    R"(<?xml version="1.0" encoding="UTF-8"?><AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts:::assumed-role/S3Access/audex-7</Arn><AssumeRoleId>AROA0123:audex-7</AssumeRoleId></AssumedRoleUser><Credentials><AccessKeyId>0555b35654ad1656d804</AccessKeyId><Expiration>2026-11-28T17:05:48.123456789Z</Expiration><SecretAccessKey>h7GhxuBLTrlhVUyxSPUKUV8r/2EI4ngqJxD7iBdBYLhwluN30JaT3Q==</SecretAccessKey><SessionToken>tE0cDhQeRWbcSIbDbK7rUTUXmaY=</SessionToken></Credentials><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>tx0000</RequestId></ResponseMetadata></AssumeRoleResponse>)";

int64_t Nanos(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

TEST(StsXml, AwsAssumeRoleReply) {
  const auto role = ParseAssumeRoleReply(kAwsReply, "sts:AssumeRole of demo");
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role->credentials.secret_access_key.Reveal(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  // Whitespace around a pretty-printed token is not part of it.
  EXPECT_EQ(role->credentials.session_token.Reveal(),
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW");
  EXPECT_EQ(role->credentials.expiration, ParseRfc3339("2026-07-15T23:28:33Z"));
  EXPECT_EQ(role->credentials.source, "sts:AssumeRole of demo");
  EXPECT_EQ(role->assumed_role_id, "ARO123EXAMPLE123:audex-01");
  EXPECT_EQ(role->arn, "arn:aws:sts::123456789012:assumed-role/demo/audex-01");
  EXPECT_EQ(role->packed_policy_size, 8);
  EXPECT_EQ(role->source_identity, "alice");
}

TEST(StsXml, MotoAssumeRoleReplyWithMicroseconds) {
  const auto role = ParseAssumeRoleReply(kMotoReply, "s");
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->credentials.session_token.Reveal(),
            "FQoGZXIvYXdzEBYaDtayoesM2kJFXiWOJCbIIIen+/=");
  EXPECT_EQ(Nanos(*role->credentials.expiration),
            Nanos(*ParseRfc3339("2026-11-28T17:05:48Z")) + 678'822'000);
  EXPECT_EQ(role->packed_policy_size, 6);
  EXPECT_FALSE(role->source_identity);
}

TEST(StsXml, RadosgwAssumeRoleReplyWithNanoseconds) {
  const auto role = ParseAssumeRoleReply(kRadosgwReply, "s");
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->assumed_role_id, "AROA0123:audex-7");
  EXPECT_EQ(role->arn, "arn:aws:sts:::assumed-role/S3Access/audex-7");
  EXPECT_EQ(Nanos(*role->credentials.expiration),
            Nanos(*ParseRfc3339("2026-11-28T17:05:48Z")) + 123'456'789);
  EXPECT_EQ(role->packed_policy_size, 0);
}

TEST(StsXml, MissingPartsAreClearErrorsWithoutSecrets) {
  struct Case {
    std::string xml;
    std::string expected;
  };
  const std::string secret = "VERYSECRETVALUE";
  const std::vector<Case> cases = {
      {"<AssumeRoleResponse/>", "AssumeRoleResponse/AssumeRoleResult"},
      {"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "Credentials"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>" + secret +
           "</SecretAccessKey></Credentials></AssumeRoleResult></AssumeRoleResponse>",
       "Credentials/AccessKeyId"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
       "<SecretAccessKey>" +
           secret + "</SecretAccessKey></Credentials></AssumeRoleResult></AssumeRoleResponse>",
       "Credentials/SessionToken"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
       "<SecretAccessKey>" +
           secret + "</SecretAccessKey><SessionToken>" + secret +
           "</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>",
       "Credentials/Expiration"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
       "<SecretAccessKey>" +
           secret + "</SecretAccessKey><SessionToken>" + secret +
           "</SessionToken><Expiration>tomorrow</Expiration></Credentials></AssumeRoleResult>"
           "</AssumeRoleResponse>",
       "not an RFC 3339 time"},
      {"<AssumeRoleResponse><SecretAccessKey>" + secret + "</SecretAccess", "not valid XML"},
      {"not xml at all " + secret, "not valid XML"},
      {"", "not valid XML"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.xml);
    const auto role = ParseAssumeRoleReply(c.xml, "s");
    ASSERT_FALSE(role);
    EXPECT_EQ(role.error().kind, ErrorKind::kCredentials);
    EXPECT_NE(role.error().message.find(c.expected), std::string::npos) << role.error().message;
    EXPECT_EQ(role.error().message.find(secret), std::string::npos) << role.error().message;
  }
}

TEST(StsXml, CallerIdentity) {
  const auto identity = ParseCallerIdentityReply(
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/probe</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>)");
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->arn, "arn:aws:iam::123456789012:user/probe");
  EXPECT_EQ(identity->user_id, "AIDAEXAMPLE");
  EXPECT_FALSE(ParseCallerIdentityReply("<GetCallerIdentityResponse/>"));
  EXPECT_FALSE(ParseCallerIdentityReply("<<<"));
}

TEST(StsXml, ErrorShapeAwsWithNamespace) {
  const auto error = ParseStsErrorReply(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>MalformedPolicyDocument</Code>
    <Message>Syntax errors in policy.</Message>
  </Error>
  <RequestId>4a1ba3f0-0000</RequestId>
</ErrorResponse>)");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "MalformedPolicyDocument");
  EXPECT_EQ(error->message, "Syntax errors in policy.");
  EXPECT_EQ(error->type, "Sender");
  EXPECT_EQ(error->request_id, "4a1ba3f0-0000");
}

TEST(StsXml, ErrorShapeAwsWithoutNamespace) {
  const auto error = ParseStsErrorReply(
      "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security "
      "token included in the request is expired</Message></Error></ErrorResponse>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "ExpiredToken");
}

TEST(StsXml, ErrorShapeMotoErrors) {
  const auto error = ParseStsErrorReply(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error><Code>"
      "SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match "
      "the signature you provided.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_EQ(error->type, "Sender");
}

TEST(StsXml, ErrorShapeRadosgwBareWithEmptyMessage) {
  const auto error = ParseStsErrorReply(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidArgument</Code><Message>"
      "</Message><RequestId>tx000001</RequestId><HostId>abc-default</HostId></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "InvalidArgument");
  EXPECT_EQ(error->message, "");
  EXPECT_EQ(error->request_id, "tx000001");
}

TEST(StsXml, NotAnErrorDocument) {
  EXPECT_FALSE(ParseStsErrorReply(""));
  EXPECT_FALSE(ParseStsErrorReply("<html><body>502 Bad Gateway</body></html>"));
  EXPECT_FALSE(ParseStsErrorReply("<Error><Message>no code</Message></Error>"));
  EXPECT_FALSE(ParseStsErrorReply(kMotoReply));
  // An <Error> without a Code is skipped in favour of a later one with it.
  const auto later = ParseStsErrorReply(
      "<R><Error><Message>x</Message></Error><Errors><Error><Code>Throttling</Code></Error>"
      "</Errors></R>");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->code, "Throttling");
}

TEST(StsXml, DeeplyNestedInputDoesNotExhaustTheStack) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  EXPECT_FALSE(ParseStsErrorReply(deep));
  EXPECT_FALSE(ParseAssumeRoleReply(deep, "s"));
}

}  // namespace
}  // namespace audex
