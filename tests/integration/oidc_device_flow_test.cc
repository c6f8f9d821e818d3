// `tryaudex login`'s device-flow client against the certified npm
// oidc-provider on loopback (tests/oidc/oidc_provider.mjs), with the person
// played by tests/oidc/complete_device_login.mjs filling in the provider's
// own forms: the client gets tokens after polling through
// authorization_pending, the ID token verifies with the server's verifier,
// refresh works, a denial stops the poll, and the saved login is sealed.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "adapters/http/curl_http_client.h"
#include "adapters/oidc/device_flow_client.h"
#include "adapters/oidc/login_token_store.h"
#include "adapters/oidc/provider_client.h"
#include "adapters/oidc/token_verifier.h"
#include "core/identity/jwt.h"
#include "oidc_test_support.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

using oidc_test::NodeServer;
using oidc_test::RunNodeScript;

// Counts the token endpoint's answers, to show the client really polled.
class CountingHttpClient : public HttpClient {
 public:
  explicit CountingHttpClient(HttpClient& inner) : inner_(inner) {}
  HttpResult Send(const HttpRequest& request) override {
    auto result = inner_.Send(request);
    if (request.url.ends_with("/token") && result) {
      std::lock_guard lock(mutex_);
      token_bodies_.push_back(result->body);
    }
    return result;
  }
  std::vector<std::string> token_bodies() {
    std::lock_guard lock(mutex_);
    return token_bodies_;
  }

 private:
  HttpClient& inner_;
  std::mutex mutex_;
  std::vector<std::string> token_bodies_;
};

class DeviceFlow : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new NodeServer();
    std::string why;
    if (!server_->Start("oidc_provider.mjs", why)) start_failure_ = why;
  }
  static void TearDownTestSuite() {
    server_->Stop(/*keep_log=*/testing::UnitTest::GetInstance()->failed_test_count() > 0);
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_failure_.empty()) << start_failure_; }

  static std::string Issuer() { return server_->ready().value("issuer", ""); }

  // The people IdP as the team server would trust it: the audience is the
  // CLI's client id, the same ID token is presented until it expires.
  static TrustedIssuer PeopleIdp() {
    TrustedIssuer idp;
    idp.name = "idp";
    idp.issuer = Issuer();
    idp.audience = "audex-cli";
    idp.name_claim = "email";
    idp.groups_claim = "groups";
    idp.jti_once = false;
    idp.source = "test:idp";
    return idp;
  }

  DeviceFlowClient Client(HttpClient& http) {
    auto metadata = FetchProviderMetadata(http, Issuer());
    EXPECT_TRUE(metadata) << metadata.error().message;
    DeviceFlowOptions options;
    options.client_id = "audex-cli";
    options.scope = "openid offline_access email groups";
    return DeviceFlowClient(http, metadata ? *metadata : ProviderMetadata{}, options);
  }

  static NodeServer* server_;
  static std::string start_failure_;
  CurlHttpClient http_;
};

NodeServer* DeviceFlow::server_ = nullptr;
std::string DeviceFlow::start_failure_;

TEST_F(DeviceFlow, LoginPollsUntilConfirmedThenTheIdTokenVerifiesAndRefreshes) {
  CountingHttpClient counting(http_);
  DeviceFlowClient client = Client(counting);
  auto authorization = client.Start();
  ASSERT_TRUE(authorization) << authorization.error().message;
  EXPECT_FALSE(authorization->user_code.empty());
  EXPECT_EQ(authorization->verification_uri, Issuer() + "/device");
  EXPECT_NE(authorization->verification_uri_complete.find(authorization->user_code),
            std::string::npos);
  EXPECT_EQ(authorization->interval, std::chrono::seconds(5));  // RFC 8628's default

  auto polling =
      std::async(std::launch::async, [&] { return client.WaitForTokens(*authorization); });
  // Let the first poll find the login still pending, then confirm it.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  ASSERT_EQ(RunNodeScript("complete_device_login.mjs",
                          {authorization->verification_uri, authorization->user_code, "alice"}),
            0);
  ASSERT_EQ(polling.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto tokens = polling.get();
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_FALSE(tokens->id_token.empty());
  EXPECT_FALSE(tokens->refresh_token.empty());
  const auto bodies = counting.token_bodies();
  ASSERT_GE(bodies.size(), 2u);
  EXPECT_NE(bodies.front().find("authorization_pending"), std::string::npos);

  OidcTokenVerifier verifier({PeopleIdp()}, http_, nullptr);
  auto caller = verifier.Verify(tokens->id_token.Reveal());
  ASSERT_TRUE(caller) << caller.error().refusal.Describe();
  EXPECT_EQ(caller->name, "idp:alice@example.com");
  EXPECT_EQ(caller->subject, "alice");
  EXPECT_EQ(caller->groups, std::vector<std::string>{"platform"});
  // A person's ID token is presented again until it expires.
  EXPECT_TRUE(verifier.Verify(tokens->id_token.Reveal()));

  auto refreshed = client.Refresh(*tokens);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_FALSE(refreshed->access_token == tokens->access_token);
  EXPECT_FALSE(refreshed->refresh_token.empty());
  ASSERT_FALSE(refreshed->id_token.empty());
  auto again = verifier.Verify(refreshed->id_token.Reveal());
  ASSERT_TRUE(again) << again.error().refusal.Describe();
  EXPECT_EQ(again->name, "idp:alice@example.com");

  // The spent refresh token (oidc-provider rotates them) is refused.
  auto reused = client.Refresh(*tokens);
  if (!(refreshed->refresh_token == tokens->refresh_token)) {
    ASSERT_FALSE(reused);
    EXPECT_NE(reused.error().message.find("tryaudex login"), std::string::npos);
  }

  // Saved sealed beside the credential cache: no token readable on disk.
  const TempDir state("audex-login");
  CredentialCacheStore store(state.path());
  LoginTokens login;
  login.server_url = "https://audex.test";
  login.issuer = Issuer();
  login.client_id = "audex-cli";
  login.tokens = *refreshed;
  login.id_token_expires_at = again->expires_at;
  ASSERT_TRUE(SaveLoginTokens(store, login));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state.path())) {
    if (!entry.is_regular_file()) continue;
    const std::string content = ReadText(entry.path());
    for (const SecretString* secret :
         {&refreshed->id_token, &refreshed->access_token, &refreshed->refresh_token}) {
      EXPECT_EQ(content.find(secret->Reveal()), std::string::npos) << entry.path();
    }
  }
  auto loaded = LoadLoginTokens(store, "https://audex.test");
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_TRUE((*loaded)->tokens.id_token == refreshed->id_token);
  EXPECT_TRUE((*loaded)->tokens.refresh_token == refreshed->refresh_token);
  EXPECT_EQ((*loaded)->issuer, Issuer());
  ASSERT_TRUE(ForgetLoginTokens(store, "https://audex.test"));
  auto gone = LoadLoginTokens(store, "https://audex.test");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(DeviceFlow, ADeniedLoginStopsThePoll) {
  DeviceFlowClient client = Client(http_);
  auto authorization = client.Start();
  ASSERT_TRUE(authorization) << authorization.error().message;
  ASSERT_EQ(
      RunNodeScript("complete_device_login.mjs", {authorization->verification_uri,
                                                  authorization->user_code, "mallory", "abort"}),
      0);
  auto tokens = client.WaitForTokens(*authorization);
  ASSERT_FALSE(tokens);
  EXPECT_NE(tokens.error().message.find("denied"), std::string::npos) << tokens.error().message;
}

}  // namespace
}  // namespace audex
