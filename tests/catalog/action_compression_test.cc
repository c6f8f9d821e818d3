#include "catalog/action_compression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_catalog.h"

namespace audex {
namespace {

using ::testing::ElementsAre;
using testing::FixtureCatalog;
using ::testing::IsEmpty;

std::vector<ActionId> Ids(const std::vector<std::string>& names) {
  std::vector<ActionId> ids;
  for (const std::string& name : names) {
    const auto action = FixtureCatalog().Lookup(name);
    EXPECT_TRUE(action) << name;
    if (action) ids.push_back(action->id());
  }
  return ids;
}

std::vector<std::string> Compress(const std::vector<std::string>& names) {
  std::vector<std::string> texts;
  const std::vector<ActionId> ids = Ids(names);
  for (const PackedPattern& pattern : CompressActions(FixtureCatalog(), ids)) {
    texts.push_back(pattern.text);
  }
  return texts;
}

TEST(CompressActions, AWholeServiceBecomesOneWildcard) {
  const auto all = FixtureCatalog().Expand("s3:*").value();
  const auto packed = CompressActions(FixtureCatalog(), all);
  ASSERT_EQ(packed.size(), 1u);
  EXPECT_EQ(packed[0].text, "s3:*");
  EXPECT_EQ(packed[0].match_count, 11u);
  EXPECT_TRUE(packed[0].is_wildcard());
}

TEST(CompressActions, UsesTheShortestPrefixThatMatchesExactlyTheSet) {
  // GetO* matches exactly the three GetObject* actions; GetObject* would too
  // but is longer.
  EXPECT_THAT(Compress({"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging"}),
              ElementsAre("s3:GetO*"));
  EXPECT_THAT(
      Compress({"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetBucketPolicy"}),
      ElementsAre("s3:G*"));
}

TEST(CompressActions, NeverWidensTheSet) {
  // GetObject alone: every wildcard that matches it also matches
  // GetObjectAcl, so only the exact name will do.
  EXPECT_THAT(Compress({"s3:GetObject"}), ElementsAre("s3:GetObject"));
  // PutObject and PutObjectAcl but not PutObjectTagging.
  EXPECT_THAT(Compress({"s3:PutObject", "s3:PutObjectAcl"}),
              ElementsAre("s3:PutObject", "s3:PutObjectA*"));
}

TEST(CompressActions, KeepsServicesApartAndInCatalogOrder) {
  EXPECT_THAT(Compress({"s3-outposts:GetObject", "iam:PassRole", "iam:GetUser",
                        "iam:ListAccessKeys", "s3:DeleteObject"}),
              ElementsAre("iam:*", "s3:D*", "s3-outposts:*"));
}

TEST(CompressActions, TakesAWildcardOnlyWhenItIsShorter) {
  // "dynamodb:Q*" is 3 characters shorter than "dynamodb:Query" and matches
  // the same single action today.
  const auto packed = CompressActions(FixtureCatalog(), Ids({"dynamodb:Query"}));
  ASSERT_EQ(packed.size(), 1u);
  EXPECT_EQ(packed[0].text, "dynamodb:Q*");
  EXPECT_EQ(packed[0].match_count, 1u);
}

TEST(CompressActions, PrefersTheExactNameOnATie) {
  const ActionCatalog tiny(std::vector<CatalogEntry>{{"x:Abc", AccessLevel::kRead, {}},
                                                     {"x:Ax", AccessLevel::kRead, {}}});
  // "x:Ab*" is as long as "x:Abc"; the exact name grants nothing AWS adds.
  const auto abc = CompressActions(tiny, std::vector<ActionId>{0});
  ASSERT_EQ(abc.size(), 1u);
  EXPECT_EQ(abc[0].text, "x:Abc");
  EXPECT_FALSE(abc[0].is_wildcard());
  const auto both = CompressActions(tiny, std::vector<ActionId>{0, 1});
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].text, "x:*");
}

TEST(CompressActions, IgnoresDuplicatesAndOrder) {
  const std::vector<ActionId> ids = Ids({"s3:PutObject", "s3:GetObject", "s3:PutObject"});
  const auto packed = CompressActions(FixtureCatalog(), ids);
  ASSERT_EQ(packed.size(), 2u);
  EXPECT_EQ(packed[0].text, "s3:GetObject");
  EXPECT_EQ(packed[1].text, "s3:PutObject");
}

TEST(CompressActions, EmptyInEmptyOut) {
  EXPECT_THAT(CompressActions(FixtureCatalog(), std::vector<ActionId>{}), IsEmpty());
}

TEST(RenderedLength, CountsQuotesAndComma) { EXPECT_EQ(RenderedLength("s3:*"), 7u); }

}  // namespace
}  // namespace audex
