// Network binding (core/policy/network_binding.h): the entries accepted and
// refused, the Deny statement in the shape of AWS's data-perimeter examples,
// the evaluator's decision for requests from inside and outside, the plan
// (budget, JSON, other providers) and config.toml's [network] table.
#include "core/policy/network_binding.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "adapters/config/config_files.h"
#include "catalog/catalog_universe.h"
#include "core/plan/plan_json.h"
#include "core/plan/session_plan.h"
#include "core/policy/policy_evaluator.h"

namespace audex {
namespace {

void ExpectMentions(const Error& error, std::initializer_list<const char*> parts) {
  EXPECT_EQ(error.kind, ErrorKind::kUsage) << error.message;
  for (const char* part : parts) {
    EXPECT_NE(error.message.find(part), std::string::npos) << error.message << " lacks " << part;
  }
}

NetworkBinding Binding(std::vector<std::string> ips, std::vector<std::string> vpcs = {},
                       std::vector<std::string> endpoints = {}) {
  return NetworkBinding{std::move(ips), std::move(vpcs), std::move(endpoints), "test"};
}

std::string Rendered(const Statement& statement) {
  PolicyDocument document;
  document.statements.push_back(statement);
  return RenderPolicy(document);
}

// --- entries -------------------------------------------------------------

TEST(NetworkBinding, AcceptsAddressesAndRangesInCanonicalForm) {
  EXPECT_EQ(CheckAllowedIp("203.0.113.0/24", "x").value(), "203.0.113.0/24");
  EXPECT_EQ(CheckAllowedIp("203.0.113.7", "x").value(), "203.0.113.7/32");
  EXPECT_EQ(CheckAllowedIp("2001:DB8:0:0::/32", "x").value(), "2001:db8::/32");
  EXPECT_EQ(CheckAllowedIp("2001:db8::1", "x").value(), "2001:db8::1/128");
}

TEST(NetworkBinding, RefusesEveryAddressAsANoOp) {
  for (const char* all : {"0.0.0.0/0", "::/0"}) {
    auto refused = CheckAllowedIp(all, "--source-ip");
    ASSERT_FALSE(refused) << all;
    ExpectMentions(refused.error(), {"--source-ip", all, "binds the session to nothing"});
  }
}

TEST(NetworkBinding, RefusesMalformedRangesWithTheFix) {
  auto long_prefix = CheckAllowedIp("203.0.113.0/33", "config.toml:4: key \"network.allowed_ips\"");
  ASSERT_FALSE(long_prefix);
  ExpectMentions(long_prefix.error(),
                 {"config.toml:4", "network.allowed_ips", "203.0.113.0/33", "0 to 32"});

  auto host_bits = CheckAllowedIp("203.0.113.7/24", "--source-ip");
  ASSERT_FALSE(host_bits);
  ExpectMentions(host_bits.error(), {"203.0.113.0/24", "203.0.113.7/32"});

  for (const char* bad : {"203.0.113", "203.0.113.0/", "example.com", "300.1.1.1", "2001:db8:::/32",
                          "203.0.113.0/24x", ""}) {
    auto refused = CheckAllowedIp(bad, "--source-ip");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
    EXPECT_NE(refused.error().message.find("203.0.113.0/24"), std::string::npos)
        << "no example of the right form: " << refused.error().message;
  }

  auto vpc_in_ips = CheckAllowedIp("vpc-0a1b2c3d", "x");
  ASSERT_FALSE(vpc_in_ips);
  ExpectMentions(vpc_in_ips.error(), {"allowed_vpcs"});
}

TEST(NetworkBinding, ChecksVpcAndEndpointIds) {
  EXPECT_TRUE(CheckAllowedVpc("vpc-0a1b2c3d", "x"));
  EXPECT_TRUE(CheckAllowedVpc("vpc-0a1b2c3d4e5f60718", "x"));
  EXPECT_TRUE(CheckAllowedVpcEndpoint("vpce-0a1b2c3d4e5f60718", "x"));
  for (const char* bad : {"vpc-XYZ", "vpc-0a1b2c3", "vpce-0a1b2c3d", "0a1b2c3d"}) {
    EXPECT_FALSE(CheckAllowedVpc(bad, "x")) << bad;
  }
  auto endpoint = CheckAllowedVpcEndpoint("vpc-0a1b2c3d", "x");
  ASSERT_FALSE(endpoint);
  ExpectMentions(endpoint.error(), {"vpce-", "describe-vpc-endpoints"});
}

TEST(NetworkBinding, SourceIpFlagTakesACommaList) {
  auto binding = ParseSourceIpList("203.0.113.0/24, 2001:db8::/32,203.0.113.0/24");
  ASSERT_TRUE(binding) << binding.error().message;
  EXPECT_EQ(binding->ips, (std::vector<std::string>{"203.0.113.0/24", "2001:db8::/32"}));
  EXPECT_EQ(binding->source, "--source-ip");

  auto empty = ParseSourceIpList("203.0.113.0/24,,198.51.100.0/24");
  ASSERT_FALSE(empty);
  ExpectMentions(empty.error(), {"--source-ip", "entry 2 is empty"});
  auto vpc = ParseSourceIpList("vpc-0a1b2c3d");
  ASSERT_FALSE(vpc);
  ExpectMentions(vpc.error(), {"[network]", "allowed_vpcs = [\"vpc-0a1b2c3d\"]"});
}

TEST(NetworkBinding, WarnsAboutRangesAwsNeverSees) {
  const auto warnings = NetworkBindingWarnings(Binding({"10.1.0.0/16", "203.0.113.0/24"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("10.1.0.0/16"), std::string::npos);
  EXPECT_NE(warnings[0].find("10.0.0.0/8"), std::string::npos);
  EXPECT_TRUE(NetworkBindingWarnings(Binding({"192.0.2.0/24", "2001:db8::/32"})).empty());
  EXPECT_EQ(NetworkBindingWarnings(Binding({"127.0.0.1/32", "fd00::/8"})).size(), 2u);
}

// --- the statement ---------------------------------------------------------

// The documented shape (IAM User Guide, "AWS: Denies access to AWS based on
// the source IP", and aws-samples/data-perimeter-policy-examples'
// network_perimeter_policy.json): Deny everything when the source IP is not
// listed (IfExists: requests through a VPC endpoint have none), the VPC is
// not listed (IfExists: requests over the internet have none), and the call
// is not an AWS service acting for the principal.
TEST(NetworkDenyStatement, IpsOnly) {
  EXPECT_EQ(Rendered(NetworkDenyStatement(Binding({"203.0.113.0/24", "2001:db8::/32"}))),
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",)"
            R"("Condition":{"NotIpAddressIfExists":{"aws:SourceIp":["203.0.113.0/24",)"
            R"("2001:db8::/32"]},"BoolIfExists":{"aws:ViaAWSService":"false"}}}]})");
}

TEST(NetworkDenyStatement, VpcsOnly) {
  EXPECT_EQ(Rendered(NetworkDenyStatement(Binding({}, {"vpc-0a1b2c3d"}))),
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",)"
            R"("Condition":{"StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-0a1b2c3d"},)"
            R"("BoolIfExists":{"aws:ViaAWSService":"false"}}}]})");
}

TEST(NetworkDenyStatement, IpsVpcsAndEndpointsInOneStatement) {
  EXPECT_EQ(
      Rendered(NetworkDenyStatement(
          Binding({"203.0.113.0/24"}, {"vpc-0a1b2c3d"}, {"vpce-0a1b2c3d4e5f60718"}))),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",)"
      R"("Condition":{"NotIpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"},)"
      R"("StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-0a1b2c3d",)"
      R"("aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"},"BoolIfExists":{"aws:ViaAWSService":"false"}}}]})");
}

TEST(NetworkDenyStatement, ParsesBackToTheSameConditions) {
  const Statement deny =
      NetworkDenyStatement(Binding({"203.0.113.0/24"}, {"vpc-0a1b2c3d"}, {"vpce-0a1b2c3d"}));
  auto parsed = ParsePolicy(Rendered(deny));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->statements.size(), 1u);
  const Statement& back = parsed->statements[0];
  EXPECT_TRUE(back.has_condition);
  // JSON objects are unordered: compare the tests as sets.
  const auto tests = [](const Statement& statement) {
    std::set<std::tuple<std::string, std::string, std::vector<std::string>>> set;
    for (const Condition& c : statement.conditions) set.emplace(c.op, c.key, c.values);
    return set;
  };
  EXPECT_EQ(tests(back), tests(deny));
  EXPECT_EQ(back.conditions.size(), 4u);
}

// --- the evaluator: requests from inside and outside -------------------------

RequestContext FromIp(const std::string& ip, bool via_service = false) {
  return RequestContext{
      {{"aws:SourceIp", ip}, {"aws:ViaAWSService", via_service ? "true" : "false"}}};
}
RequestContext ThroughEndpoint(const std::string& vpc, const std::string& endpoint) {
  return RequestContext{{{"aws:SourceVpc", vpc},
                         {"aws:SourceVpce", endpoint},
                         {"aws:VpcSourceIp", "10.0.0.5"},
                         {"aws:ViaAWSService", "false"}}};
}

SessionPlan PlanWith(const std::optional<NetworkBinding>& config_network,
                     const std::optional<NetworkBinding>& flag = std::nullopt,
                     const std::string& allow = "s3:GetObject") {
  AccessRequest request;
  request.allow = allow;
  UserConfig config;
  config.network = config_network;
  auto plan =
      PlanSession(request, std::nullopt, config, {}, {}, {"x"}, &BuiltinAwsActions(), true, flag);
  EXPECT_TRUE(plan) << plan.error().message;
  return plan ? *plan : SessionPlan{};
}

TEST(NetworkEvaluation, AllowsOnlyRequestsFromTheListedRanges) {
  const SessionPlan plan = PlanWith(Binding({"203.0.113.0/24", "2001:db8::/32"}));
  ASSERT_TRUE(plan.policy);
  const PolicyDocument& policy = *plan.policy;
  const std::string object = "arn:aws:s3:::b/k";
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object, FromIp("203.0.113.9")), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object, FromIp("2001:db8:5::1")), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object, FromIp("198.51.100.1")),
            Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object, FromIp("2001:db9::1")),
            Decision::kExplicitDeny);
  // Not granted at all stays an implicit deny from inside.
  EXPECT_EQ(Evaluate(policy, "s3:PutObject", object, FromIp("203.0.113.9")),
            Decision::kImplicitDeny);
  // An AWS service calling for the session keeps working from its own address.
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object, FromIp("52.94.0.1", true)), Decision::kAllow);
  // Through a VPC endpoint there is no aws:SourceIp: outside an IP-only binding.
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object,
                     ThroughEndpoint("vpc-0a1b2c3d", "vpce-0a1b2c3d4e5f60718")),
            Decision::kExplicitDeny);
  // Without a context the condition is not evaluated and errs towards denying.
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", object), Decision::kExplicitDeny);
}

