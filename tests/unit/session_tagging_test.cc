// --tag-session's statements (core/plan/session_tagging.h) with a made-up
// universe whose facts are known, and through PlanSession with the real
// catalog: exact statements, what is listed as untaggable, and the policy
// text AWS receives.
#include "core/plan/session_tagging.h"

#include <gtest/gtest.h>

#include <map>

#include "catalog/catalog_universe.h"
#include "core/plan/session_plan.h"

namespace audex {
namespace {

// Knows a handful of actions and their facts; compresses nothing.
class FactUniverse final : public ActionUniverse {
 public:
  std::map<std::string, ActionTagFacts> facts;

  std::optional<std::string> Canonical(std::string_view action) const override {
    if (facts.count(std::string(action)) != 0) return std::string(action);
    return std::nullopt;
  }
  Result<std::vector<std::string>> Expand(std::string_view pattern) const override {
    if (facts.count(std::string(pattern)) != 0)
      return std::vector<std::string>{std::string(pattern)};
    return std::vector<std::string>{};
  }
  std::vector<std::string> Suggest(std::string_view) const override { return {}; }
  std::vector<CountedPattern> Compress(const std::vector<std::string>& actions) const override {
    std::vector<CountedPattern> patterns;
    for (const std::string& action : actions) patterns.emplace_back(action, 1);
    return patterns;
  }
  std::string Describe() const override { return "facts"; }
  std::optional<ActionTagFacts> TagFacts(std::string_view action) const override {
    const auto it = facts.find(std::string(action));
    if (it == facts.end()) return std::nullopt;
    return it->second;
  }
};

FactUniverse Universe() {
  FactUniverse universe;
  ActionTagFacts on_call;
  on_call.creates = true;
  on_call.tag_on_call = true;
  universe.facts["db:CreateTable"] = on_call;
  universe.facts["q:CreateQueue"] = on_call;
  ActionTagFacts per_resource;
  per_resource.creates = true;
  per_resource.tagged_resources = {"arn:*:vm:*:*:volume/*", "arn:*:vm:*:*:instance/*"};
  universe.facts["vm:RunInstances"] = per_resource;
  ActionTagFacts untaggable;
  untaggable.creates = true;
  universe.facts["db:CreateBackup"] = untaggable;
  universe.facts["db:GetItem"] = ActionTagFacts{};
  ActionTagFacts ec2_tags;
  ec2_tags.changes_tags = true;
  ec2_tags.create_action_key = "vm:CreateAction";
  universe.facts["vm:CreateTags"] = ec2_tags;
  ActionTagFacts tag_resource;
  tag_resource.changes_tags = true;
  universe.facts["db:TagResource"] = tag_resource;
  return universe;
}

const SessionTag kTag{"audex-session", "0123456789abcdef"};

std::string Rendered(const TagEnforcement& enforcement) {
  PolicyDocument document;
  document.statements = enforcement.statements;
  return RenderPolicy(document);
}

TEST(SessionTagging, DeniesUntaggedCreatesOnTheCallAndOnCreatedResources) {
  const FactUniverse universe = Universe();
  auto enforcement = PlanTagEnforcement(
      {"db:CreateBackup", "db:CreateTable", "db:GetItem", "q:CreateQueue", "vm:RunInstances"}, kTag,
      universe);
  ASSERT_TRUE(enforcement) << enforcement.error().message;
  EXPECT_EQ(
      Rendered(*enforcement),
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"AudexTagOnCreate","Effect":"Deny","Action":["db:CreateTable","q:CreateQueue"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestTag/audex-session":"0123456789abcdef"}}},)"
      R"({"Sid":"AudexTagOnCreate","Effect":"Deny","Action":"vm:RunInstances","Resource":["arn:*:vm:*:*:instance/*","arn:*:vm:*:*:volume/*"],"Condition":{"StringNotEquals":{"aws:RequestTag/audex-session":"0123456789abcdef"}}},)"
      R"({"Sid":"AudexKeepTag","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/audex-session":"0123456789abcdef"},"ForAnyValue:StringEquals":{"aws:TagKeys":"audex-session"}}}]})");
  EXPECT_EQ(enforcement->tagged_creates,
            (std::vector<std::string>{"db:CreateTable", "q:CreateQueue", "vm:RunInstances"}));
  EXPECT_EQ(enforcement->untaggable_creates, std::vector<std::string>{"db:CreateBackup"});
  EXPECT_TRUE(enforcement->retagging.empty());
}

TEST(SessionTagging, TaggingActionsThatCanTellACreateApartMayNotRetag) {
  const FactUniverse universe = Universe();
  auto enforcement =
      PlanTagEnforcement({"db:TagResource", "vm:CreateTags", "vm:RunInstances"}, kTag, universe);
  ASSERT_TRUE(enforcement);
  const std::string text = Rendered(*enforcement);
  EXPECT_NE(
      text.find(
          R"({"Sid":"AudexNoRetag","Effect":"Deny","Action":"vm:CreateTags","Resource":"*","Condition":{"Null":{"vm:CreateAction":"true"},"StringEquals":{"aws:RequestTag/audex-session":"0123456789abcdef"}}})"),
      std::string::npos)
      << text;
  // dynamodb-style TagResource cannot tell: the plan says so instead.
  EXPECT_EQ(enforcement->retagging, std::vector<std::string>{"db:TagResource"});
}

TEST(SessionTagging, NoCreatesMeansNoStatements) {
  const FactUniverse universe = Universe();
  auto enforcement = PlanTagEnforcement({"db:GetItem", "db:CreateBackup"}, kTag, universe);
  ASSERT_TRUE(enforcement);
  EXPECT_TRUE(enforcement->statements.empty());
  EXPECT_EQ(enforcement->untaggable_creates, std::vector<std::string>{"db:CreateBackup"});
}

TEST(SessionTagging, ActionsWithoutFactsAreListedAndAUniverseWithoutAnyIsRefused) {
  const FactUniverse universe = Universe();
  auto enforcement = PlanTagEnforcement({"db:CreateTable", "x:Unknown"}, kTag, universe);
  ASSERT_TRUE(enforcement);
  EXPECT_EQ(enforcement->unknown, std::vector<std::string>{"x:Unknown"});
  auto none = PlanTagEnforcement({"x:Unknown"}, kTag, universe);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::kPolicy);
}

TEST(SessionTagging, ParsesOnlyItsOwnTags) {
  auto tag = ParseSessionTag("audex-session=0123456789abcdef");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->value, "0123456789abcdef");
  EXPECT_EQ(tag->Text(), "audex-session=0123456789abcdef");
  EXPECT_FALSE(ParseSessionTag("audex-session=nope"));
  EXPECT_FALSE(ParseSessionTag("owner=0123456789abcdef"));
  EXPECT_FALSE(ParseSessionTag("0123456789abcdef"));
}

AccessRequest Allow(std::string allow) {
  AccessRequest request;
  request.provider = Provider::kAws;
  request.allow = std::move(allow);
  return request;
}

// With the real catalog: the policy a --tag-session run sends.
TEST(SessionTagging, PlanSessionAppendsTheStatementsToThePolicyAwsReceives) {
  auto plan = PlanSession(Allow("s3:CreateBucket,s3:PutObject,dynamodb:CreateTable,"
                                "ec2:CreateSecurityGroup"),
                          std::nullopt, UserConfig{}, {}, {}, {"aws"}, &BuiltinAwsActions(), true,
                          std::nullopt, &kTag);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->tagging);
  EXPECT_EQ(
      plan->policy_json,
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Action":["dynamodb:CreateTable","ec2:CreateSecurityGroup","s3:CreateBucket","s3:PutObject"],"Resource":"*"},)"
      R"({"Sid":"AudexTagOnCreate","Effect":"Deny","Action":["dynamodb:CreateTable","s3:CreateBucket"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestTag/audex-session":"0123456789abcdef"}}},)"
      R"({"Sid":"AudexTagOnCreate","Effect":"Deny","Action":"ec2:CreateSecurityGroup","Resource":"arn:*:ec2:*:*:security-group/*","Condition":{"StringNotEquals":{"aws:RequestTag/audex-session":"0123456789abcdef"}}},)"
      R"({"Sid":"AudexKeepTag","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/audex-session":"0123456789abcdef"},"ForAnyValue:StringEquals":{"aws:TagKeys":"audex-session"}}}]})");
  EXPECT_FALSE(plan->enforced.empty());
}

TEST(SessionTagging, PlanSessionListsGrantedCreatesThatCannotBeTagged) {
  auto plan = PlanSession(Allow("dynamodb:Create*"), std::nullopt, UserConfig{}, {}, {}, {"aws"},
                          &BuiltinAwsActions(), true, std::nullopt, &kTag);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto& untaggable = plan->tagging->untaggable_creates;
  EXPECT_NE(std::find(untaggable.begin(), untaggable.end(), "dynamodb:CreateBackup"),
            untaggable.end());
  bool said = false;
  for (const std::string& line : plan->not_enforced) {
    said = said || line.find("dynamodb:CreateBackup") != std::string::npos;
  }
  EXPECT_TRUE(said);
}

TEST(SessionTagging, PlanSessionRefusesWhatItCannotTag) {
  AccessRequest gcp;
  gcp.provider = Provider::kGcp;
  gcp.allow = "storage.objects.get";
  auto refused = PlanSession(gcp, std::nullopt, UserConfig{}, {}, {}, {"x"}, &BuiltinAwsActions(),
                             true, std::nullopt, &kTag);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  AccessRequest unscoped;
  unscoped.provider = Provider::kAws;
  unscoped.unscoped_allowed = true;
  auto no_actions = PlanSession(unscoped, std::nullopt, UserConfig{}, {}, {}, {"x"},
                                &BuiltinAwsActions(), true, std::nullopt, &kTag);
  ASSERT_FALSE(no_actions);
  EXPECT_NE(no_actions.error().message.find("--allow or --profile"), std::string::npos);
}

}  // namespace
}  // namespace audex
