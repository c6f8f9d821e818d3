// Tag-on-create facts from the built-in catalog (catalog/tag_on_create.h):
// which actions create, and where AWS shows a policy the tags they are given,
// checked against what the Service Authorization Reference says of them.
#include "catalog/tag_on_create.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/catalog_universe.h"

namespace audex {
namespace {

ActionTagFacts Facts(std::string_view action) {
  const auto facts = BuiltinAwsActions().TagFacts(action);
  EXPECT_TRUE(facts.has_value()) << action;
  return facts.value_or(ActionTagFacts{});
}

bool Has(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

TEST(TagOnCreate, CallsThatTakeTagsWholeAreTaggableOnTheCall) {
  for (const char* action : {"s3:CreateBucket", "dynamodb:CreateTable", "lambda:CreateFunction",
                             "sqs:CreateQueue", "sns:CreateTopic", "iam:CreateRole"}) {
    const ActionTagFacts facts = Facts(action);
    EXPECT_TRUE(facts.creates) << action;
    EXPECT_TRUE(facts.tag_on_call) << action;
    EXPECT_TRUE(facts.Taggable()) << action;
    EXPECT_TRUE(facts.tagged_resources.empty()) << action;
  }
}

TEST(TagOnCreate, Ec2TagsOnlyTheResourcesTheCallCreates) {
  const ActionTagFacts run = Facts("ec2:RunInstances");
  EXPECT_TRUE(run.creates);
  EXPECT_FALSE(run.tag_on_call);
  EXPECT_TRUE(Has(run.tagged_resources, "arn:*:ec2:*:*:instance/*"));
  EXPECT_TRUE(Has(run.tagged_resources, "arn:*:ec2:*:*:volume/*"));
  // The subnet and image it uses exist already: no request tag there.
  EXPECT_FALSE(Has(run.tagged_resources, "arn:*:ec2:*:*:subnet/*"));
  EXPECT_FALSE(Has(run.tagged_resources, "arn:*:ec2:*:*:image/*"));
  const ActionTagFacts group = Facts("ec2:CreateSecurityGroup");
  EXPECT_EQ(group.tagged_resources, std::vector<std::string>{"arn:*:ec2:*:*:security-group/*"});
}

TEST(TagOnCreate, CreatesWithoutRequestTagsAreUntaggable) {
  const ActionTagFacts backup = Facts("dynamodb:CreateBackup");
  EXPECT_TRUE(backup.creates);
  EXPECT_FALSE(backup.Taggable());
}

TEST(TagOnCreate, ReadsAndTaggingActionsAreNotCreates) {
  EXPECT_FALSE(Facts("s3:GetObject").creates);
  EXPECT_FALSE(Facts("dynamodb:DescribeTable").creates);
  const ActionTagFacts create_tags = Facts("ec2:CreateTags");
  EXPECT_FALSE(create_tags.creates);  // its name says Create, its level says Tagging
  EXPECT_TRUE(create_tags.changes_tags);
  EXPECT_EQ(create_tags.create_action_key, "ec2:CreateAction");
  const ActionTagFacts tag_resource = Facts("dynamodb:TagResource");
  EXPECT_TRUE(tag_resource.changes_tags);
  EXPECT_TRUE(tag_resource.create_action_key.empty());
}

TEST(TagOnCreate, UnknownActionsHaveNoFacts) {
  EXPECT_FALSE(BuiltinAwsActions().TagFacts("s3:NoSuchAction").has_value());
  EXPECT_FALSE(BuiltinAwsActions().TagFacts("s3:Get*").has_value());
}

// A fixture catalog has no tag tables: nothing is claimed about it.
TEST(TagOnCreate, FixtureCatalogsKnowNoFacts) {
  const ActionCatalog catalog({{"s3:CreateBucket", AccessLevel::kWrite, {}}});
  const CatalogUniverse universe(catalog);
  EXPECT_FALSE(universe.TagFacts("s3:CreateBucket").has_value());
}

// Across the whole catalog: every create the generator marks writes and
// is not a tagging action, and a good share of them can be tagged.
TEST(TagOnCreate, TheWholeCatalogIsConsistent) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  size_t creates = 0, taggable = 0;
  for (ActionId id = 0; id < catalog.action_count(); ++id) {
    const Action action = catalog.Get(id);
    const ActionTagFacts facts = TagOnCreate::Builtin().Of(action);
    if (!facts.creates) continue;
    ++creates;
    if (facts.Taggable()) ++taggable;
    EXPECT_TRUE(action.access_levels().Contains(AccessLevel::kWrite)) << action.FullName();
    EXPECT_FALSE(action.access_levels().Contains(AccessLevel::kTagging)) << action.FullName();
    for (const std::string& pattern : facts.tagged_resources) {
      EXPECT_TRUE(pattern.starts_with("arn:*:" + std::string(action.service()) + ":") ||
                  pattern.starts_with("arn:*:"))
          << pattern;
      EXPECT_EQ(pattern.find("${"), std::string::npos) << pattern;
    }
  }
  EXPECT_GT(creates, 1000u);
  EXPECT_GT(taggable, creates / 3);
}

}  // namespace
}  // namespace audex
