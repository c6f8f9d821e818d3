#include "adapters/config/config_files.h"

#include <gtest/gtest.h>

#include <map>

#include "adapters/config/paths.h"

namespace audex {
namespace {

void ExpectErrorMentions(const Error& error, std::initializer_list<const char*> parts) {
  EXPECT_EQ(error.kind, ErrorKind::kUsage) << error.message;
  for (const char* part : parts) {
    EXPECT_NE(error.message.find(part), std::string::npos) << error.message << " lacks " << part;
  }
}

TEST(ParseProfilesToml, ReadsTheFoundingDocumentFormat) {
  auto profiles = ParseProfilesToml(R"(
[profiles.my-data-pipeline]
description = "Read from S3, write to DynamoDB"
actions = "s3:GetObject,dynamodb:PutItem,dynamodb:UpdateItem"
resources = ["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"]

[profiles.ml-inference]
description = "Invoke SageMaker and read model artifacts"
actions = "sagemaker:InvokeEndpoint,s3:GetObject"
resources = ["arn:aws:s3:::ml-models/*"]

[profiles.gcs-lister]
provider = "gcp"
actions = "storage.objects.list"
)",
                                    "/cfg/profiles.toml");
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message;
  ASSERT_EQ(profiles->size(), 3u);
  const Profile& pipeline = (*profiles)[0];
  EXPECT_EQ(pipeline.name, "my-data-pipeline");
  EXPECT_EQ(pipeline.provider, Provider::kAws);
  EXPECT_EQ(pipeline.actions.size(), 3u);
  EXPECT_EQ(pipeline.resources.size(), 2u);
  EXPECT_EQ(pipeline.source, "/cfg/profiles.toml");
  EXPECT_EQ((*profiles)[2].provider, Provider::kGcp);
}

TEST(ParseProfilesToml, ErrorsNameFileLineAndKey) {
  auto syntax = ParseProfilesToml("[profiles.x\nactions = 1", "/cfg/profiles.toml");
  ASSERT_FALSE(syntax.has_value());
  ExpectErrorMentions(syntax.error(), {"/cfg/profiles.toml:1"});

  auto wrong_type = ParseProfilesToml("[profiles.x]\n\nactions = 5\n", "/cfg/profiles.toml");
  ASSERT_FALSE(wrong_type.has_value());
  ExpectErrorMentions(wrong_type.error(), {"/cfg/profiles.toml:3", "profiles.x.actions", "string"});

  auto resources =
      ParseProfilesToml("[profiles.x]\nactions = \"s3:GetObject\"\nresources = [1]\n", "/p.toml");
  ASSERT_FALSE(resources.has_value());
  ExpectErrorMentions(resources.error(), {"/p.toml:3", "profiles.x.resources"});

  auto unknown_key =
      ParseProfilesToml("[profiles.x]\nactions = \"s3:GetObject\"\nrole = 1\n", "/p.toml");
  ASSERT_FALSE(unknown_key.has_value());
  ExpectErrorMentions(unknown_key.error(), {"/p.toml:3", "profiles.x.role"});

  auto no_actions = ParseProfilesToml("[profiles.x]\ndescription = \"d\"\n", "/p.toml");
  ASSERT_FALSE(no_actions.has_value());
  ExpectErrorMentions(no_actions.error(), {"/p.toml:1", "no \"actions\""});

  auto bad_action = ParseProfilesToml("[profiles.x]\n\nactions = \"s3GetObject\"\n", "/p.toml");
  ASSERT_FALSE(bad_action.has_value());
  ExpectErrorMentions(bad_action.error(), {"profiles.x.actions (/p.toml:3)", "s3GetObject"});

  auto stray = ParseProfilesToml("name = \"x\"\n", "/p.toml");
  ASSERT_FALSE(stray.has_value());
  ExpectErrorMentions(stray.error(), {"/p.toml:1", "[profiles.NAME]"});
}

TEST(ParseDenyListToml, ReadsTheFoundingDocumentFormat) {
  auto deny = ParseDenyListToml(R"([deny]
actions = [
  "iam:*",
  "ec2:TerminateInstances",
  "rds:DeleteDBInstance",
  "s3:DeleteBucket"
]
)",
                                "/cfg/deny-list.toml");
  ASSERT_TRUE(deny.has_value()) << deny.error().message;
  EXPECT_EQ(deny->patterns.size(), 4u);
  EXPECT_EQ(deny->source, "/cfg/deny-list.toml");
}

