// The base-credential chain with a fake environment and real temporary
// files: SDK order, sources, and errors that list where Audex looked and
// never hold a secret.
#include "adapters/aws/credential_chain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "core/base/rfc3339.h"
#include "support/scripted_http.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

namespace fs = std::filesystem;

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const std::string kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//+==";

class CredentialChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(home_.empty());
    fs::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
  }

  void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }
  fs::path CredentialsFile() const { return home_ / ".aws" / "credentials"; }
  fs::path ConfigFile() const { return home_ / ".aws" / "config"; }

  EnvLookup Env() const { return MapEnv(env_); }

  // A runner that records the command instead of running it.
  CredentialChainOptions FakeProcess(std::string output) {
    CredentialChainOptions options;
    options.now = *ParseRfc3339("2026-01-01T00:00:00Z");
    options.run_process = [this, output](const std::string& command,
                                         std::string_view) -> Result<std::string> {
      commands_.push_back(command);
      return output;
    };
    return options;
  }

  void ExpectNoSecret(const std::string& message) {
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
    EXPECT_EQ(message.find(kToken), std::string::npos) << message;
  }

  TempDir dir_{"audex-chain"};
  fs::path home_ = dir_.path();
  std::map<std::string, std::string> env_;
  std::vector<std::string> commands_;
};

TEST_F(CredentialChainTest, EnvironmentComesFirst) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SESSION_TOKEN"] = kToken;
  env_["AWS_CREDENTIAL_EXPIRATION"] = "2026-01-01T01:00:00Z";
  Write(CredentialsFile(), "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = x\n");
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIAENV");
  EXPECT_EQ(credentials->secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(credentials->session_token.Reveal(), kToken);
  EXPECT_EQ(credentials->expiration, ParseRfc3339("2026-01-01T01:00:00Z"));
  EXPECT_EQ(credentials->source, "environment");
}

TEST_F(CredentialChainTest, LegacySecurityTokenVariable) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SECURITY_TOKEN"] = kToken;
  EXPECT_EQ(ResolveBaseCredentials(Env())->session_token.Reveal(), kToken);
}

TEST_F(CredentialChainTest, HalfAnEnvironmentPairIsAnError) {
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(credentials.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  ExpectNoSecret(credentials.error().message);
}

TEST_F(CredentialChainTest, DefaultProfileInCredentialsFile) {
  Write(CredentialsFile(), "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = " +
                               kSecret + "\naws_session_token = " + kToken + "\n");
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIAFILE");
  EXPECT_EQ(credentials->session_token.Reveal(), kToken);
  EXPECT_EQ(credentials->source, "profile default in " + CredentialsFile().string());
}

TEST_F(CredentialChainTest, ProfileVariablesAndFileOverrides) {
  const fs::path custom = home_ / "elsewhere";
  Write(custom,
        "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = a\n"
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = b\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = custom.string();
  env_["AWS_DEFAULT_PROFILE"] = "dev";
  EXPECT_EQ(ResolveBaseCredentials(Env())->access_key_id, "AKIADEV");
  env_["AWS_PROFILE"] = "default";  // AWS_PROFILE wins over the legacy name
  const auto credentials = ResolveBaseCredentials(Env());
  EXPECT_EQ(credentials->access_key_id, "AKIADEF");
  EXPECT_EQ(credentials->source, "profile default in " + custom.string());
}

TEST_F(CredentialChainTest, CredentialProcessFromConfig) {
  env_["AWS_PROFILE"] = "dev";
  Write(ConfigFile(), "[profile dev]\ncredential_process = /opt/bin/creds --account 'my acct'\n");
  const auto credentials = ResolveBaseCredentials(
      Env(), FakeProcess(R"({"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": ")" +
                         kSecret + R"(", "SessionToken": ")" + kToken +
                         R"(", "Expiration": "2026-01-01T00:30:00.123Z"})"));
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(commands_, std::vector<std::string>{"/opt/bin/creds --account 'my acct'"});
  EXPECT_EQ(credentials->access_key_id, "ASIAPROC");
  EXPECT_EQ(credentials->session_token.Reveal(), kToken);
  EXPECT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(credentials->source, "credential_process of profile dev in " + ConfigFile().string());
}

TEST_F(CredentialChainTest, SdkOrderAmongTheFiles) {
  // credentials file, then credential_process, then static keys in config.
  Write(ConfigFile(),
        "[default]\ncredential_process = creds\naws_access_key_id = AKIACONFIG\n"
        "aws_secret_access_key = c\n");
  const std::string process_output =
      R"({"Version":1,"AccessKeyId":"ASIAPROC","SecretAccessKey":"p"})";
  EXPECT_EQ(ResolveBaseCredentials(Env(), FakeProcess(process_output))->access_key_id, "ASIAPROC");
  Write(CredentialsFile(), "[default]\naws_access_key_id = AKIACREDS\naws_secret_access_key = d\n");
  EXPECT_EQ(ResolveBaseCredentials(Env(), FakeProcess(process_output))->access_key_id, "AKIACREDS");
  Write(ConfigFile(), "[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n");
  fs::remove(CredentialsFile());
  const auto config_keys = ResolveBaseCredentials(Env());
  EXPECT_EQ(config_keys->access_key_id, "AKIACONFIG");
  EXPECT_EQ(config_keys->source, "profile default in " + ConfigFile().string());
}

TEST_F(CredentialChainTest, ProfileDefaultAlsoAsProfileDefaultSection) {
  env_["AWS_CONFIG_FILE"] = (home_ / "cfg").string();
  Write(home_ / "cfg",
        "[profile default]\naws_access_key_id = AKIAPD\naws_secret_access_key = x\n");
  EXPECT_EQ(ResolveBaseCredentials(Env())->access_key_id, "AKIAPD");
}

TEST_F(CredentialChainTest, NothingFoundListsEveryPlace) {
  Write(ConfigFile(), "[profile other]\nregion = eu-west-1\n");
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().kind, ErrorKind::kCredentials);
  const std::string& message = credentials.error().message;
  for (const std::string& part :
       {std::string("no AWS credentials found"), std::string("environment (AWS_ACCESS_KEY_ID"),
        "profile default in " + CredentialsFile().string() + ": no such file",
        "profile default in " + ConfigFile().string() + ": no such section",
        std::string("aws configure")}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
  }
}

