// The team server's OIDC callers (server/team/oidc_auth.cc) without a
// socket: a real SQLite store, tokens signed with cjose under an RSA key
// whose JWKS a scripted issuer serves, a scripted STS, a fixed clock. Which
// rule set a token binds, what STS is asked for when the token ends before
// the asked TTL (the cap), and what a refusal says and logs.
#include <cjose/cjose.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>
#include <filesystem>

#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/wire/url.h"
#include "server/team/team_server.h"
#include "support/scripted_http.h"
#include "team_server_fixture.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

constexpr char kIssuer[] = "https://gh.example";

std::string FormValue(const std::string& form, const std::string& name) {
  for (std::string_view pair : Split(form, '&')) {
    if (pair.starts_with(name + "=")) return PercentDecode(pair.substr(name.size() + 1));
  }
  return "";
}

HttpResponse Assumed(const std::string& key) {
  return HttpResponse{
      200,
      {},
      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + key +
          "</AccessKeyId><SecretAccessKey>SECRET</SecretAccessKey><SessionToken>TOKEN"
          "</SessionToken><Expiration>2026-01-01T12:15:00Z</Expiration></Credentials>"
          "<AssumedRoleUser><AssumedRoleId>AROATEAM:audex-x</AssumedRoleId><Arn>arn:aws:sts::1:"
          "assumed-role/team/audex-x</Arn></AssumedRoleUser></AssumeRoleResult>"
          "</AssumeRoleResponse>"};
}

// The shared fixture (team_server_fixture.h) with a GitHub-shaped issuer
// `gh`, a rule set `deploy` bound to its claims, and an HTTP script that
// answers the issuer's discovery and JWKS itself and STS from sts_replies_.
class TeamServerOidcTest : public TeamServerFixture {
 protected:
  void Configure(ServerConfig& config) override {
    TrustedIssuer github;
    github.name = "gh";
    github.kind = IssuerKind::kGithub;
    github.issuer = kIssuer;
    github.audience = "https://audex.test";
    github.require = {{"repository_owner_id", {"2020"}}};
    config.issuers = {github};
    ServerRule deploy;
    deploy.name = "deploy";
    deploy.actions = {"s3:Get*", "s3:List*"};
    deploy.max_ttl = seconds(3600);
    deploy.issuers = {"gh"};
    deploy.claims = {{"repository_id", {"424242"}}, {"ref", {"refs/heads/main"}}};
    config.policy.rules.push_back(deploy);

    sts_.fallback = [this](const HttpRequest& request) -> HttpResult {
      if (request.url == std::string(kIssuer) + "/.well-known/openid-configuration") {
        if (issuer_down_) return tl::unexpected(HttpFailure{HttpFailureKind::kOther, "refused"});
        return HttpResponse{
            200,
            {},
            Json{{"issuer", kIssuer}, {"jwks_uri", std::string(kIssuer) + "/jwks"}}.dump()};
      }
      if (request.url == std::string(kIssuer) + "/jwks") {
        return HttpResponse{200, {}, jwks_.dump()};
      }
      sts_sent_.push_back(request);
      if (sts_replies_.empty()) return tl::unexpected(HttpFailure{HttpFailureKind::kOther, "no"});
      HttpResponse next = sts_replies_.front();
      sts_replies_.pop_front();
      return next;
    };
  }

  void SetUp() override {
    static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
    cjose_err error{};
    key_ = cjose_jwk_create_RSA_random(2048, kExponent, sizeof kExponent, &error);
    ASSERT_NE(key_, nullptr);
    ASSERT_TRUE(cjose_jwk_set_kid(key_, "k1", 2, &error));
    char* public_json = cjose_jwk_to_json(key_, /*priv=*/false, &error);
    jwks_ = Json{{"keys", Json::array({Json::parse(public_json)})}};
    free(public_json);
    TeamServerFixture::SetUp();
  }
  void TearDown() override {
    TeamServerFixture::TearDown();
    if (key_ != nullptr) cjose_jwk_release(key_);
  }

