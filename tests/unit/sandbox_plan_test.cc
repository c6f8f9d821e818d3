// What the sandbox hides from a command (core/credentials/sandbox_plan.h),
// decided from the environment and Audex's paths alone.
#include "core/credentials/sandbox_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace audex {
namespace {

SandboxInput Input() {
  SandboxInput input;
  input.parent = {{"HOME", "/home/u"}, {"PATH", "/usr/bin"}};
  input.config_dir = "/home/u/.config/audex";
  input.state_dir = "/home/u/.local/state/audex";
  input.working_directory = "/home/u/project";
  return input;
}

std::vector<std::string> Hidden(const SandboxPlan& plan) {
  std::vector<std::string> paths;
  for (const HiddenPath& path : plan.hidden) paths.push_back(path.path);
  return paths;
}

bool Has(const std::vector<std::string>& paths, const std::string& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

TEST(SandboxPlan, HidesTheThreeCloudsStoresAndAudexsOwnFiles) {
  const SandboxPlan plan = PlanSandbox(Input());
  EXPECT_EQ(Hidden(plan), (std::vector<std::string>{
                              "/home/u/.aws",
                              "/home/u/.azure",
                              "/home/u/.boto",
                              "/home/u/.config/audex",
                              "/home/u/.config/gcloud",
                              "/home/u/.local/state/audex",
                          }));
  EXPECT_TRUE(plan.kept_visible.empty());
  for (const HiddenPath& path : plan.hidden) EXPECT_FALSE(path.what.empty()) << path.path;
}

TEST(SandboxPlan, FollowsTheVariablesThatMoveTheStores) {
  SandboxInput input = Input();
  input.parent.insert(input.parent.end(),
                      {{"AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials"},
                       {"AWS_CONFIG_FILE", "~/aws-config"},
                       {"CLOUDSDK_CONFIG", "/srv/gcloud"},
                       {"AZURE_CONFIG_DIR", "relative/azure"},
                       {"GOOGLE_APPLICATION_CREDENTIALS", "/keys/sa.json"},
                       {"GOOGLE_CREDENTIALS", "{\"type\": \"service_account\"}"},
                       {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
                       {"XDG_STATE_HOME", "/state"},
                       {"XDG_CONFIG_HOME", "relative-is-ignored"}});
  input.config_dir = "/audex";
  input.state_dir = "/audex";
  const std::vector<std::string> hidden = Hidden(PlanSandbox(input));
  for (const char* path :
       {"/etc/aws/credentials", "/home/u/aws-config", "/srv/gcloud", "/home/u/.config/gcloud",
        "/home/u/project/relative/azure", "/home/u/.azure", "/keys/sa.json", "/var/run/token",
        "/audex", "/state/audex", "/home/u/.config/audex"}) {
    EXPECT_TRUE(Has(hidden, path)) << path;
  }
  // A key's JSON in the variable is no path to hide.
  for (const std::string& path : hidden) EXPECT_EQ(path.find('{'), std::string::npos) << path;
  EXPECT_FALSE(Has(hidden, "/home/u/project/relative-is-ignored/audex"));
}

TEST(SandboxPlan, ListsOnlyOutermostPathsOnce) {
  SandboxInput input = Input();
  input.parent.insert(input.parent.end(),
                      {{"AWS_SHARED_CREDENTIALS_FILE", "/home/u/.aws/credentials"},
                       {"AUDEX_HOME", "/home/u/.aws/audex"},
                       {"AWS_CONFIG_FILE", "/home/u/.aws//./config"}});
  input.config_dir = "/home/u/.aws/audex";
  input.state_dir = "/home/u/.aws/audex";
  const std::vector<std::string> hidden = Hidden(PlanSandbox(input));
  EXPECT_EQ(std::count(hidden.begin(), hidden.end(), "/home/u/.aws"), 1);
  for (const std::string& path : hidden) {
    EXPECT_NE(path.rfind("/home/u/.aws/", 0), 0u) << path << " lies inside /home/u/.aws";
  }
}

TEST(SandboxPlan, KeepsVisibleWhatTheCommandIsGivenAndSaysWhy) {
  SandboxInput input = Input();
  input.working_directory = "/home/u/.aws/scripts";  // the command runs inside ~/.aws
  input.config_dir = input.state_dir = "/home/u";    // AUDEX_HOME=$HOME
  input.parent.emplace_back("TMPDIR", "/home/u/.azure/tmp");
  input.child = input.parent;
  input.child.emplace_back("CLOUDSDK_CONFIG", "/home/u/.config/gcloud/scratch");
  const SandboxPlan plan = PlanSandbox(input);
  const std::vector<std::string> hidden = Hidden(plan);
  for (const char* path : {"/home/u/.aws", "/home/u", "/home/u/.azure", "/home/u/.config/gcloud"}) {
    EXPECT_FALSE(Has(hidden, path)) << path;
  }
  EXPECT_TRUE(Has(hidden, "/home/u/.boto"));
  ASSERT_EQ(plan.kept_visible.size(), 4u);
  const auto says = [&](const std::string& text) {
    return std::any_of(
        plan.kept_visible.begin(), plan.kept_visible.end(),
        [&](const std::string& line) { return line.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(says("/home/u/.aws (AWS credentials and configuration) stays visible"));
  EXPECT_TRUE(says("the command's working directory"));
  EXPECT_TRUE(says("CLOUDSDK_CONFIG"));
  EXPECT_TRUE(says("the temporary directory"));
}

TEST(SandboxPlan, APathTheChildInheritsUnchangedIsNoReasonToKeepAStoreVisible) {
  // The child sees the user's GOOGLE_APPLICATION_CREDENTIALS (an AWS child
  // keeps GCP variables); only what Audex put there itself counts.
  SandboxInput input = Input();
  input.parent.emplace_back("GOOGLE_APPLICATION_CREDENTIALS", "/home/u/.config/gcloud/adc.json");
  input.child = input.parent;
  input.child.emplace_back("AWS_CONFIG_FILE", "/dev/null");
  const std::vector<std::string> hidden = Hidden(PlanSandbox(input));
  EXPECT_TRUE(Has(hidden, "/home/u/.config/gcloud"));
}

TEST(SandboxPlan, WithoutHomeHidesWhatVariablesName) {
  SandboxInput input;
  input.parent = {{"AWS_SHARED_CREDENTIALS_FILE", "/creds"}, {"AWS_CONFIG_FILE", "~/config"}};
  input.config_dir = "/audex";
  input.state_dir = "/audex";
  const std::vector<std::string> hidden = Hidden(PlanSandbox(input));
  EXPECT_EQ(hidden, (std::vector<std::string>{"/audex", "/creds"}));
}

}  // namespace
}  // namespace audex
