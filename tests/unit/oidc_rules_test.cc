// OIDC callers on the team server (core/team/oidc_rules.h): which rule set
// a verified token's claims bind it to, what refuses one and by which
// check, server.toml's rule keys for it (issuers, claims, groups), and a
// grant's TTL capped at the end of the token that allowed it.
#include "core/team/oidc_rules.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/config/server_toml.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

Caller GithubCaller(std::map<std::string, std::string> overrides = {}) {
  Caller caller;
  caller.name = "github:octo-org/deploy";
  caller.issuer_name = "github";
  caller.groups = {"ci"};
  caller.claims = {
      {"repository", "octo-org/deploy"},
      {"repository_id", "424242"},
      {"repository_owner_id", "2020"},
      {"ref", "refs/heads/main"},
      {"environment", "production"},
      {"job_workflow_ref", "octo-org/deploy/.github/workflows/release.yml@refs/heads/main"}};
  for (auto& [claim, value] : overrides) caller.claims[claim] = value;
  return caller;
}

ServerPolicy Policy() {
  ServerPolicy policy;
  ServerRule api_only;  // binds API tokens only
  api_only.name = "ops";
  policy.rules.push_back(api_only);
  ServerRule deploy;
  deploy.name = "deploy";
  deploy.issuers = {"github"};
  deploy.claims = {{"repository_id", {"424242"}},
                   {"ref", {"refs/heads/main", "refs/tags/v*"}},
                   {"environment", {"production"}},
                   {"job_workflow_ref", {"octo-org/deploy/.github/workflows/release.yml@*"}}};
  policy.rules.push_back(deploy);
  ServerRule people;
  people.name = "people";
  people.issuers = {"corp"};
  people.groups = {"platform"};
  policy.rules.push_back(people);
  return policy;
}

TEST(OidcRules, AMatchingTokenIsBoundToTheRuleSetThatNamesItsIssuerAndClaims) {
  const ServerPolicy policy = Policy();
  auto bound = BindOidcCaller(policy, GithubCaller());
  ASSERT_TRUE(bound) << bound.error().Describe();
  EXPECT_EQ((*bound)->name, "deploy");
  auto tag = BindOidcCaller(policy, GithubCaller({{"ref", "refs/tags/v1.2"}}));
  ASSERT_TRUE(tag) << tag.error().Describe();
  EXPECT_EQ((*tag)->name, "deploy");
}

TEST(OidcRules, AnotherRepositoryIdIsRefusedByThatBinding) {
  auto bound = BindOidcCaller(Policy(), GithubCaller({{"repository_id", "999999"}}));
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().check, "bind:repository_id");
  EXPECT_NE(bound.error().reason.find("policies.deploy"), std::string::npos)
      << bound.error().reason;
  EXPECT_NE(bound.error().reason.find("999999"), std::string::npos) << bound.error().reason;
}

TEST(OidcRules, ADisallowedRefEnvironmentOrWorkflowIsRefusedByItsBinding) {
  EXPECT_EQ(BindOidcCaller(Policy(), GithubCaller({{"ref", "refs/heads/feature"}})).error().check,
            "bind:ref");
  EXPECT_EQ(BindOidcCaller(Policy(), GithubCaller({{"environment", "staging"}})).error().check,
            "bind:environment");
  EXPECT_EQ(
      BindOidcCaller(Policy(),
                     GithubCaller({{"job_workflow_ref", "evil/fork/.github/workflows/x.yml@main"}}))
          .error()
          .check,
      "bind:job_workflow_ref");
}

TEST(OidcRules, AnAbsentClaimNeverMatches) {
  Caller caller = GithubCaller();
  caller.claims.erase("environment");
  EXPECT_EQ(BindOidcCaller(Policy(), caller).error().check, "bind:environment");
}

TEST(OidcRules, AnIssuerNoRuleSetNamesIsRefusedAsPolicy) {
  Caller caller = GithubCaller();
  caller.issuer_name = "gitlab";
  auto bound = BindOidcCaller(Policy(), caller);
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().check, "policy");
  EXPECT_NE(bound.error().reason.find("gitlab"), std::string::npos);
}

TEST(OidcRules, GroupsBindPeopleAndNameTheMissingGroup) {
  Caller person;
  person.name = "corp:ada@example.com";
  person.issuer_name = "corp";
  person.groups = {"platform", "oncall"};
  auto bound = BindOidcCaller(Policy(), person);
  ASSERT_TRUE(bound) << bound.error().Describe();
  EXPECT_EQ((*bound)->name, "people");
  person.groups = {"sales"};
  auto refused = BindOidcCaller(Policy(), person);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().check, "groups");
  EXPECT_NE(refused.error().reason.find("sales"), std::string::npos);
}

TEST(OidcRules, TheFirstMatchingRuleSetWins) {
  ServerPolicy policy = Policy();
  ServerRule broad;
  broad.name = "any-main";
  broad.issuers = {"github"};
  broad.claims = {{"ref", {"refs/heads/*"}}};
  policy.rules.insert(policy.rules.begin(), broad);
  EXPECT_EQ((*BindOidcCaller(policy, GithubCaller()))->name, "any-main");
}

