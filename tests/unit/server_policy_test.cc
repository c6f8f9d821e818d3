// The team server's rules (core/team/server_policy.h) and server.toml's
// reader (adapters/config/server_toml.h): what a rule set allows, what
// refuses and by which rule, and the file's mistakes named with their fix.
#include "core/team/server_policy.h"

#include <gtest/gtest.h>

#include "adapters/config/server_toml.h"
#include "catalog/catalog_universe.h"
#include "core/policy/access_request.h"

namespace audex {
namespace {

using std::chrono::seconds;

ResolvedRequest Resolved(const std::string& allow) {
  AccessRequest request;
  request.allow = allow;
  auto resolved =
      ResolveRequest(request, ProfileCatalog{}, DenyList{{}, "none"}, &BuiltinAwsActions());
  EXPECT_TRUE(resolved) << resolved.error().message;
  return resolved ? *resolved : ResolvedRequest{};
}

ServerRule CiRule() {
  ServerRule rule;
  rule.name = "ci";
  rule.profiles = {"s3-readonly"};
  rule.actions = {"s3:Get*", "s3:List*"};
  rule.roles = {"arn:aws:iam::123456789012:role/deploy"};
  rule.max_ttl = seconds(3600);
  return rule;
}

TEST(ServerPolicy, ActionsInsideThePatternsAreAllowed) {
  const ResolvedRequest resolved = Resolved("s3:GetObject,s3:ListBucket");
  GrantAsk ask{Provider::kAws, std::nullopt, &resolved, "", false, seconds(900)};
  EXPECT_FALSE(CheckGrant(CiRule(), ask).has_value());
}

TEST(ServerPolicy, AnActionOutsideIsRefusedByTheActionsRuleNamingIt) {
  const ResolvedRequest resolved = Resolved("s3:GetObject,s3:PutObject");
  GrantAsk ask{Provider::kAws, std::nullopt, &resolved, "", false, seconds(900)};
  auto refusal = CheckGrant(CiRule(), ask);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.actions");
  EXPECT_NE(refusal->message.find("s3:PutObject"), std::string::npos) << refusal->message;
  EXPECT_EQ(refusal->message.find("s3:GetObject,"), std::string::npos) << refusal->message;
}

TEST(ServerPolicy, AWildcardBroaderThanThePatternsIsRefused) {
  const ResolvedRequest resolved = Resolved("s3:*");
  GrantAsk ask{Provider::kAws, std::nullopt, &resolved, "", false, seconds(900)};
  auto refusal = CheckGrant(CiRule(), ask);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.actions");
}

TEST(ServerPolicy, AListedProfileIsAllowedAndAnUnlistedOneNeedsItsActionsCovered) {
  const ResolvedRequest resolved = Resolved("s3:GetObject");
  GrantAsk listed{Provider::kAws, std::string("s3-readonly"), &resolved, "", false, seconds(900)};
  EXPECT_FALSE(CheckGrant(CiRule(), listed).has_value());
  GrantAsk covered{Provider::kAws, std::string("other"), &resolved, "", false, seconds(900)};
  EXPECT_FALSE(CheckGrant(CiRule(), covered).has_value());
  const ResolvedRequest wide = Resolved("s3:DeleteObject");
  GrantAsk uncovered{Provider::kAws, std::string("other"), &wide, "", false, seconds(900)};
  auto refusal = CheckGrant(CiRule(), uncovered);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.profiles");
}

TEST(ServerPolicy, ANamedRoleMustBeListedAndTheDefaultNeedsNoListing) {
  const ResolvedRequest resolved = Resolved("s3:GetObject");
  GrantAsk listed{Provider::kAws, std::nullopt, &resolved, "arn:aws:iam::123456789012:role/deploy",
                  true,           seconds(900)};
  EXPECT_FALSE(CheckGrant(CiRule(), listed).has_value());
  GrantAsk other{Provider::kAws, std::nullopt, &resolved, "arn:aws:iam::123456789012:role/admin",
                 true,           seconds(900)};
  auto refusal = CheckGrant(CiRule(), other);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.roles");
  GrantAsk server_default{Provider::kAws, std::nullopt,
                          &resolved,      "arn:aws:iam::123456789012:role/admin",
                          false,          seconds(900)};
  EXPECT_FALSE(CheckGrant(CiRule(), server_default).has_value());
}

TEST(ServerPolicy, ATtlAboveMaxTtlIsRefusedWithTheLimitAndTheRule) {
  const ResolvedRequest resolved = Resolved("s3:GetObject");
  GrantAsk ask{Provider::kAws, std::nullopt, &resolved, "", false, seconds(3601)};
  auto refusal = CheckGrant(CiRule(), ask);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.max_ttl");
  EXPECT_NE(refusal->message.find("1h"), std::string::npos) << refusal->message;
  ask.ttl = seconds(3600);
  EXPECT_FALSE(CheckGrant(CiRule(), ask).has_value());
}

TEST(ServerPolicy, OtherProvidersNeedTheRuleToListThem) {
  const ResolvedRequest resolved = Resolved("s3:GetObject");
  GrantAsk ask{Provider::kGcp, std::nullopt, &resolved, "", false, seconds(900)};
  auto refusal = CheckGrant(CiRule(), ask);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.providers");
}

TEST(ServerPolicy, AnUnscopedSessionIsNeverAllowed) {
  ResolvedRequest unscoped;
  GrantAsk ask{Provider::kAws, std::nullopt, &unscoped, "", false, seconds(900)};
  ServerRule everything = CiRule();
  everything.actions = {"*"};
  auto refusal = CheckGrant(everything, ask);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rule, "policies.ci.actions");
}

TEST(RateSetting, ReadsRequestsPerUnit) {
  auto per_minute = ParseRateSetting("10/min", "rate");
  ASSERT_TRUE(per_minute);
  EXPECT_EQ(per_minute->limit.capacity, 10);
  EXPECT_DOUBLE_EQ(per_minute->limit.refill_per_second, 10.0 / 60);
  auto per_hour = ParseRateSetting("600/hour", "rate");
  ASSERT_TRUE(per_hour);
  EXPECT_DOUBLE_EQ(per_hour->limit.refill_per_second, 600.0 / 3600);
  for (const char* bad : {"10", "0/min", "ten/min", "10/day", "-1/s", "10/min/x", ""}) {
    auto parsed = ParseRateSetting(bad, "policies.ci.rate");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kUsage);
    EXPECT_NE(parsed.error().message.find("policies.ci.rate"), std::string::npos);
  }
}

