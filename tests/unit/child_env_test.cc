#include "core/credentials/child_env.h"

#include <gtest/gtest.h>

#include <map>

namespace audex {
namespace {

std::map<std::string, std::string> AsMap(const Environment& environment) {
  return {environment.begin(), environment.end()};
}

AwsChildInput Input() {
  AwsChildInput input;
  input.parent = {{"PATH", "/usr/bin"},
                  {"HOME", "/home/u"},
                  {"AWS_ACCESS_KEY_ID", "AKIABASEKEY"},
                  {"AWS_SECRET_ACCESS_KEY", "base-secret"},
                  {"AWS_SESSION_TOKEN", "base-token"},
                  {"AWS_SECURITY_TOKEN", "old-token"},
                  {"AWS_PROFILE", "admin"},
                  {"AWS_DEFAULT_PROFILE", "admin"},
                  {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token"},
                  {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
                  {"AWS_ROLE_ARN", "arn:aws:iam::1:role/admin"},
                  {"AWS_SHARED_CREDENTIALS_FILE", "/home/u/.aws/credentials"},
                  {"AWS_CONFIG_FILE", "/home/u/.aws/config"},
                  {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
                  {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7480"},
                  {"AWS_REGION", "eu-west-1"}};
  input.session.access_key_id = "ASIASESSION";
  input.session.secret_access_key = SecretString("session-secret");
  input.session.session_token = SecretString("session-token");
  input.region = "us-east-2";
  input.session_id = "abc123";
  input.expiration_rfc3339 = "2026-11-28T16:00:00Z";
  return input;
}

TEST(ComputeAwsChildEnvironment, InjectsTheSessionCredentials) {
  const auto child = AsMap(ComputeAwsChildEnvironment(Input()));
  EXPECT_EQ(child.at("AWS_ACCESS_KEY_ID"), "ASIASESSION");
  EXPECT_EQ(child.at("AWS_SECRET_ACCESS_KEY"), "session-secret");
  EXPECT_EQ(child.at("AWS_SESSION_TOKEN"), "session-token");
  EXPECT_EQ(child.at("AWS_CREDENTIAL_EXPIRATION"), "2026-11-28T16:00:00Z");
  EXPECT_EQ(child.at("AWS_REGION"), "us-east-2");
  EXPECT_EQ(child.at("AWS_DEFAULT_REGION"), "us-east-2");
  EXPECT_EQ(child.at("AUDEX_SESSION_ID"), "abc123");
  EXPECT_EQ(child.at("AWS_SHARED_CREDENTIALS_FILE"), "/dev/null");
  EXPECT_EQ(child.at("AWS_CONFIG_FILE"), "/dev/null");
  EXPECT_EQ(child.at("AWS_EC2_METADATA_DISABLED"), "true");
}

TEST(ComputeAwsChildEnvironment, RemovesEveryRouteToTheParentsCredentials) {
  const Environment child = ComputeAwsChildEnvironment(Input());
  for (const auto& [name, value] : child) {
    for (const char* secret : {"base-secret", "base-token", "old-token", "container-token",
                               "AKIABASEKEY", "admin", "/var/run/token", "/home/u/.aws"}) {
      EXPECT_EQ(value.find(secret), std::string::npos) << name << "=" << value;
    }
  }
  const auto map = AsMap(child);
  for (const char* gone :
       {"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"}) {
    EXPECT_EQ(map.count(gone), 0u) << gone;
  }
  // Every variable appears once: injected values are not shadowed by old ones.
  EXPECT_EQ(map.size(), child.size());
}

TEST(ComputeAwsChildEnvironment, KeepsEndpointsAndEverythingElse) {
  const auto child = AsMap(ComputeAwsChildEnvironment(Input()));
  EXPECT_EQ(child.at("AWS_ENDPOINT_URL"), "http://127.0.0.1:5000");
  EXPECT_EQ(child.at("AWS_ENDPOINT_URL_S3"), "http://127.0.0.1:7480");
  EXPECT_EQ(child.at("PATH"), "/usr/bin");
  EXPECT_EQ(child.at("HOME"), "/home/u");
}

TEST(IsScrubbedAwsVariable, CoversContainerVariablesByPrefix) {
  EXPECT_TRUE(IsScrubbedAwsVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
  EXPECT_TRUE(IsScrubbedAwsVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
  EXPECT_FALSE(IsScrubbedAwsVariable("AWS_ENDPOINT_URL_STS"));
  EXPECT_FALSE(IsScrubbedAwsVariable("AWS_CA_BUNDLE"));
}

TEST(SetVariable, ReplacesInPlaceOrAppends) {
  Environment environment = {{"A", "1"}, {"B", "2"}};
  SetVariable(environment, "A", "3");
  SetVariable(environment, "C", "4");
  EXPECT_EQ(environment, (Environment{{"A", "3"}, {"B", "2"}, {"C", "4"}}));
}

TEST(UnsetVariable, RemovesEveryCopy) {
  Environment environment = {{"A", "1"}, {"B", "2"}, {"A", "3"}};
  UnsetVariable(environment, "A");
  EXPECT_EQ(environment, (Environment{{"B", "2"}}));
}

}  // namespace
}  // namespace audex
