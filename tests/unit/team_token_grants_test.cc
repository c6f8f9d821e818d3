// GCP and Azure grants of the team server (server/team/token_grants.cc)
// without a socket: a real SQLite store, Google's IAM Credentials and STS
// and Entra ID's token endpoint scripted in their documented wire formats.
// What each grant asks of the cloud, what it records and in which order,
// what refuses it and with which rule, and that the token is in the reply
// and nowhere else.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "adapters/teamstore/sql_connection.h"
#include "core/base/rfc3339.h"
#include "core/wire/url.h"
#include "team_server_fixture.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr char kServiceAccount[] = "audex@my-project.iam.gserviceaccount.com";
constexpr char kBaseToken[] = "ya29.SERVER-BASE-TOKEN-never-leaves";
constexpr char kAzureSecret[] = "azure-client-secret-never-leaves";
constexpr char kSubscription[] = "00000000-1111-2222-3333-444444444444";

HttpResult JsonReply(int status, const Json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

// IAM Credentials generateAccessToken's reply (REST reference,
// projects.serviceAccounts.generateAccessToken).
HttpResult Generated(const std::string& token,
                     const std::string& expire_time = "2026-01-01T12:15:00Z") {
  return JsonReply(200, {{"accessToken", token}, {"expireTime", expire_time}});
}

// An Entra ID v2 token endpoint's client-credentials reply.
HttpResult Entra(const std::string& token) {
  return JsonReply(200, {{"token_type", "Bearer"},
                         {"expires_in", 3599},
                         {"ext_expires_in", 3599},
                         {"access_token", token}});
}

// Rule sets: `gcp` and `azure` (their provider and actions), `awsonly`
// (every action, the default provider), `gated` (GCP behind approvals),
// `glass` (GCP behind approvals, break-glass allowed), `azuregated` (Azure
// behind approvals) and `ops` (admin). Approvers are in group `leads`.
class TeamTokenGrantsTest : public TeamServerFixture {
 protected:
  void Configure(ServerConfig& config) override {
    config.gcp_service_account = kServiceAccount;
    config.gcp_project = "my-project";
    config.azure_subscription_id = kSubscription;
    ServerRule gcp;
    gcp.name = "gcp";
    gcp.providers = {Provider::kGcp};
    gcp.actions = {"storage.objects.*", "compute.instances.list"};
    config.policy.rules.push_back(gcp);
    ServerRule azure;
    azure.name = "azure";
    azure.providers = {Provider::kAzure};
    azure.actions = {"Microsoft.Resources/*"};
    config.policy.rules.push_back(azure);
    ServerRule awsonly;
    awsonly.name = "awsonly";
    awsonly.actions = {"*"};
    config.policy.rules.push_back(awsonly);
    ServerRule gated = gcp;
    gated.name = "gated";
    gated.approval = ApprovalSetting{};
    gated.approval->groups = {"leads"};
    config.policy.rules.push_back(gated);
    ServerRule glass = gated;
    glass.name = "glass";
    glass.approval->break_glass = true;
    config.policy.rules.push_back(glass);
    ServerRule azuregated = azure;
    azuregated.name = "azuregated";
    azuregated.approval = gated.approval;
    config.policy.rules.push_back(azuregated);
    ServerRule ops;
    ops.name = "ops";
    ops.providers = {Provider::kAws, Provider::kGcp, Provider::kAzure};
    ops.actions = {"*"};
    ops.admin = true;
    config.policy.rules.push_back(ops);
  }

  void ConfigureEnvironment(Environment& environment) override {
    environment.emplace_back("CLOUDSDK_AUTH_ACCESS_TOKEN", kBaseToken);
    environment.emplace_back("AUDEX_GCP_IAMCREDENTIALS_URL", "http://iam.test/");
    environment.emplace_back("AUDEX_GCP_STS_URL", "http://gsts.test/v1/token");
    environment.emplace_back("AZURE_CLIENT_ID", "audex-app");
    environment.emplace_back("AZURE_CLIENT_SECRET", kAzureSecret);
    environment.emplace_back("AZURE_TENANT_ID", "tenant-1");
    environment.emplace_back("AZURE_AUTHORITY_HOST", "http://login.test");
  }

  ApiResponse Post(const std::string& body, const std::string& token) {
    return Call("POST", "/v1/grants", body, token);
  }

  ApiResponse Decide(const std::string& request_id, const std::string& action,
                     const std::string& token, const std::string& reason = "") {
    return Call("POST", "/v1/requests/" + request_id + ":" + action,
                reason.empty() ? "" : Json{{"reason", reason}}.dump(), token);
  }

  Grant Stored(const std::string& id) {
    auto grant = store_->GetGrant(id);
    EXPECT_TRUE(grant && *grant);
    return grant && *grant ? **grant : Grant{};
  }

  // Everything the server wrote that an operator or attacker could read:
  // its log lines, the audit export, the grants listing, and the store's
  // files as bytes.
  std::string Everything() {
    std::string all;
    {
      std::lock_guard lock(mutex_);
      for (const nlohmann::json& line : logs_) all += line.dump() + "\n";
    }
    for (const AuditLine& line : Lines()) all += FormatAuditLine(line) + "\n";
    const std::string ops = MakeToken("auditor", "ops");
    all += Call("GET", "/v1/grants", "", ops).body;
    all += Call("GET", "/v1/audit", "", ops, {{"format", "jsonl"}}).body;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::ifstream file(entry.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << file.rdbuf();
      all += bytes.str();
    }
    return all;
  }
};

TEST_F(TeamTokenGrantsTest, AGcpGrantIsRecordedThenIssuedByGenerateAccessTokenAsTheServer) {
  const std::string token = MakeToken("builder", "gcp");
  sts_.script.push_back(Generated("ya29.GRANTED-gcp-0001"));
  const ApiResponse response = Post(
      R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m","reason":"inventory"})",
      token);
  ASSERT_EQ(response.status, 201) << response.body;
  const Json reply = Json::parse(response.body);
  EXPECT_EQ(reply["provider"], "gcp");
  EXPECT_EQ(reply["access_token"], "ya29.GRANTED-gcp-0001");
  EXPECT_EQ(reply["token_type"], "Bearer");
  EXPECT_EQ(reply["expires_at"], "2026-01-01T12:15:00Z");
  EXPECT_EQ(reply["service_account"], kServiceAccount);
  EXPECT_EQ(reply["project"], "my-project");
  EXPECT_EQ(reply["ttl_seconds"], 900);
  EXPECT_TRUE(reply["access_boundary"].is_null());
  EXPECT_EQ(response.headers.at("Cache-Control"), "no-store");

  // One call: generateAccessToken for the server's service account, for
  // the TTL, signed with the server's base token.
  ASSERT_EQ(sts_.sent.size(), 1u);
  const HttpRequest& sent = sts_.sent[0];
  EXPECT_EQ(sent.url, std::string("http://iam.test/v1/projects/-/serviceAccounts/") +
                          kServiceAccount + ":generateAccessToken");
  bool bearer = false;
  for (const auto& [name, value] : sent.headers) {
    bearer = bearer || (name == "Authorization" && value == std::string("Bearer ") + kBaseToken);
  }
  EXPECT_TRUE(bearer);
  EXPECT_EQ(Json::parse(sent.body)["lifetime"], "900s");

  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_requested", "grant_issued"}));
  const Grant grant = Stored(reply["grant_id"]);
  EXPECT_EQ(grant.status, GrantStatus::kIssued);
  EXPECT_EQ(grant.provider, "gcp");
  EXPECT_EQ(grant.role, kServiceAccount);
  EXPECT_EQ(grant.actions, (std::vector<std::string>{"compute.instances.list"}));
  EXPECT_EQ(grant.reason, "inventory");
  ASSERT_TRUE(grant.sts.expires_at);
  EXPECT_EQ(FormatRfc3339(*grant.sts.expires_at), "2026-01-01T12:15:00Z");
  EXPECT_EQ(grant.sts.access_key_id, "");
}

TEST_F(TeamTokenGrantsTest, AGcpStorageGrantIsNarrowedByItsAccessBoundary) {
  const std::string token = MakeToken("builder", "gcp");
  sts_.script.push_back(Generated("ya29.MINTED-not-handed-out"));
  sts_.script.push_back(
      JsonReply(200, {{"access_token", "ya29.DOWNSCOPED-0001"},
                      {"issued_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                      {"token_type", "Bearer"},
                      {"expires_in", 900}}));
  const ApiResponse response = Post(
      R"({"provider":"gcp","allow":"storage.objects.get","resource":"gs://my-data","ttl":"15m"})",
      token);
  ASSERT_EQ(response.status, 201) << response.body;
  const Json reply = Json::parse(response.body);
  EXPECT_EQ(reply["access_token"], "ya29.DOWNSCOPED-0001");
  ASSERT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ(sts_.sent[1].url, "http://gsts.test/v1/token");
  // The token exchange carries the boundary for the one bucket (its
  // `options` field is the boundary JSON, URL-encoded inside the form).
  EXPECT_NE(PercentDecode(PercentDecode(sts_.sent[1].body))
                .find("//storage.googleapis.com/projects/_/buckets/my-data"),
            std::string::npos);
  const Grant grant = Stored(reply["grant_id"]);
  ASSERT_TRUE(grant.policy);
  EXPECT_NE(grant.policy->find("buckets/my-data"), std::string::npos);
  EXPECT_EQ(reply["access_boundary"].dump(), Json::parse(*grant.policy).dump());
  EXPECT_EQ(grant.resources,
            (std::vector<std::string>{"//storage.googleapis.com/projects/_/buckets/my-data"}));
}

TEST_F(TeamTokenGrantsTest, AnAzureGrantIsTheServerIdentitysArmToken) {
  const std::string token = MakeToken("deployer", "azure");
  sts_.script.push_back(Entra("eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0ZW5hbnQtMSJ9.AZURE-SIGNATURE"));
  const ApiResponse response = Post(
      R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/resourceGroups/read","ttl":"10m"})",
      token);
  ASSERT_EQ(response.status, 201) << response.body;
  const Json reply = Json::parse(response.body);
  EXPECT_EQ(reply["provider"], "azure");
  EXPECT_EQ(reply["access_token"], "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0ZW5hbnQtMSJ9.AZURE-SIGNATURE");
  EXPECT_EQ(reply["resource"], "https://management.azure.com/");
  EXPECT_EQ(reply["cloud"], "AzureCloud");
  EXPECT_EQ(reply["subscription_id"], kSubscription);
  EXPECT_EQ(reply["ttl_seconds"], 600);
  ASSERT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(sts_.sent[0].url, "http://login.test/tenant-1/oauth2/v2.0/token");
  EXPECT_NE(sts_.sent[0].body.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_requested", "grant_issued"}));
  const Grant grant = Stored(reply["grant_id"]);
  EXPECT_EQ(grant.provider, "azure");
  EXPECT_EQ(grant.role, "https://management.azure.com/");
  EXPECT_EQ(grant.ttl, std::chrono::minutes(10));
  ASSERT_TRUE(grant.sts.expires_at);
  EXPECT_EQ(*grant.sts.expires_at, now_ + std::chrono::seconds(3599));
}

TEST_F(TeamTokenGrantsTest, ARuleWithoutTheProviderRefusesByNameAndAsksNoCloud) {
  const std::string token = MakeToken("aws-ci", "awsonly");
  for (const char* provider : {"gcp", "azure"}) {
    const ApiResponse response =
        Post(fmt::format(R"({{"provider":"{}","allow":"{}"}})", provider,
                         std::string(provider) == "gcp" ? "compute.instances.list"
                                                        : "Microsoft.Resources/subscriptions/read"),
             token);
    EXPECT_EQ(response.status, 403) << response.body;
    const Json error = Json::parse(response.body)["error"];
    EXPECT_EQ(error["rule"], "policies.awsonly.providers");
    EXPECT_NE(error["message"].get<std::string>().find(std::string("does not allow ") + provider),
              std::string::npos);
  }
  EXPECT_TRUE(sts_.sent.empty());
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_refused", "grant_refused"}));
}

TEST_F(TeamTokenGrantsTest, AnIdentityEndpointFailureIs502WithNothingIssuedAndTheFailureAudited) {
  const std::string token = MakeToken("builder", "gcp");
  sts_.script.push_back(
      JsonReply(403, {{"error",
                       {{"code", 403},
                        {"message", "Permission 'iam.serviceAccounts.getAccessToken' denied"},
                        {"status", "PERMISSION_DENIED"}}}}));
  const ApiResponse response =
      Post(R"({"provider":"gcp","allow":"compute.instances.list"})", token);
  EXPECT_EQ(response.status, 502) << response.body;
  const Json error = Json::parse(response.body)["error"];
  EXPECT_EQ(error["code"], "upstream_refused");
  EXPECT_NE(error["message"].get<std::string>().find("roles/iam.serviceAccountTokenCreator"),
            std::string::npos);
  EXPECT_FALSE(Json::parse(response.body).contains("access_token"));
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_requested", "grant_failed"}));
  auto failed = store_->ListGrants(GrantFilter{}, PageRequest{});
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->items.size(), 1u);
  EXPECT_EQ(failed->items[0].status, GrantStatus::kFailed);

  // Entra ID refusing the server's client secret: the same.
  const std::string azure = MakeToken("deployer", "azure");
  sts_.script.push_back(JsonReply(401, {{"error", "invalid_client"},
                                        {"error_description",
                                         "AADSTS7000215: Invalid client "
                                         "secret provided."}}));
  const ApiResponse refused =
      Post(R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/read"})", azure);
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(Events().back(), "grant_failed");
  EXPECT_EQ(refused.body.find(kAzureSecret), std::string::npos);
}

TEST_F(TeamTokenGrantsTest, WhenTheAuditWriteFailsNoCloudIsAskedAndNothingIsIssued) {
  const std::string token = MakeToken("builder", "gcp");
  {
    auto connection = OpenSqliteConnection((dir_ / "team.db").string());
    ASSERT_TRUE(connection) << connection.error().message;
    ASSERT_TRUE((*connection)
                    ->ExecScript("CREATE TRIGGER audit_full BEFORE INSERT ON audit_events "
                                 "WHEN NEW.event = 'grant_requested' "
                                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END;"));
  }
  sts_.script.push_back(Generated("ya29.MUST-NOT-BE-MINTED"));
  const ApiResponse response =
      Post(R"({"provider":"gcp","allow":"compute.instances.list"})", token);
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_TRUE(sts_.sent.empty());
  EXPECT_EQ(response.body.find("ya29."), std::string::npos);
  auto grants = store_->ListGrants(GrantFilter{}, PageRequest{});
  ASSERT_TRUE(grants);
  EXPECT_TRUE(grants->items.empty());
}

TEST_F(TeamTokenGrantsTest, AGcpGrantUnderApprovalWaitsThenItsTokenIsServedFromItsEndpoint) {
  const std::string intern = MakeToken("intern", "gated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked = Post(
      R"({"provider":"gcp","allow":"compute.instances.list","ttl":"30m","reason":"inventory"})",
      intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  EXPECT_EQ(pending["status"], "pending_approval");
  EXPECT_EQ(pending["required_approvals"], 1);
  EXPECT_EQ(pending["approver_groups"], (Json{"leads"}));
  EXPECT_EQ(pending["ttl_seconds"], 1800);
  EXPECT_FALSE(pending.contains("access_token"));
  const std::string request_id = pending["request_id"];
  const std::string grant_id = pending["grant_id"];
  const std::string bearer = pending["credentials_token"];
  EXPECT_EQ(pending["credentials_url"], "/v1/grants/" + grant_id + "/credentials");
  EXPECT_EQ(Stored(grant_id).status, GrantStatus::kPendingApproval);

  // The requester's poll waits; nothing is asked of Google meanwhile.
  const ApiResponse waiting = Credentials(grant_id, bearer);
  EXPECT_EQ(waiting.status, 202) << waiting.body;
  EXPECT_EQ(Json::parse(waiting.body)["status"], "pending_approval");
  EXPECT_EQ(waiting.headers.at("Retry-After"), "2");
  EXPECT_TRUE(sts_.sent.empty());

  // Approved ten minutes later: the token is asked for then, for the whole
  // TTL counted from the approval.
  now_ += std::chrono::minutes(10);
  const TimePoint approved_at = now_;
  sts_.script.push_back(Generated("ya29.APPROVED-gcp-0001", "2026-01-01T12:40:00Z"));
  const ApiResponse approved = Decide(request_id, "approve", lead, "ticket 7");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const Json decided = Json::parse(approved.body);
  EXPECT_EQ(decided["status"], "approved");
  EXPECT_EQ(decided["grant"]["status"], "issued");
  EXPECT_EQ(decided["grant"]["issued_at"], FormatRfc3339(approved_at));
  EXPECT_EQ(approved.body.find("APPROVED-gcp"), std::string::npos);  // the approver never sees it
  ASSERT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(sts_.sent[0].url, std::string("http://iam.test/v1/projects/-/serviceAccounts/") +
                                  kServiceAccount + ":generateAccessToken");
  EXPECT_EQ(Json::parse(sts_.sent[0].body)["lifetime"], "1800s");

  EXPECT_EQ(Events(), (std::vector<std::string>{
                          "token_created", "token_created", "grant_requested", "request_created",
                          "approval_added", "request_approved", "grant_approved", "grant_issued"}));
  const Grant grant = Stored(grant_id);
  EXPECT_EQ(grant.status, GrantStatus::kIssued);
  EXPECT_EQ(grant.issued_at, approved_at);
  ASSERT_TRUE(grant.sts.expires_at);
  EXPECT_EQ(FormatRfc3339(*grant.sts.expires_at), "2026-01-01T12:40:00Z");

  // The requester's next poll: the token, in a direct grant's reply shape,
  // with what is left of the grant.
  now_ += std::chrono::minutes(5);
  const ApiResponse served = Credentials(grant_id, bearer);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.headers.at("Cache-Control"), "no-store");
  const Json reply = Json::parse(served.body);
  EXPECT_EQ(reply["grant_id"], grant_id);
  EXPECT_EQ(reply["provider"], "gcp");
  EXPECT_EQ(reply["access_token"], "ya29.APPROVED-gcp-0001");
  EXPECT_EQ(reply["token_type"], "Bearer");
  EXPECT_EQ(reply["expires_at"], "2026-01-01T12:40:00Z");
  EXPECT_EQ(reply["ttl_seconds"], 1500);
  EXPECT_EQ(reply["service_account"], kServiceAccount);
  EXPECT_EQ(reply["project"], "my-project");
  EXPECT_TRUE(reply["access_boundary"].is_null());
  EXPECT_FALSE(reply["not_enforced"].empty());
  EXPECT_TRUE(reply.contains("warnings"));
  EXPECT_EQ(sts_.sent.size(), 1u);  // served sealed, not asked again
  // Another bearer gets nothing.
  EXPECT_EQ(Credentials(grant_id, std::string(bearer.size(), '0')).status, 401);

  // Past the grant's end: gone, and nothing asked of Google.
  now_ = approved_at + std::chrono::minutes(30);
  EXPECT_EQ(Credentials(grant_id, bearer).status, 410);
  EXPECT_EQ(sts_.sent.size(), 1u);

  // The token was nowhere but in that reply: not in the logs, the audit,
  // the listing or the store's files (where it is sealed).
  const std::string everything = Everything();
  EXPECT_NE(everything.find("grant_approved"), std::string::npos);
  EXPECT_EQ(everything.find("APPROVED-gcp-0001"), std::string::npos);
  EXPECT_EQ(everything.find(kBaseToken), std::string::npos);
}

TEST_F(TeamTokenGrantsTest, ThePollWhileGoogleIsAskedAtTheApprovalIsToldToWait) {
  const std::string intern = MakeToken("intern", "gated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m"})", intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  std::optional<ApiResponse> during;
  sts_.fallback = [&](const HttpRequest&) -> HttpResult {
    during = Credentials(pending["grant_id"], pending["credentials_token"]);
    return Generated("ya29.APPROVED-gcp-0002");
  };
  ASSERT_EQ(Decide(pending["request_id"], "approve", lead).status, 200);
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(during->status, 202) << during->body;
  EXPECT_EQ(during->headers.at("Retry-After"), "2");
  const Json waiting = Json::parse(during->body);
  EXPECT_EQ(waiting["status"], "issuing");
  EXPECT_NE(waiting["message"].get<std::string>().find("asking Google"), std::string::npos);
  const ApiResponse after = Credentials(pending["grant_id"], pending["credentials_token"]);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(Json::parse(after.body)["access_token"], "ya29.APPROVED-gcp-0002");
}

TEST_F(TeamTokenGrantsTest, AnIdentityEndpointFailureAtTheLastApprovalFailsTheGrantAnd502s) {
  const std::string intern = MakeToken("intern", "gated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m"})", intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  sts_.script.push_back(
      JsonReply(403, {{"error",
                       {{"code", 403},
                        {"message", "Permission 'iam.serviceAccounts.getAccessToken' denied"},
                        {"status", "PERMISSION_DENIED"}}}}));
  const ApiResponse approved = Decide(pending["request_id"], "approve", lead);
  EXPECT_EQ(approved.status, 502) << approved.body;
  const Json error = Json::parse(approved.body)["error"];
  EXPECT_EQ(error["code"], "upstream_refused");
  EXPECT_NE(error["message"].get<std::string>().find("is approved, but issuing grant"),
            std::string::npos);
  EXPECT_NE(error["message"].get<std::string>().find("roles/iam.serviceAccountTokenCreator"),
            std::string::npos);
  EXPECT_EQ(sts_.sent.size(), 1u);
  const std::vector<std::string> events = Events();
  EXPECT_EQ(std::vector<std::string>(events.end() - 4, events.end()),
            (std::vector<std::string>{"approval_added", "request_approved", "grant_approved",
                                      "grant_failed"}));
  EXPECT_EQ(Stored(pending["grant_id"]).status, GrantStatus::kFailed);
  // The requester's poll says it failed, and why.
  const ApiResponse fetched = Credentials(pending["grant_id"], pending["credentials_token"]);
  EXPECT_EQ(fetched.status, 403) << fetched.body;
  EXPECT_NE(fetched.body.find("failed"), std::string::npos);
  EXPECT_EQ(fetched.body.find("access_token"), std::string::npos);
}

TEST_F(TeamTokenGrantsTest, AnApprovedGrantIsIssuedOnlyAsApprovedEvenAfterAReload) {
  // The server's service account changes while the request waits: the
  // approvers saw the old one, so the approval issues nothing.
  const std::string intern = MakeToken("intern", "gated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m"})", intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  ServerConfig reloaded = config_;
  reloaded.gcp_service_account = "other@my-project.iam.gserviceaccount.com";
  server_->Reload(reloaded);
  sts_.script.push_back(Generated("ya29.MUST-NOT-BE-MINTED"));
  const ApiResponse approved = Decide(pending["request_id"], "approve", lead);
  EXPECT_EQ(approved.status, 409) << approved.body;
  EXPECT_NE(approved.body.find("other@my-project.iam.gserviceaccount.com instead of"),
            std::string::npos);
  EXPECT_TRUE(sts_.sent.empty());
  EXPECT_EQ(Events().back(), "grant_failed");
  EXPECT_EQ(Stored(pending["grant_id"]).status, GrantStatus::kFailed);
}

