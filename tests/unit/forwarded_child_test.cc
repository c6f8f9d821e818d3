// The forwarding endpoint's child (core/credentials/forwarded_child.h): the
// placeholder credentials of --broker and the environments that send every
// AWS call through the endpoint.
#include "core/credentials/forwarded_child.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

namespace audex {
namespace {

std::optional<std::string> Get(const Environment& environment, const std::string& name) {
  for (const auto& [key, value] : environment) {
    if (key == name) return value;
  }
  return std::nullopt;
}

TEST(PlaceholderCredentials, LookLikeAnAccessKeyAndHoldNoToken) {
  std::string random(kPlaceholderRandomBytes, '\0');
  for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>(0xa0 + i);
  auto placeholder = PlaceholderCredentialsFrom(random);
  ASSERT_TRUE(placeholder) << placeholder.error().message;
  // 20 characters from A-Z0-9, as AWS access key ids are; the SDKs accept it.
  EXPECT_EQ(placeholder->access_key_id, "AUDXA0A1A2A3A4A5A6A7");
  EXPECT_EQ(placeholder->secret_access_key.Reveal().size(), 60u);
  EXPECT_EQ(placeholder->secret_access_key.Reveal().substr(0, 4), "a8a9");
  EXPECT_TRUE(placeholder->session_token.Reveal().empty());
  // Other bytes, other credentials.
  random[0] = 'x';
  random[20] = 'y';
  auto other = PlaceholderCredentialsFrom(random);
  ASSERT_TRUE(other);
  EXPECT_NE(other->access_key_id, placeholder->access_key_id);
  EXPECT_NE(other->secret_access_key.Reveal(), placeholder->secret_access_key.Reveal());
  EXPECT_FALSE(PlaceholderCredentialsFrom("short"));
}

TEST(ForwardingEndpointEnvironment, OneEndpointUrlAndNothingThatGoesAroundIt) {
  const Environment child = {{"AWS_ENDPOINT_URL", "http://moto:5000"},
                             {"AWS_ENDPOINT_URL_S3", "http://s3.example"},
                             {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
                             {"PATH", "/bin"}};
  const Environment routed = WithForwardingEndpoint(child, "http://127.0.0.1:4000");
  EXPECT_EQ(routed, (Environment{{"PATH", "/bin"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:4000"}}));
}

TEST(ForwardingEndpointEnvironment, TheBrokeredChildHoldsOnlyThePlaceholder) {
  const Environment usual = {{"AWS_ACCESS_KEY_ID", "ASIASESSION"},
                             {"AWS_SECRET_ACCESS_KEY", "session-secret"},
                             {"AWS_SESSION_TOKEN", "session-token"},
                             {"AWS_CREDENTIAL_EXPIRATION", "2026-05-01T12:15:00Z"},
                             {"AWS_CSM_ENABLED", "true"},
                             {"AWS_REGION", "eu-west-1"},
                             {"AWS_ENDPOINT_URL_DYNAMODB", "http://ddb.example"}};
  AwsCredentials placeholder;
  placeholder.access_key_id = "AUDX0000000000000001";
  placeholder.secret_access_key = SecretString("placeholder-secret");
  const Environment brokered =
      BrokeredChildEnvironment(usual, placeholder, "http://127.0.0.1:4000");
  EXPECT_EQ(Get(brokered, "AWS_ACCESS_KEY_ID"), "AUDX0000000000000001");
  EXPECT_EQ(Get(brokered, "AWS_SECRET_ACCESS_KEY"), "placeholder-secret");
  EXPECT_EQ(Get(brokered, "AWS_ENDPOINT_URL"), "http://127.0.0.1:4000");
  EXPECT_EQ(Get(brokered, "AWS_REGION"), "eu-west-1");
  for (const char* gone : {"AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_CSM_ENABLED",
                           "AWS_ENDPOINT_URL_DYNAMODB"}) {
    EXPECT_FALSE(Get(brokered, gone).has_value()) << gone;
  }
  for (const auto& [name, value] : brokered) {
    EXPECT_EQ(value.find("session-"), std::string::npos) << name;
  }
}

TEST(ForwardingEndpointEnvironment, ThePlanNamesTheBrokeredChildsVariables) {
  const std::vector<std::string> names =
      BrokeredChildVariableNames({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                  "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION"});
  EXPECT_EQ(names, (std::vector<std::string>{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                             "AWS_REGION", "AWS_ENDPOINT_URL"}));
}

}  // namespace
}  // namespace audex
