// OidcTokenVerifier against a loopback issuer shaped like GitHub Actions
// (tests/oidc/github_issuer.mjs: npm's jose mints the tokens, keys rotate):
// a good token becomes the expected Caller; each bad one is refused by the
// check named for it; an unknown kid costs exactly one re-fetch and a flood
// of them no more.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "adapters/http/curl_http_client.h"
#include "adapters/oidc/token_verifier.h"
#include "core/identity/jwt.h"
#include "oidc_test_support.h"

namespace audex {
namespace {

using oidc_test::InMemoryJtiLedger;
using oidc_test::NodeServer;
using std::chrono::seconds;

class GithubIssuer : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new NodeServer();
    std::string why;
    if (!server_->Start("github_issuer.mjs", why)) start_failure_ = why;
  }
  static void TearDownTestSuite() {
    server_->Stop(/*keep_log=*/testing::UnitTest::GetInstance()->failed_test_count() > 0);
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(start_failure_.empty()) << start_failure_;
    verifier_ = std::make_unique<OidcTokenVerifier>(Issuers(), http_, &ledger_, [this] {
      return std::chrono::system_clock::now() + seconds(offset_.load());
    });
  }

  static std::string Base() { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  static std::vector<TrustedIssuer> Issuers() {
    TrustedIssuer github;
    github.name = "gh";
    github.kind = IssuerKind::kGithub;
    github.issuer = Base() + "/gh";
    github.audience = "https://audex.test";
    github.groups = {"ci"};
    github.require = {{"repository_owner_id", {"2020"}},
                      {"repository_id", {"424242"}},
                      {"ref", {"refs/heads/main", "refs/tags/v*"}}};
    github.source = "test:gh";
    TrustedIssuer other;
    other.name = "other";
    other.issuer = Base() + "/other";
    other.audience = "https://audex.test";
    other.source = "test:other";
    TrustedIssuer ec;
    ec.name = "ec";
    ec.issuer = Base() + "/ec";
    ec.audience = "https://audex.test";
    ec.algorithms = {"ES256"};
    ec.source = "test:ec";
    std::vector<TrustedIssuer> issuers = {github, other, ec};
    EXPECT_TRUE(ValidateTrustedIssuers(issuers));
    return issuers;
  }

  std::string Mint(const std::string& issuer,
                   const nlohmann::json& request = nlohmann::json::object()) {
    auto reply = http_.Send({"POST",
                             Base() + "/" + issuer + "/mint",
                             {{"Content-Type", "application/json"}},
                             request.dump()});
    EXPECT_TRUE(reply && reply->status == 200) << (reply ? reply->body : reply.error().message);
    return reply ? reply->body : std::string();
  }

  nlohmann::json Stats() {
    auto reply = http_.Send({"GET", Base() + "/stats", {}, ""});
    return reply ? nlohmann::json::parse(reply->body) : nlohmann::json();
  }

  std::string Rotate(const std::string& issuer) {
    auto reply = http_.Send({"POST", Base() + "/" + issuer + "/rotate", {}, ""});
    return reply ? nlohmann::json::parse(reply->body).value("kid", "") : "";
  }

  // The token is refused by `check`, and the reason does not carry it.
  void ExpectRefused(const std::string& token, const std::string& check,
                     const std::string& reason_part = "") {
    auto result = verifier_->Verify(token);
    ASSERT_FALSE(result) << "accepted: " << result->name;
    EXPECT_EQ(result.error().kind, VerifyFailure::Kind::kRefused);
    EXPECT_EQ(result.error().refusal.check, check) << result.error().refusal.Describe();
    EXPECT_NE(result.error().refusal.reason.find(reason_part), std::string::npos)
        << result.error().refusal.Describe();
    const std::string signature = token.substr(token.rfind('.') + 1);
    if (signature.size() > 8) {
      EXPECT_EQ(result.error().refusal.Describe().find(signature), std::string::npos);
    }
  }

  static NodeServer* server_;
  static std::string start_failure_;
  CurlHttpClient http_;
  InMemoryJtiLedger ledger_;
  std::atomic<int> offset_{0};
  std::unique_ptr<OidcTokenVerifier> verifier_;
};

NodeServer* GithubIssuer::server_ = nullptr;
std::string GithubIssuer::start_failure_;

TEST_F(GithubIssuer, GoodTokenYieldsTheCallerAndItsClaims) {
  const std::string token = Mint("gh");
  const auto claims = nlohmann::json::parse(
      Base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1))
          .value_or("{}"));
  auto caller = verifier_->Verify(token);
  ASSERT_TRUE(caller) << caller.error().refusal.Describe();
  EXPECT_EQ(caller->name, "gh:octo-org/deploy");
  EXPECT_EQ(caller->issuer_name, "gh");
  EXPECT_EQ(caller->issuer, Base() + "/gh");
  EXPECT_EQ(caller->subject, "repo:octo-org/deploy:ref:refs/heads/main");
  EXPECT_EQ(caller->groups, std::vector<std::string>{"ci"});
  EXPECT_EQ(caller->jti, claims["jti"].get<std::string>());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(caller->expires_at), claims["exp"].get<int64_t>());
  EXPECT_EQ(caller->claims.at("repository_id"), "424242");
  EXPECT_EQ(caller->claims.at("job_workflow_ref"),
            "octo-org/deploy/.github/workflows/release.yml@refs/heads/main");
  const auto recorded = [&](const std::string& name) {
    for (const auto& [claim, value] : caller->recorded) {
      if (claim == name) return value;
    }
    return std::string("(not recorded)");
  };
  EXPECT_EQ(recorded("run_id"), "22259804324");
  EXPECT_EQ(recorded("run_attempt"), "1");
  EXPECT_EQ(recorded("actor_id"), "1001");
  EXPECT_EQ(recorded("runner_environment"), "github-hosted");
  EXPECT_EQ(ledger_.calls(), 1u);
}