TEST(NetworkEvaluation, IpsAndVpcsTogetherAdmitEither) {
  const SessionPlan plan =
      PlanWith(Binding({"203.0.113.0/24"}, {"vpc-0a1b2c3d"}, {"vpce-1111aaaa2222bbbb3"}));
  ASSERT_TRUE(plan.policy);
  const PolicyDocument& policy = *plan.policy;
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "*", FromIp("203.0.113.200")), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "*", FromIp("198.51.100.1")), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "*",
                     ThroughEndpoint("vpc-0a1b2c3d", "vpce-9999aaaa2222bbbb3")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "*",
                     ThroughEndpoint("vpc-99999999", "vpce-1111aaaa2222bbbb3")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, "s3:GetObject", "*",
                     ThroughEndpoint("vpc-99999999", "vpce-9999aaaa2222bbbb3")),
            Decision::kExplicitDeny);
}

TEST(NetworkEvaluation, AVpcOnlyBindingDeniesTheInternet) {
  const SessionPlan plan = PlanWith(Binding({}, {"vpc-0a1b2c3d"}));
  ASSERT_TRUE(plan.policy);
  EXPECT_EQ(Evaluate(*plan.policy, "s3:GetObject", "*", FromIp("203.0.113.9")),
            Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate(*plan.policy, "s3:GetObject", "*",
                     ThroughEndpoint("vpc-0a1b2c3d", "vpce-0a1b2c3d4e5f60718")),
            Decision::kAllow);
}