TEST_F(CredentialChainTest, ChosenProfileThatExistsNowhere) {
  env_["AWS_PROFILE"] = "typo";
  Write(CredentialsFile(), "[default]\naws_access_key_id = A\naws_secret_access_key = B\n");
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find("\"typo\""), std::string::npos);
  EXPECT_NE(credentials.error().message.find(CredentialsFile().string()), std::string::npos);
}

TEST_F(CredentialChainTest, ProfilesAudexCannotResolveSaySo) {
  env_["AWS_PROFILE"] = "sso";
  Write(ConfigFile(), "[profile sso]\nsso_session = corp\nsso_account_id = 1\n");
  const auto credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find("sso_session"), std::string::npos);
  EXPECT_NE(credentials.error().message.find("export-credentials --profile sso"),
            std::string::npos);
}

TEST_F(CredentialChainTest, HalfAPairInAFileAndBrokenFilesAreErrorsWithoutSecrets) {
  Write(CredentialsFile(), "[default]\naws_secret_access_key = " + kSecret + "\n");
  auto credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find("no aws_access_key_id"), std::string::npos);
  ExpectNoSecret(credentials.error().message);

  Write(CredentialsFile(), "[default]\n" + kSecret + "\n");
  credentials = ResolveBaseCredentials(Env());
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find(CredentialsFile().string() + ":2"), std::string::npos);
  ExpectNoSecret(credentials.error().message);
}

TEST_F(CredentialChainTest, BadCredentialProcessOutputNeverQuotesIt) {
  Write(ConfigFile(), "[default]\ncredential_process = creds\n");
  const std::vector<std::string> outputs = {
      "not json " + kSecret,
      R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": ")" + kSecret + "\"}",
      R"({"Version": 1, "SecretAccessKey": ")" + kSecret + "\"}",
      R"({"Version": 1, "AccessKeyId": "A", "SessionToken": ")" + kToken + "\"}",
      R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": ")" + kSecret +
          R"(", "Expiration": ")" + kToken + "\"}",
      R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": ")" + kSecret +
          R"(", "Expiration": "2025-12-31T23:00:00Z"})",
      "[1, 2]",
  };
  for (const std::string& output : outputs) {
    const auto credentials = ResolveBaseCredentials(Env(), FakeProcess(output));
    ASSERT_FALSE(credentials) << output;
    EXPECT_EQ(credentials.error().kind, ErrorKind::kCredentials);
    EXPECT_NE(credentials.error().message.find("credential_process of profile default"),
              std::string::npos);
    ExpectNoSecret(credentials.error().message);
  }
}

TEST_F(CredentialChainTest, ProfileRegion) {
  env_["AWS_PROFILE"] = "dev";
  Write(ConfigFile(), "[profile dev]\nregion = ap-northeast-1\n");
  EXPECT_EQ(AwsProfileRegion(ResolveAwsSharedFiles(Env())), "ap-northeast-1");
  env_["AWS_PROFILE"] = "none";
  EXPECT_FALSE(AwsProfileRegion(ResolveAwsSharedFiles(Env())));
}

// The real runner, with small shell commands.
const Environment kShellEnvironment = {{"PATH", "/usr/bin:/bin"}};

TEST(CredentialProcess, RunsThroughTheShellAndCapturesStdout) {
  const auto output = RunCredentialProcess("printf '%s' '{\"Version\": 1}'; echo oops >&2",
                                           "test process", kShellEnvironment);
  ASSERT_TRUE(output) << output.error().message;
  EXPECT_EQ(*output, "{\"Version\": 1}");
}

TEST(CredentialProcess, FailuresSayWhat) {
  auto output = RunCredentialProcess("echo " + kSecret + "; exit 3", "credential_process of x",
                                     kShellEnvironment);
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("exited with status 3"), std::string::npos);
  EXPECT_EQ(output.error().message.find(kSecret), std::string::npos);
  output = RunCredentialProcess("/nonexistent/audex-creds", "credential_process of x",
                                kShellEnvironment);
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("command not found"), std::string::npos);
  output = RunCredentialProcess("kill -TERM $$", "credential_process of x", kShellEnvironment);
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("signal 15"), std::string::npos);
  output = RunCredentialProcess("head -c 2000000 /dev/zero", "credential_process of x",
                                kShellEnvironment);
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("1 MiB"), std::string::npos);
}

// tryaudex erases secrets from its own environment once it has its
// snapshot (main.cc): a credential_process gets the snapshot, not environ.
TEST(CredentialProcess, RunsWithExactlyTheEnvironmentGiven) {
  ASSERT_EQ(::getenv("AUDEX_TEST_ONLY_IN_SNAPSHOT"), nullptr);
  Environment environment = kShellEnvironment;
  environment.emplace_back("AUDEX_TEST_ONLY_IN_SNAPSHOT", "from-the-snapshot");
  const auto output = RunCredentialProcess("printf '%s' \"$AUDEX_TEST_ONLY_IN_SNAPSHOT:$HOME\"",
                                           "test process", environment);
  ASSERT_TRUE(output) << output.error().message;
  EXPECT_EQ(*output, "from-the-snapshot:");
}

}  // namespace
}  // namespace audex