TEST_F(TeamTokenGrantsTest, AnAzureGrantUnderApprovalIsTheIdentitysTokenAtTheLastApproval) {
  const std::string dev = MakeToken("dev", "azuregated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked = Post(
      R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/resourceGroups/read","ttl":"10m"})",
      dev);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  const std::string grant_id = pending["grant_id"];
  EXPECT_EQ(Credentials(grant_id, pending["credentials_token"]).status, 202);
  EXPECT_TRUE(sts_.sent.empty());

  now_ += std::chrono::minutes(3);
  const TimePoint approved_at = now_;
  sts_.script.push_back(Entra("eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0ZW5hbnQtMSJ9.APPROVED-AZURE-SIG"));
  const ApiResponse approved = Decide(pending["request_id"], "approve", lead);
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(sts_.sent[0].url, "http://login.test/tenant-1/oauth2/v2.0/token");
  const std::vector<std::string> events = Events();
  EXPECT_EQ(std::vector<std::string>(events.end() - 4, events.end()),
            (std::vector<std::string>{"approval_added", "request_approved", "grant_approved",
                                      "grant_issued"}));

  now_ += std::chrono::minutes(1);
  const ApiResponse served = Credentials(grant_id, pending["credentials_token"]);
  ASSERT_EQ(served.status, 200) << served.body;
  const Json reply = Json::parse(served.body);
  EXPECT_EQ(reply["provider"], "azure");
  EXPECT_EQ(reply["access_token"],
            "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0ZW5hbnQtMSJ9.APPROVED-AZURE-SIG");
  EXPECT_EQ(reply["resource"], "https://management.azure.com/");
  EXPECT_EQ(reply["cloud"], "AzureCloud");
  EXPECT_EQ(reply["subscription_id"], kSubscription);
  // The token lives its hour from the approval; the grant 10 minutes, of
  // which 9 are left.
  EXPECT_EQ(reply["expires_at"], FormatRfc3339(approved_at + std::chrono::seconds(3599)));
  EXPECT_EQ(reply["ttl_seconds"], 540);
  // The sealed token ends with the grant, though the token lives on.
  now_ = approved_at + std::chrono::minutes(10);
  EXPECT_EQ(Credentials(grant_id, pending["credentials_token"]).status, 410);

  const std::string everything = Everything();
  EXPECT_EQ(everything.find("APPROVED-AZURE-SIG"), std::string::npos);
  EXPECT_EQ(everything.find(kAzureSecret), std::string::npos);
}

