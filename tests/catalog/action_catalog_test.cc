#include "catalog/action_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_catalog.h"

namespace audex {
namespace {

using ::testing::ElementsAre;
using testing::FixtureCatalog;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The full names a pattern expands to, in catalog order.
std::vector<std::string> Names(const ActionCatalog& catalog, std::string_view pattern) {
  const auto ids = catalog.Expand(pattern);
  EXPECT_TRUE(ids.has_value()) << pattern << ": " << ids.error().message;
  std::vector<std::string> names;
  if (!ids) return names;
  for (ActionId id : *ids) names.push_back(catalog.Get(id).FullName());
  return names;
}

std::string ExpandError(std::string_view pattern) {
  const auto ids = FixtureCatalog().Expand(pattern);
  EXPECT_FALSE(ids.has_value()) << pattern;
  if (ids) return "";
  EXPECT_EQ(ids.error().kind, ErrorKind::kPolicy);
  return ids.error().message;
}

TEST(ActionCatalogLookup, IsCaseInsensitiveAndReturnsTheCanonicalSpelling) {
  const auto action = FixtureCatalog().Lookup("S3:getobject");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->service(), "s3");
  EXPECT_EQ(action->name(), "GetObject");
  EXPECT_EQ(action->FullName(), "s3:GetObject");
  EXPECT_EQ(action->access_levels(), AccessLevelSet(AccessLevel::kRead));
  const auto types = action->resource_types();
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].name, "object");
  EXPECT_TRUE(types[0].required);
  EXPECT_EQ(types[1].name, "accesspointobject");
  EXPECT_FALSE(types[1].required);
}

TEST(ActionCatalogLookup, KeepsEveryAccessLevelOfAnAction) {
  const auto action = FixtureCatalog().Lookup("s3:PutObjectTagging");
  ASSERT_TRUE(action);
  EXPECT_TRUE(action->access_levels().Contains(AccessLevel::kTagging));
  EXPECT_TRUE(action->access_levels().Contains(AccessLevel::kWrite));
  EXPECT_FALSE(action->access_levels().Contains(AccessLevel::kRead));
}

TEST(ActionCatalogLookup, RejectsUnknownNamesPrefixesAndWildcards) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_FALSE(catalog.Lookup("s3:HeadObject"));
  EXPECT_FALSE(catalog.Lookup("s3:GetObj"));         // a prefix of real names
  EXPECT_FALSE(catalog.Lookup("s3:GetObjectAclX"));  // a real name plus more
  EXPECT_FALSE(catalog.Lookup("s3:Get*"));
  EXPECT_FALSE(catalog.Lookup("s3:GetObjec?"));
  EXPECT_FALSE(catalog.Lookup("s4:GetObject"));
  EXPECT_FALSE(catalog.Lookup("GetObject"));
  EXPECT_FALSE(catalog.Lookup("s3:"));
  EXPECT_FALSE(catalog.Lookup(":GetObject"));
  EXPECT_FALSE(catalog.Lookup(""));
}

TEST(ActionCatalogLookup, FindsTheFirstAndLastActions) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_TRUE(catalog.Lookup("dynamodb:GetItem"));       // first service, first action
  EXPECT_TRUE(catalog.Lookup("s3-outposts:GetObject"));  // last service
  EXPECT_EQ(catalog.Get(0).FullName(), "dynamodb:GetItem");
  EXPECT_EQ(catalog.Get(catalog.action_count() - 1).FullName(), "s3-outposts:GetObject");
}

TEST(ActionCatalogServices, AreSortedRangesThatCoverEveryAction) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_EQ(catalog.service_count(), 5u);
  EXPECT_EQ(catalog.action_count(), 23u);
  ActionId next = 0;
  for (const ServiceInfo& service : catalog.Services()) {
    EXPECT_EQ(service.first_action, next);
    for (ActionId id = service.first_action; id < service.end_action; ++id) {
      EXPECT_EQ(catalog.Get(id).service(), service.prefix);
    }
    next = service.end_action;
  }
  EXPECT_EQ(next, catalog.action_count());
  EXPECT_TRUE(catalog.HasService("S3"));
  EXPECT_TRUE(catalog.HasService("s3-outposts"));
  EXPECT_FALSE(catalog.HasService("s3-"));
  EXPECT_FALSE(catalog.HasService("s"));
  EXPECT_FALSE(catalog.HasService(""));
  ASSERT_TRUE(catalog.FindService("ec2"));
  EXPECT_EQ(catalog.FindService("ec2")->action_count(), 5u);
}

