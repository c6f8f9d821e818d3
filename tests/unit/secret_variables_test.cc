// The one table of secret-bearing variables (core/credentials/secret_variables.h):
// what tryaudex erases from its own environment block.
#include "core/credentials/secret_variables.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/credentials/child_env.h"

namespace audex {
namespace {

TEST(SecretVariables, ListsTheSecretsTheIssueNames) {
  for (const char* name :
       {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AZURE_CLIENT_SECRET", "CLOUDSDK_AUTH_ACCESS_TOKEN",
        "GOOGLE_OAUTH_ACCESS_TOKEN", "IDENTITY_HEADER", "MSI_SECRET", "ANTHROPIC_API_KEY",
        "AUDEX_SERVER_TOKEN", "ARM_CLIENT_SECRET", "GOOGLE_CREDENTIALS"}) {
    EXPECT_TRUE(IsSecretVariable(name)) << name;
  }
}

TEST(SecretVariables, LeavesWhatIsNoSecretAlone) {
  // Helpers and libraries still need these; an access key id, a file path
  // or an endpoint is not a credential by itself.
  for (const char* name :
       {"PATH", "HOME", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL",
        "GOOGLE_APPLICATION_CREDENTIALS", "AWS_SHARED_CREDENTIALS_FILE", "AZURE_CLIENT_ID",
        "AUDEX_HOME", "HTTPS_PROXY", "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY_ID", ""}) {
    EXPECT_FALSE(IsSecretVariable(name)) << name;
  }
}

TEST(SecretVariables, TheTableHasNoDuplicatesAndMatchesTheLookup) {
  std::set<std::string> seen;
  for (std::string_view name : SecretVariableNames()) {
    EXPECT_TRUE(seen.insert(std::string(name)).second) << name;
    EXPECT_TRUE(IsSecretVariable(name)) << name;
    EXPECT_FALSE(name.empty());
  }
  EXPECT_GE(seen.size(), 11u);
}

TEST(SecretVariables, EveryCloudSecretIsAlsoKeptFromThatCloudsChildren) {
  // A secret Audex erases from itself must not reach a child through the
  // environment it computes either (core/credentials/child_env.h).
  for (std::string_view name : SecretVariableNames()) {
    if (name.rfind("AWS_", 0) == 0) {
      EXPECT_TRUE(IsScrubbedAwsVariable(name)) << name;
    }
    if (name.rfind("AZURE_", 0) == 0 || name.rfind("ARM_", 0) == 0 || name == "MSI_SECRET" ||
        name == "IDENTITY_HEADER") {
      EXPECT_TRUE(IsScrubbedAzureVariable(name)) << name;
    }
    if (name.rfind("GOOGLE_", 0) == 0 || name.rfind("CLOUDSDK_", 0) == 0 ||
        name == "GCLOUD_KEYFILE_JSON") {
      EXPECT_TRUE(IsScrubbedGcpVariable(name)) << name;
    }
  }
}

}  // namespace
}  // namespace audex
