// "Secrets stay secret" where a server's reply flows into an error message:
// a loopback server (cpp-httplib) that refuses every request with an error
// document of the service's own wire format whose message echoes the
// secret it was sent (as an echoing proxy, a debug endpoint or a careless
// OAuth server does). The error Audex makes of the reply must hold neither
// the secret nor any sizeable piece of it: messages are cut to a bounded
// length, and a cut must not leave a secret's beginning behind.
#include <httplib.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/anthropic/messages_client.h"
#include "adapters/aws/cloudtrail_client.h"
#include "adapters/aws/iam_client.h"
#include "adapters/aws/sts_client.h"
#include "adapters/azure/azure_credentials.h"
#include "adapters/gcp/gcp_credentials.h"
#include "adapters/gcp/gcp_iam_client.h"
#include "adapters/http/curl_http_client.h"
#include "support/loopback_http_server.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

using Json = nlohmann::json;

// A server on 127.0.0.1 whose every GET and POST is answered by `respond`.
class EchoServer {
 public:
  using Responder = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit EchoServer(Responder respond) : respond_(std::move(respond)) {
    const auto handle = [this](const httplib::Request& request, httplib::Response& response) {
      respond_(request, response);
    };
    loopback_.http().Post(".*", handle);
    loopback_.http().Get(".*", handle);
    loopback_.Start();
  }
  std::string Url() const { return loopback_.Url(); }

 private:
  Responder respond_;
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its routes use
};

// A secret as long as a real STS session token (several hundred base64
// characters), so that it cannot fit whole into a message cut at a few
// hundred characters.
std::string LongSecret(const std::string& tag) {
  std::string secret = tag;
  while (secret.size() < 700) secret += "/AbCdEfGh+IjKlMnOp" + std::to_string(secret.size());
  return secret;
}

// No piece of `secret` of 12 characters or more appears in `text`.
void ExpectNoPieceOf(const std::string& secret, const std::string& text) {
  constexpr size_t kPiece = 12;
  ASSERT_GE(secret.size(), kPiece);
  for (size_t at = 0; at + kPiece <= secret.size(); ++at) {
    const std::string piece = secret.substr(at, kPiece);
    ASSERT_EQ(text.find(piece), std::string::npos)
        << "the message holds \"" << piece << "\", part of a secret, at offset " << at
        << " of the secret:\n"
        << text;
  }
}

AwsCredentials TemporaryBase() {
  AwsCredentials base;
  base.access_key_id = "ASIAECHOBASE";
  base.secret_access_key = SecretString("echo/base/SECRET+access+key+0123456789ab");
  base.session_token = SecretString(LongSecret("IQoJb3JpZ2luX2VjEchoSessionToken"));
  base.source = "environment";
  return base;
}

CurlHttpClient FastClient() {
  CurlHttpOptions options;
  options.timeouts.connect = std::chrono::milliseconds(2000);
  options.timeouts.total = std::chrono::milliseconds(5000);
  return CurlHttpClient(options);
}

// The STS/IAM Query error document (ErrorResponse/Error/{Type,Code,Message}),
// its Message echoing the session token the request carried, after text
// long enough that the token straddles the point where the message is cut.
void EchoTokenAsQueryError(const httplib::Request& request, httplib::Response& response) {
  const std::string token = request.get_header_value("X-Amz-Security-Token");
  response.status = 403;
  response.set_content(
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>The request "
      "was refused by the echoing proxy in front of the service; it quotes the request's "
      "security token so that an operator can see which session sent it, which is exactly what "
      "a careful client must not pass on to its user's terminal or audit log: token=" +
          token + "</Message></Error><RequestId>echo-1</RequestId></ErrorResponse>",
      "text/xml");
}

TEST(SecretEcho, StsErrorQuotingTheSessionTokenHoldsNoPieceOfIt) {
  EchoServer server(EchoTokenAsQueryError);
  CurlHttpClient http = FastClient();
  StsClientOptions options;
  options.endpoint = server.Url();
  options.sleep = [](std::chrono::milliseconds) {};
  StsClient sts(http, options);
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/Echo";
  request.role_session_name = "audex-echo";
  request.duration_seconds = std::chrono::seconds(900);
  const AwsCredentials base = TemporaryBase();

  const auto role = sts.AssumeRole(request, base);
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("AccessDenied"), std::string::npos) << role.error().message;
  EXPECT_NE(role.error().message.find("token=****"), std::string::npos) << role.error().message;
  ExpectNoPieceOf(base.session_token.Reveal(), role.error().message);
  ExpectNoPieceOf(base.secret_access_key.Reveal(), role.error().message);
}