TEST_F(GithubIssuer, RefusesATokenMintedForAnotherAudience) {
  ExpectRefused(Mint("gh", {{"claims", {{"aud", "sts.amazonaws.com"}}}}), "aud",
                "sts.amazonaws.com");
  EXPECT_EQ(ledger_.calls(), 0u);
}

TEST_F(GithubIssuer, RefusesAnUntrustedIssuer) {
  ExpectRefused(Mint("gh", {{"claims", {{"iss", Base() + "/evil"}}}}), "iss", "/evil");
}

TEST_F(GithubIssuer, RefusesAnExpiredToken) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  ExpectRefused(
      Mint("gh", {{"claims", {{"iat", now - 900}, {"nbf", now - 900}, {"exp", now - 600}}}}), "exp",
      "expired");
}

TEST_F(GithubIssuer, RefusesATamperedToken) {
  ExpectRefused(Mint("gh", {{"mode", "tampered"}}), "signature");
}

TEST_F(GithubIssuer, RefusesAReplayedJti) {
  const std::string token = Mint("gh");
  ASSERT_TRUE(verifier_->Verify(token));
  ExpectRefused(token, "replay", "already used");
  // A second verifier (another replica) sharing the ledger refuses it too.
  OidcTokenVerifier replica(Issuers(), http_, &ledger_);
  auto again = replica.Verify(token);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().refusal.check, "replay");
}

TEST_F(GithubIssuer, RefusesAnotherRepositoryId) {
  // Same repository name, another id: the name was recycled.
  ExpectRefused(Mint("gh", {{"claims", {{"repository_id", "999999"}}}}), "bind:repository_id",
                "999999");
}

TEST_F(GithubIssuer, RefusesADisallowedRefAndAcceptsAnAllowedTag) {
  ExpectRefused(Mint("gh", {{"claims", {{"ref", "refs/heads/feature-x"}}}}), "bind:ref",
                "refs/heads/feature-x");
  EXPECT_TRUE(verifier_->Verify(Mint("gh", {{"claims", {{"ref", "refs/tags/v1.2.0"}}}})));
}

TEST_F(GithubIssuer, RefusesAnUnsignedToken) {
  ExpectRefused(Mint("gh", {{"mode", "none"}}), "alg", "unsigned");
}

