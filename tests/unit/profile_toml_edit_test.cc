// Saving a learned profile into profiles.toml keeps every other byte.
#include "core/wire/profile_toml_edit.h"

#include <gtest/gtest.h>

#include "adapters/config/config_files.h"

namespace audex {
namespace {

SavedProfile Learned(std::string name = "nightly") {
  SavedProfile profile;
  profile.name = std::move(name);
  profile.description = "Learned by tryaudex learn from: ./backup.sh \"x\"";
  profile.actions = "s3:GetObject,s3:ListBucket";
  profile.resources = {"arn:aws:s3:::b", "arn:aws:s3:::b/*"};
  return profile;
}

const char* kFile = R"(# My profiles. Keep this comment.
[profiles.first]
description = "First"   # inline comment
actions = "s3:GetObject"

# The nightly job
[profiles.nightly]
description = "old"
actions = "s3:*"

# Belongs to last
[profiles.last]
actions = "dynamodb:Query"
)";

TEST(ProfileTomlEdit, ReplacesTheTableInPlaceKeepingEverythingElse) {
  bool replaced = false;
  const std::string updated = UpsertProfileToml(kFile, Learned(), &replaced);
  EXPECT_TRUE(replaced);
  const std::string expected = std::string(R"(# My profiles. Keep this comment.
[profiles.first]
description = "First"   # inline comment
actions = "s3:GetObject"

# The nightly job
)") + RenderProfileTable(Learned()) +
                               R"(
# Belongs to last
[profiles.last]
actions = "dynamodb:Query"
)";
  EXPECT_EQ(updated, expected);
  auto parsed = ParseProfilesToml(updated, "profiles.toml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[1].name, "nightly");
  EXPECT_EQ((*parsed)[1].actions, (std::vector<std::string>{"s3:GetObject", "s3:ListBucket"}));
  EXPECT_EQ((*parsed)[1].resources, Learned().resources);
  EXPECT_EQ((*parsed)[1].description, Learned().description);
}

TEST(ProfileTomlEdit, AppendsANewProfile) {
  bool replaced = true;
  const std::string updated = UpsertProfileToml(kFile, Learned("fresh"), &replaced);
  EXPECT_FALSE(replaced);
  EXPECT_EQ(updated.substr(0, std::string(kFile).size()), kFile);
  auto parsed = ParseProfilesToml(updated, "profiles.toml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->back().name, "fresh");
}

TEST(ProfileTomlEdit, CreatesAFileFromNothing) {
  const std::string created = UpsertProfileToml("", Learned(), nullptr);
  EXPECT_EQ(created, RenderProfileTable(Learned()));
  EXPECT_TRUE(ParseProfilesToml(created, "p"));
}

TEST(ProfileTomlEdit, QuotedHeaderIsFound) {
  const std::string text = "[profiles.\"nightly\"]\nactions = \"s3:*\"\n";
  bool replaced = false;
  const std::string updated = UpsertProfileToml(text, Learned(), &replaced);
  EXPECT_TRUE(replaced);
  EXPECT_EQ(updated, RenderProfileTable(Learned()));
}

TEST(ProfileTomlEdit, InlineDefinitionsAreNotRewrittenAndFailToParse) {
  // The caller re-parses and refuses: the file is never left broken.
  const std::string text = "[profiles]\nnightly = { actions = \"s3:*\" }\n";
  const std::string updated = UpsertProfileToml(text, Learned(), nullptr);
  EXPECT_FALSE(ParseProfilesToml(updated, "p"));
}

TEST(ProfileTomlEdit, Names) {
  EXPECT_TRUE(ValidateSavedProfileName("nightly-backup_2"));
  EXPECT_FALSE(ValidateSavedProfileName(""));
  EXPECT_FALSE(ValidateSavedProfileName("a.b"));
  EXPECT_FALSE(ValidateSavedProfileName("with space"));
}

}  // namespace
}  // namespace audex