TEST(SecretEcho, IamErrorQuotingTheSessionTokenHoldsNoPieceOfIt) {
  EchoServer server(EchoTokenAsQueryError);
  CurlHttpClient http = FastClient();
  IamClientOptions options;
  options.endpoint = server.Url();
  options.retry.sleep = [](std::chrono::milliseconds) {};
  IamClient iam(http, options);
  const AwsCredentials base = TemporaryBase();

  const auto role = iam.GetRole("arn:aws:iam::123456789012:role/Echo", base);
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("iam:GetRole"), std::string::npos) << role.error().message;
  ExpectNoPieceOf(base.session_token.Reveal(), role.error().message);
}

TEST(SecretEcho, CloudTrailErrorQuotingTheSessionTokenHoldsNoPieceOfIt) {
  // JSON 1.1 errors: {"__type": ..., "message": ...}.
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 400;
    response.set_content(Json{{"__type", "InvalidLookupAttributesException"},
                              {"message", "echo of X-Amz-Security-Token: " +
                                              request.get_header_value("X-Amz-Security-Token")}}
                             .dump(),
                         "application/x-amz-json-1.1");
  });
  CurlHttpClient http = FastClient();
  CloudTrailClientOptions options;
  options.endpoint = server.Url();
  options.sleep = [](std::chrono::milliseconds) {};
  CloudTrailClient cloudtrail(http, options);
  const AwsCredentials base = TemporaryBase();

  const auto page =
      cloudtrail.LookupEvents(base, "ASIALEARN", std::chrono::system_clock::now(), std::nullopt);
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("InvalidLookupAttributesException"), std::string::npos)
      << page.error().message;
  ExpectNoPieceOf(base.session_token.Reveal(), page.error().message);
}

TEST(SecretEcho, GoogleRefreshGrantErrorEchoingTheRefreshTokenAndClientSecretHoldsNeither) {
  const std::string refresh_token = "1//0gEchoRefreshToken-abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string client_secret = "GOCSPX-EchoClient+Secret/0123456789";
  // An OAuth 2.0 error reply (RFC 6749 5.2) whose description quotes the
  // grant it refuses, decoded and as sent (form-encoded).
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 400;
    response.set_content(
        Json{{"error", "invalid_grant"},
             {"error_description",
              "Bad Request: refresh_token=" + request.get_param_value("refresh_token") +
                  " client_secret=" + request.get_param_value("client_secret") +
                  " in the request " + request.body}}
            .dump(),
        "application/json");
  });
  TempDir dir("audex-secret-echo");
  const std::filesystem::path adc = dir.path() / "adc.json";
  std::ofstream(adc) << Json{
      {"type", "authorized_user"},
      {"client_id", "echo.apps.googleusercontent.com"},
      {"client_secret", client_secret},
      {"refresh_token",
       refresh_token}}.dump();
  const std::string oauth_url = server.Url() + "/token";
  const EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "GOOGLE_APPLICATION_CREDENTIALS") return adc.string();
    if (name == "AUDEX_GCP_OAUTH_TOKEN_URL") return oauth_url;
    return std::nullopt;
  };
  CurlHttpClient http = FastClient();

  const auto token = ResolveGcpBaseToken(env, http, http);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("invalid_grant"), std::string::npos)
      << token.error().message;
  ExpectNoPieceOf(refresh_token, token.error().message);
  ExpectNoPieceOf(client_secret, token.error().message);
}

