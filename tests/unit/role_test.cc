#include "core/plan/role.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

const std::string kArn = "arn:aws:iam::123456789012:role/AudexRole";

TEST(ChooseRole, FlagThenEnvironmentThenConfig) {
  EXPECT_EQ(ChooseRole(kArn, "arn:aws:iam::1:role/b", "arn:aws:iam::1:role/c", "c.toml")->source,
            "--role-arn");
  EXPECT_EQ(ChooseRole(std::nullopt, kArn, "arn:aws:iam::1:role/c", "c.toml")->source,
            "AUDEX_ROLE_ARN");
  const auto from_config = ChooseRole(std::nullopt, std::string(), kArn, "/h/config.toml");
  ASSERT_TRUE(from_config.has_value());
  EXPECT_EQ(from_config->source, "role_arn in /h/config.toml");
  EXPECT_EQ(from_config->arn, kArn);
}

TEST(ChooseRole, MissingNamesAllThreePlaces) {
  const auto missing = ChooseRole(std::nullopt, std::nullopt, std::nullopt, "c.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kUsage);
  for (const char* place : {"--role-arn", "AUDEX_ROLE_ARN", "role_arn"}) {
    EXPECT_NE(missing.error().message.find(place), std::string::npos) << place;
  }
}

TEST(ChooseRole, ChecksTheArnShape) {
  EXPECT_TRUE(ChooseRole("arn:aws:iam:::role/AudexDemoRole", {}, {}, "").has_value());  // radosgw
  EXPECT_TRUE(ChooseRole("arn:aws-cn:iam::123456789012:role/path/to/R", {}, {}, "").has_value());
  for (const char* bad :
       {"AudexRole", "arn:aws:iam::123:user/bob", "arn:aws:s3:::bucket", "arn:aws:iam::12a:role/x",
        "arn:aws:iam::123:role/", "arn:aws:iam::123:role/a b", "arn:aws:iam::123:role/a\n"}) {
    const auto checked = ChooseRole(std::string(bad), {}, {}, "");
    ASSERT_FALSE(checked.has_value()) << bad;
    EXPECT_NE(checked.error().message.find(bad), std::string::npos);
    EXPECT_NE(checked.error().message.find("--role-arn"), std::string::npos);
  }
}

// An account ID is 12 digits: a shorter or longer one (a digit lost or
// added in copying) is refused before any call, naming the account.
TEST(ChooseRole, AnAccountThatIsNotTwelveDigitsIsRefused) {
  for (const char* bad : {"arn:aws:iam::123:role/AudexRole", "arn:aws:iam::12345678901:role/R",
                          "arn:aws:iam::1234567890123:role/R", "arn:aws:iam::1:role/path/R"}) {
    const auto checked = ChooseRole(std::string(bad), {}, {}, "");
    ASSERT_FALSE(checked.has_value()) << bad;
    EXPECT_EQ(checked.error().kind, ErrorKind::kUsage);
    EXPECT_NE(checked.error().message.find("not a 12-digit AWS account ID"), std::string::npos)
        << checked.error().message;
    EXPECT_NE(checked.error().message.find(bad), std::string::npos) << checked.error().message;
  }
  EXPECT_TRUE(ChooseRole("arn:aws-us-gov:iam::000000000000:role/R", {}, {}, "").has_value());
}

TEST(ChooseRole, AnAssumedRoleArnNamesTheRoleBehindIt) {
  const auto checked =
      ChooseRole("arn:aws:sts::123456789012:assumed-role/Deploy/alice@example.com", {}, {}, "");
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().kind, ErrorKind::kUsage);
  EXPECT_NE(checked.error().message.find("assumed-role session"), std::string::npos)
      << checked.error().message;
  EXPECT_NE(checked.error().message.find("arn:aws:iam::123456789012:role/Deploy "),
            std::string::npos)
      << checked.error().message;
}

}  // namespace
}  // namespace audex
