// The GCP child's environment (core/child_env.h).
#include <gtest/gtest.h>

#include <map>

#include "core/credentials/child_env.h"

namespace audex {
namespace {

GcpChildInput Input() {
  GcpChildInput input;
  input.parent = {{"PATH", "/usr/bin"},
                  {"HOME", "/home/u"},
                  {"GOOGLE_APPLICATION_CREDENTIALS", "/home/u/key.json"},
                  {"CLOUDSDK_CONFIG", "/home/u/.config/gcloud"},
                  {"CLOUDSDK_AUTH_ACCESS_TOKEN", "ya29.parent"},
                  {"CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", "/home/u/token"},
                  {"CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", "/home/u/key.json"},
                  {"CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", "admin@p.iam.gserviceaccount.com"},
                  {"GOOGLE_CREDENTIALS", "{...}"},
                  {"GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.parent"},
                  {"GCE_METADATA_HOST", "169.254.169.254"},
                  {"BOTO_CONFIG", "/home/u/.boto"},
                  {"CLOUDSDK_CORE_PROJECT", "parent-project"},
                  {"CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE", "http://127.0.0.1:9/storage/v1/"}};
  input.token = "ya29.session";
  input.project = "session-project";
  input.session_id = "s1";
  input.config_dir = "/tmp/audex-gcloud-x";
  return input;
}

TEST(ComputeGcpChildEnvironment, InjectsTheSessionTokenAndAFreshConfig) {
  const Environment child = ComputeGcpChildEnvironment(Input());
  const std::map<std::string, std::string> env(child.begin(), child.end());
  EXPECT_EQ(env.at("CLOUDSDK_AUTH_ACCESS_TOKEN"), "ya29.session");
  EXPECT_EQ(env.at("GOOGLE_OAUTH_ACCESS_TOKEN"), "ya29.session");
  EXPECT_EQ(env.at("CLOUDSDK_CORE_PROJECT"), "session-project");
  EXPECT_EQ(env.at("CLOUDSDK_CONFIG"), "/tmp/audex-gcloud-x");
  EXPECT_EQ(env.at("BOTO_CONFIG"), "/dev/null");
  EXPECT_EQ(env.at("GCE_METADATA_HOST"), "127.0.0.1:1");
  EXPECT_EQ(env.at("AUDEX_SESSION_ID"), "s1");
  EXPECT_EQ(env.at("CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE"), "http://127.0.0.1:9/storage/v1/");
  EXPECT_EQ(env.at("PATH"), "/usr/bin");
}

TEST(ComputeGcpChildEnvironment, RemovesEveryRouteToTheParentsCredentials) {
  const Environment child = ComputeGcpChildEnvironment(Input());
  for (const auto& [name, value] : child) {
    EXPECT_NE(value, "ya29.parent") << name;
    EXPECT_EQ(value.find("/home/u/"), std::string::npos) << name;
  }
  std::map<std::string, int> count;
  for (const auto& [name, value] : child) ++count[name];
  for (const auto& [name, n] : count) EXPECT_EQ(n, 1) << name;
  EXPECT_EQ(count.count("GOOGLE_APPLICATION_CREDENTIALS"), 0u);
  EXPECT_EQ(count.count("GOOGLE_CREDENTIALS"), 0u);
  EXPECT_EQ(count.count("CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT"), 0u);
}

TEST(ComputeGcpChildEnvironment, KeepsTheParentsProjectWhenNoneIsSet) {
  GcpChildInput input = Input();
  input.project.clear();
  const Environment child = ComputeGcpChildEnvironment(input);
  const std::map<std::string, std::string> env(child.begin(), child.end());
  EXPECT_EQ(env.at("CLOUDSDK_CORE_PROJECT"), "parent-project");
}

}  // namespace
}  // namespace audex
