#include "core/plan/mcp_guard.h"

#include <gtest/gtest.h>

#include "core/base/secret.h"
#include "core/wire/mcp_protocol.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using std::chrono::minutes;

McpRunArguments Request(std::vector<std::string> command, std::optional<std::string> profile = {}) {
  McpRunArguments request;
  request.command = std::move(command);
  request.profile = std::move(profile);
  if (!request.profile) request.allow = "s3:ListBucket";
  return request;
}

const std::optional<std::string> kRole = "arn:aws:iam::1:role/Configured";

UserConfig AllowingAws() {
  UserConfig config;
  config.mcp_allowed_commands = std::vector<std::string>{"aws", "/usr/bin/env"};
  return config;
}

TEST(CheckMcpRun, NothingRunsUntilCommandsAreAllowed) {
  const auto refusal = CheckMcpRun(UserConfig{}, Request({"aws", "s3", "ls"}), minutes(15), kRole,
                                   "/home/u/.config/audex/config.toml");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_allowed_commands");
  EXPECT_NE(refusal->message.find("/home/u/.config/audex/config.toml"), std::string::npos);
  EXPECT_NE(refusal->message.find("mcp_allowed_commands = [\"aws\"]"), std::string::npos);
}

TEST(CheckMcpRun, AllowsListedNamesAndPathsOnlyInTheFormListed) {
  const UserConfig config = AllowingAws();
  EXPECT_FALSE(
      CheckMcpRun(config, Request({"aws", "s3", "ls"}), minutes(15), kRole, "c").has_value());
  EXPECT_FALSE(CheckMcpRun(config, Request({"/usr/bin/env"}), minutes(15), kRole, "c").has_value());
  for (const char* program : {"/tmp/evil/aws", "./aws", "env", "curl", "AWS"}) {
    const auto refusal = CheckMcpRun(config, Request({program}), minutes(15), kRole, "c");
    ASSERT_TRUE(refusal.has_value()) << program;
    EXPECT_EQ(refusal->rule, "mcp_allowed_commands");
    EXPECT_NE(refusal->message.find(program), std::string::npos) << refusal->message;
    EXPECT_NE(refusal->message.find("allowed: aws, /usr/bin/env"), std::string::npos);
  }
}

TEST(CheckMcpRun, TtlIsBoundedByMcpMaxTtlOrTheDefaultHour) {
  UserConfig config = AllowingAws();
  EXPECT_FALSE(CheckMcpRun(config, Request({"aws"}), minutes(60), kRole, "c").has_value());
  auto refusal = CheckMcpRun(config, Request({"aws"}), minutes(61), kRole, "c");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_max_ttl");
  EXPECT_NE(refusal->message.find("(the default)"), std::string::npos);
  config.mcp_max_ttl = minutes(10);
  refusal = CheckMcpRun(config, Request({"aws"}), minutes(15), kRole, "c");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_max_ttl");
  EXPECT_NE(refusal->message.find("15m"), std::string::npos);
  EXPECT_NE(refusal->message.find("10m"), std::string::npos);
  EXPECT_FALSE(CheckMcpRun(config, Request({"aws"}), minutes(10), kRole, "c").has_value());
}

TEST(CheckMcpRun, AllowedProfilesRefuseOtherProfilesAndAllowLists) {
  UserConfig config = AllowingAws();
  config.mcp_allowed_profiles = std::vector<std::string>{"s3-read"};
  EXPECT_FALSE(
      CheckMcpRun(config, Request({"aws"}, "s3-read"), minutes(15), kRole, "c").has_value());
  auto refusal = CheckMcpRun(config, Request({"aws"}, "admin-ish"), minutes(15), kRole, "c");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_allowed_profiles");
  EXPECT_NE(refusal->message.find("admin-ish"), std::string::npos);
  refusal = CheckMcpRun(config, Request({"aws"}), minutes(15), kRole, "c");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_allowed_profiles");
}