TEST(NetworkEvaluation, TheFlagNarrowsTheConfigAndBothHold) {
  auto flag = ParseSourceIpList("203.0.113.0/28");
  ASSERT_TRUE(flag);
  const SessionPlan plan = PlanWith(Binding({"203.0.113.0/24"}), *flag);
  ASSERT_EQ(plan.network.size(), 2u);
  ASSERT_TRUE(plan.policy);
  EXPECT_EQ(Evaluate(*plan.policy, "s3:GetObject", "*", FromIp("203.0.113.3")), Decision::kAllow);
  EXPECT_EQ(Evaluate(*plan.policy, "s3:GetObject", "*", FromIp("203.0.113.100")),
            Decision::kExplicitDeny);
  // A flag cannot widen the configured binding.
  auto wider = ParseSourceIpList("198.51.100.0/24");
  ASSERT_TRUE(wider);
  const SessionPlan widened = PlanWith(Binding({"203.0.113.0/24"}), *wider);
  ASSERT_TRUE(widened.policy);
  EXPECT_EQ(Evaluate(*widened.policy, "s3:GetObject", "*", FromIp("198.51.100.1")),
            Decision::kExplicitDeny);
}

// --- the plan ----------------------------------------------------------------

TEST(NetworkPlan, ShownInThePlanJson) {
  const SessionPlan plan = PlanWith(Binding({"203.0.113.0/24"}, {"vpc-0a1b2c3d"}));
  const auto json = SessionPlanJson(plan);
  ASSERT_EQ(json["network"].size(), 1u);
  EXPECT_EQ(json["network"][0]["allowed_ips"][0], "203.0.113.0/24");
  EXPECT_EQ(json["network"][0]["allowed_vpcs"][0], "vpc-0a1b2c3d");
  EXPECT_EQ(json["network"][0]["source"], "test");
  EXPECT_NE(plan.policy_json.find("NotIpAddressIfExists"), std::string::npos);
  EXPECT_EQ(json["policy_size"], plan.policy_json.size());
  EXPECT_TRUE(SessionPlanJson(PlanWith(std::nullopt))["network"].empty());
}