TEST(ActionCatalogExpand, PrefixAndInfixWildcards) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_EQ(Names(catalog, "s3:*").size(), 11u);
  EXPECT_THAT(Names(catalog, "s3:Get*"), ElementsAre("s3:GetBucketPolicy", "s3:GetObject",
                                                     "s3:GetObjectAcl", "s3:GetObjectTagging"));
  EXPECT_THAT(Names(catalog, "ec2:Describe*Instances"),
              ElementsAre("ec2:DescribeInstances", "ec2:DescribeSpotInstances"));
  EXPECT_THAT(Names(catalog, "s3:*Tagging"),
              ElementsAre("s3:GetObjectTagging", "s3:PutObjectTagging"));
  EXPECT_THAT(Names(catalog, "s3:GetObjec?"), ElementsAre("s3:GetObject"));
  EXPECT_THAT(Names(catalog, "s3:?etObject"), ElementsAre("s3:GetObject"));
}

TEST(ActionCatalogExpand, IsCaseInsensitive) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_EQ(Names(catalog, "S3:GET*"), Names(catalog, "s3:Get*"));
  EXPECT_THAT(Names(catalog, "S3:GETOBJECT"), ElementsAre("s3:GetObject"));
}

TEST(ActionCatalogExpand, ServiceWildcardsMatchWholePrefixesOnly) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(Names(catalog, "s3*:GetObject"),
              ElementsAre("s3:GetObject", "s3-outposts:GetObject"));
  EXPECT_THAT(Names(catalog, "*:GetObject"), ElementsAre("s3:GetObject", "s3-outposts:GetObject"));
  EXPECT_THAT(Names(catalog, "s?:GetObject"), ElementsAre("s3:GetObject"));
  EXPECT_THAT(Names(catalog, "s3:*"), ::testing::Not(::testing::Contains("s3-outposts:GetObject")));
}

TEST(ActionCatalogExpand, StarAndStarColonStarGrantEverything) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_EQ(Names(catalog, "*").size(), catalog.action_count());
  EXPECT_EQ(Names(catalog, "*:*").size(), catalog.action_count());
  EXPECT_EQ(Names(catalog, "**").size(), catalog.action_count());
}

TEST(ActionCatalogExpand, ExactNamesAndMisses) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(Names(catalog, "iam:PassRole"), ElementsAre("iam:PassRole"));
  EXPECT_THAT(Names(catalog, "s3:HeadObject"), IsEmpty());
  EXPECT_THAT(Names(catalog, "s4:*"), IsEmpty());
  EXPECT_THAT(Names(catalog, "s3:Head*"), IsEmpty());
}

TEST(ActionCatalogExpand, AccessLevelSelectorsCountEveryLevelOfAnAction) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(Names(catalog, "s3:@read"), ElementsAre("s3:GetBucketPolicy", "s3:GetObject",
                                                      "s3:GetObjectAcl", "s3:GetObjectTagging"));
  EXPECT_THAT(Names(catalog, "s3:@list"), ElementsAre("s3:ListAllMyBuckets", "s3:ListBucket"));
  EXPECT_THAT(Names(catalog, "s3:@write"), ElementsAre("s3:DeleteObject", "s3:PutObject",
                                                       "s3:PutObjectAcl", "s3:PutObjectTagging"));
  EXPECT_THAT(Names(catalog, "s3:@tagging"), ElementsAre("s3:PutObjectTagging"));
  EXPECT_THAT(Names(catalog, "s3:@permissions"),
              ElementsAre("s3:PutBucketPolicy", "s3:PutObjectAcl"));
  EXPECT_EQ(Names(catalog, "S3:@READ"), Names(catalog, "s3:@read"));
  EXPECT_THAT(Names(catalog, "*:@tagging"), ElementsAre("ec2:CreateTags", "s3:PutObjectTagging"));
  EXPECT_THAT(Names(catalog, "s4:@read"), IsEmpty());
  EXPECT_TRUE(ActionCatalog::IsSelector("s3:@read"));
  EXPECT_FALSE(ActionCatalog::IsSelector("s3:Get*"));
}