TEST(CheckMcpRun, RoleArnMayNameOnlyTheConfiguredOrAnAllowedRole) {
  UserConfig config = AllowingAws();
  McpRunArguments request = Request({"aws"});
  request.role_arn = *kRole;
  EXPECT_FALSE(CheckMcpRun(config, request, minutes(15), kRole, "c").has_value());
  request.role_arn = "arn:aws:iam::2:role/Prod";
  auto refusal = CheckMcpRun(config, request, minutes(15), kRole, "/cfg.toml");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_allowed_roles");
  EXPECT_NE(refusal->message.find("arn:aws:iam::2:role/Prod"), std::string::npos);
  EXPECT_NE(refusal->message.find("/cfg.toml"), std::string::npos);
  refusal = CheckMcpRun(config, request, minutes(15), std::nullopt, "c");
  ASSERT_TRUE(refusal.has_value());
  config.mcp_allowed_roles = {"arn:aws:iam::2:role/Prod"};
  EXPECT_FALSE(CheckMcpRun(config, request, minutes(15), kRole, "c").has_value());
}

TEST(ParseMcpRunArguments, ReadsEveryArgument) {
  auto parsed = ParseMcpRunArguments(Json{{"command", {"aws", "s3", "ls"}},
                                          {"allow", "s3:ListAllMyBuckets"},
                                          {"ttl", "5m"},
                                          {"provider", "aws"},
                                          {"resource", "arn:aws:s3:::b"},
                                          {"role_arn", "arn:aws:iam::1:role/R"}});
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->command, (std::vector<std::string>{"aws", "s3", "ls"}));
  EXPECT_EQ(parsed->allow, "s3:ListAllMyBuckets");
  EXPECT_EQ(parsed->ttl, "5m");
  EXPECT_EQ(parsed->role_arn, "arn:aws:iam::1:role/R");
  EXPECT_FALSE(parsed->profile.has_value());
}

TEST(ParseMcpRunArguments, SaysWhatIsWrong) {
  const std::vector<std::pair<Json, const char*>> cases = {
      {Json::array(), "must be an object"},
      {Json{{"allow", "s3:GetObject"}}, "\"command\" is missing"},
      {Json{{"command", "aws s3 ls"}, {"allow", "x"}}, "non-empty array"},
      {Json{{"command", Json::array()}, {"allow", "x"}}, "non-empty array"},
      {Json{{"command", {"aws", 1}}, {"allow", "x"}}, "only strings"},
      {Json{{"command", {"aws"}}}, "exactly one of"},
      {Json{{"command", {"aws"}}, {"allow", "x"}, {"profile", "p"}}, "exactly one of"},
      {Json{{"command", {"aws"}}, {"allow", "x"}, {"shell", true}}, "unknown argument \"shell\""},
      {Json{{"command", {"aws"}}, {"allow", 5}}, "\"allow\" must be a string"},
  };
  for (const auto& [arguments, expected] : cases) {
    auto parsed = ParseMcpRunArguments(arguments);
    ASSERT_FALSE(parsed.has_value()) << arguments.dump();
    EXPECT_NE(parsed.error().find(expected), std::string::npos)
        << arguments.dump() << ": " << parsed.error();
  }
}

TEST(McpRunInputSchema, RequiresCommandAndNamesEveryArgument) {
  const Json schema = McpRunInputSchema();
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], Json::array({"command"}));
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const char* key :
       {"command", "allow", "profile", "provider", "ttl", "resource", "role_arn"}) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
  }
}

TEST(NegotiateMcpVersion, KeepsASupportedVersionElseOffersTheNewest) {
  EXPECT_EQ(NegotiateMcpVersion("2024-11-05"), "2024-11-05");
  EXPECT_EQ(NegotiateMcpVersion("2025-06-18"), "2025-06-18");
  EXPECT_EQ(NegotiateMcpVersion("2099-01-01"), McpProtocolVersions().front());
  EXPECT_EQ(NegotiateMcpVersion(Json(5)), McpProtocolVersions().front());
  EXPECT_TRUE(McpAllowsBatches("2025-03-26"));
  EXPECT_FALSE(McpAllowsBatches("2025-06-18"));
  EXPECT_FALSE(McpAllowsBatches("2024-11-05"));
  EXPECT_TRUE(McpInvalidArgumentsAreToolErrors("2025-11-25"));
  EXPECT_FALSE(McpInvalidArgumentsAreToolErrors("2025-06-18"));
}

