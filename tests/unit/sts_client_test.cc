// StsClient against a scripted HttpClient: the request it sends, retries
// and backoff, error advice, and that no secret leaks into any message.
#include "adapters/aws/sts_client.h"

#include <gtest/gtest.h>

#include <deque>

#include "core/base/rfc3339.h"
#include "core/wire/url.h"
#include "support/form_body.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Replays scripted results and records what it was sent.
HttpResult Reply(int status, std::string body) { return HttpResponse{status, {}, std::move(body)}; }
HttpResult Failure(HttpFailureKind kind) {
  return tl::unexpected(HttpFailure{kind, "http://127.0.0.1:1: simulated"});
}
HttpResult ErrorReply(int status, const std::string& code, const std::string& message = "") {
  return Reply(status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + code +
                           "</Code><Message>" + message + "</Message></Error></ErrorResponse>");
}

// Secrets both ways: those Audex signs with, and those STS issues.
const std::string kBaseSecret = "BASE/SECRET+KEY/0123456789abcdefghijklmn";
const std::string kBaseToken = "BASE-SESSION-TOKEN-FwoGZXIvYXdzEJr";
const std::string kIssuedSecret = "ISSUED/SECRET/KEY+0123456789";
const std::string kIssuedToken = "ISSUED-SESSION-TOKEN-IQoJb3JpZ2lu";

std::string SuccessBody() {
  return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAISSUED</AccessKeyId>"
         "<SecretAccessKey>" +
         kIssuedSecret + "</SecretAccessKey><SessionToken>" + kIssuedToken +
         "</SessionToken><Expiration>2026-01-01T00:15:00.5Z</Expiration></Credentials>"
         "<AssumedRoleUser><AssumedRoleId>AROA:audex-1</AssumedRoleId><Arn>arn:aws:sts::1:"
         "assumed-role/dev/audex-1</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
}

AwsCredentials Base(bool temporary = false) {
  AwsCredentials base;
  base.access_key_id = "AKIABASEEXAMPLE";
  base.secret_access_key = SecretString(kBaseSecret);
  if (temporary) base.session_token = SecretString(kBaseToken);
  base.source = "environment";
  return base;
}

