#include "catalog/access_level.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

TEST(AccessLevel, NamesAndSelectorsRoundTrip) {
  for (AccessLevel level : kAllAccessLevels) {
    EXPECT_EQ(ParseAccessLevelName(AccessLevelName(level)), level);
    EXPECT_EQ(ParseAccessLevelSelector(AccessLevelSelector(level)), level);
  }
  EXPECT_EQ(ParseAccessLevelName("permissions MANAGEMENT"), AccessLevel::kPermissionsManagement);
  EXPECT_EQ(ParseAccessLevelSelector("Permissions"), AccessLevel::kPermissionsManagement);
  EXPECT_EQ(ParseAccessLevelSelector("READ"), AccessLevel::kRead);
  EXPECT_FALSE(ParseAccessLevelSelector("reed"));
  EXPECT_FALSE(ParseAccessLevelSelector(""));
  EXPECT_FALSE(ParseAccessLevelName("Permissions"));
}

TEST(AccessLevelSet, HoldsSeveralLevels) {
  const AccessLevelSet set = AccessLevel::kTagging | AccessLevel::kWrite;
  EXPECT_TRUE(set.Contains(AccessLevel::kTagging));
  EXPECT_TRUE(set.Contains(AccessLevel::kWrite));
  EXPECT_FALSE(set.Contains(AccessLevel::kRead));
  EXPECT_EQ(FormatAccessLevels(set), "Write, Tagging");
  EXPECT_EQ(FormatAccessLevels({}), "");
  EXPECT_TRUE(AccessLevelSet().empty());
  EXPECT_EQ(AccessLevelSet::FromBits(0xff).bits(), 0x1f);  // unknown bits are dropped
}

}  // namespace
}  // namespace audex
