// Azure clouds, token expiry forms, the child's environment and the token
// sources with a scripted HTTP client.
#include "core/credentials/azure_identity.h"

#include <gtest/gtest.h>

#include <map>

#include "adapters/azure/azure_credentials.h"
#include "core/credentials/child_env.h"
#include "core/wire/url.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

TEST(ResolveAzureCloud, KnowsThePublicAndSovereignClouds) {
  EXPECT_EQ(ResolveAzureCloud(std::nullopt, std::nullopt)->arm_resource,
            "https://management.azure.com/");
  auto gov = ResolveAzureCloud("AzureUSGovernment", std::nullopt);
  ASSERT_TRUE(gov);
  EXPECT_EQ(gov->authority_host, "https://login.microsoftonline.us");
  EXPECT_EQ(gov->arm_resource, "https://management.usgovcloudapi.net/");
  EXPECT_EQ(ResolveAzureCloud("azurechinacloud", std::nullopt)->name, "AzureChinaCloud");
  EXPECT_EQ(ResolveAzureCloud(std::nullopt, "https://login.example/")->authority_host,
            "https://login.example");
  auto bad = ResolveAzureCloud("Mars", std::nullopt);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kUsage);
}

TEST(AzureTokenExpiry, ReadsEveryFormTheEndpointsUse) {
  const TimePoint now(seconds(1700000000));
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_on", "1700003600"}}, now),
            TimePoint(seconds(1700003600)));
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_on", 1700003600}}, now),
            TimePoint(seconds(1700003600)));
  // App Service 2017-09-01: 11/14/2023 22:13:20 +00:00 is 1700000000 + 3600.
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_on", "11/14/2023 23:13:20 +00:00"}}, now),
            TimePoint(seconds(1700003600)));
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_in", 3599}}, now), now + seconds(3599));
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_in", "60"}}, now), now + seconds(60));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"other", 1}}, now));
}

TEST(AzureTokenExpiry, RefusesValuesThatWouldOverflowTheClock) {
  // Found by fuzz/cloud_identity_fuzzer: now + 77777777777198 s overflowed.
  const TimePoint now(seconds(1700000000));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_in", "77777777777198"}}, now));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_in", -5}}, now));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", 999999999999999999LL}}, now));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", "13/45/2023 99:13:20 +00:00"}}, now));
  // Found by fuzz/cloud_identity_fuzzer: year 2723 overflowed the nanosecond
  // clock in from_time_t. So does any epoch past 2262, e.g. 9999-12-31.
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", "11/14/2723 23:13:20 +00:00"}}, now));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", 253402300799LL}}, now));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", "253402300799"}}, now));
  EXPECT_TRUE(AzureTokenExpiry(nlohmann::json{{"expires_on", "12/31/2199 23:59:59 +00:00"}}, now));
}

TEST(AzureTokenExpiry, AppServiceTimeHonoursTheCalendarAndTheOffset) {
  const TimePoint now(seconds(1700000000));
  // No 31 February: timegm would have made it 3 March.
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", "02/31/2024 10:00:00 +00:00"}}, now));
  EXPECT_TRUE(AzureTokenExpiry(nlohmann::json{{"expires_on", "02/29/2024 10:00:00 +00:00"}}, now));
  // 18:13:20 at -05:00 is 23:13:20 UTC.
  EXPECT_EQ(AzureTokenExpiry(nlohmann::json{{"expires_on", "11/14/2023 18:13:20 -05:00"}}, now),
            TimePoint(seconds(1700003600)));
  EXPECT_FALSE(AzureTokenExpiry(nlohmann::json{{"expires_on", "11/14/2023 23:13:20 *00:00"}}, now));
}

TEST(JwtTenantId, ReadsTheTidClaim) {
  // {"tid":"t-1"} base64url-encoded: eyJ0aWQiOiJ0LTEifQ
  EXPECT_EQ(JwtTenantId("eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0LTEifQ.sig"), "t-1");
  EXPECT_FALSE(JwtTenantId("not-a-jwt"));
  EXPECT_FALSE(JwtTenantId("a.b.c"));
}