TEST(NetworkPlan, AnUnscopedSessionStillCarriesTheBinding) {
  AccessRequest request;
  request.unscoped_allowed = true;
  UserConfig config;
  config.network = Binding({"203.0.113.0/24"});
  auto plan = PlanSession(request, std::nullopt, config, {}, {}, {"x"});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->policy);
  EXPECT_EQ(Evaluate(*plan->policy, "ec2:RunInstances", "*", FromIp("203.0.113.1")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(*plan->policy, "ec2:RunInstances", "*", FromIp("198.51.100.1")),
            Decision::kExplicitDeny);
}

// The binding counts against the 2,048 characters: a request that fits on
// its own is packed to leave room for it, and the document sent fits.
TEST(NetworkPlan, PackingLeavesRoomForTheBinding) {
  const NetworkBinding binding = Binding({"203.0.113.0/24", "198.51.100.0/24", "2001:db8::/32"});
  const size_t statement_size = Rendered(NetworkDenyStatement(binding)).size();
  auto s3 = BuiltinAwsActions().Expand("s3:*");
  ASSERT_TRUE(s3);
  std::string allow;
  size_t alone = 0;
  for (const std::string& action : *s3) {
    const std::string longer = allow.empty() ? action : allow + "," + action;
    const SessionPlan plan = PlanWith(std::nullopt, std::nullopt, longer);
    // Stop at the longest list that still fits as asked, without packing.
    if (!plan.policy || !plan.policy_notes.empty()) break;
    allow = longer;
    alone = plan.policy_json.size();
  }
  ASSERT_GT(alone + statement_size, kSessionPolicyLimit) << "the request should need packing";
  const SessionPlan unbound = PlanWith(std::nullopt, std::nullopt, allow);
  EXPECT_TRUE(unbound.policy_notes.empty()) << "fits as asked without the binding";

  const SessionPlan bound = PlanWith(binding, std::nullopt, allow);
  ASSERT_TRUE(bound.policy);
  EXPECT_LE(bound.policy_json.size(), kSessionPolicyLimit);
  EXPECT_FALSE(bound.policy_notes.empty()) << "packed to make room";
  EXPECT_NE(bound.policy_json.find("\"aws:SourceIp\""), std::string::npos);
  const std::string first = s3->front();
  EXPECT_EQ(Evaluate(*bound.policy, first, "*", FromIp("203.0.113.1")), Decision::kAllow);
  EXPECT_EQ(Evaluate(*bound.policy, first, "*", FromIp("192.0.2.1")), Decision::kExplicitDeny);
}

TEST(NetworkPlan, OverTheBudgetEvenPackedIsAPolicyError) {
  std::vector<std::string> many;
  for (int i = 1; i <= 120; ++i) many.push_back("203.0." + std::to_string(i) + ".0/24");
  AccessRequest request;
  request.allow = "s3:GetObject";
  auto plan = PlanSession(request, std::nullopt, {}, {}, {}, {"x"}, &BuiltinAwsActions(), true,
                          Binding(many));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(plan.error().message.find("2048"), std::string::npos) << plan.error().message;
  // The binding's share is named, so the user knows what to shorten.
  // The statement, and the comma before it.
  const size_t share = Rendered(NetworkDenyStatement(Binding(many))).size() -
                       RenderPolicy(PolicyDocument{}).size() + 1;
  EXPECT_NE(
      plan.error().message.find(fmt::format("the network binding's Deny takes {} of them", share)),
      std::string::npos)
      << plan.error().message;
}

