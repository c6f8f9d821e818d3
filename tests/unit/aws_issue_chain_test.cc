// The AWS issue plan's role chains, managed-policy ceilings and session
// tags (core/plan/aws_issue.h): which hop carries what, the one-hour cap,
// how ceilings from config, profile and flags add up, and what they refuse.
#include <gtest/gtest.h>

#include "core/plan/aws_issue.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

using std::chrono::seconds;

constexpr char kRoleA[] = "arn:aws:iam::123456789012:role/A";
constexpr char kRoleB[] = "arn:aws:iam::123456789012:role/B";
constexpr char kRoleC[] = "arn:aws:iam::123456789012:role/C";
constexpr char kPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";

AwsIssueInputs Inputs(seconds ttl = seconds(900)) {
  AwsIssueInputs inputs;
  inputs.env = MapEnv({});
  inputs.ttl = ttl;
  inputs.policy = kPolicy;
  inputs.config.source = "/home/u/.config/audex/config.toml";
  return inputs;
}

SessionRequest Chained(std::vector<std::string> chain) {
  SessionRequest request;
  request.role_arn = kRoleA;
  request.chain = std::move(chain);
  return request;
}

TEST(AwsIssueChain, TheSessionPolicyGoesOnTheLastHopOnly) {
  AwsIssueInputs inputs = Inputs();
  inputs.session_tag = SessionTag{"audex-session", "0123456789abcdef"};
  SessionRequest request = Chained({std::string(kRoleB) + "," + kRoleC});
  request.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  request.source_identity = "alice";
  auto plan = PlanAwsIssue(request, inputs);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->chain.size(), 2u);
  const auto hops = AssumeRoleHops(*plan, "0123456789abcdef", seconds(900));
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_EQ(hops[0].role_arn, kRoleA);
  EXPECT_EQ(hops[1].role_arn, kRoleB);
  EXPECT_EQ(hops[2].role_arn, kRoleC);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(hops[i].policy.empty()) << i;
    EXPECT_TRUE(hops[i].policy_arns.empty()) << i;
    EXPECT_EQ(hops[i].duration_seconds, kChainHopDuration) << i;
  }
  EXPECT_EQ(hops[2].policy, kPolicy);
  EXPECT_EQ(hops[2].policy_arns,
            std::vector<std::string>{"arn:aws:iam::aws:policy/ReadOnlyAccess"});
  // The tag and the source identity ride the first hop; transitive, they
  // reach the last by themselves (a later hop may not set them again).
  ASSERT_EQ(hops[0].tags.size(), 1u);
  EXPECT_EQ(hops[0].tags[0].key, "audex-session");
  EXPECT_EQ(hops[0].transitive_tag_keys, std::vector<std::string>{"audex-session"});
  EXPECT_EQ(hops[0].source_identity, "alice");
  EXPECT_TRUE(hops[2].tags.empty());
  EXPECT_FALSE(hops[2].source_identity.has_value());
  for (const AssumeRoleRequest& hop : hops) {
    EXPECT_EQ(hop.role_session_name, "audex-0123456789abcdef");
  }
  EXPECT_EQ(AssumeRoleFor(*plan, "0123456789abcdef", seconds(900)).role_arn, kRoleC);
}

TEST(AwsIssueChain, WithoutAChainOneHopCarriesEverythingAndTheTagIsNotTransitive) {
  AwsIssueInputs inputs = Inputs();
  inputs.session_tag = SessionTag{"audex-session", "0123456789abcdef"};
  SessionRequest request;
  request.role_arn = kRoleA;
  auto plan = PlanAwsIssue(request, inputs);
  ASSERT_TRUE(plan);
  const auto hops = AssumeRoleHops(*plan, "0123456789abcdef", seconds(1200));
  ASSERT_EQ(hops.size(), 1u);
  EXPECT_EQ(hops[0].policy, kPolicy);
  EXPECT_EQ(hops[0].duration_seconds, seconds(1200));
  EXPECT_EQ(hops[0].tags.size(), 1u);
  EXPECT_TRUE(hops[0].transitive_tag_keys.empty());
}

TEST(AwsIssueChain, AChainedSessionLastsAtMostAnHourAndThePlanSaysSo) {
  auto plan = PlanAwsIssue(Chained({kRoleB}), Inputs(seconds(7200)));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->duration, kMaxChainedDuration);
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("capped at 1h (was 2h)"), std::string::npos);
  auto short_one = PlanAwsIssue(Chained({kRoleB}), Inputs(seconds(1800)));
  ASSERT_TRUE(short_one);
  EXPECT_EQ(short_one->duration, seconds(1800));
  EXPECT_TRUE(short_one->notes.empty());
}

TEST(AwsIssueChain, ChainItemsMustBeRoles) {
  auto bad = PlanAwsIssue(Chained({"arn:aws:iam::123456789012:user/bob"}), Inputs());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kUsage);
  EXPECT_NE(bad.error().message.find("--chain"), std::string::npos);
  auto empty = PlanAwsIssue(Chained({std::string(kRoleB) + ","}), Inputs());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty item"), std::string::npos);
}

