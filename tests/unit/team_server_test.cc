// The team server's API (server/team/team_server.h) without a socket: a
// real SQLite store in a temporary directory, a scripted STS, a fixed
// clock. What a grant sends to STS, what it records and in which order,
// and what the caller gets back.
#include "server/team/team_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/audit/session_id.h"
#include "core/base/crypto.h"
#include "core/wire/url.h"
#include "support/scripted_http.h"
#include "team_server_fixture.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr const char* kRole = kFixtureRole;

std::string FormValue(const std::string& body, const std::string& name) {
  for (const std::string& pair : {body}) {
    size_t at = 0;
    while ((at = pair.find(name + "=", at)) != std::string::npos) {
      if (at == 0 || pair[at - 1] == '&') {
        const size_t start = at + name.size() + 1;
        const size_t end = pair.find('&', start);
        return PercentDecode(pair.substr(start, end == std::string::npos ? end : end - start));
      }
      at += name.size();
    }
  }
  return "";
}

HttpResult Assumed(const std::string& key) { return AssumedReply(key); }

// The shared fixture (team_server_fixture.h) with two rule sets, `ci`
// (S3 reads) and `ops` (an admin: may revoke), and a `ci` token.
class TeamServerTest : public TeamServerFixture {
 protected:
  void Configure(ServerConfig& config) override {
    ServerRule ci;
    ci.name = "ci";
    ci.actions = {"s3:Get*", "s3:List*"};
    config.policy.rules.push_back(ci);
    ServerRule ops;  // an admin rule set: may revoke
    ops.name = "ops";
    ops.actions = {"*"};
    ops.admin = true;
    config.policy.rules.push_back(ops);
  }

  void SetUp() override {
    TeamServerFixture::SetUp();
    if (HasFatalFailure()) return;
    token_ = MakeToken("ci-deploy", "ci");
  }

  ApiResponse Post(const std::string& body, const std::string& token) {
    return Call("POST", "/v1/grants", body, token);
  }

  std::string token_;
};

TEST_F(TeamServerTest, AGrantIsRecordedThenIssuedWithTheGrantIdAndTheCallerOnTheSession) {
  sts_.script.push_back(Assumed("ASIAGRANT00000000001"));
  const ApiResponse response =
      Post(R"({"allow":"s3:GetObject","ttl":"15m","reason":"nightly"})", token_);
  ASSERT_EQ(response.status, 201) << response.body;
  const Json reply = Json::parse(response.body);
  const std::string grant = reply["grant_id"];
  EXPECT_TRUE(IsSessionId(grant));
  EXPECT_EQ(reply["AccessKeyId"], "ASIAGRANT00000000001");
  EXPECT_EQ(reply["SecretAccessKey"], "SECRET-ASIAGRANT00000000001");
  EXPECT_EQ(response.headers.at("Cache-Control"), "no-store");

  ASSERT_EQ(sts_.sent.size(), 1u);
  const std::string& form = sts_.sent[0].body;
  EXPECT_EQ(FormValue(form, "RoleArn"), kRole);
  EXPECT_EQ(FormValue(form, "RoleSessionName"), "audex-" + grant);
  EXPECT_EQ(FormValue(form, "SourceIdentity"), "ci-deploy");
  // The caller is a session tag too (aws:PrincipalTag/audex-caller).
  EXPECT_EQ(FormValue(form, "Tags.member.1.Key"), "audex-caller");
  EXPECT_EQ(FormValue(form, "Tags.member.1.Value"), "ci-deploy");
  EXPECT_EQ(FormValue(form, "Tags.member.2.Key"), "");
  EXPECT_EQ(FormValue(form, "TransitiveTagKeys.member.1"), "");
  EXPECT_EQ(
      FormValue(form, "Policy"),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})");
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_requested", "grant_issued"}));
  auto stored = store_->GetGrant(grant);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, GrantStatus::kIssued);
  EXPECT_EQ((*stored)->sts.role_id, "AROATEAM");
  EXPECT_EQ((*stored)->caller, "ci-deploy");
  EXPECT_EQ((*stored)->reason, "nightly");
}