TEST_F(TeamTokenGrantsTest, ADeniedGcpRequestAsksNoCloudAndItsPollIsRefused) {
  const std::string intern = MakeToken("intern", "gated");
  const std::string lead = MakeToken("lead", "gcp", {"leads"});
  const ApiResponse asked =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m"})", intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  ASSERT_EQ(Decide(pending["request_id"], "deny", lead, "not today").status, 200);
  const ApiResponse fetched = Credentials(pending["grant_id"], pending["credentials_token"]);
  EXPECT_EQ(fetched.status, 403) << fetched.body;
  EXPECT_NE(fetched.body.find("not today"), std::string::npos);
  EXPECT_TRUE(sts_.sent.empty());
}

TEST_F(TeamTokenGrantsTest, RevokingAPendingGcpGrantSaysNothingIsIssuedAndNamesTheDeny) {
  const std::string intern = MakeToken("intern", "gated");
  const std::string ops = MakeToken("admin", "ops");
  const ApiResponse asked =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"15m"})", intern);
  ASSERT_EQ(asked.status, 202) << asked.body;
  const Json pending = Json::parse(asked.body);
  const ApiResponse revoked =
      Call("POST", "/v1/grants/" + pending["grant_id"].get<std::string>() + "/revoke",
           R"({"reason":"wrong project"})", ops);
  EXPECT_EQ(revoked.status, 409) << revoked.body;
  // Not "its token cannot be recalled": there is no token yet.
  EXPECT_NE(revoked.body.find("no gcp token exists yet"), std::string::npos) << revoked.body;
  EXPECT_NE(revoked.body.find("tryaudex requests deny " + pending["request_id"].get<std::string>()),
            std::string::npos)
      << revoked.body;
  EXPECT_TRUE(sts_.sent.empty());
  EXPECT_EQ(Stored(pending["grant_id"]).status, GrantStatus::kPendingApproval);
}