  // A GitHub-shaped ID token signed with the issuer's key, expiring
  // `lifetime` after now, with `changes` over the defaults.
  std::string Token(seconds lifetime, const Json& changes = Json::object()) {
    const int64_t now = std::chrono::duration_cast<seconds>(now_.time_since_epoch()).count();
    Json claims = {{"iss", kIssuer},
                   {"aud", "https://audex.test"},
                   {"sub", "repo:octo-org/deploy:ref:refs/heads/main"},
                   {"jti", "jti-" + std::to_string(++jtis_)},
                   {"iat", now - 5},
                   {"exp", now + lifetime.count()},
                   {"repository", "octo-org/deploy"},
                   {"repository_id", "424242"},
                   {"repository_owner_id", "2020"},
                   {"ref", "refs/heads/main"}};
    claims.update(changes);
    cjose_err error{};
    cjose_header_t* header = cjose_header_new(&error);
    cjose_header_set(header, CJOSE_HDR_ALG, CJOSE_HDR_ALG_RS256, &error);
    cjose_header_set(header, CJOSE_HDR_KID, "k1", &error);
    cjose_header_set(header, "typ", "JWT", &error);
    const std::string payload = claims.dump();
    cjose_jws_t* jws = cjose_jws_sign(
        key_, header, reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), &error);
    EXPECT_NE(jws, nullptr);
    const char* compact = nullptr;
    cjose_jws_export(jws, &compact, &error);
    std::string token(compact);
    cjose_jws_release(jws);
    cjose_header_release(header);
    return token;
  }

  ApiResponse Post(const std::string& body, const std::string& token) {
    return Call("POST", "/v1/grants", body, token);
  }

  int jtis_ = 0;
  bool issuer_down_ = false;
  cjose_jwk_t* key_ = nullptr;
  Json jwks_;
  std::deque<HttpResponse> sts_replies_;
  std::vector<HttpRequest> sts_sent_;
};

TEST_F(TeamServerOidcTest, AGithubTokenIsBoundByItsClaimsAndTheGrantEndsWithTheToken) {
  sts_replies_.push_back(Assumed("ASIAOIDC000000000001"));
  const ApiResponse response = Post(R"({"allow":"s3:GetObject","ttl":"1h"})", Token(seconds(300)));
  ASSERT_EQ(response.status, 201) << response.body;
  const Json reply = Json::parse(response.body);
  EXPECT_EQ(reply["ttl_seconds"], 300);
  EXPECT_EQ(reply["ttl_cap"]["by"], "oidc_token");
  EXPECT_TRUE(reply["ttl_cap"]["capped"].get<bool>());
  EXPECT_EQ(reply["ttl_cap"]["ended_by"], "session_policy");
  EXPECT_EQ(reply["ttl_cap"]["ends_at"], FormatRfc3339(now_ + seconds(300)));

  // STS cannot issue less than 900 s: the session policy ends the grant.
  ASSERT_EQ(sts_sent_.size(), 1u);
  EXPECT_EQ(FormValue(sts_sent_[0].body, "DurationSeconds"), "900");
  EXPECT_EQ(FormValue(sts_sent_[0].body, "SourceIdentity"), "gh-octo-org-deploy");
  const Json policy = Json::parse(FormValue(sts_sent_[0].body, "Policy"));
  ASSERT_EQ(policy["Statement"].size(), 2u);
  EXPECT_EQ(policy["Statement"][1]["Sid"], "AudexGrantEnds");
  EXPECT_EQ(policy["Statement"][1]["Condition"]["DateGreaterThan"]["aws:CurrentTime"],
            FormatRfc3339(now_ + seconds(300)));

  auto grant = store_->GetGrant(reply["grant_id"].get<std::string>());
  ASSERT_TRUE(grant && *grant);
  EXPECT_EQ((*grant)->caller, "gh:octo-org/deploy");
  EXPECT_EQ((*grant)->rule, "policies.deploy");
  EXPECT_EQ((*grant)->ttl, seconds(300));
}