TEST(ParseDenyListToml, RejectsWrongShapes) {
  auto string_not_list = ParseDenyListToml("[deny]\nactions = \"iam:*\"\n", "/d.toml");
  ASSERT_FALSE(string_not_list.has_value());
  ExpectErrorMentions(string_not_list.error(), {"/d.toml:2", "deny.actions", "list of strings"});
  auto bad_entry = ParseDenyListToml("[deny]\nactions = [\"iam\"]\n", "/d.toml");
  ASSERT_FALSE(bad_entry.has_value());
  ExpectErrorMentions(bad_entry.error(), {"/d.toml", "\"iam\""});
  auto wrong_table = ParseDenyListToml("[denied]\nactions = []\n", "/d.toml");
  ASSERT_FALSE(wrong_table.has_value());
  ExpectErrorMentions(wrong_table.error(), {"/d.toml:1", "[deny]"});
}

TEST(ParseConfigToml, ReadsKnownKeysAndWarnsAboutOthers) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml(
      "provider = \"gcp\"\nttl = \"30m\"\nrole_arn = \"arn:aws:iam::1:role/r\"\nregion = "
      "\"eu-west-1\"\nfuture_key = true\n",
      "/c.toml", &warnings);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->provider, Provider::kGcp);
  EXPECT_EQ(config->ttl, std::chrono::seconds(1800));
  EXPECT_EQ(config->role_arn, "arn:aws:iam::1:role/r");
  EXPECT_EQ(config->region, "eu-west-1");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("/c.toml:5"), std::string::npos);
}

TEST(ParseConfigToml, SecretsWrittenIntoTheFileAreNeverQuoted) {
  // A key pasted where Audex does not read one: as an unknown setting (a
  // warning), unquoted (a TOML syntax error), unterminated, as a bare line
  // or as the value of a known key. toml++ quotes only number literals and
  // key names; the messages name the file, the line and the key.
  const std::string key = "sk-ant-api03-ConfigFileSecret0123456789abcdefghij";
  for (const std::string& text :
       {"anthropic_api_key = \"" + key + "\"\n", "anthropic_api_key = " + key + "\n",
        "anthropic_api_key = \"" + key + "\n", key + "\n", "model = 5\nregion = " + key + "\n",
        "serve = \"" + key + "\"\n", "mcp_allowed_roles = [\"a\" \"" + key + "\"]\n"}) {
    SCOPED_TRACE(text);
    std::vector<std::string> warnings;
    const auto config = ParseConfigToml(text, "/c.toml", &warnings);
    std::string said = config ? std::string() : config.error().message;
    for (const std::string& warning : warnings) said += "\n" + warning;
    EXPECT_FALSE(said.empty()) << "neither an error nor a warning";
    EXPECT_EQ(said.find(key.substr(0, 12)), std::string::npos) << said;
    EXPECT_EQ(said.find(key.substr(key.size() - 12)), std::string::npos) << said;
  }
}

TEST(ParseConfigToml, AMisspeltKeySuggestsTheKnownOne) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml("rol_arn = \"arn:aws:iam::1:role/r\"\nfuture_key = true\n",
                                "/c.toml", &warnings);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_EQ(warnings.size(), 2u);
  for (const std::string& warning : warnings) {
    if (warning.find("\"rol_arn\"") != std::string::npos) {
      EXPECT_NE(warning.find("did you mean role_arn?"), std::string::npos) << warning;
    } else {
      EXPECT_EQ(warning.find("did you mean"), std::string::npos) << warning;
    }
  }
}

TEST(ParseConfigToml, ReadsTheClaudeModelForIntent) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml("model = \"claude-opus-5-5\"\n", "/c.toml", &warnings);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->model, "claude-opus-5-5");
  EXPECT_TRUE(warnings.empty());
  auto wrong = ParseConfigToml("model = 5\n", "/c.toml", &warnings);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("\"model\" must be a string"), std::string::npos);
}

TEST(ParseConfigToml, RefusesNonAsciiWhereTomlxxWouldMisbehave) {
  // Inputs that reach undefined behaviour in Debian's toml++ 3.3.0.
  for (const char* text :
       {"\xcc\xaa", "ttl = \"15m\"\n\xc2\xa7 = 1\n", "s = \"\"\"\\\n\xc2\xa7\"\"\"\n",
        "actions = [\"iam:*\", 3:\"c\xca\xa4"
        "erminate\"]\n"}) {
    const auto parsed = ParseConfigToml(text, "/c.toml", nullptr);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("/c.toml:"), std::string::npos) << parsed.error().message;
  }
  std::vector<std::string> warnings;
  const auto fine =
      ParseConfigToml("# commentaire: données\nregion = \"eu-west-3\" # Paris été\nnote = 'café'\n",
                      "/c.toml", &warnings);
  EXPECT_TRUE(fine.has_value()) << fine.error().message;
  auto profiles = ParseProfilesToml(
      "[profiles.x]\ndescription = \"Lire les données – S3\"\nactions = \"s3:GetObject\"\n",
      "/p.toml");
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message;
  EXPECT_EQ((*profiles)[0].description, "Lire les données – S3");
}

