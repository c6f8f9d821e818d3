// The pure ID-token rules (core/identity): the compact form, the header's
// algorithm rules, each claim check (table-driven, one row per refusal),
// bindings, and properties over random audiences, times and inputs.
#include "core/identity/token_checks.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/identity/jwks.h"
#include "core/identity/jwt.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::seconds;

const Clock::time_point kNow = Clock::time_point(seconds(1'800'000'000));
constexpr int64_t kNowSeconds = 1'800'000'000;

TrustedIssuer Github() {
  TrustedIssuer issuer;
  issuer.name = "github";
  issuer.kind = IssuerKind::kGithub;
  issuer.issuer = "https://token.actions.githubusercontent.com";
  issuer.audience = "https://audex.example.com";
  issuer.groups = {"ci"};
  issuer.require = {{"repository_owner_id", {"2020"}},
                    {"repository_id", {"424242"}},
                    {"ref", {"refs/heads/main", "refs/tags/v*"}}};
  issuer.source = "server.toml:1";
  return issuer;
}

nlohmann::json GoodClaims() {
  return {{"iss", "https://token.actions.githubusercontent.com"},
          {"aud", "https://audex.example.com"},
          {"sub", "repo:octo-org/deploy:ref:refs/heads/main"},
          {"jti", "6b1c8d0e"},
          {"iat", kNowSeconds - 10},
          {"nbf", kNowSeconds - 15},
          {"exp", kNowSeconds + 290},
          {"repository", "octo-org/deploy"},
          {"repository_id", "424242"},
          {"repository_owner", "octo-org"},
          {"repository_owner_id", "2020"},
          {"ref", "refs/heads/main"},
          {"environment", "production"},
          {"job_workflow_ref", "octo-org/deploy/.github/workflows/release.yml@refs/heads/main"},
          {"runner_environment", "github-hosted"},
          {"run_id", "22259804324"},
          {"run_attempt", "2"},
          {"actor_id", "1001"}};
}

TEST(TokenChecks, AGoodGithubTokenBecomesTheCaller) {
  auto caller = CheckClaims(GoodClaims(), Github(), kNow);
  ASSERT_TRUE(caller) << caller.error().Describe();
  EXPECT_EQ(caller->name, "github:octo-org/deploy");
  EXPECT_EQ(caller->subject, "repo:octo-org/deploy:ref:refs/heads/main");
  EXPECT_EQ(caller->issuer_name, "github");
  EXPECT_EQ(caller->jti, "6b1c8d0e");
  EXPECT_EQ(caller->expires_at, kNow + seconds(290));
  EXPECT_EQ(caller->groups, std::vector<std::string>{"ci"});
  EXPECT_EQ(caller->claims.at("environment"), "production");
  std::vector<std::string> recorded;
  for (const auto& [claim, value] : caller->recorded) recorded.push_back(claim + "=" + value);
  EXPECT_EQ(recorded,
            (std::vector<std::string>{"repository=octo-org/deploy", "repository_id=424242",
                                      "repository_owner=octo-org", "repository_owner_id=2020",
                                      "ref=refs/heads/main", "environment=production",
                                      "job_workflow_ref=octo-org/deploy/.github/workflows/"
                                      "release.yml@refs/heads/main",
                                      "runner_environment=github-hosted", "run_id=22259804324",
                                      "run_attempt=2", "actor_id=1001"}));
}

struct ClaimCase {
  const char* name;
  nlohmann::json change;  // merged into GoodClaims(); null values remove the claim
  const char* check;      // expected refusal check, or "" when accepted
};

void PrintTo(const ClaimCase& row, std::ostream* out) { *out << row.name; }

class ClaimRules : public testing::TestWithParam<ClaimCase> {};

TEST_P(ClaimRules, RefusesWithTheNamedCheck) {
  const ClaimCase& row = GetParam();
  nlohmann::json claims = GoodClaims();
  claims.merge_patch(row.change);
  auto caller = CheckClaims(claims, Github(), kNow);
  if (std::string(row.check).empty()) {
    EXPECT_TRUE(caller) << caller.error().Describe();
    return;
  }
  ASSERT_FALSE(caller) << row.name;
  EXPECT_EQ(caller.error().check, row.check) << caller.error().Describe();
  EXPECT_FALSE(caller.error().reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClaimRules,
    testing::Values(
        ClaimCase{"sts audience", {{"aud", "sts.amazonaws.com"}}, "aud"},
        ClaimCase{"audience list with ours", {{"aud", {"x", "https://audex.example.com"}}}, ""},
        ClaimCase{"audience list without ours", {{"aud", {"x", "y"}}}, "aud"},
        ClaimCase{"audience of numbers", {{"aud", {1, 2}}}, "aud"},
        ClaimCase{"no audience", {{"aud", nullptr}}, "aud"},
        ClaimCase{"another issuer", {{"iss", "https://evil.example"}}, "iss"},
        ClaimCase{"expired", {{"exp", kNowSeconds - 61}}, "exp"},
        ClaimCase{"expired within the skew", {{"exp", kNowSeconds - 59}}, ""},
        ClaimCase{"no expiry", {{"exp", nullptr}}, "exp"},
        ClaimCase{"expiry as text", {{"exp", "1800000300"}}, "exp"},
        ClaimCase{"expiry in year 10000", {{"exp", 253402300800.0}}, "exp"},
        ClaimCase{"not yet valid", {{"nbf", kNowSeconds + 61}}, "nbf"},
        ClaimCase{"not yet valid within the skew", {{"nbf", kNowSeconds + 59}}, ""},
        ClaimCase{"no nbf", {{"nbf", nullptr}}, ""},
        ClaimCase{"issued in the future", {{"iat", kNowSeconds + 120}}, "iat"},
        ClaimCase{"no iat", {{"iat", nullptr}}, "iat"},
        ClaimCase{"fractional times", {{"iat", kNowSeconds - 0.5}, {"exp", kNowSeconds + 9.5}}, ""},
        ClaimCase{"no jti", {{"jti", nullptr}}, "jti"},
        ClaimCase{"empty jti", {{"jti", ""}}, "jti"},
        ClaimCase{"no subject", {{"sub", nullptr}}, "sub"},
        ClaimCase{"another repository id", {{"repository_id", "999999"}}, "bind:repository_id"},
        ClaimCase{"repository id as a number", {{"repository_id", 424242}}, ""},
        ClaimCase{"another owner id", {{"repository_owner_id", "1"}}, "bind:repository_owner_id"},
        ClaimCase{"no owner id", {{"repository_owner_id", nullptr}}, "bind:repository_owner_id"},
        ClaimCase{"disallowed branch", {{"ref", "refs/heads/feature"}}, "bind:ref"},
        ClaimCase{"allowed tag pattern", {{"ref", "refs/tags/v2.0.1"}}, ""},
        ClaimCase{"no name claim", {{"repository", nullptr}}, "claim:repository"}),
    [](const testing::TestParamInfo<ClaimCase>& param) {
      std::string name = param.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(TokenChecks, JtiMayBeAbsentWhenTheIssuerDoesNotTrackIt) {
  TrustedIssuer people = Github();
  people.kind = IssuerKind::kGeneric;
  people.require.clear();
  people.name_claim = "sub";
  people.jti_once = false;
  nlohmann::json claims = GoodClaims();
  claims.erase("jti");
  auto caller = CheckClaims(claims, people, kNow);
  ASSERT_TRUE(caller) << caller.error().Describe();
  EXPECT_EQ(caller->name, "github:repo:octo-org/deploy:ref:refs/heads/main");
}

TEST(TokenChecks, GroupsComeFromTheIssuerAndTheGroupsClaim) {
  TrustedIssuer people = Github();
  people.kind = IssuerKind::kGeneric;
  people.require.clear();
  people.groups_claim = "groups";
  nlohmann::json claims = GoodClaims();
  claims["groups"] = {"platform", "ci", "oncall"};
  auto caller = CheckClaims(claims, people, kNow);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->groups, (std::vector<std::string>{"ci", "platform", "oncall"}));
  claims["groups"] = "solo";
  EXPECT_EQ(CheckClaims(claims, people, kNow)->groups, (std::vector<std::string>{"ci", "solo"}));
  claims["groups"] = {{"a", 1}};
  auto refused = CheckClaims(claims, people, kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().check, "claim:groups");
}

TEST(TokenChecks, SelectIssuerMatchesIssExactly) {
  const std::vector<TrustedIssuer> issuers = {Github()};
  EXPECT_TRUE(SelectIssuer({{"iss", "https://token.actions.githubusercontent.com"}}, issuers));
  for (const nlohmann::json& claims :
       {nlohmann::json{{"iss", "https://token.actions.githubusercontent.com/"}},
        nlohmann::json{{"iss", "HTTPS://token.actions.githubusercontent.com"}},
        nlohmann::json{{"iss", 7}}, nlohmann::json::object()}) {
    auto selected = SelectIssuer(claims, issuers);
    ASSERT_FALSE(selected) << claims.dump();
    EXPECT_EQ(selected.error().check, "iss");
  }
}

struct HeaderCase {
  JwtHeader header;
  const char* check;
};

TEST(TokenChecks, HeaderRules) {
  TrustedIssuer issuer = Github();
  issuer.algorithms = {"RS256", "ES256"};
  const HeaderCase cases[] = {
      {{"RS256", "k1", "JWT", false}, ""},
      {{"ES256", "k1", "", false}, ""},
      {{"RS256", "k1", "application/jwt", false}, ""},
      {{"none", "k1", "JWT", false}, "alg"},
      {{"NONE", "k1", "JWT", false}, "alg"},
      {{"HS256", "k1", "JWT", false}, "alg"},
      {{"hs512", "k1", "JWT", false}, "alg"},
      {{"RS1024", "k1", "JWT", false}, "alg"},
      {{"EdDSA", "k1", "JWT", false}, "alg"},
      {{"PS256", "k1", "JWT", false}, "alg"},  // supported, but not this issuer's
      {{"RS256", "", "JWT", false}, "kid"},
      {{"RS256", "k1", "at+jwt", false}, "typ"},
      {{"RS256", "k1", "JWT", true}, "crit"},
  };
  for (const HeaderCase& row : cases) {
    auto refused = CheckHeader(row.header, issuer);
    if (std::string(row.check).empty()) {
      EXPECT_FALSE(refused) << row.header.alg << " " << refused->Describe();
    } else {
      ASSERT_TRUE(refused) << row.header.alg << "/" << row.header.typ;
      EXPECT_EQ(refused->check, row.check) << refused->Describe();
    }
  }
}

TEST(TokenChecks, KeyMustFitTheAlgorithm) {
  const JwkEntry rsa{"r1", "RSA", "", "", "sig", "{}"};
  const JwkEntry ec{"e1", "EC", "P-256", "ES256", "", "{}"};
  EXPECT_FALSE(CheckKeyFitsAlgorithm(rsa, 2048, "RS256"));
  EXPECT_FALSE(CheckKeyFitsAlgorithm(rsa, 4096, "PS512"));
  EXPECT_TRUE(CheckKeyFitsAlgorithm(rsa, 1024, "RS256"));  // too short
  EXPECT_TRUE(CheckKeyFitsAlgorithm(rsa, 2048, "ES256"));
  EXPECT_TRUE(CheckKeyFitsAlgorithm(rsa, 2048, "HS256"));
  EXPECT_FALSE(CheckKeyFitsAlgorithm(ec, 256, "ES256"));
  EXPECT_TRUE(CheckKeyFitsAlgorithm(ec, 256, "ES384"));  // key names ES256 only
  JwkEntry p384 = ec;
  p384.alg.clear();
  p384.crv = "P-384";
  EXPECT_TRUE(CheckKeyFitsAlgorithm(p384, 384, "ES256"));  // curve mismatch
  EXPECT_FALSE(CheckKeyFitsAlgorithm(p384, 384, "ES384"));
  JwkEntry encryption = rsa;
  encryption.use = "enc";
  EXPECT_TRUE(CheckKeyFitsAlgorithm(encryption, 2048, "RS256"));
}

TEST(TokenChecks, BindingsNeedEveryClaimToMatch) {
  const std::map<std::string, std::string> claims = {{"ref", "refs/heads/main"},
                                                     {"environment", "prod"}};
  EXPECT_FALSE(MatchBindings(claims, {}));
  EXPECT_FALSE(MatchBindings(claims, {{"ref", {"refs/heads/*"}}, {"environment", {"prod"}}}));
  auto refused = MatchBindings(claims, {{"ref", {"refs/heads/*"}}, {"environment", {"staging"}}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->check, "bind:environment");
  EXPECT_TRUE(MatchBindings(claims, {{"job_workflow_ref", {"*"}}}));  // absent never matches
  EXPECT_TRUE(MatchBindings(claims, {{"environment", {"PROD"}}}));    // case-sensitive
}

// The compact form.
std::string Token(const nlohmann::json& header, const nlohmann::json& claims,
                  const std::string& signature = "c2ln") {
  return Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump()) + "." + signature;
}

TEST(Jwt, DecodesHeaderAndClaims) {
  auto decoded = DecodeJwt(Token({{"alg", "RS256"}, {"kid", "k"}, {"typ", "JWT"}}, GoodClaims()));
  ASSERT_TRUE(decoded) << decoded.error().Describe();
  EXPECT_EQ(decoded->header.alg, "RS256");
  EXPECT_EQ(decoded->header.kid, "k");
  EXPECT_EQ(decoded->header.typ, "JWT");
  EXPECT_FALSE(decoded->header.has_crit);
  EXPECT_EQ(decoded->claims, GoodClaims());
}

TEST(Jwt, RefusesMalformedTokens) {
  const std::string good_header = Base64UrlEncode(R"({"alg":"RS256","kid":"k"})");
  const std::string good_claims = Base64UrlEncode("{}");
  const std::string cases[] = {
      "",
      "abc",
      good_header + "." + good_claims,
      good_header + "." + good_claims + ".sig.extra",
      good_header + "." + good_claims + ".a.b.c",  // JWE-shaped
      good_header + "=." + good_claims + ".sig",   // padding
      good_header + "." + good_claims + ".si+g",   // standard alphabet
      Base64UrlEncode("[1]") + "." + good_claims + ".sig",
      Base64UrlEncode(R"({"kid":"k"})") + "." + good_claims + ".sig",
      Base64UrlEncode(R"({"alg":5})") + "." + good_claims + ".sig",
      Base64UrlEncode(R"({"alg":"RS256","kid":7})") + "." + good_claims + ".sig",
      good_header + "." + Base64UrlEncode("not json") + ".sig",
      good_header + "." + Base64UrlEncode(std::string(20, '[') + std::string(20, ']')) + ".sig",
      good_header + "." + good_claims + "." + std::string(kMaxJwtBytes, 'a'),
  };
  for (const std::string& token : cases) {
    auto decoded = DecodeJwt(token);
    EXPECT_FALSE(decoded) << token.substr(0, 80);
    if (!decoded) {
      EXPECT_EQ(decoded.error().check, "format");
    }
  }
}

TEST(Jwt, QuoteUntrustedBoundsAndCleansValues) {
  EXPECT_EQ(QuoteUntrusted("ok"), "\"ok\"");
  EXPECT_EQ(QuoteUntrusted("a\nb\"c"), "\"a?b?c\"");
  EXPECT_EQ(QuoteUntrusted(std::string(200, 'x')), "\"" + std::string(80, 'x') + "...\"");
}

RC_GTEST_PROP(JwtProperty, Base64UrlRoundTrips, (const std::string& bytes)) {
  RC_ASSERT(Base64UrlDecode(Base64UrlEncode(bytes)) == std::optional<std::string>(bytes));
}

RC_GTEST_PROP(JwtProperty, DecodingArbitraryTextNeverThrowsAndBoundsTheRefusal,
              (const std::string& text)) {
  auto decoded = DecodeJwt(text);
  if (!decoded) RC_ASSERT(decoded.error().check == "format");
}

RC_GTEST_PROP(TokenProperty, AnAudienceListWithoutOursIsRefused,
              (const std::vector<std::string>& audiences)) {
  RC_PRE(std::find(audiences.begin(), audiences.end(), "https://audex.example.com") ==
         audiences.end());
  nlohmann::json claims = GoodClaims();
  claims["aud"] = audiences;
  auto caller = CheckClaims(claims, Github(), kNow);
  RC_ASSERT(!caller);
  RC_ASSERT(caller.error().check == "aud");
}

RC_GTEST_PROP(TokenProperty, ExpiryIsAcceptedExactlyBeforeExpPlusSkew, ()) {
  const int64_t exp_offset = *rc::gen::inRange<int64_t>(-600, 600);
  const int64_t skew = *rc::gen::inRange<int64_t>(0, 300);
  TrustedIssuer issuer = Github();
  issuer.clock_skew = seconds(skew);
  nlohmann::json claims = GoodClaims();
  claims["exp"] = kNowSeconds + exp_offset;
  claims["iat"] = kNowSeconds - 700;
  claims.erase("nbf");
  auto caller = CheckClaims(claims, issuer, kNow);
  const bool live = exp_offset + skew > 0;
  RC_ASSERT(static_cast<bool>(caller) == live);
  if (!caller) RC_ASSERT(caller.error().check == "exp");
}

RC_GTEST_PROP(TokenProperty, ARepositoryIdOtherThanTheBoundOneIsRefused,
              (const std::string& repository_id)) {
  RC_PRE(repository_id != "424242");
  nlohmann::json claims = GoodClaims();
  claims["repository_id"] = repository_id;
  auto caller = CheckClaims(claims, Github(), kNow);
  RC_ASSERT(!caller);
  RC_ASSERT(caller.error().check == "bind:repository_id");
}

}  // namespace
}  // namespace audex