TEST_F(TeamServerTest, AnStsRefusalFailsTheGrantAndHandsOutNothing) {
  HttpResponse denied;
  denied.status = 403;
  denied.body =
      "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed</Message></Error>"
      "</ErrorResponse>";
  sts_.script.push_back(denied);
  const ApiResponse response = Post(R"({"allow":"s3:GetObject"})", token_);
  EXPECT_EQ(response.status, 502) << response.body;
  EXPECT_EQ(response.body.find("SecretAccessKey"), std::string::npos);
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"token_created", "grant_requested", "grant_failed"}));
}

TEST_F(TeamServerTest, ARoleThatRefusesSessionTagsStillGrantsWithoutTheCallerTag) {
  HttpResponse refused;
  refused.status = 403;
  refused.body =
      "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: "
      "arn:aws:iam::123456789012:user/server is not authorized to perform: sts:TagSession on "
      "resource: arn:aws:iam::123456789012:role/team</Message></Error></ErrorResponse>";
  sts_.script.push_back(refused);
  sts_.script.push_back(Assumed("ASIANOTAG00000000001"));
  const ApiResponse response = Post(R"({"allow":"s3:GetObject"})", token_);
  ASSERT_EQ(response.status, 201) << response.body;
  ASSERT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Tags.member.1.Value"), "ci-deploy");
  EXPECT_EQ(FormValue(sts_.sent[1].body, "Tags.member.1.Key"), "");
  EXPECT_EQ(FormValue(sts_.sent[1].body, "SourceIdentity"), "ci-deploy");
}

TEST_F(TeamServerTest, ARefusalIsAuditedWithItsRuleAndCallsNoSts) {
  const ApiResponse response = Post(R"({"allow":"s3:PutObject"})", token_);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(Json::parse(response.body)["error"]["rule"], "policies.ci.actions");
  EXPECT_TRUE(sts_.sent.empty());
  AuditQuery query;
  query.event = "grant_refused";
  auto lines = store_->ReadAudit(query);
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].event.fields["rule"], "policies.ci.actions");
  EXPECT_EQ((*lines)[0].event.fields["caller"], "ci-deploy");
}

TEST_F(TeamServerTest, AnIdenticalRequestReusesTheLiveSession) {
  sts_.script.push_back(Assumed("ASIAREUSED0000000001"));
  const ApiResponse first = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(first.status, 201);
  const ApiResponse second = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(Json::parse(second.body)["reused_from"], Json::parse(first.body)["grant_id"]);
  EXPECT_EQ(Json::parse(second.body)["AccessKeyId"], "ASIAREUSED0000000001");
}

TEST_F(TeamServerTest, NoOrAnUnknownTokenIs401AndStoresNothing) {
  EXPECT_EQ(Post(R"({"allow":"s3:GetObject"})", "").status, 401);
  EXPECT_EQ(Post(R"({"allow":"s3:GetObject"})", "audex_" + std::string(64, '0')).status, 401);
  EXPECT_EQ(Post(R"({"allow":"s3:GetObject"})", "not-a-token").status, 401);
  EXPECT_EQ(Events(), std::vector<std::string>{"token_created"});
}

TEST_F(TeamServerTest, TheGrantsCredentialsEndpointServesOnlyItsOwnToken) {
  sts_.script.push_back(Assumed("ASIASERVED0000000001"));
  const ApiResponse granted = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(granted.status, 201);
  const Json reply = Json::parse(granted.body);
  ApiRequest fetch;
  fetch.method = "GET";
  fetch.path = reply["credentials_url"];
  fetch.headers["authorization"] = reply["credentials_token"];
  const ApiResponse served = server_->Handle(fetch);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(Json::parse(served.body)["AccessKeyId"], "ASIASERVED0000000001");
  fetch.headers["authorization"] = std::string(64, 'f');
  EXPECT_EQ(server_->Handle(fetch).status, 401);
}

TEST_F(TeamServerTest, UnknownRoutesAre404AndTheDrainingReplicaRefuses) {
  ApiRequest request;
  request.method = "GET";
  request.path = "/v2/nothing";
  EXPECT_EQ(server_->Handle(request).status, 404);
  server_->StartDraining();
  EXPECT_EQ(Post(R"({"allow":"s3:GetObject"})", token_).status, 503);
  request.path = "/readyz";
  EXPECT_EQ(server_->Handle(request).status, 503);
  request.path = "/healthz";
  EXPECT_EQ(server_->Handle(request).status, 200);
}