TEST(OidcRules, ServerTomlReadsIssuersClaimsAndGroupsInFileOrder) {
  const char* kToml = R"(
store = "team.db"
state_dir = "state"
[[oidc.issuers]]
name = "github"
kind = "github"
issuer = "https://token.actions.githubusercontent.com"
audience = "https://audex.example.com"
[oidc.issuers.require]
repository_owner_id = "2020"

[policies.zz-deploy]
actions = ["s3:Get*"]
issuers = ["github"]
[policies.zz-deploy.claims]
repository_id = "424242"
ref = ["refs/heads/main", "refs/tags/v*"]

[policies.aa-fallback]
actions = ["s3:List*"]
issuers = ["github"]
groups = ["ci"]
)";
  auto config = ParseServerToml(kToml, "/s/server.toml", "/s", nullptr);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->policy.rules.size(), 2u);
  EXPECT_EQ(config->policy.rules[0].name, "zz-deploy");  // the file's order, not the name's
  EXPECT_EQ(config->policy.rules[0].issuers, std::vector<std::string>{"github"});
  ASSERT_EQ(config->policy.rules[0].claims.size(), 2u);
  EXPECT_EQ(config->policy.rules[1].groups, std::vector<std::string>{"ci"});
}

TEST(OidcRules, ServerTomlRefusesRulesThatCouldBindTheWrongCaller) {
  const std::string kHead = R"(
store = "team.db"
state_dir = "state"
[[oidc.issuers]]
name = "github"
kind = "github"
issuer = "https://token.actions.githubusercontent.com"
audience = "https://audex.example.com"
[oidc.issuers.require]
repository_owner_id = "2020"
)";
  const std::pair<std::string, std::string> cases[] = {
      {"[policies.a]\nissuers = [\"gitlab\"]\n", "no [[oidc.issuers]] entry is called"},
      {"[policies.a]\n[policies.a.claims]\nref = \"refs/heads/main\"\n", "names no issuer"},
      {"[policies.a]\nissuers = [\"github\"]\n[policies.a.claims]\nrepository_id = \"42*\"\n",
       "matched exactly"},
      {"[policies.a]\nissuers = [\"github\"]\n[policies.a.claims]\nrepository = \"o/r\"\n",
       "bind repository_id"},
  };
  for (const auto& [rule, expected] : cases) {
    auto config = ParseServerToml(kHead + rule, "/s/server.toml", "/s", nullptr);
    ASSERT_FALSE(config) << rule;
    EXPECT_NE(config.error().message.find(expected), std::string::npos) << config.error().message;
  }
}

TEST(OidcRules, ATtlIsCappedAtTheTokensRemainingLife) {
  const TimePoint now = *ParseRfc3339("2026-12-06T07:00:00Z");
  auto cap = CapTtlAtToken(seconds(3600), now + seconds(1800), now);
  ASSERT_TRUE(cap);
  EXPECT_TRUE(cap->capped);
  EXPECT_EQ(cap->ttl, seconds(1800));
  EXPECT_EQ(cap->ends_at, now + seconds(1800));
  EXPECT_EQ(cap->sts_duration, seconds(1800));
  EXPECT_FALSE(cap->needs_policy_end);

  auto uncapped = CapTtlAtToken(seconds(900), now + seconds(1800), now);
  ASSERT_TRUE(uncapped);
  EXPECT_FALSE(uncapped->capped);
  EXPECT_EQ(uncapped->ttl, seconds(900));
}

TEST(OidcRules, BelowStsFloorTheSessionPolicyEndsTheGrant) {
  // A GitHub token lives 5 minutes: STS issues 900 s at least, so the
  // session policy denies everything after the token's end.
  const TimePoint now = *ParseRfc3339("2026-12-06T07:00:00Z");
  auto cap = CapTtlAtToken(seconds(3600), now + seconds(240) + std::chrono::milliseconds(500), now);
  ASSERT_TRUE(cap);
  EXPECT_EQ(cap->ttl, seconds(240));
  EXPECT_EQ(cap->sts_duration, kStsMinimumDuration);
  EXPECT_TRUE(cap->needs_policy_end);

  auto ended = WithGrantEnd(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})",
      cap->ends_at);
  ASSERT_TRUE(ended) << ended.error().message;
  const auto policy = nlohmann::json::parse(*ended);
  ASSERT_EQ(policy["Statement"].size(), 2u);
  EXPECT_EQ(policy["Statement"][0]["Action"], "s3:GetObject");
  const auto& deny = policy["Statement"][1];
  EXPECT_EQ(deny["Effect"], "Deny");
  EXPECT_EQ(deny["Action"], "*");
  EXPECT_EQ(deny["Condition"]["DateGreaterThan"]["aws:CurrentTime"], "2026-12-06T07:04:00Z");
}

TEST(OidcRules, AnExpiredTokenGetsNoGrant) {
  const TimePoint now = *ParseRfc3339("2026-12-06T07:00:00Z");
  auto cap = CapTtlAtToken(seconds(900), now - seconds(30), now);  // within the clock skew
  ASSERT_FALSE(cap);
  EXPECT_EQ(cap.error().kind, ErrorKind::kCredentials);
}

TEST(OidcRules, WithGrantEndRefusesTextThatIsNoPolicy) {
  EXPECT_FALSE(WithGrantEnd("not json", TimePoint{}));
  EXPECT_FALSE(WithGrantEnd(R"({"Version":"2012-10-17"})", TimePoint{}));
}

}  // namespace
}  // namespace audex