TEST(McpToolResult, HasTextContentStructuredContentAndIsError) {
  const Json result = McpToolResult("hello", Json{{"a", 1}}, true);
  EXPECT_EQ(result["content"], Json::parse(R"([{"type":"text","text":"hello"}])"));
  EXPECT_EQ(result["structuredContent"], (Json{{"a", 1}}));
  EXPECT_EQ(result["isError"], true);
}

TEST(RedactSecrets, MasksEveryOccurrenceAndACutOffTail) {
  const SecretString secret("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY");
  const SecretString token("FwoGZXIvYXdzEXAMPLETOKEN");
  const std::vector<const SecretString*> secrets = {&secret, &token};
  EXPECT_EQ(RedactSecrets("k=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY t=FwoGZXIvYXdzEXAMPLETOKEN "
                          "again wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
                          secrets, false),
            "k=**** t=**** again ****");
  EXPECT_EQ(RedactSecrets("tail FwoGZXIv", secrets, true), "tail ****");
  EXPECT_EQ(RedactSecrets("tail FwoGZXIv", secrets, false), "tail FwoGZXIv");
  EXPECT_EQ(RedactSecrets("ends Fwo", secrets, true), "ends Fwo");  // shorter than 4: kept
}

TEST(ParseMcpLearnArguments, TheBoundIsOptionalButAtMostOne) {
  auto unbounded = ParseMcpLearnArguments(Json{{"command", {"aws", "s3", "ls"}}});
  ASSERT_TRUE(unbounded.has_value()) << unbounded.error();
  EXPECT_FALSE(unbounded->allow.has_value());
  EXPECT_FALSE(unbounded->profile.has_value());
  auto bounded = ParseMcpLearnArguments(
      Json{{"command", {"aws", "s3", "ls"}}, {"allow", "s3:*"}, {"ttl", "10m"}});
  ASSERT_TRUE(bounded.has_value()) << bounded.error();
  EXPECT_EQ(bounded->allow, "s3:*");
  EXPECT_EQ(bounded->ttl, "10m");
  auto both = ParseMcpLearnArguments(
      Json{{"command", {"aws"}}, {"allow", "s3:*"}, {"profile", "s3-readonly"}});
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().find("at most one"), std::string::npos) << both.error();
}

TEST(ParseMcpLearnArguments, RefusesWhatLearnDoesNotTake) {
  auto provider = ParseMcpLearnArguments(Json{{"command", {"gcloud"}}, {"provider", "gcp"}});
  ASSERT_FALSE(provider.has_value());
  EXPECT_NE(provider.error().find("AWS calls only"), std::string::npos) << provider.error();
  auto unknown = ParseMcpLearnArguments(Json{{"command", {"aws"}}, {"colour", "blue"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("audex_learn takes"), std::string::npos) << unknown.error();
  EXPECT_FALSE(ParseMcpLearnArguments(Json{{"allow", "s3:*"}}).has_value());
}

TEST(McpLearnInputSchema, HasNoProviderOrResource) {
  const Json schema = McpLearnInputSchema();
  EXPECT_EQ(schema["required"], Json::array({"command"}));
  EXPECT_FALSE(schema["properties"].contains("provider"));
  EXPECT_FALSE(schema["properties"].contains("resource"));
  EXPECT_TRUE(schema["properties"].contains("allow"));
}

TEST(CheckMcpRun, AllowedProfilesRefuseAnUnboundedLearn) {
  UserConfig config = AllowingAws();
  config.mcp_allowed_profiles = std::vector<std::string>{"s3-readonly"};
  McpRunArguments request;
  request.command = {"aws", "s3", "ls"};
  auto refusal = CheckMcpRun(config, request, minutes(15), kRole, "config.toml");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->rule, "mcp_allowed_profiles");
}

}  // namespace
}  // namespace audex