TEST_F(TeamServerTest, AWarmGrantIsRecordedIssuedAndServableWithoutSts) {
  sts_.script.push_back(Assumed("ASIAWARM000000000001"));
  const ApiResponse first = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(first.status, 201) << first.body;
  const ApiResponse second = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(sts_.sent.size(), 1u);
  const Json reply = Json::parse(second.body);
  const std::string id = reply["grant_id"];
  EXPECT_EQ(Events(), (std::vector<std::string>{"token_created", "grant_requested", "grant_issued",
                                                "grant_requested", "grant_issued"}));
  auto stored = store_->GetGrant(id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, GrantStatus::kIssued);
  EXPECT_EQ((*stored)->reused_from, Json::parse(first.body)["grant_id"].get<std::string>());
  EXPECT_EQ((*stored)->sts.access_key_id, "ASIAWARM000000000001");
  EXPECT_TRUE((*stored)->credentials_token_sha256);
  // Its own cache entry went in with it: the credentials endpoint serves
  // the grant without asking STS.
  ApiRequest fetch;
  fetch.method = "GET";
  fetch.path = reply["credentials_url"];
  fetch.headers["authorization"] = reply["credentials_token"];
  const ApiResponse served = server_->Handle(fetch);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(Json::parse(served.body)["AccessKeyId"], "ASIAWARM000000000001");
  EXPECT_EQ(sts_.sent.size(), 1u);
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict && *verdict);
}

TEST_F(TeamServerTest, ASessionRevokedBeforeItsCacheEntryWentIsNeverReused) {
  sts_.script.push_back(Assumed("ASIAREVOKED000000001"));
  const ApiResponse first = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string origin = Json::parse(first.body)["grant_id"];
  // A revocation committed on another replica, which has not yet deleted
  // the session's cache entry.
  GrantChange revoked;
  revoked.status = GrantStatus::kRevoked;
  AuditEvent event;
  event.session_id = origin;
  event.name = "grant_revoked";
  ASSERT_TRUE(store_->Transact([&](TeamTransaction& tx) {
    return tx.UpdateGrant(origin, {GrantStatus::kIssued}, revoked, event);
  }));
  sts_.script.push_back(Assumed("ASIAFRESH00000000001"));
  const ApiResponse second = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(sts_.sent.size(), 2u);
  const Json reply = Json::parse(second.body);
  EXPECT_EQ(reply["AccessKeyId"], "ASIAFRESH00000000001");
  EXPECT_TRUE(reply["reused_from"].is_null());
}

// ------------------------------------------------------------ revocation

HttpResult IamReply(const std::string& operation, const std::string& result) {
  HttpResponse response;
  response.status = 200;
  response.body = "<" + operation +
                  "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" + operation +
                  "Result>" + result + "</" + operation + "Result><ResponseMetadata>" +
                  "<RequestId>r</RequestId></ResponseMetadata></" + operation + "Response>";
  return response;
}

HttpResult ListedPolicies(const std::vector<std::string>& names) {
  std::string members;
  for (const std::string& name : names) members += "<member>" + name + "</member>";
  return IamReply("ListRolePolicies",
                  "<PolicyNames>" + members + "</PolicyNames><IsTruncated>false</IsTruncated>");
}

HttpResult RolePolicy(const std::string& name, const std::string& document) {
  return IamReply("GetRolePolicy", "<RoleName>team</RoleName><PolicyName>" + name +
                                       "</PolicyName><PolicyDocument>" + UriEncode(document) +
                                       "</PolicyDocument>");
}

constexpr char kS3Policy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

class TeamRevocationTest : public TeamServerTest {
 protected:
  // Grants of different TTLs, so that the STS cache does not serve one
  // from another's session.
  Json Grant(const std::string& key, const std::string& ttl = "15m") {
    sts_.script.push_back(Assumed(key));
    const ApiResponse granted = Post(R"({"allow":"s3:GetObject","ttl":")" + ttl + R"("})", token_);
    EXPECT_EQ(granted.status, 201) << granted.body;
    return Json::parse(granted.body);
  }
  ApiResponse Revoke(const std::string& grant, const std::string& token,
                     const std::string& body = R"({"reason":"laptop stolen"})") {
    ApiRequest request;
    request.method = "POST";
    request.path = "/v1/grants/" + grant + "/revoke";
    request.body = body;
    request.headers["authorization"] = "Bearer " + token;
    return server_->Handle(request);
  }
  int FetchStatus(const Json& grant) {
    ApiRequest fetch;
    fetch.method = "GET";
    fetch.path = grant["credentials_url"];
    fetch.headers["authorization"] = grant["credentials_token"];
    return server_->Handle(fetch).status;
  }
  const HttpRequest* SentIam(const std::string& action) {
    for (const HttpRequest& request : sts_.sent) {
      if (FormValue(request.body, "Action") == action) return &request;
    }
    return nullptr;
  }
};