TEST(AzureCliProfileJson, IsAManagedIdentityLoginForTheSubscription) {
  const auto profile =
      nlohmann::json::parse(AzureCliProfileJson("sub-1", "tenant-1", "AzureCloud"));
  const auto& subscription = profile["subscriptions"][0];
  EXPECT_EQ(subscription["id"], "sub-1");
  EXPECT_EQ(subscription["tenantId"], "tenant-1");
  EXPECT_EQ(subscription["isDefault"], true);
  EXPECT_EQ(subscription["environmentName"], "AzureCloud");
  EXPECT_EQ(subscription["user"]["assignedIdentityInfo"], "MSI");
}

TEST(ComputeAzureChildEnvironment, ReplacesTheParentsIdentityWithTheSessionEndpoint) {
  AzureChildInput input;
  input.parent = {{"PATH", "/usr/bin"},
                  {"AZURE_CLIENT_ID", "app"},
                  {"AZURE_CLIENT_SECRET", "s3cret"},
                  {"AZURE_TENANT_ID", "t"},
                  {"MSI_ENDPOINT", "http://169.254.169.254/x"},
                  {"MSI_SECRET", "msi-secret"},
                  {"AZURE_CONFIG_DIR", "/home/u/.azure"},
                  {"ARM_CLIENT_SECRET", "tf-secret"},
                  {"AZURE_CLOUD", "AzureCloud"}};
  input.msi_endpoint = "http://127.0.0.1:5/s/msi/token";
  input.identity_endpoint = "http://127.0.0.1:5/s/identity/token";
  input.identity_header = "s";
  input.config_dir = "/tmp/audex-az-x";
  input.subscription_id = "sub";
  input.session_id = "id1";
  const Environment child = ComputeAzureChildEnvironment(input);
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : child) {
    EXPECT_TRUE(env.emplace(name, value).second) << name << " twice";
  }
  EXPECT_EQ(env.at("MSI_ENDPOINT"), input.msi_endpoint);
  EXPECT_EQ(env.at("IDENTITY_ENDPOINT"), input.identity_endpoint);
  EXPECT_EQ(env.at("IDENTITY_HEADER"), "s");
  EXPECT_EQ(env.at("AZURE_CONFIG_DIR"), "/tmp/audex-az-x");
  EXPECT_EQ(env.at("AZURE_SUBSCRIPTION_ID"), "sub");
  EXPECT_EQ(env.at("AZURE_CLOUD"), "AzureCloud");
  for (const char* gone : {"AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID",
                           "MSI_SECRET", "ARM_CLIENT_SECRET"}) {
    EXPECT_EQ(env.count(gone), 0u) << gone;
  }
}

// Off the script, a refused connection (as from an unreachable server).
struct ScriptedHttp : ScriptedHttpClient {
  ScriptedHttp() { when_done = {HttpFailureKind::kConnect, "refused"}; }
};

EnvLookup Env(std::map<std::string, std::string> values) { return MapEnv(std::move(values)); }

AzureCloud Public() { return *ResolveAzureCloud(std::nullopt, "http://127.0.0.1:9"); }

TEST(ResolveAzureToken, ClientCredentialsGrantForArm) {
  ScriptedHttp http, imds;
  http.script.push_back(
      HttpResponse{200, {}, R"({"token_type":"Bearer","expires_in":3599,"access_token":"tok-1"})"});
  auto token = ResolveAzureToken(Env({{"AZURE_CLIENT_ID", "app"},
                                      {"AZURE_CLIENT_SECRET", "s3cret"},
                                      {"AZURE_TENANT_ID", "t1"}}),
                                 Public(), http, imds);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "tok-1");
  EXPECT_EQ(token->tenant_id, "t1");
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.sent[0].url, "http://127.0.0.1:9/t1/oauth2/v2.0/token");
  EXPECT_NE(http.sent[0].body.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_NE(http.sent[0].body.find("scope=" + UriEncode("https://management.azure.com/.default")),
            std::string::npos);
  EXPECT_EQ(token->source.find("s3cret"), std::string::npos);
}

