// The device authorization grant (RFC 8628) from the CLI's side: the
// provider's messages parsed, and the polling loop over a scripted token
// endpoint and a fake sleep: the waits it takes (5 s, 5 s longer after
// slow_down), and how each provider answer ends it. Plus refresh, and the
// login tokens' sealed form.
#include "adapters/oidc/device_flow_client.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/oidc/login_token_store.h"
#include "core/identity/login_tokens.h"
#include "support/scripted_http.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::seconds;

HttpResult Json(int status, const std::string& body) { return HttpResponse{status, {}, body}; }
HttpResult OAuthError(const std::string& error) {
  return Json(400, R"({"error":")" + error + R"("})");
}

ProviderMetadata Metadata() {
  ProviderMetadata metadata;
  metadata.issuer = "https://login.example.com";
  metadata.device_authorization_endpoint = "https://login.example.com/device/auth";
  metadata.token_endpoint = "https://login.example.com/token";
  metadata.jwks_uri = "https://login.example.com/jwks";
  return metadata;
}

class DeviceFlowTest : public testing::Test {
 protected:
  DeviceFlowClient Client() {
    DeviceFlowOptions options;
    options.client_id = "audex-cli";
    options.sleep = [this](std::chrono::milliseconds wait) {
      sleeps_.push_back(std::chrono::duration_cast<seconds>(wait).count());
      now_ += wait;
    };
    options.clock = [this] { return now_; };
    return DeviceFlowClient(http_, Metadata(), options);
  }

  DeviceAuthorization Authorization(int expires_in = 600) {
    DeviceAuthorization authorization;
    authorization.device_code = SecretString("device-code-secret");
    authorization.user_code = "ABCD-EFGH";
    authorization.verification_uri = "https://login.example.com/device";
    authorization.expires_in = seconds(expires_in);
    return authorization;
  }

  ScriptedHttpClient http_;
  std::vector<int64_t> sleeps_;
  Clock::time_point now_ = Clock::time_point(seconds(1'800'000'000));
};

TEST_F(DeviceFlowTest, StartSendsTheClientAndScopeAndReadsTheAnswer) {
  http_.script.push_back(Json(200, R"({"device_code":"dc","user_code":"WDJB-MJHT",
      "verification_uri":"https://login.example.com/device",
      "verification_uri_complete":"https://login.example.com/device?user_code=WDJB-MJHT",
      "expires_in":1800,"interval":7})"));
  auto authorization = Client().Start();
  ASSERT_TRUE(authorization) << authorization.error().message;
  EXPECT_EQ(authorization->device_code.Reveal(), "dc");
  EXPECT_EQ(authorization->user_code, "WDJB-MJHT");
  EXPECT_EQ(authorization->verification_uri_complete,
            "https://login.example.com/device?user_code=WDJB-MJHT");
  EXPECT_EQ(authorization->expires_in, seconds(1800));
  EXPECT_EQ(authorization->interval, seconds(7));
  ASSERT_EQ(http_.sent.size(), 1u);
  EXPECT_EQ(http_.sent[0].method, "POST");
  EXPECT_EQ(http_.sent[0].url, "https://login.example.com/device/auth");
  EXPECT_EQ(http_.sent[0].body, "client_id=audex-cli&scope=openid%20offline_access");
}

TEST_F(DeviceFlowTest, StartRefusals) {
  http_.script.push_back(OAuthError("invalid_client"));
  auto refused = Client().Start();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("invalid_client"), std::string::npos);
  http_.script.push_back(Json(200, R"({"device_code":"dc","user_code":"X"})"));
  EXPECT_FALSE(Client().Start());
  ProviderMetadata no_device = Metadata();
  no_device.device_authorization_endpoint.clear();
  DeviceFlowClient client(http_, no_device, DeviceFlowOptions{"audex-cli", {}, "openid", {}, {}});
  auto missing = client.Start();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("device_authorization_endpoint"), std::string::npos);
}

TEST_F(DeviceFlowTest, PollsThroughPendingAndSlowDownToTokens) {
  http_.script = {OAuthError("authorization_pending"), OAuthError("slow_down"),
                  OAuthError("authorization_pending"),
                  Json(200, R"({"access_token":"at","id_token":"it","refresh_token":"rt",
                                "token_type":"Bearer","expires_in":600,"scope":"openid"})")};
  auto tokens = Client().WaitForTokens(Authorization());
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_EQ(tokens->access_token.Reveal(), "at");
  EXPECT_EQ(tokens->id_token.Reveal(), "it");
  EXPECT_EQ(tokens->refresh_token.Reveal(), "rt");
  EXPECT_EQ(tokens->access_token_expires_at, now_ + seconds(600));
  // RFC 8628 §3.5: 5 s by default, and 5 s more from slow_down on.
  EXPECT_EQ(sleeps_, (std::vector<int64_t>{5, 5, 10, 10}));
  ASSERT_EQ(http_.sent.size(), 4u);
  EXPECT_EQ(http_.sent[0].body,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=device-"
            "code-secret&client_id=audex-cli");
}