TEST(RateKeys, NameTheCallerAndTheProfile) {
  EXPECT_EQ(CallerRateKey("ci"), "caller:ci");
  EXPECT_EQ(ProfileRateKey("ci", "s3-readonly"), "caller:ci|profile:s3-readonly");
}

constexpr char kServerToml[] = R"(
listen = "127.0.0.1:0"
store = "team.db"
state_dir = "state"
role_arn = "arn:aws:iam::123456789012:role/audex"
region = "eu-west-1"
deny = ["iam:*"]
sts_cache = false
threads = 4

[policies.ci]
profiles = ["s3-readonly"]
actions = ["s3:Get*"]
max_ttl = "30m"
rate = "10/min"
profile_rate = "5/min"

[policies.ops]
actions = ["*"]
admin = true
)";

TEST(ServerToml, ReadsEverySettingAndResolvesPathsAgainstTheFile) {
  std::vector<std::string> warnings;
  auto config = ParseServerToml(kServerToml, "/etc/audex/server.toml", "/etc/audex", &warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(config->store, "/etc/audex/team.db");
  EXPECT_EQ(config->state_dir, "/etc/audex/state");
  EXPECT_EQ(config->role_arn, "arn:aws:iam::123456789012:role/audex");
  EXPECT_FALSE(config->sts_cache);
  EXPECT_EQ(config->threads, 4u);
  EXPECT_EQ(config->deny.patterns, std::vector<std::string>{"iam:*"});
  ASSERT_EQ(config->policy.rules.size(), 2u);
  const ServerRule* ci = config->policy.Find("ci");
  ASSERT_NE(ci, nullptr);
  EXPECT_EQ(ci->max_ttl, seconds(1800));
  ASSERT_TRUE(ci->rate && ci->profile_rate);
  EXPECT_EQ(ci->rate->limit.capacity, 10);
  EXPECT_FALSE(ci->admin);
  EXPECT_TRUE(config->policy.Find("ops")->admin);
}

TEST(ServerToml, MistakesNameTheFileLineKeyAndFix) {
  const auto error = [](const std::string& text) {
    auto config = ParseServerToml(text, "/s/server.toml", "/s", nullptr);
    EXPECT_FALSE(config) << text;
    return config ? std::string() : config.error().message;
  };
  EXPECT_NE(error("state_dir = \"s\"\n").find("no store"), std::string::npos);
  EXPECT_NE(error("store = \"x.db\"\n").find("no state_dir"), std::string::npos);
  EXPECT_NE(error("store = \"x.db\"\nstate_dir = \"s\"\ntls_cert = \"c.pem\"\n").find("tls_key"),
            std::string::npos);
  const std::string rate = error(
      "store = \"x.db\"\nstate_dir = \"s\"\n[policies.ci]\nactions = [\"s3:*\"]\nrate = "
      "\"lots\"\n");
  EXPECT_NE(rate.find("server.toml:5"), std::string::npos) << rate;
  EXPECT_NE(rate.find("10/min"), std::string::npos) << rate;
  const std::string ttl =
      error("store = \"x.db\"\nstate_dir = \"s\"\n[policies.ci]\nmax_ttl = \"forever\"\n");
  EXPECT_NE(ttl.find("policies.ci.max_ttl"), std::string::npos) << ttl;
  EXPECT_NE(error("store = \"x.db\"\nstate_dir = \"s\"\nthreads = 0\n").find("threads"),
            std::string::npos);
}

TEST(ServerToml, AMisspeltKeyIsWarnedWithTheLikelyOne) {
  std::vector<std::string> warnings;
  auto config = ParseServerToml("store = \"x.db\"\nstate_dir = \"s\"\nrole_ar = \"x\"\n",
                                "/s/server.toml", "/s", &warnings);
  ASSERT_TRUE(config);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("did you mean role_arn"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace audex