TEST_F(TeamServerOidcTest, ATokenOutlivingTheTtlLeavesItAndAShorterOneCutsItAboveTheFloor) {
  sts_replies_.push_back(Assumed("ASIAOIDC000000000002"));
  sts_replies_.push_back(Assumed("ASIAOIDC000000000003"));
  const ApiResponse whole = Post(R"({"allow":"s3:GetObject","ttl":"15m"})", Token(seconds(3600)));
  ASSERT_EQ(whole.status, 201) << whole.body;
  EXPECT_FALSE(Json::parse(whole.body)["ttl_cap"]["capped"].get<bool>());
  EXPECT_EQ(FormValue(sts_sent_[0].body, "DurationSeconds"), "900");
  EXPECT_EQ(FormValue(sts_sent_[0].body, "Policy").find("AudexGrantEnds"), std::string::npos);

  const ApiResponse cut = Post(R"({"allow":"s3:GetObject","ttl":"1h"})", Token(seconds(1800)));
  ASSERT_EQ(cut.status, 201) << cut.body;
  EXPECT_EQ(Json::parse(cut.body)["ttl_cap"]["ended_by"], "sts_expiration");
  EXPECT_EQ(FormValue(sts_sent_[1].body, "DurationSeconds"), "1800");
  EXPECT_EQ(FormValue(sts_sent_[1].body, "Policy").find("AudexGrantEnds"), std::string::npos);
}

TEST_F(TeamServerOidcTest, RefusalsAre401NamingTheCheckInReplyAndLogButNeverTheToken) {
  sts_replies_.push_back(Assumed("ASIAOIDC000000000004"));
  const std::string once = Token(seconds(300));
  ASSERT_EQ(Post(R"({"allow":"s3:GetObject"})", once).status, 201);
  const std::pair<std::string, std::string> cases[] = {
      {once, "replay"},
      {Token(seconds(300), {{"ref", "refs/heads/feature"}}), "bind:ref"},
      {Token(seconds(300), {{"repository_id", "999999"}}), "bind:repository_id"},
      {Token(seconds(300), {{"aud", "sts.amazonaws.com"}}), "aud"},
      {Token(seconds(-120)), "exp"},
  };
  for (const auto& [token, check] : cases) {
    logs_.clear();
    const ApiResponse refused = Post(R"({"allow":"s3:GetObject"})", token);
    EXPECT_EQ(refused.status, 401) << check << ": " << refused.body;
    EXPECT_EQ(Json::parse(refused.body)["error"]["rule"], check) << refused.body;
    const std::string signature = token.substr(token.rfind('.') + 1);
    EXPECT_EQ(refused.body.find(signature), std::string::npos);
    bool logged = false;
    for (const Json& line : logs_) {
      EXPECT_EQ(line.dump().find(signature), std::string::npos) << line.dump();
      if (line.value("msg", "") == "oidc token refused" && line.value("check", "") == check) {
        logged = true;
      }
    }
    EXPECT_TRUE(logged) << check;
  }
  EXPECT_EQ(sts_sent_.size(), 1u);  // only the first, good token reached STS
}

TEST_F(TeamServerOidcTest, AnIssuerThatCannotBeReachedIs503) {
  issuer_down_ = true;
  const ApiResponse response = Post(R"({"allow":"s3:GetObject"})", Token(seconds(300)));
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_EQ(Json::parse(response.body)["error"]["rule"], "jwks");
  EXPECT_TRUE(sts_sent_.empty());
}

TEST_F(TeamServerOidcTest, WhoAmINamesTheCallerItsPolicyAndTheTokensEnd) {
  ApiRequest request;
  request.method = "GET";
  request.path = "/v1/whoami";
  request.headers["authorization"] = "Bearer " + Token(seconds(300));
  const ApiResponse response = server_->Handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  const Json who = Json::parse(response.body);
  EXPECT_EQ(who["caller"], "gh:octo-org/deploy");
  EXPECT_EQ(who["via"], "oidc:gh");
  EXPECT_EQ(who["policy"], "deploy");
  EXPECT_EQ(who["token_expires_at"], FormatRfc3339(now_ + seconds(300)));
}

}  // namespace
}  // namespace audex
