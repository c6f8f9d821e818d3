// The client side of a GCP or Azure grant (adapters/teamclient,
// RequestTokenGrant) against a scripted team server: what it sends, what it
// reads from the reply, and how a refusal, a held request or a reply
// without a token reads — never with the caller's token in it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/teamclient/team_client.h"
#include "core/base/rfc3339.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr char kServer[] = "http://audex.test:8700";
constexpr char kCallerToken[] =
    "audex_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

HttpResult Reply(int status, const Json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

TEST(TeamTokenClient, AGcpGrantsTokenAndWhatTheChildNeedsAreRead) {
  ScriptedHttpClient http;
  http.script.push_back(Reply(201, {{"grant_id", "5k1v0000abcd0000"},
                                    {"provider", "gcp"},
                                    {"access_token", "ya29.GRANTED"},
                                    {"token_type", "Bearer"},
                                    {"expires_at", "2026-01-01T12:15:00Z"},
                                    {"ttl_seconds", 900},
                                    {"service_account", "audex@p.iam.gserviceaccount.com"},
                                    {"project", "p"}}));
  const Json body = {{"provider", "gcp"}, {"allow", "storage.objects.list"}, {"ttl", "15m"}};
  auto grant = RequestTokenGrant(http, kServer, SecretString(kCallerToken), body);
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_EQ(grant->access_token.Reveal(), "ya29.GRANTED");
  EXPECT_EQ(grant->grant_id, "5k1v0000abcd0000");
  ASSERT_TRUE(grant->expires_at);
  EXPECT_EQ(FormatRfc3339(*grant->expires_at), "2026-01-01T12:15:00Z");
  EXPECT_EQ(grant->ttl, std::chrono::seconds(900));
  EXPECT_EQ(grant->service_account, "audex@p.iam.gserviceaccount.com");
  EXPECT_EQ(grant->project, "p");
  EXPECT_EQ(grant->source, std::string("team server ") + kServer + " grant 5k1v0000abcd0000");
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.sent[0].method, "POST");
  EXPECT_EQ(http.sent[0].url, std::string(kServer) + "/v1/grants");
  EXPECT_EQ(Json::parse(http.sent[0].body), body);
  bool bearer = false;
  for (const auto& [name, value] : http.sent[0].headers) {
    bearer = bearer || (name == "Authorization" && value == std::string("Bearer ") + kCallerToken);
  }
  EXPECT_TRUE(bearer);
}

TEST(TeamTokenClient, AnAzureGrantCarriesItsTenantSubscriptionAndCloud) {
  ScriptedHttpClient http;
  http.script.push_back(Reply(201, {{"grant_id", "g2"},
                                    {"provider", "azure"},
                                    {"access_token", "eyJ.AZ.sig"},
                                    {"expires_at", "2026-01-01T13:00:00Z"},
                                    {"ttl_seconds", 600},
                                    {"resource", "https://management.azure.com/"},
                                    {"cloud", "AzureCloud"},
                                    {"tenant_id", "t-1"},
                                    {"subscription_id", nullptr}}));
  auto grant =
      RequestTokenGrant(http, kServer, SecretString(kCallerToken), Json{{"provider", "azure"}});
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_EQ(grant->cloud, "AzureCloud");
  EXPECT_EQ(grant->resource, "https://management.azure.com/");
  EXPECT_EQ(grant->tenant_id, "t-1");
  EXPECT_FALSE(grant->subscription_id);
}