TEST(SecretEcho, GoogleGenerateAccessTokenErrorEchoingTheBearerTokenHoldsNoPieceOfIt) {
  // Google's JSON error ({"error": {"code", "message", "status"}}).
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 403;
    response.set_content(
        Json{{"error",
              {{"code", 403},
               {"status", "PERMISSION_DENIED"},
               {"message", "caller " + request.get_header_value("Authorization") + " denied"}}}}
            .dump(),
        "application/json");
  });
  CurlHttpClient http = FastClient();
  GcpEndpoints endpoints;
  endpoints.iamcredentials_url = server.Url();
  GcpAccessToken base;
  base.token = SecretString(LongSecret("ya29.a0EchoBaseBearer"));
  base.source = "CLOUDSDK_AUTH_ACCESS_TOKEN";

  const auto token = GenerateAccessToken(http, endpoints, base, "sa@p.iam.gserviceaccount.com",
                                         std::chrono::seconds(900));
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("PERMISSION_DENIED"), std::string::npos)
      << token.error().message;
  ExpectNoPieceOf(base.token.Reveal(), token.error().message);
}

TEST(SecretEcho, EntraClientCredentialsErrorEchoingTheClientSecretHoldsNoPieceOfIt) {
  const std::string client_secret = "Echo~Q8Q~Client+Secret/Value.0123456789abcdef";
  // Entra ID's error reply: {"error": ..., "error_description": "AADSTS...: ..."}.
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 401;
    response.set_content(
        Json{{"error", "invalid_client"},
             {"error_description", "AADSTS7000215: Invalid client secret provided: '" +
                                       request.get_param_value("client_secret") +
                                       "' in the request " + request.body}}
            .dump(),
        "application/json");
  });
  const auto cloud = ResolveAzureCloud(std::nullopt, server.Url());
  ASSERT_TRUE(cloud) << cloud.error().message;
  const EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "AZURE_CLIENT_ID") return "00000000-0000-0000-0000-00000000echo";
    if (name == "AZURE_CLIENT_SECRET") return client_secret;
    if (name == "AZURE_TENANT_ID") return "11111111-1111-1111-1111-11111111echo";
    return std::nullopt;
  };
  CurlHttpClient http = FastClient();

  const auto token = ResolveAzureToken(env, *cloud, http, http);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("AADSTS7000215"), std::string::npos)
      << token.error().message;
  ExpectNoPieceOf(client_secret, token.error().message);
}

TEST(SecretEcho, ManagedIdentityErrorEchoingTheIdentityHeaderHoldsNoPieceOfIt) {
  const std::string identity_header = "echo-identity-header-0123456789abcdef";
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 400;
    response.set_content(
        Json{{"error", "invalid_request"},
             {"error_description",
              "unexpected X-IDENTITY-HEADER " + request.get_header_value("X-IDENTITY-HEADER")}}
            .dump(),
        "application/json");
  });
  const auto cloud = ResolveAzureCloud(std::nullopt, std::nullopt);
  ASSERT_TRUE(cloud) << cloud.error().message;
  const std::string endpoint = server.Url() + "/msi/token";
  const EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "IDENTITY_ENDPOINT") return endpoint;
    if (name == "IDENTITY_HEADER") return identity_header;
    return std::nullopt;
  };
  CurlHttpClient http = FastClient();

  const auto token = ResolveAzureToken(env, *cloud, http, http);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("invalid_request"), std::string::npos)
      << token.error().message;
  ExpectNoPieceOf(identity_header, token.error().message);
}

TEST(SecretEcho, AnthropicErrorEchoingTheApiKeyPastTheCutHoldsNoPieceOfIt) {
  // The API's error shape; the key starts 280 characters into the message,
  // across the point where Audex cuts a quoted message.
  EchoServer server([](const httplib::Request& request, httplib::Response& response) {
    response.status = 401;
    response.set_content(
        Json{{"type", "error"},
             {"error",
              {{"type", "authentication_error"},
               {"message", std::string(280, '.') + request.get_header_value("x-api-key")}}}}
            .dump(),
        "application/json");
  });
  CurlHttpClient http = FastClient();
  AnthropicOptions options;
  options.base_url = server.Url();
  options.api_key = SecretString(
      "sk-ant-api03-EchoEchoEcho0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
      "VWXYZ0123456789-EchoAA");
  options.sleep = [](std::chrono::milliseconds) {};
  AnthropicMessagesClient client(http, options);

  const auto answer = client.Ask("system", "user");
  ASSERT_FALSE(answer);
  EXPECT_NE(answer.error().message.find("authentication_error"), std::string::npos)
      << answer.error().message;
  ExpectNoPieceOf(options.api_key.Reveal(), answer.error().message);
}

}  // namespace
}  // namespace audex
