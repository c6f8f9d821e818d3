// setup-profile's edit of ~/.aws/config: one section written, every other
// byte kept (core/aws_config_edit.h).
#include "core/wire/aws_config_edit.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

const std::vector<std::pair<std::string, std::string>> kValues = {
    {"credential_process", "/usr/bin/tryaudex credential-process --profile s3-read"},
    {"region", "eu-west-1"}};

TEST(ConfigSectionName, DefaultHasNoPrefix) {
  EXPECT_EQ(ConfigSectionName("default"), "default");
  EXPECT_EQ(ConfigSectionName("scoped"), "profile scoped");
}

TEST(SetConfigSection, AppendsToAnEmptyFile) {
  EXPECT_EQ(SetConfigSection("", "profile scoped", kValues),
            "[profile scoped]\n"
            "credential_process = /usr/bin/tryaudex credential-process --profile s3-read\n"
            "region = eu-west-1\n");
}

TEST(SetConfigSection, AppendsAfterABlankLineKeepingTheRest) {
  const std::string before =
      "# my settings\n[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 4";
  const std::string after = SetConfigSection(before, "profile scoped", kValues);
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_EQ(after.substr(before.size(), 3), "\n\n[");
}

TEST(SetConfigSection, ReplacesOnlyTheNamedSection) {
  const std::string before =
      "[default]\nregion = us-east-1\n\n"
      "[profile  scoped]\ncredential_process = old\n# old comment\n\n"
      "[profile other]\naws_access_key_id = AKIA\n";
  const std::string after = SetConfigSection(before, "profile scoped", kValues);
  EXPECT_EQ(after,
            "[default]\nregion = us-east-1\n\n"
            "[profile scoped]\n"
            "credential_process = /usr/bin/tryaudex credential-process --profile s3-read\n"
            "region = eu-west-1\n\n"
            "[profile other]\naws_access_key_id = AKIA\n");
}

TEST(SetConfigSection, IsIdempotent) {
  const std::string once = SetConfigSection("[default]\nregion = x\n", "profile scoped", kValues);
  EXPECT_EQ(SetConfigSection(once, "profile scoped", kValues), once);
}

TEST(SetConfigSection, DoesNotTouchASectionWithALongerName) {
  const std::string before = "[profile scoped-admin]\nrole_arn = r\n";
  const std::string after = SetConfigSection(before, "profile scoped", kValues);
  EXPECT_EQ(after.substr(0, before.size()), before);
}

TEST(KeysSetupProfileWouldLose, NothingForAStanzaSetupProfileWrote) {
  EXPECT_TRUE(KeysSetupProfileWouldLose(kValues).empty());
  EXPECT_TRUE(KeysSetupProfileWouldLose({}).empty());
}

TEST(KeysSetupProfileWouldLose, NamesAnSsoProfilesSettings) {
  const std::vector<std::string> lost =
      KeysSetupProfileWouldLose({{"sso_start_url", "https://x.awsapps.com/start"},
                                 {"sso_account_id", "111111111111"},
                                 {"region", "eu-west-1"},
                                 {"sso_role_name", "Admin"}});
  EXPECT_EQ(lost, (std::vector<std::string>{"sso_start_url", "sso_account_id", "sso_role_name"}));
}

TEST(KeysSetupProfileWouldLose, AnotherCredentialProcessIsLost) {
  EXPECT_EQ(KeysSetupProfileWouldLose({{"credential_process", "aws-vault export --format=json x"}}),
            std::vector<std::string>{"credential_process"});
  EXPECT_EQ(KeysSetupProfileWouldLose({{"aws_access_key_id", "AKIA"}, {"aws_access_key_id", "B"}}),
            std::vector<std::string>{"aws_access_key_id"});
}

}  // namespace
}  // namespace audex
