// StsClient::GetScopedCredentials against a loopback server that speaks
// the documented wire format (STS API reference, API_GetScopedCredentials;
// no local implementation exists): it checks the form and the session-token
// header as STS would and answers with GetScopedCredentialsResponse.
#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <thread>

#include "adapters/aws/sts_client.h"
#include "adapters/http/curl_http_client.h"
#include "core/base/rfc3339.h"
#include "support/loopback_http_server.h"

namespace audex {
namespace {

using std::chrono::milliseconds;

const std::string kBaseToken = "BASE-SESSION-TOKEN-scoped";
const std::string kScopedSecret = "SCOPED/SECRET/VALUE";
const std::string kScopedToken = "SCOPED-TOKEN-VALUE";

// Answers POST / like STS: the Query API form, a session token on the
// request (GetScopedCredentials refuses long-lived keys), a duration in
// 1..129600, and the reply's Expiration = now + duration.
class ScopedStsServer {
 public:
  ScopedStsServer() {
    loopback_.http().Post("/", [this](const httplib::Request& request,
                                      httplib::Response& response) {
      ++calls_;
      last_policy_ = request.get_param_value("Policy");
      const auto fail = [&response](int status, const std::string& code) {
        response.status = status;
        response.set_content("<ErrorResponse><Error><Type>Sender</Type><Code>" + code +
                                 "</Code><Message>" + code + "</Message></Error></ErrorResponse>",
                             "text/xml");
      };
      if (request.get_param_value("Action") != "GetScopedCredentials" ||
          request.get_param_value("Version") != "2011-06-15") {
        return fail(400, "InvalidAction");
      }
      if (request.get_header_value("X-Amz-Security-Token") != kBaseToken ||
          request.get_header_value("Authorization").rfind("AWS4-HMAC-SHA256 Credential=ASIA", 0) !=
              0) {
        return fail(403, "AccessDenied");
      }
      int duration = 3600;
      if (request.has_param("DurationSeconds")) {
        const std::string text = request.get_param_value("DurationSeconds");
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), duration);
        if (ec != std::errc() || duration < 1 || duration > 129600) {
          return fail(400, "ValidationError");
        }
      }
      last_duration_ = duration;
      const std::string expiration =
          FormatRfc3339(std::chrono::system_clock::now() + std::chrono::seconds(duration));
      response.set_content(
          "<GetScopedCredentialsResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
          "<GetScopedCredentialsResult><Credentials><AccessKeyId>ASIASCOPED</AccessKeyId>"
          "<SecretAccessKey>" +
              kScopedSecret + "</SecretAccessKey><SessionToken>" + kScopedToken +
              "</SessionToken><Expiration>" + expiration +
              "</Expiration></Credentials><ScopedSession>"
              "<Arn>arn:aws:sts::123456789012:assumed-role/dev/alice</Arn>"
              "<ScopedSessionId>AROAEXAMPLE:alice</ScopedSessionId></ScopedSession>"
              "</GetScopedCredentialsResult><ResponseMetadata><RequestId>1</RequestId>"
              "</ResponseMetadata></GetScopedCredentialsResponse>",
          "text/xml");
    });
    loopback_.Start();
  }
  std::string Url() const { return loopback_.Url(); }
  int calls() const { return calls_; }
  std::string last_policy() const { return last_policy_; }
  int last_duration() const { return last_duration_; }

 private:
  std::atomic<int> calls_{0};
  std::string last_policy_;
  int last_duration_ = 0;
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its routes use
};

AwsCredentials TemporaryBase() {
  AwsCredentials base;
  base.access_key_id = "ASIABASE";
  base.secret_access_key = SecretString("base-secret-scoped");
  base.session_token = SecretString(kBaseToken);
  base.source = "environment";
  return base;
}

StsClientOptions OptionsFor(const std::string& url) {
  StsClientOptions options;
  options.endpoint = url;
  options.region = "eu-west-1";
  options.retry.max_attempts = 1;
  return options;
}

const std::string kPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";

TEST(StsScopedLoopback, NarrowsTemporaryCredentialsForSeconds) {
  ScopedStsServer server;
  CurlHttpClient http;
  StsClient sts(http, OptionsFor(server.Url()));
  const auto before = std::chrono::system_clock::now();
  auto scoped = sts.GetScopedCredentials({kPolicy, std::chrono::seconds(30)}, TemporaryBase());
  ASSERT_TRUE(scoped) << scoped.error().message;
  EXPECT_EQ(server.calls(), 1);
  EXPECT_EQ(server.last_policy(), kPolicy);  // the exact text, decoded by the server
  EXPECT_EQ(server.last_duration(), 30);
  EXPECT_EQ(scoped->credentials.access_key_id, "ASIASCOPED");
  EXPECT_EQ(scoped->credentials.session_token.Reveal(), kScopedToken);
  EXPECT_EQ(scoped->credentials.source, "sts:GetScopedCredentials");
  ASSERT_TRUE(scoped->credentials.expiration);
  EXPECT_LE(*scoped->credentials.expiration - before, std::chrono::seconds(32));
  EXPECT_EQ(scoped->scoped_session_id, "AROAEXAMPLE:alice");
}

TEST(StsScopedLoopback, LongLivedKeysAreRefusedBeforeAnyCall) {
  ScopedStsServer server;
  CurlHttpClient http;
  StsClient sts(http, OptionsFor(server.Url()));
  AwsCredentials base = TemporaryBase();
  base.access_key_id = "AKIALONGLIVED";
  base.session_token = SecretString();
  auto scoped = sts.GetScopedCredentials({kPolicy, std::chrono::seconds(30)}, base);
  ASSERT_FALSE(scoped);
  EXPECT_EQ(scoped.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(scoped.error().message.find("long-lived"), std::string::npos);
  EXPECT_NE(scoped.error().message.find("get-session-token"), std::string::npos);
  EXPECT_EQ(server.calls(), 0);
}

TEST(StsScopedLoopback, ServerRefusalIsAClearErrorWithoutSecrets) {
  ScopedStsServer server;
  CurlHttpClient http;
  StsClient sts(http, OptionsFor(server.Url()));
  AwsCredentials base = TemporaryBase();
  base.session_token = SecretString("some-other-token-value");
  auto scoped = sts.GetScopedCredentials({kPolicy, std::chrono::seconds(30)}, base);
  ASSERT_FALSE(scoped);
  EXPECT_NE(scoped.error().message.find("AccessDenied"), std::string::npos);
  EXPECT_NE(scoped.error().message.find("GetScopedCredentials"), std::string::npos);
  EXPECT_EQ(scoped.error().message.find("some-other-token-value"), std::string::npos);
  EXPECT_EQ(scoped.error().message.find("base-secret-scoped"), std::string::npos);
}

}  // namespace
}  // namespace audex