TEST_F(TeamRevocationTest, ARevokedGrantIsRefusedAtOnceAndItsSessionDeniedOnTheRole) {
  const Json first = Grant("ASIAFIRST00000000001");
  const Json second = Grant("ASIASECOND0000000001", "30m");
  const std::string grant = first["grant_id"];
  const std::string ops = MakeToken("ops", "ops");
  sts_.script.push_back(ListedPolicies({"s3"}));
  sts_.script.push_back(RolePolicy("s3", kS3Policy));
  sts_.script.push_back(IamReply("PutRolePolicy", ""));

  const ApiResponse revoked = Revoke(grant, ops);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  const Json reply = Json::parse(revoked.body);
  EXPECT_EQ(reply["revoked_grants"], Json::array({grant}));
  ASSERT_EQ(reply["denies"].size(), 1u);
  EXPECT_EQ(reply["denies"][0]["attached"], true);
  EXPECT_EQ(reply["denies"][0]["budget"], 10240 - PolicySize(kS3Policy));

  const HttpRequest* put = SentIam("PutRolePolicy");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(FormValue(put->body, "RoleName"), "team");
  EXPECT_EQ(FormValue(put->body, "PolicyName"), "AudexRevocations");
  const Json document = Json::parse(FormValue(put->body, "PolicyDocument"));
  ASSERT_EQ(document["Statement"].size(), 1u);
  EXPECT_EQ(document["Statement"][0]["Condition"]["StringLike"]["aws:userid"],
            "AROATEAM:audex-" + grant);
  EXPECT_EQ(FormValue(put->body, "PolicyDocument").find(second["grant_id"].get<std::string>()),
            std::string::npos);

  EXPECT_EQ(FetchStatus(first), 403);
  EXPECT_EQ(FetchStatus(second), 200);
  const auto events = Events();
  EXPECT_NE(std::find(events.begin(), events.end(), "grant_revoked"), events.end());
  EXPECT_NE(std::find(events.begin(), events.end(), "revocation_attached"), events.end());
  // A second revoke of the same grant is a conflict, not a second Deny.
  EXPECT_EQ(Revoke(grant, ops).status, 409);
}

TEST_F(TeamRevocationTest, OnlyAnAdminMayRevoke) {
  const Json first = Grant("ASIAFIRST00000000001");
  const ApiResponse refused = Revoke(first["grant_id"], token_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Json::parse(refused.body)["error"]["rule"], "policies.ci.admin");
  EXPECT_EQ(FetchStatus(first), 200);
  EXPECT_EQ(Revoke("nosuchgrant", MakeToken("ops", "ops")).status, 404);
}

TEST_F(TeamRevocationTest, WithoutPutRolePolicyTheGrantIsRevokedAndTheReplyNamesWhatIsMissing) {
  const Json first = Grant("ASIAFIRST00000000001");
  sts_.script.push_back(ListedPolicies({}));
  HttpResponse denied;
  denied.status = 403;
  denied.body =
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not "
      "authorized to perform: iam:PutRolePolicy</Message></Error></ErrorResponse>";
  sts_.script.push_back(denied);
  const ApiResponse revoked = Revoke(first["grant_id"], MakeToken("ops", "ops"));
  EXPECT_EQ(revoked.status, 502) << revoked.body;
  const Json reply = Json::parse(revoked.body);
  EXPECT_EQ(reply["error"]["code"], "deny_not_attached");
  const std::string message = reply["error"]["message"];
  EXPECT_NE(message.find("lack iam:PutRolePolicy on the role " + std::string(kRole)),
            std::string::npos)
      << message;
  EXPECT_EQ(FetchStatus(first), 403);
}