TEST(ParseConfigToml, RejectsBadValues) {
  auto ttl = ParseConfigToml("ttl = \"abc\"\n", "/c.toml", nullptr);
  ASSERT_FALSE(ttl.has_value());
  ExpectErrorMentions(ttl.error(), {"/c.toml:1", "ttl", "abc"});
  auto provider = ParseConfigToml("\nprovider = \"oracle\"\n", "/c.toml", nullptr);
  ASSERT_FALSE(provider.has_value());
  ExpectErrorMentions(provider.error(), {"/c.toml:2", "oracle"});
  auto type = ParseConfigToml("ttl = 15\n", "/c.toml", nullptr);
  ASSERT_FALSE(type.has_value());
  ExpectErrorMentions(type.error(), {"/c.toml:1", "\"ttl\"", "string"});
}

TEST(ParseConfigToml, ReadsTheMcpGuardRails) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml(
      "mcp_allowed_commands = [\"aws\", \"/usr/bin/terraform\"]\nmcp_max_ttl = \"30m\"\n"
      "mcp_allowed_profiles = [\"s3-read\"]\nmcp_allowed_roles = [\"arn:aws:iam::1:role/r\"]\n",
      "/c.toml", &warnings);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(config->mcp_allowed_commands, (std::vector<std::string>{"aws", "/usr/bin/terraform"}));
  EXPECT_EQ(config->mcp_max_ttl, std::chrono::seconds(1800));
  EXPECT_EQ(config->mcp_allowed_profiles, std::vector<std::string>{"s3-read"});
  EXPECT_EQ(config->mcp_allowed_roles, std::vector<std::string>{"arn:aws:iam::1:role/r"});
  auto unset = ParseConfigToml("ttl = \"15m\"\n", "/c.toml", nullptr);
  ASSERT_TRUE(unset.has_value());
  EXPECT_FALSE(unset->mcp_allowed_commands.has_value());
  EXPECT_FALSE(unset->mcp_max_ttl.has_value());
}

TEST(ParseConfigToml, RejectsBadMcpGuardRails) {
  auto relative = ParseConfigToml("\nmcp_allowed_commands = [\"bin/aws\"]\n", "/c.toml", nullptr);
  ASSERT_FALSE(relative.has_value());
  ExpectErrorMentions(relative.error(),
                      {"/c.toml:2", "mcp_allowed_commands", "bin/aws", "absolute path"});
  auto not_list = ParseConfigToml("mcp_allowed_commands = \"aws\"\n", "/c.toml", nullptr);
  ASSERT_FALSE(not_list.has_value());
  ExpectErrorMentions(not_list.error(), {"/c.toml:1", "mcp_allowed_commands", "list of strings"});
  auto ttl = ParseConfigToml("mcp_max_ttl = \"forever\"\n", "/c.toml", nullptr);
  ASSERT_FALSE(ttl.has_value());
  ExpectErrorMentions(ttl.error(), {"/c.toml:1", "mcp_max_ttl", "forever"});
  auto profiles = ParseConfigToml("\n\nmcp_allowed_profiles = [1]\n", "/c.toml", nullptr);
  ASSERT_FALSE(profiles.has_value());
  ExpectErrorMentions(profiles.error(), {"/c.toml:3", "mcp_allowed_profiles"});
}

TEST(ResolvePaths, AudexHomeOverridesEverything) {
  const AudexPaths paths =
      ResolvePaths(LookupIn({{"AUDEX_HOME", "/t/a"}, {"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}}));
  EXPECT_EQ(paths.ProfilesFile(), "/t/a/profiles.toml");
  EXPECT_EQ(paths.state_dir, "/t/a");
}

TEST(ResolvePaths, HonoursXdgAndFallsBackToHome) {
  const AudexPaths xdg = ResolvePaths(LookupIn({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}}));
  EXPECT_EQ(xdg.DenyListFile(), "/x/audex/deny-list.toml");
  EXPECT_EQ(xdg.state_dir, "/h/.local/state/audex");
  const AudexPaths home = ResolvePaths(LookupIn({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "rel"}}));
  EXPECT_EQ(home.ConfigFile(), "/h/.config/audex/config.toml");
}

}  // namespace
}  // namespace audex