AssumeRoleRequest Request() {
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/dev";
  request.role_session_name = "audex-1";
  request.duration_seconds = seconds(900);
  request.policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::my bucket/*"}]})";
  return request;
}

struct Harness {
  ScriptedHttpClient http;
  std::vector<milliseconds> sleeps;
  StsClient client;

  Harness()
      : client(http, [this] {
          StsClientOptions options;
          options.endpoint = "http://127.0.0.1:5000";
          options.region = "eu-west-1";
          options.retry.max_attempts = 4;
          options.retry.base_delay = milliseconds(100);
          options.retry.max_delay = milliseconds(1000);
          options.sleep = [this](milliseconds delay) { sleeps.push_back(delay); };
          options.random01 = [] { return 0.5; };
          options.clock = [] { return *ParseRfc3339("2026-01-01T00:00:00Z"); };
          return options;
        }()) {}
};

std::string BodyParameter(const std::string& body, const std::string& name) {
  const auto fields = DecodeForm(body);
  const auto field = fields.find(name);
  return field == fields.end() ? "<absent>" : field->second;
}

TEST(StsClient, AssumeRoleSendsASignedFormPost) {
  Harness h;
  h.http.script.push_back(Reply(200, SuccessBody()));
  AssumeRoleRequest request = Request();
  request.source_identity = "alice@example.com";
  const auto role = h.client.AssumeRole(request, Base(true));
  ASSERT_TRUE(role) << role.error().message;
  ASSERT_EQ(h.http.sent.size(), 1u);
  const HttpRequest& sent = h.http.sent[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:5000/");
  // Spaces as %20, never '+', because radosgw does not decode '+'.
  EXPECT_EQ(sent.body.find('+'), std::string::npos);
  EXPECT_NE(sent.body.find("my%20bucket"), std::string::npos);
  EXPECT_EQ(BodyParameter(sent.body, "Action"), "AssumeRole");
  EXPECT_EQ(BodyParameter(sent.body, "Version"), "2011-06-15");
  EXPECT_EQ(BodyParameter(sent.body, "RoleArn"), request.role_arn);
  EXPECT_EQ(BodyParameter(sent.body, "RoleSessionName"), "audex-1");
  EXPECT_EQ(BodyParameter(sent.body, "DurationSeconds"), "900");
  EXPECT_EQ(BodyParameter(sent.body, "Policy"), request.policy);
  EXPECT_EQ(BodyParameter(sent.body, "SourceIdentity"), "alice@example.com");
  bool has_token = false;
  std::string authorization;
  for (const auto& [name, value] : sent.headers) {
    if (name == "X-Amz-Security-Token") has_token = value == kBaseToken;
    if (name == "Authorization") authorization = value;
  }
  EXPECT_TRUE(has_token);
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIABASEEXAMPLE/20260101/eu-west-1/sts/aws4_request"));

  EXPECT_EQ(role->credentials.access_key_id, "ASIAISSUED");
  EXPECT_EQ(role->credentials.secret_access_key.Reveal(), kIssuedSecret);
  EXPECT_EQ(role->credentials.session_token.Reveal(), kIssuedToken);
  EXPECT_EQ(role->credentials.source, "sts:AssumeRole of arn:aws:iam::123456789012:role/dev");
  EXPECT_EQ(role->arn, "arn:aws:sts::1:assumed-role/dev/audex-1");
  EXPECT_EQ(h.client.last_attempts(), 1);
}

TEST(StsClient, NoPolicyParameterWhenThereIsNone) {
  Harness h;
  h.http.script.push_back(Reply(200, SuccessBody()));
  AssumeRoleRequest request = Request();
  request.policy.clear();
  ASSERT_TRUE(h.client.AssumeRole(request, Base()));
  EXPECT_EQ(BodyParameter(h.http.sent[0].body, "Policy"), "<absent>");
  EXPECT_EQ(BodyParameter(h.http.sent[0].body, "SourceIdentity"), "<absent>");
}

TEST(StsClient, RetriesServerErrorsThenSucceeds) {
  Harness h;
  h.http.script = {ErrorReply(500, "InternalFailure"), Reply(503, "Service Unavailable"),
                   Reply(200, SuccessBody())};
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(h.client.last_attempts(), 3);
  // Full jitter with random 0.5: half of 100 ms, then half of 200 ms.
  EXPECT_EQ(h.sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(100)}));
}

TEST(StsClient, RetriesThrottlingAndConnectionFailures) {
  Harness h;
  h.http.script = {ErrorReply(400, "Throttling", "Rate exceeded"),
                   Failure(HttpFailureKind::kConnect), Failure(HttpFailureKind::kTimeout),
                   Reply(200, SuccessBody())};
  ASSERT_TRUE(h.client.AssumeRole(Request(), Base()));
  EXPECT_EQ(h.client.last_attempts(), 4);
  EXPECT_EQ(h.sleeps.size(), 3u);
}

TEST(StsClient, GivesUpAfterBoundedAttempts) {
  Harness h;
  for (int i = 0; i < 10; ++i) h.http.script.push_back(ErrorReply(400, "ThrottlingException"));
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(h.http.sent.size(), 4u);
  EXPECT_EQ(h.sleeps.size(), 3u);
  EXPECT_EQ(role.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(role.error().message.find("after 4 attempts"), std::string::npos)
      << role.error().message;
  EXPECT_NE(role.error().message.find("ThrottlingException"), std::string::npos);
}

TEST(StsClient, TimeoutsExhaustedSayTimeout) {
  Harness h;
  for (int i = 0; i < 4; ++i) h.http.script.push_back(Failure(HttpFailureKind::kTimeout));
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("timeout"), std::string::npos) << role.error().message;
  EXPECT_NE(role.error().message.find("after 4 attempts"), std::string::npos);
}

TEST(StsClient, NeverRetriesClientErrors) {
  for (const char* code : {"AccessDenied", "MalformedPolicyDocument", "PackedPolicyTooLarge",
                           "ValidationError", "ExpiredToken", "InvalidClientTokenId",
                           "SignatureDoesNotMatch", "RequestExpired", "InvalidArgument"}) {
    SCOPED_TRACE(code);
    Harness h;
    h.http.script = {ErrorReply(400, code), Reply(200, SuccessBody())};
    const auto role = h.client.AssumeRole(Request(), Base());
    ASSERT_FALSE(role);
    EXPECT_EQ(h.http.sent.size(), 1u);
    EXPECT_TRUE(h.sleeps.empty());
    EXPECT_NE(role.error().message.find(code), std::string::npos);
  }
}

TEST(StsClient, TlsFailuresAreNotRetried) {
  Harness h;
  h.http.script = {Failure(HttpFailureKind::kTls), Reply(200, SuccessBody())};
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(h.http.sent.size(), 1u);
  EXPECT_NE(role.error().message.find("AWS_CA_BUNDLE"), std::string::npos);
}

TEST(StsClient, GarbageReplyIsAClearError) {
  Harness h;
  h.http.script = {Reply(200, "\x01\x02<<not xml")};
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("not valid XML"), std::string::npos);
}

TEST(StsClient, NonStsErrorPageIsAClearError) {
  Harness h;
  h.http.script = {Reply(404, "<html>Not Found</html>")};
  const auto role = h.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("HTTP 404 without an STS error document"), std::string::npos);
}

TEST(StsClient, InvalidRequestsFailBeforeAnyCall) {
  Harness h;
  AssumeRoleRequest request = Request();
  request.role_session_name = "has space";
  auto role = h.client.AssumeRole(request, Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().kind, ErrorKind::kUsage);
  request = Request();
  request.duration_seconds = seconds(300);
  role = h.client.AssumeRole(request, Base());
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("900"), std::string::npos);
  request = Request();
  request.role_arn.clear();
  role = h.client.AssumeRole(request, Base());
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("AUDEX_ROLE_ARN"), std::string::npos);
  request = Request();
  request.source_identity = "aws:reserved";
  EXPECT_FALSE(h.client.AssumeRole(request, Base()));
  EXPECT_TRUE(h.http.sent.empty());
}

TEST(StsClient, GetCallerIdentity) {
  Harness h;
  h.http.script = {Reply(
      200,
      "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDA1</UserId><Account>1234"
      "</Account><Arn>arn:aws:iam::1234:user/u</Arn></GetCallerIdentityResult>"
      "</GetCallerIdentityResponse>")};
  const auto identity = h.client.GetCallerIdentity(Base());
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "1234");
  EXPECT_EQ(h.http.sent[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
}

// Every error path, with a server that even echoes back the secrets it was
// sent, and replies that carry issued secrets but cannot be read: no
// message may contain a secret key or session token, base or issued, and
// every message names the access key id so the user knows which key failed.
std::vector<std::vector<HttpResult>> ErrorScripts(const std::string& echo) {
  std::vector<std::vector<HttpResult>> scripts;
  for (const char* code :
       {"AccessDenied", "MalformedPolicyDocument", "PackedPolicyTooLarge", "ValidationError",
        "ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch", "RequestExpired",
        "RegionDisabledException", "InvalidArgument", "SomethingNew"}) {
    scripts.push_back({ErrorReply(400, code, echo)});
  }
  scripts.push_back({ErrorReply(400, "ValidationError", "role chaining " + echo)});
  scripts.push_back({ErrorReply(400, "ValidationError", "MaxSessionDuration " + echo)});
  scripts.push_back(std::vector<HttpResult>(4, ErrorReply(400, "Throttling", echo)));
  scripts.push_back(std::vector<HttpResult>(4, ErrorReply(500, "InternalFailure", echo)));
  scripts.push_back(std::vector<HttpResult>(4, Failure(HttpFailureKind::kTimeout)));
  scripts.push_back({Failure(HttpFailureKind::kTls)});
  scripts.push_back({Reply(403, echo)});
  const std::string issued = kIssuedSecret + " " + kIssuedToken;
  scripts.push_back({Reply(200, "<AssumeRoleResponse>" + issued)});
  scripts.push_back({Reply(200, "<GetCallerIdentityResponse>" + issued)});
  scripts.push_back({Reply(
      200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><SessionToken>" + kIssuedToken +
               "</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>")});
  scripts.push_back(
      {Reply(200,
             "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A"
             "</AccessKeyId><SecretAccessKey>" +
                 kIssuedSecret + "</SecretAccessKey><SessionToken>" + kIssuedToken +
                 "</SessionToken><Expiration>" + kIssuedToken +
                 "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")});
  return scripts;
}

TEST(StsClient, NoSecretInAnyErrorMessage) {
  int checked = 0;
  for (const bool temporary : {false, true}) {
    const std::string echo = temporary ? kBaseSecret + " " + kBaseToken : kBaseSecret;
    for (const auto& script : ErrorScripts(echo)) {
      Harness h;
      h.http.script.assign(script.begin(), script.end());
      const auto role = h.client.AssumeRole(Request(), Base(temporary));
      ASSERT_FALSE(role);
      h.http.script.assign(script.begin(), script.end());
      const auto identity = h.client.GetCallerIdentity(Base(temporary));
      for (const std::string* message :
           {&role.error().message, identity ? nullptr : &identity.error().message}) {
        if (message == nullptr) continue;
        ++checked;
        for (const std::string& secret : {kBaseSecret, kBaseToken, kIssuedSecret, kIssuedToken}) {
          EXPECT_EQ(message->find(secret), std::string::npos) << *message;
        }
        EXPECT_NE(message->find("AKIABASEEXAMPLE"), std::string::npos) << *message;
      }
    }
  }
  EXPECT_GT(checked, 40);
}

}  // namespace
}  // namespace audex