TEST_F(TeamRevocationTest, TheJanitorRemovesTheDenyOnceItsSessionsExpired) {
  const Json first = Grant("ASIAFIRST00000000001");
  const ApiResponse revoked = [&] {
    sts_.script.push_back(ListedPolicies({}));
    sts_.script.push_back(IamReply("PutRolePolicy", ""));
    return Revoke(first["grant_id"], MakeToken("ops", "ops"));
  }();
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  const std::string attached = FormValue(SentIam("PutRolePolicy")->body, "PolicyDocument");

  // Still live: the sweep leaves it (nothing is due, and the first full
  // check finds the role as the store says).
  sts_.script.push_back(ListedPolicies({"AudexRevocations"}));
  sts_.script.push_back(RolePolicy("AudexRevocations", attached));
  server_->SweepRevocations();
  EXPECT_EQ(SentIam("DeleteRolePolicy"), nullptr);

  // The session expired at 12:15 and the grant's TTL ended then too.
  now_ += std::chrono::hours(1);
  sts_.script.push_back(ListedPolicies({"AudexRevocations"}));
  sts_.script.push_back(RolePolicy("AudexRevocations", attached));
  sts_.script.push_back(IamReply("DeleteRolePolicy", ""));
  server_->SweepRevocations();
  const HttpRequest* deleted = SentIam("DeleteRolePolicy");
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(FormValue(deleted->body, "PolicyName"), "AudexRevocations");
  const auto events = Events();
  EXPECT_EQ(events.back(), "revocation_removed");
  auto listed = store_->ListRevocations(RevocationFilter{});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].removed_at.has_value());
}

// ---- the web UI (web_ui.cc): a session by cookie, CSRF and Origin ----

namespace web_ui {

ApiRequest UiRequest(std::string method, std::string path, const std::string& cookie = "") {
  ApiRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.headers["host"] = "audex.test";
  if (!cookie.empty()) request.headers["cookie"] = "other=1; audex_ui=" + cookie;
  return request;
}

// The value of the audex_ui cookie a reply sets ("" when none).
std::string SetCookie(const ApiResponse& response) {
  const auto found = response.headers.find("Set-Cookie");
  if (found == response.headers.end()) return "";
  const std::string& header = found->second;
  if (header.rfind("audex_ui=", 0) != 0) return "";
  return header.substr(9, header.find(';') - 9);
}

}  // namespace web_ui

TEST_F(TeamServerTest, UiTokenLoginOpensASessionTheApiAnswersWithCsrfAndOriginChecked) {
  using web_ui::UiRequest;
  ApiRequest login = UiRequest("POST", "/ui/login/token");
  login.body = "token=" + token_;
  // Another site's page cannot sign this browser in (login CSRF).
  login.headers["origin"] = "http://evil.test";
  ApiResponse refused = server_->Handle(login);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(web_ui::SetCookie(refused), "");
  login.headers["origin"] = "http://audex.test";
  const ApiResponse opened = server_->Handle(login);
  ASSERT_EQ(opened.status, 303) << opened.body;
  EXPECT_EQ(opened.headers.at("Location"), "/ui/");
  const std::string cookie = web_ui::SetCookie(opened);
  ASSERT_EQ(cookie.size(), 64u) << opened.headers.at("Set-Cookie");
  EXPECT_NE(opened.headers.at("Set-Cookie").find("HttpOnly; SameSite=Strict; Path=/"),
            std::string::npos);
  EXPECT_NE(opened.headers.at("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  // The cookie is never stored, only its hash.
  auto stored = store_->FindWebSession(Sha256Hex(cookie), now_);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->caller, "ci-deploy");

  const ApiResponse whoami = server_->Handle(UiRequest("GET", "/v1/whoami", cookie));
  ASSERT_EQ(whoami.status, 200) << whoami.body;
  const Json who = Json::parse(whoami.body);
  EXPECT_EQ(who["caller"], "ci-deploy");
  const std::string csrf = who["ui_csrf_token"];
  EXPECT_EQ(csrf.size(), 64u);
  EXPECT_EQ(server_->Handle(UiRequest("GET", "/ui/", cookie)).status, 200);
  EXPECT_EQ(server_->Handle(UiRequest("GET", "/ui/")).status, 303);

  // A state change by cookie: refused without the token, with a wrong one,
  // or from another origin; nothing is asked of STS.
  ApiRequest grant = UiRequest("POST", "/v1/grants", cookie);
  grant.body = R"({"allow":"s3:GetObject","ttl":"15m"})";
  grant.headers["origin"] = "http://audex.test";
  ApiResponse answer = server_->Handle(grant);
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(Json::parse(answer.body)["error"]["rule"], "csrf");
  grant.headers["x-audex-csrf"] = std::string(64, '0');
  EXPECT_EQ(server_->Handle(grant).status, 403);
  grant.headers["x-audex-csrf"] = csrf;
  grant.headers["origin"] = "http://evil.test";
  EXPECT_EQ(server_->Handle(grant).status, 403);
  grant.headers.erase("origin");
  EXPECT_EQ(server_->Handle(grant).status, 403);
  EXPECT_TRUE(sts_.sent.empty());
  grant.headers["origin"] = "http://audex.test";
  sts_.script.push_back(Assumed("ASIAUIGRANT000000001"));
  answer = server_->Handle(grant);
  EXPECT_EQ(answer.status, 201) << answer.body;

  // Sign out: the session ends for every replica (the row is gone).
  ApiRequest logout = UiRequest("POST", "/ui/logout", cookie);
  logout.headers["origin"] = "http://audex.test";
  EXPECT_EQ(server_->Handle(logout).status, 403);  // no CSRF token
  logout.headers["x-audex-csrf"] = csrf;
  const ApiResponse out = server_->Handle(logout);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(server_->Handle(UiRequest("GET", "/v1/whoami", cookie)).status, 401);
  const auto events = Events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "ui_login"), 1);
  EXPECT_EQ(std::count(events.begin(), events.end(), "ui_logout"), 1);
}