TEST_F(DeviceFlowTest, EachEndOfThePoll) {
  struct Case {
    HttpResult answer;
    const char* message_part;
  };
  const Case cases[] = {
      {OAuthError("access_denied"), "denied"},
      {OAuthError("expired_token"), "expired"},
      {Json(400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})"),
       "invalid_grant"},
      {Json(500, "<html>"), "HTTP 500"},
      {tl::unexpected(HttpFailure{HttpFailureKind::kTls, "https://login.example.com: bad cert"}),
       "bad cert"},
      {Json(200, R"({"token_type":"Bearer"})"), "without an access_token"},
  };
  for (const Case& row : cases) {
    http_.script = {row.answer};
    auto tokens = Client().WaitForTokens(Authorization());
    ASSERT_FALSE(tokens) << row.message_part;
    EXPECT_NE(tokens.error().message.find(row.message_part), std::string::npos)
        << tokens.error().message;
    EXPECT_EQ(tokens.error().message.find("device-code-secret"), std::string::npos);
  }
}

TEST_F(DeviceFlowTest, ANetworkBlipIsPendingButTheCodeExpiresOnTime) {
  http_.fallback = [](const HttpRequest&) -> HttpResult {
    return tl::unexpected(HttpFailure{HttpFailureKind::kConnect, "refused"});
  };
  auto tokens = Client().WaitForTokens(Authorization(/*expires_in=*/30));
  ASSERT_FALSE(tokens);
  EXPECT_NE(tokens.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(sleeps_.size(), 6u);  // 5 s apart until 30 s had passed
  EXPECT_EQ(http_.sent.size(), 5u);
}

TEST_F(DeviceFlowTest, RefreshKeepsTheRefreshTokenWhenNotRotated) {
  TokenSet current;
  current.access_token = SecretString("old-at");
  current.refresh_token = SecretString("rt-1");
  http_.script = {Json(200, R"({"access_token":"new-at","id_token":"new-it"})")};
  auto refreshed = Client().Refresh(current);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(refreshed->access_token.Reveal(), "new-at");
  EXPECT_EQ(refreshed->refresh_token.Reveal(), "rt-1");
  EXPECT_EQ(http_.sent[0].body, "grant_type=refresh_token&refresh_token=rt-1&client_id=audex-cli");

  http_.script = {Json(200, R"({"access_token":"a2","refresh_token":"rt-2"})")};
  EXPECT_EQ(Client().Refresh(current)->refresh_token.Reveal(), "rt-2");

  http_.script = {OAuthError("invalid_grant")};
  auto refused = Client().Refresh(current);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("run tryaudex login again"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("rt-1"), std::string::npos);

  current.refresh_token = SecretString();
  EXPECT_FALSE(Client().Refresh(current));
}

TEST(LoginTokens, RoundTripSealedAndNothingReadableOnDisk) {
  LoginTokens login;
  login.server_url = "https://audex.example.com";
  login.issuer = "https://login.example.com";
  login.client_id = "audex-cli";
  login.tokens.access_token = SecretString("access-token-value");
  login.tokens.id_token = SecretString("id-token-value");
  login.tokens.refresh_token = SecretString("refresh-token-value");
  login.tokens.token_type = "Bearer";
  login.tokens.access_token_expires_at = Clock::time_point(seconds(1'800'000'600));
  login.id_token_expires_at = Clock::time_point(seconds(1'800'000'300));

  auto parsed = LoginTokensFromJson(LoginTokensToJson(login).Reveal());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->server_url, login.server_url);
  EXPECT_TRUE(parsed->tokens.refresh_token == login.tokens.refresh_token);
  EXPECT_EQ(parsed->id_token_expires_at, login.id_token_expires_at);
  EXPECT_EQ(parsed->tokens.access_token_expires_at, login.tokens.access_token_expires_at);
  EXPECT_FALSE(LoginTokensFromJson("{}"));
  EXPECT_EQ(LoginEntryName("https://audex.example.com").rfind("login-", 0), 0u);
  EXPECT_EQ(LoginEntryName("https://audex.example.com").size(), 70u);

  const TempDir state("audex-login-unit");
  CredentialCacheStore store(state.path());
  ASSERT_TRUE(SaveLoginTokens(store, login));
  const auto entry = store.directory() / LoginEntryName(login.server_url);
  const std::string bytes = ReadText(entry);
  EXPECT_EQ(bytes.rfind("AXC1", 0), 0u);
  for (const char* secret : {"access-token-value", "id-token-value", "refresh-token-value"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos);
  }
  auto loaded = LoadLoginTokens(store, login.server_url);
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_TRUE((*loaded)->tokens.id_token == login.tokens.id_token);
  auto other = LoadLoginTokens(store, "https://other.example.com");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  // Renamed to answer another server, the entry does not open (the name is
  // the AEAD's additional data) and is dropped.
  std::filesystem::rename(entry, store.directory() / LoginEntryName("https://other.example.com"));
  auto moved = LoadLoginTokens(store, "https://other.example.com");
  ASSERT_TRUE(moved);
  EXPECT_FALSE(*moved);
}

}  // namespace
}  // namespace audex