TEST(NetworkPlan, OtherProvidersSayTheyAreNotBound) {
  AccessRequest request;
  request.provider = Provider::kGcp;
  request.allow = "storage.objects.get";
  UserConfig config;
  config.network = Binding({"203.0.113.0/24"});
  config.network->source = "[network] in /cfg/config.toml";
  auto plan = PlanSession(request, std::nullopt, config, {}, {}, {"x"});
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->network.empty());
  bool said = false;
  for (const std::string& line : plan->not_enforced) {
    said = said ||
           line.find("[network] in /cfg/config.toml binds AWS sessions only") != std::string::npos;
  }
  EXPECT_TRUE(said);

  auto flagged = PlanSession(request, std::nullopt, {}, {}, {}, {"x"}, nullptr, true,
                             ParseSourceIpList("203.0.113.0/24").value());
  ASSERT_FALSE(flagged);
  ExpectMentions(flagged.error(), {"--source-ip", "drop --source-ip"});
}

// --- config.toml --------------------------------------------------------------

TEST(NetworkConfig, ReadsTheNetworkTable) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml(R"(role_arn = "arn:aws:iam::123456789012:role/R"

[network]
allowed_ips = ["203.0.113.0/24", "2001:DB8::/32", "203.0.113.0/24"]
allowed_vpcs = ["vpc-0a1b2c3d"]
allowed_vpc_endpoints = ["vpce-0a1b2c3d4e5f60718"]
)",
                                "/cfg/config.toml", &warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(warnings.empty());
  ASSERT_TRUE(config->network);
  EXPECT_EQ(config->network->ips, (std::vector<std::string>{"203.0.113.0/24", "2001:db8::/32"}));
  EXPECT_EQ(config->network->vpcs, std::vector<std::string>{"vpc-0a1b2c3d"});
  EXPECT_EQ(config->network->vpc_endpoints, std::vector<std::string>{"vpce-0a1b2c3d4e5f60718"});
  EXPECT_EQ(config->network->source, "[network] in /cfg/config.toml");
}

TEST(NetworkConfig, ErrorsNameFileLineAndKey) {
  auto no_op =
      ParseConfigToml("[network]\nallowed_ips = [\"0.0.0.0/0\"]\n", "/cfg/config.toml", nullptr);
  ASSERT_FALSE(no_op);
  ExpectMentions(no_op.error(), {"/cfg/config.toml:2", "network.allowed_ips", "0.0.0.0/0"});

  auto malformed =
      ParseConfigToml("\n[network]\nallowed_vpcs = [\"vpc-1\"]\n", "/cfg/config.toml", nullptr);
  ASSERT_FALSE(malformed);
  ExpectMentions(malformed.error(), {"/cfg/config.toml:3", "network.allowed_vpcs", "vpc-0a1b2c3d"});

  auto misspelt = ParseConfigToml("[network]\nallowed_ip = [\"203.0.113.0/24\"]\n",
                                  "/cfg/config.toml", nullptr);
  ASSERT_FALSE(misspelt);
  ExpectMentions(misspelt.error(), {"/cfg/config.toml:2", "network.allowed_ip", "allowed_ips"});

  auto not_list =
      ParseConfigToml("[network]\nallowed_ips = \"203.0.113.0/24\"\n", "/cfg/config.toml", nullptr);
  ASSERT_FALSE(not_list);
  ExpectMentions(not_list.error(), {"/cfg/config.toml:2", "must be a list of strings"});

  auto not_table = ParseConfigToml("network = \"203.0.113.0/24\"\n", "/cfg/config.toml", nullptr);
  ASSERT_FALSE(not_table);
  ExpectMentions(not_table.error(), {"/cfg/config.toml:1", "[network]"});
}

TEST(NetworkConfig, AnEmptyTableIsWarnedAbout) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml("[network]\nallowed_ips = []\n", "/cfg/config.toml", &warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->network);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("binds nothing"), std::string::npos);
}

}  // namespace
}  // namespace audex