TEST_F(TeamServerTest, AUiSessionEndsWithTheApiTokenItWasOpenedWith) {
  ApiRequest login = web_ui::UiRequest("POST", "/ui/login/token");
  login.body = "token=" + token_;
  login.headers["origin"] = "http://audex.test";
  const std::string cookie = web_ui::SetCookie(server_->Handle(login));
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(server_->Handle(web_ui::UiRequest("GET", "/v1/grants", cookie)).status, 200);
  AuditEvent revoked;
  revoked.session_id = "revocation";
  revoked.name = "token_revoked";
  ASSERT_TRUE(store_->Transact(
      [&](TeamTransaction& tx) { return tx.RevokeApiTokens("ci-deploy", now_, revoked); }));
  EXPECT_EQ(server_->Handle(web_ui::UiRequest("GET", "/v1/grants", cookie)).status, 401);
  // A session's life also ends: eight hours at most.
  ApiRequest again = login;
  const std::string admin_token = MakeToken("ops-admin", "ops");
  again.body = "token=" + admin_token;
  const std::string admin = web_ui::SetCookie(server_->Handle(again));
  ASSERT_FALSE(admin.empty());
  now_ += std::chrono::hours(8);
  EXPECT_EQ(server_->Handle(web_ui::UiRequest("GET", "/v1/grants", admin)).status, 401);
}

TEST_F(TeamServerTest, ActivityCountsTheCallersGrantsRefusalsAndStsCalls) {
  sts_.script.push_back(Assumed("ASIAACTIVITY00000001"));
  ASSERT_EQ(Post(R"({"allow":"s3:GetObject","ttl":"15m"})", token_).status, 201);
  ASSERT_EQ(Post(R"({"allow":"s3:PutObject","ttl":"15m"})", token_).status, 403);
  ApiRequest request;
  request.method = "GET";
  request.path = "/v1/activity";
  request.query["days"] = "7";
  request.headers["authorization"] = "Bearer " + token_;
  const ApiResponse response = server_->Handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  const Json activity = Json::parse(response.body);
  EXPECT_EQ(activity["scope"], "caller");
  ASSERT_EQ(activity["sessions_by_day"].size(), 1u) << response.body;
  EXPECT_EQ(activity["sessions_by_day"][0]["day"], "2026-01-01");
  EXPECT_EQ(activity["sessions_by_day"][0]["count"], 1);
  EXPECT_EQ(activity["top_actions"][0]["action"], "s3:GetObject");
  ASSERT_EQ(activity["refusals"].size(), 1u) << response.body;
  EXPECT_EQ(activity["refusals"][0]["rule"], "policies.ci.actions");
  EXPECT_EQ(activity["sts_latency"]["calls"], 1);
  request.query["days"] = "0";
  EXPECT_EQ(server_->Handle(request).status, 400);
}

}  // namespace
}  // namespace audex