TEST(AwsIssueCeilings, ConfigProfileAndFlagsAddUpOnceEachInThatOrder) {
  AwsIssueInputs inputs = Inputs();
  inputs.config.policy_arns = {"arn:aws:iam::123456789012:policy/Company"};
  inputs.profile_policy_arns = {{"arn:aws:iam::aws:policy/ReadOnlyAccess", "profile ro (built-in)"},
                                {"arn:aws:iam::123456789012:policy/Company", "profile ro"}};
  SessionRequest request;
  request.role_arn = kRoleA;
  request.policy_arns = {
      "arn:aws:iam::123456789012:policy/Team,arn:aws:iam::aws:policy/ReadOnlyAccess",
      "arn:aws:iam::123456789012:policy/Extra"};
  auto plan = PlanAwsIssue(request, inputs);
  ASSERT_TRUE(plan) << plan.error().message;
  std::vector<std::string> arns, sources;
  for (const PolicyArnChoice& choice : plan->policy_arns) {
    arns.push_back(choice.arn);
    sources.push_back(choice.source);
  }
  EXPECT_EQ(arns, (std::vector<std::string>{
                      "arn:aws:iam::123456789012:policy/Company",
                      "arn:aws:iam::aws:policy/ReadOnlyAccess",
                      "arn:aws:iam::123456789012:policy/Team",
                      "arn:aws:iam::123456789012:policy/Extra",
                  }));
  EXPECT_EQ(sources[0], "policy_arns in /home/u/.config/audex/config.toml");
  EXPECT_EQ(sources[1], "profile ro (built-in)");
  EXPECT_EQ(sources[2], "--policy-arn");
}

TEST(AwsIssueCeilings, MoreThanTenIsRefusedNamingWhereTheyCameFrom) {
  AwsIssueInputs inputs = Inputs();
  for (int i = 0; i < 6; ++i) {
    inputs.config.policy_arns.push_back("arn:aws:iam::123456789012:policy/C" + std::to_string(i));
  }
  SessionRequest request;
  request.role_arn = kRoleA;
  for (int i = 0; i < 5; ++i) {
    request.policy_arns.push_back("arn:aws:iam::123456789012:policy/F" + std::to_string(i));
  }
  auto plan = PlanAwsIssue(request, inputs);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::kUsage);
  EXPECT_NE(plan.error().message.find("11 managed policy ARNs"), std::string::npos);
  EXPECT_NE(plan.error().message.find("--policy-arn"), std::string::npos);
  EXPECT_NE(plan.error().message.find("config.toml"), std::string::npos);
}

TEST(AwsIssueCeilings, ABadArnNamesItsSource) {
  SessionRequest request;
  request.role_arn = kRoleA;
  request.policy_arns = {"ReadOnlyAccess"};
  auto plan = PlanAwsIssue(request, Inputs());
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("--policy-arn: \"ReadOnlyAccess\""), std::string::npos);
}

TEST(AwsIssueCeilings, TheCacheKeyCoversChainAndCeilings) {
  SessionRequest plain;
  plain.role_arn = kRoleA;
  auto one = PlanAwsIssue(plain, Inputs());
  auto chained = PlanAwsIssue(Chained({kRoleB}), Inputs());
  SessionRequest ceiling = plain;
  ceiling.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  auto capped = PlanAwsIssue(ceiling, Inputs());
  ASSERT_TRUE(one && chained && capped);
  const std::string a = CacheEntryName(CacheRequestFor(*one));
  EXPECT_NE(a, CacheEntryName(CacheRequestFor(*chained)));
  EXPECT_NE(a, CacheEntryName(CacheRequestFor(*capped)));
  EXPECT_EQ(CacheRequestFor(*chained).role_arn, std::string(kRoleA) + "," + kRoleB);
}

TEST(AwsIssueTagging, TaggedSessionsAreNeverCached) {
  AwsIssueInputs inputs = Inputs();
  inputs.session_tag = SessionTag{"audex-session", "0123456789abcdef"};
  inputs.config.cache = true;
  SessionRequest request;
  request.role_arn = kRoleA;
  auto plan = PlanAwsIssue(request, inputs);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->use_cache);
  request.cache = CacheChoice::kOn;
  auto refused = PlanAwsIssue(request, inputs);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--cache and --tag-session"), std::string::npos);
}

TEST(AwsIssueTagging, ScopeCurrentTakesNoChainCeilingOrTag) {
  SessionRequest request;
  request.scope_current = true;
  request.chain = {kRoleB};
  auto chain = PlanAwsIssue(request, Inputs());
  ASSERT_FALSE(chain);
  EXPECT_NE(chain.error().message.find("--chain"), std::string::npos);
  request.chain.clear();
  AwsIssueInputs inputs = Inputs();
  inputs.config.policy_arns = {"arn:aws:iam::123456789012:policy/Company"};
  auto ceiling = PlanAwsIssue(request, inputs);
  ASSERT_FALSE(ceiling);
  EXPECT_NE(ceiling.error().message.find("config.toml"), std::string::npos);
}

}  // namespace
}  // namespace audex