TEST(ResolveAzureToken, RefusedSecretGivesEntrasReasonWithoutTheSecret) {
  ScriptedHttp http, imds;
  http.script.push_back(
      HttpResponse{401,
                   {},
                   "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
                   "Invalid client secret provided.\\r\\nTrace ID: abc\"}"});
  auto token = ResolveAzureToken(Env({{"AZURE_CLIENT_ID", "app"},
                                      {"AZURE_CLIENT_SECRET", "s3cret"},
                                      {"AZURE_TENANT_ID", "t1"}}),
                                 Public(), http, imds);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(token.error().message.find("AADSTS7000215"), std::string::npos);
  EXPECT_EQ(token.error().message.find("Trace ID"), std::string::npos);
  EXPECT_EQ(token.error().message.find("s3cret"), std::string::npos);
}

TEST(ResolveAzureToken, HalfAServicePrincipalIsAnError) {
  ScriptedHttp http, imds;
  auto token = ResolveAzureToken(Env({{"AZURE_CLIENT_SECRET", "s3cret"}}), Public(), http, imds);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("AZURE_TENANT_ID"), std::string::npos);
  EXPECT_TRUE(http.sent.empty());
}

TEST(ResolveAzureToken, ManagedIdentityEndpoints) {
  ScriptedHttp http, imds;
  http.script.push_back(HttpResponse{
      200, {}, R"({"access_token":"tok-2","expires_on":"1900000000","token_type":"Bearer"})"});
  auto token = ResolveAzureToken(
      Env({{"IDENTITY_ENDPOINT", "http://127.0.0.1:4/id"}, {"IDENTITY_HEADER", "h"}}), Public(),
      http, imds);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->expiration, TimePoint(seconds(1900000000)));
  EXPECT_EQ(http.sent[0].url.rfind("http://127.0.0.1:4/id?api-version=2019-08-01&resource=", 0),
            0u);
  EXPECT_EQ(http.sent[0].headers[0].first, "X-IDENTITY-HEADER");

  http.script.push_back(HttpResponse{
      200, {}, R"({"access_token":"tok-3","expires_on":"1900000000","token_type":"Bearer"})"});
  auto msi =
      ResolveAzureToken(Env({{"MSI_ENDPOINT", "http://127.0.0.1:4/msi"}}), Public(), http, imds);
  ASSERT_TRUE(msi) << msi.error().message;
  EXPECT_EQ(msi->token.Reveal(), "tok-3");
  EXPECT_EQ(http.sent[1].method, "POST");
  EXPECT_EQ(http.sent[1].body, "resource=" + UriEncode("https://management.azure.com/"));
}

TEST(ResolveAzureToken, AzureCliThenImds) {
  ScriptedHttp http, imds;
  AzureTokenOptions options;
  options.cli_available = true;
  std::string ran;
  options.run_cli = [&](const std::string& command, std::string_view) -> Result<std::string> {
    ran = command;
    return std::string(
        R"({"accessToken":"tok-cli","expires_on":1900000000,"subscription":"sub-9","tenant":"t9","tokenType":"Bearer"})");
  };
  auto cli = ResolveAzureToken(Env({}), Public(), http, imds, options);
  ASSERT_TRUE(cli) << cli.error().message;
  EXPECT_EQ(cli->subscription_id, "sub-9");
  EXPECT_NE(ran.find("az account get-access-token --resource 'https://management.azure.com/'"),
            std::string::npos);

  options.run_cli = [](const std::string&, std::string_view) -> Result<std::string> {
    return CredentialsError("az failed");
  };
  imds.script.push_back(
      HttpResponse{200, {}, R"({"access_token":"tok-imds","expires_on":"1900000000"})"});
  auto from_imds = ResolveAzureToken(Env({}), Public(), http, imds, options);
  ASSERT_TRUE(from_imds) << from_imds.error().message;
  EXPECT_EQ(from_imds->token.Reveal(), "tok-imds");
  EXPECT_EQ(imds.sent[0].headers[0].first, "Metadata");

  auto nothing = ResolveAzureToken(Env({}), Public(), http, imds, options);
  ASSERT_FALSE(nothing);
  EXPECT_NE(nothing.error().message.find("az login"), std::string::npos);
}

}  // namespace
}  // namespace audex