TEST(TeamTokenClient, ARefusalSaysTheServersReasonAndRuleAndNeverTheToken) {
  ScriptedHttpClient http;
  http.script.push_back(Reply(403, {{"error",
                                     {{"code", "forbidden"},
                                      {"message", "policy ci does not allow gcp grants"},
                                      {"rule", "policies.ci.providers"}}}}));
  auto grant =
      RequestTokenGrant(http, kServer, SecretString(kCallerToken), Json{{"provider", "gcp"}});
  ASSERT_FALSE(grant);
  EXPECT_EQ(grant.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(grant.error().message.find("policies.ci.providers"), std::string::npos);
  EXPECT_EQ(grant.error().message.find(kCallerToken), std::string::npos);
}

TEST(TeamTokenClient, AHeldRequestOrAReplyWithoutATokenIsAnError) {
  ScriptedHttpClient http;
  http.script.push_back(Reply(202, {{"request_id", "r-77"},
                                    {"grant_id", "g3"},
                                    {"required_approvals", 1},
                                    {"approver_groups", {"leads"}},
                                    {"credentials_url", "/v1/grants/g3/credentials"},
                                    {"credentials_token", "held-token"}}));
  auto held =
      RequestTokenGrant(http, kServer, SecretString(kCallerToken), Json{{"provider", "gcp"}});
  ASSERT_FALSE(held);
  EXPECT_NE(held.error().message.find("r-77"), std::string::npos);
  EXPECT_EQ(http.sent.size(), 1u);  // no polling: nothing was waited for

  // An older server answering with AWS credentials only.
  http.script.push_back(Reply(201, {{"Version", 1}, {"AccessKeyId", "ASIA"}, {"grant_id", "g4"}}));
  auto aws =
      RequestTokenGrant(http, kServer, SecretString(kCallerToken), Json{{"provider", "gcp"}});
  ASSERT_FALSE(aws);
  EXPECT_NE(aws.error().message.find("access_token"), std::string::npos);
}

TEST(TeamTokenClient, AHeldRequestIsWaitedForAndItsTokenReadFromTheCredentialsEndpoint) {
  ScriptedHttpClient http;
  http.script.push_back(Reply(202, {{"status", "pending_approval"},
                                    {"request_id", "r-78"},
                                    {"grant_id", "g5"},
                                    {"required_approvals", 1},
                                    {"approver_groups", {"leads"}},
                                    {"credentials_url", "/v1/grants/g5/credentials"},
                                    {"credentials_token", "held-token"}}));
  http.script.push_back(Reply(202, {{"status", "pending_approval"}, {"approvals", 0}}));
  http.script.push_back(Reply(202, {{"status", "issuing"}}));
  http.script.push_back(Reply(200, {{"grant_id", "g5"},
                                    {"provider", "gcp"},
                                    {"access_token", "ya29.APPROVED"},
                                    {"token_type", "Bearer"},
                                    {"expires_at", "2026-01-01T12:40:00Z"},
                                    {"ttl_seconds", 1790},
                                    {"service_account", "audex@p.iam.gserviceaccount.com"},
                                    {"project", "p"},
                                    {"warnings", {"a warning"}}}));
  std::vector<std::string> notices;
  int slept = 0;
  ApprovalWait wait;
  wait.limit = std::chrono::seconds(60);
  wait.notice = [&](const std::string& line) { notices.push_back(line); };
  wait.sleep = [&](std::chrono::milliseconds) { ++slept; };
  auto grant =
      RequestTokenGrant(http, kServer, SecretString(kCallerToken), Json{{"provider", "gcp"}}, wait);
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_EQ(grant->access_token.Reveal(), "ya29.APPROVED");
  EXPECT_EQ(grant->grant_id, "g5");
  EXPECT_EQ(grant->ttl, std::chrono::seconds(1790));
  EXPECT_EQ(grant->service_account, "audex@p.iam.gserviceaccount.com");
  EXPECT_EQ(grant->warnings, (std::vector<std::string>{"a warning"}));
  EXPECT_NE(grant->source.find("approved request r-78"), std::string::npos);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("r-78"), std::string::npos);
  EXPECT_EQ(slept, 2);
  // The polls went to the grant's endpoint with its own bearer, never the
  // caller's token.
  ASSERT_EQ(http.sent.size(), 4u);
  for (size_t i = 1; i < http.sent.size(); ++i) {
    EXPECT_EQ(http.sent[i].method, "GET");
    EXPECT_EQ(http.sent[i].url, std::string(kServer) + "/v1/grants/g5/credentials");
    for (const auto& [name, value] : http.sent[i].headers) {
      if (name == "Authorization") {
        EXPECT_EQ(value, "held-token");
      }
    }
  }

  // Denied meanwhile: the server's reason, naming the request.
  ScriptedHttpClient denied;
  denied.script.push_back(Reply(202, {{"request_id", "r-79"},
                                      {"grant_id", "g6"},
                                      {"credentials_url", "/v1/grants/g6/credentials"},
                                      {"credentials_token", "t"}}));
  denied.script.push_back(Reply(
      403, {{"error", {{"code", "forbidden"}, {"message", "grant g6 is denied: not today"}}}}));
  auto refused = RequestTokenGrant(denied, kServer, SecretString(kCallerToken),
                                   Json{{"provider", "azure"}}, wait);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("r-79"), std::string::npos);
  EXPECT_NE(refused.error().message.find("not today"), std::string::npos);
}

}  // namespace
}  // namespace audex