TEST_F(GithubIssuer, RefusesHs256KeyedWithThePublicKey) {
  const std::string forged = Mint("gh", {{"mode", "hs256-public"}});
  ExpectRefused(forged, "alg", "shared-secret");
  // VerifySignature itself, called directly with the issuer's RSA key and
  // the forged token's HS256, refuses before cjose is asked: the key does
  // not fit the algorithm (no caller can skip that check).
  const std::string good = Mint("gh");
  ASSERT_TRUE(verifier_->Verify(good));
  auto decoded = DecodeJwt(forged);
  ASSERT_TRUE(decoded);
  auto key = verifier_->keys().Find(verifier_->issuers()[0], decoded->header.kid);
  ASSERT_TRUE(key && *key);
  auto direct = VerifySignature(forged, **key, "HS256", decoded->header.kid);
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().check, "key");
}

TEST_F(GithubIssuer, RefusesAnUnknownAlgorithm) {
  ExpectRefused(Mint("gh", {{"mode", "unknown-alg"}}), "alg", "RS1024");
}

TEST_F(GithubIssuer, RefusesAKeyOfAnotherIssuer) {
  ASSERT_TRUE(verifier_->Verify(Mint("other")));  // its keys are now cached
  ExpectRefused(Mint("gh", {{"key_of", "other"}}), "key", "\"other\"");
}

TEST_F(GithubIssuer, VerifiesEs256) {
  auto caller = verifier_->Verify(Mint("ec"));
  ASSERT_TRUE(caller) << caller.error().refusal.Describe();
  EXPECT_EQ(caller->name, "ec:repo:octo-org/deploy:ref:refs/heads/main");  // generic: sub
}

TEST_F(GithubIssuer, UnknownKidRefetchesOnceAndAFloodOfKidsDoesNotHammer) {
  const auto jwks_fetches = [this] { return Stats()["gh"]["jwks"].get<int>(); };
  const int before = jwks_fetches();
  ASSERT_TRUE(verifier_->Verify(Mint("gh")));
  EXPECT_EQ(jwks_fetches(), before + 1);

  // The issuer rotates; a token under the new key is found by one re-fetch.
  const std::string new_kid = Rotate("gh");
  ASSERT_FALSE(new_kid.empty());
  offset_ += 61;  // past the refetch interval since the first fetch
  auto rotated = verifier_->Verify(Mint("gh"));
  ASSERT_TRUE(rotated) << rotated.error().refusal.Describe();
  EXPECT_EQ(jwks_fetches(), before + 2);

  // Twenty invented kids within the interval: refused, no fetch at all.
  for (int i = 0; i < 20; ++i) {
    ExpectRefused(Mint("gh", {{"kid", "bogus-" + std::to_string(i)}}), "kid", "bogus-");
  }
  EXPECT_EQ(jwks_fetches(), before + 2);
  EXPECT_EQ(verifier_->keys().FetchCount("gh"), 2u);

  // After the interval one more unknown kid may look again, once.
  offset_ += 61;
  ExpectRefused(Mint("gh", {{"kid", "bogus-late"}}), "kid");
  ExpectRefused(Mint("gh", {{"kid", "bogus-later"}}), "kid");
  EXPECT_EQ(jwks_fetches(), before + 3);
}

class FailingLedger : public JtiLedger {
 public:
  Result<bool> RememberJti(const std::string&, const std::string&,
                           std::chrono::system_clock::time_point) override {
    return StateError("the store is down");
  }
};

TEST_F(GithubIssuer, AnUnreachableJtiStoreOrIssuerIsUnavailableNotRefused) {
  FailingLedger failing;
  OidcTokenVerifier no_store(Issuers(), http_, &failing);
  auto result = no_store.Verify(Mint("gh"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, VerifyFailure::Kind::kUnavailable);
  EXPECT_EQ(result.error().refusal.check, "jti");

  // An issuer whose server is gone: no keys, so 503, not 401.
  std::vector<TrustedIssuer> gone = Issuers();
  gone[0].issuer = "http://127.0.0.1:1/gh";
  OidcTokenVerifier unreachable(gone, http_, &ledger_);
  auto token = Mint("gh", {{"claims", {{"iss", "http://127.0.0.1:1/gh"}}}});
  auto down = unreachable.Verify(token);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, VerifyFailure::Kind::kUnavailable);
  EXPECT_EQ(down.error().refusal.check, "jwks");
}

}  // namespace
}  // namespace audex