TEST_F(TeamTokenGrantsTest, BreakGlassUnderAnApprovalRuleIssuesAGcpTokenAtOnceForReview) {
  const std::string glass = MakeToken("oncall", "glass");
  sts_.script.push_back(Generated("ya29.BREAK-GLASS-0001"));
  const ApiResponse issued = Post(
      R"({"provider":"gcp","allow":"compute.instances.list","break_glass":true,"reason":"outage"})",
      glass);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const Json reply = Json::parse(issued.body);
  EXPECT_EQ(reply["access_token"], "ya29.BREAK-GLASS-0001");
  EXPECT_EQ(reply["break_glass"]["review"], "pending");
  const std::vector<std::string> events = Events();
  EXPECT_NE(std::find(events.begin(), events.end(), "break_glass_issued"), events.end());
  EXPECT_EQ(events.back(), "grant_issued");
}

TEST_F(TeamTokenGrantsTest, WhatAProviderCannotDoIsRefusedWithTheProblemAndTheFix) {
  const std::string azure = MakeToken("deployer", "azure");
  const ApiResponse scoped = Post(
      R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/read","resource":"/subscriptions/x"})",
      azure);
  EXPECT_EQ(scoped.status, 400) << scoped.body;
  EXPECT_NE(scoped.body.find("cannot be scoped to resources"), std::string::npos);
  const ApiResponse role = Post(
      R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/read","role":"x"})", azure);
  EXPECT_EQ(role.status, 400) << role.body;
  EXPECT_NE(role.body.find("drop \\\"role\\\""), std::string::npos);
  const std::string gcp = MakeToken("builder", "gcp");
  const ApiResponse long_ttl =
      Post(R"({"provider":"gcp","allow":"compute.instances.list","ttl":"2h"})", gcp);
  EXPECT_EQ(long_ttl.status, 400) << long_ttl.body;
  EXPECT_NE(long_ttl.body.find("gcp_token_lifetime_extension"), std::string::npos);
  EXPECT_TRUE(sts_.sent.empty());
  for (const std::string& event : Events()) {
    EXPECT_TRUE(event == "token_created" || event == "grant_refused") << event;
  }

  // A GCP grant cannot be recalled: revoking says so, and what to do.
  sts_.script.push_back(Generated("ya29.GRANTED-gcp-0002"));
  const ApiResponse issued = Post(R"({"provider":"gcp","allow":"compute.instances.list"})", gcp);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string ops = MakeToken("admin", "ops");
  const ApiResponse revoked = Call(
      "POST", "/v1/grants/" + Json::parse(issued.body)["grant_id"].get<std::string>() + "/revoke",
      "{}", ops);
  EXPECT_EQ(revoked.status, 409) << revoked.body;
  EXPECT_NE(revoked.body.find("roles/iam.serviceAccountTokenCreator"), std::string::npos);
}

TEST_F(TeamTokenGrantsTest, NoTokenIsInTheLogsTheAuditTheStoreOrTheListing) {
  const std::string gcp = MakeToken("builder", "gcp");
  const std::string azure = MakeToken("deployer", "azure");
  sts_.script.push_back(Generated("ya29.SECRET-gcp-grant-token"));
  sts_.script.push_back(Entra("eyJ.SECRET-azure-grant-token.sig"));
  sts_.script.push_back(JsonReply(500, {{"error", {{"code", 500}, {"message", "backend"}}}}));
  ASSERT_EQ(Post(R"({"provider":"gcp","allow":"compute.instances.list"})", gcp).status, 201);
  ASSERT_EQ(Post(R"({"provider":"azure","allow":"Microsoft.Resources/subscriptions/read"})", azure)
                .status,
            201);
  EXPECT_EQ(Post(R"({"provider":"gcp","allow":"compute.instances.list"})", gcp).status, 502);
  const std::string everything = Everything();
  EXPECT_NE(everything.find("grant_issued"), std::string::npos);  // it did read something
  for (const std::string secret :
       {"SECRET-gcp-grant-token", "SECRET-azure-grant-token", kBaseToken, kAzureSecret}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace audex