TEST(ActionCatalogExpand, MalformedPatternsAreErrorsThatSayWhy) {
  EXPECT_THAT(ExpandError("GetObject"), ::testing::HasSubstr("no ':'"));
  EXPECT_THAT(ExpandError(""), ::testing::HasSubstr("no ':'"));
  EXPECT_THAT(ExpandError("s3:Get:Object"), ::testing::HasSubstr("more than one ':'"));
  EXPECT_THAT(ExpandError(":GetObject"), ::testing::HasSubstr("service"));
  EXPECT_THAT(ExpandError("s3:"), ::testing::HasSubstr("action"));
  EXPECT_THAT(ExpandError("@read"), ::testing::HasSubstr("s3:@read"));
  EXPECT_THAT(ExpandError("s3:@reed"),
              ::testing::HasSubstr("@list, @read, @write, @tagging, @permissions"));
}

TEST(ActionCatalogSuggest, FindsTyposInActionsAndServices) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(catalog.Suggest("s3:GetObjekt"), ::testing::Contains("s3:GetObject"));
  EXPECT_EQ(catalog.Suggest("s3:GetObjekt").front(), "s3:GetObject");
  EXPECT_EQ(catalog.Suggest("s3:HeadObject").front(), "s3:GetObject");
  EXPECT_EQ(catalog.Suggest("dynamo:GetItem").front(), "dynamodb:GetItem");
  EXPECT_EQ(catalog.Suggest("S4:getobject").front(), "s3:GetObject");
  EXPECT_EQ(catalog.Suggest("s4:*").front(), "s3:*");
  EXPECT_EQ(catalog.Suggest("s3:@reed").front(), "s3:@read");
}

TEST(ActionCatalogSuggest, FindsANameUnderAnotherService) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(catalog.Suggest("s3:DescribeInstances"), ElementsAre("ec2:DescribeInstances"));
  EXPECT_THAT(catalog.Suggest("PassRole"), ElementsAre("iam:PassRole"));
}

TEST(ActionCatalogSuggest, StaysSilentWhenNothingIsClose) {
  const ActionCatalog& catalog = FixtureCatalog();
  EXPECT_THAT(catalog.Suggest("s3:Xyzzyplugh"), IsEmpty());
  EXPECT_THAT(catalog.Suggest("qqqqqqqq:GetObject"),
              ElementsAre("s3:GetObject", "s3-outposts:GetObject"));
  EXPECT_THAT(catalog.Suggest("qqqqqqqq:Xyzzyplugh"), IsEmpty());
  EXPECT_LE(catalog.Suggest("s3:GetObjectX", 1).size(), 1u);
}

TEST(ActionCatalogFixture, KeepsTheFirstOfTwoEntriesWithOneNameAndSkipsMalformedOnes) {
  const ActionCatalog catalog(std::vector<CatalogEntry>{
      {"S3:GetObject", AccessLevel::kRead, {}},
      {"s3:getobject", AccessLevel::kWrite, {}},
      {"nocolon", AccessLevel::kRead, {}},
      {"s3:", AccessLevel::kRead, {}},
      {":x", AccessLevel::kRead, {}},
  });
  EXPECT_EQ(catalog.action_count(), 1u);
  const auto action = catalog.Lookup("s3:GETOBJECT");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->name(), "GetObject");
  EXPECT_EQ(action->service(), "s3");  // prefixes are stored lower-case
  EXPECT_EQ(action->access_levels(), AccessLevelSet(AccessLevel::kRead));
  EXPECT_EQ(catalog.source().version, "fixture");
}

TEST(ActionCatalogFixture, SurvivesAMove) {
  ActionCatalog original(std::vector<CatalogEntry>{{"s3:GetObject", AccessLevel::kRead, {}},
                                                   {"s3:PutObject", AccessLevel::kWrite, {}}});
  const ActionCatalog moved = std::move(original);
  ASSERT_TRUE(moved.Lookup("s3:PutObject"));
  EXPECT_EQ(moved.Lookup("s3:PutObject")->FullName(), "s3:PutObject");
  EXPECT_THAT(moved.Expand("s3:*").value(), ElementsAre(0u, 1u));
}

TEST(ActionCatalogFixture, AnEmptyCatalogKnowsNothing) {
  const ActionCatalog empty(std::vector<CatalogEntry>{});
  EXPECT_EQ(empty.action_count(), 0u);
  EXPECT_FALSE(empty.Lookup("s3:GetObject"));
  EXPECT_THAT(empty.Expand("*").value(), IsEmpty());
  EXPECT_THAT(empty.Expand("s3:*").value(), IsEmpty());
  EXPECT_THAT(empty.Suggest("s3:GetObject"), IsEmpty());
}

}  // namespace
}  // namespace audex
