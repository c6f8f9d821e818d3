// Reading Claude's answer (core/intent/intent.h) and holding it to the catalog
// (catalog/intent_check.h): the answer is a proposal, never trusted.
#include "core/intent/intent.h"

#include <gtest/gtest.h>

#include "catalog/action_catalog.h"
#include "catalog/intent/offline_intent.h"
#include "catalog/intent_check.h"
#include "core/base/text.h"

namespace audex {
namespace {

bool AnyContains(const std::vector<std::string>& lines, std::string_view text) {
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ParseIntentReply, PlainJsonObject) {
  auto policy = ParseIntentReply(
      R"({"allow": "s3:GetObject, lambda:InvokeFunction", "resource": null, "description": "Read"})");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->actions, (std::vector<std::string>{"s3:GetObject", "lambda:InvokeFunction"}));
  EXPECT_TRUE(policy->resources.empty());
  EXPECT_EQ(policy->description, "Read");
}

TEST(ParseIntentReply, FencedJsonBlockWithProseAround) {
  auto policy = ParseIntentReply(
      "Here is the policy:\n```json\n{\"allow\": \"s3:GetObject\", \"resource\": "
      "\"arn:aws:s3:::my-bucket/*\", \"description\": \"Read objects\"}\n```\nLet me know.");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->actions, std::vector<std::string>{"s3:GetObject"});
  EXPECT_EQ(policy->resources, std::vector<std::string>{"arn:aws:s3:::my-bucket/*"});
}

TEST(ParseIntentReply, ObjectInsideProseWithoutFence) {
  auto policy = ParseIntentReply(
      "Sure. {\"allow\": [\"sqs:SendMessage\"], \"resource\": [\"arn:aws:sqs:*:*:q\"], "
      "\"description\": \"Send\"} Done.");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->actions, std::vector<std::string>{"sqs:SendMessage"});
  EXPECT_EQ(policy->resources, std::vector<std::string>{"arn:aws:sqs:*:*:q"});
}

TEST(ParseIntentReply, MalformedAnswersAreCloudErrorsThatQuoteTheStart) {
  for (const char* text :
       {"I cannot help with that.", "{\"allow\": \"s3:GetObject\",", "[\"s3:GetObject\"]",
        "{\"resource\": null}", "{\"allow\": 42, \"resource\": null}",
        "{\"allow\": [\"s3:GetObject\", 7]}",
        "{\"allow\": \"s3:GetObject\", \"description\": [1]}"}) {
    auto policy = ParseIntentReply(text);
    ASSERT_FALSE(policy) << text;
    EXPECT_EQ(policy.error().kind, ErrorKind::kCredentials) << text;
    EXPECT_NE(policy.error().message.find("--offline"), std::string::npos) << text;
  }
  auto long_answer = ParseIntentReply(std::string(500, 'x'));
  ASSERT_FALSE(long_answer);
  EXPECT_LT(long_answer.error().message.size(), 300u);
}

TEST(RenderIntentJson, FoundingShapePlusSource) {
  IntentPolicy policy{
      {"s3:GetObject", "s3:ListBucket"}, {"arn:aws:s3:::b", "arn:aws:s3:::b/*"}, "Read a bucket"};
  EXPECT_EQ(RenderIntentJson(policy, IntentSource::kClaude),
            "{\n  \"allow\": \"s3:GetObject,s3:ListBucket\",\n  \"resource\": "
            "\"arn:aws:s3:::b,arn:aws:s3:::b/*\",\n  \"description\": \"Read a bucket\",\n  "
            "\"source\": \"claude\"\n}");
}

TEST(RenderIntentJson, DescriptionThatIsNotUtf8IsReplacedNotFatal) {
  IntentPolicy policy{{"s3:GetObject"}, {}, "Use caf\xe9 \x87"};
  const std::string json = RenderIntentJson(policy, IntentSource::kOffline);
  EXPECT_NE(json.find("Use caf\xef\xbf\xbd"), std::string::npos) << json;
  EXPECT_TRUE(ParseIntentReply(json).has_value());
}

TEST(IntentSystemPrompt, AsksForTheShapeAndNamesTheProvider) {
  const std::string aws = IntentSystemPrompt(Provider::kAws);
  for (const char* part : {"\"allow\"", "\"resource\"", "\"description\"", "JSON", "smallest",
                           "s3:GetObject", "arn:aws:s3:::my-bucket/*"}) {
    EXPECT_NE(aws.find(part), std::string::npos) << part;
  }
  EXPECT_NE(IntentSystemPrompt(Provider::kGcp).find("storage.objects.get"), std::string::npos);
  EXPECT_NE(IntentSystemPrompt(Provider::kAzure).find("Microsoft.Storage"), std::string::npos);
  EXPECT_NE(IntentSystemPrompt(Provider::kGcp).find("answer for gcp"), std::string::npos);
}

const ActionCatalog& Catalog() { return ActionCatalog::Builtin(); }

TEST(CheckIntent, InventedActionsAreRemovedWithSuggestions) {
  IntentPolicy proposed{
      {"s3:GetObjekt", "s3:ListBucket", "lambda:RunFunction", "s3:getobject"}, {}, "x"};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "Claude's answer");
  ASSERT_TRUE(checked) << checked.error().message;
  // Canonical spelling; the lower-case duplicate is the same action.
  EXPECT_EQ(checked->policy.actions, (std::vector<std::string>{"s3:ListBucket", "s3:GetObject"}));
  EXPECT_TRUE(AnyContains(checked->warnings, "removed \"s3:GetObjekt\""));
  EXPECT_TRUE(AnyContains(checked->warnings, "did you mean s3:GetObject"));
  EXPECT_TRUE(AnyContains(checked->warnings, "removed \"lambda:RunFunction\""));
}

TEST(CheckIntent, NothingValidLeftIsAPolicyError) {
  IntentPolicy proposed{{"s3:ReadEverything", "not an action", "dynamo:Fly*"}, {}, "x"};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "Claude's answer");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(checked.error().message.find("s3:ReadEverything"), std::string::npos);
  EXPECT_NE(checked.error().message.find("--allow"), std::string::npos);
  auto none = CheckIntent(IntentPolicy{}, Provider::kAws, Catalog(), "Claude's answer");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("proposed none"), std::string::npos);
}

TEST(CheckIntent, WildcardsAndStarStarAreWarned) {
  IntentPolicy proposed{{"s3:Get*", "*:*"}, {}, "x"};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "Claude's answer");
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->policy.actions, (std::vector<std::string>{"s3:Get*", "*:*"}));
  EXPECT_TRUE(AnyContains(checked->warnings, "the wildcard s3:Get*, which grants"));
  EXPECT_TRUE(AnyContains(checked->warnings, "*:*, which grants every service"));
}

TEST(CheckIntent, ResourcesMustBeArns) {
  IntentPolicy proposed{
      {"s3:GetObject"}, {"arn:aws:s3:::ok/*", "my-bucket", "*", "arn:aws:s3:::*"}, "x"};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "Claude's answer");
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->policy.resources,
            (std::vector<std::string>{"arn:aws:s3:::ok/*", "arn:aws:s3:::*"}));
  EXPECT_TRUE(AnyContains(checked->warnings, "invalid resource \"my-bucket\""));
  EXPECT_TRUE(AnyContains(checked->warnings, "resource \"*\""));
  EXPECT_TRUE(AnyContains(checked->warnings, "arn:aws:s3:::* from Claude's answer matches every"));
}

TEST(CheckIntent, ActionWithoutResourceTypesUnderAResourceListIsWarned) {
  IntentPolicy proposed{{"s3:ListAllMyBuckets", "s3:GetObject"}, {"arn:aws:s3:::b/*"}, "x"};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "the offline parser");
  ASSERT_TRUE(checked);
  EXPECT_TRUE(AnyContains(checked->warnings, "s3:ListAllMyBuckets takes no resource"));
  EXPECT_FALSE(AnyContains(checked->warnings, "s3:GetObject takes no resource"));
}

TEST(CheckIntent, StatementsKeepWhatSurvivedAndNeverWidenToEveryResource) {
  IntentPolicy proposed{
      {"s3:GetObjekt", "s3:PutObject", "ecr:GetAuthorizationToken", "s3:ListBucket"},
      {"arn:aws:s3:::a/*", "my-bucket"},
      "x"};
  proposed.statements = {{{"s3:GetObjekt", "s3:PutObject"}, {"arn:aws:s3:::a/*"}},
                         {{"ecr:GetAuthorizationToken"}, {}},
                         // Its only resource is not an ARN: dropped, not made "*".
                         {{"s3:ListBucket"}, {"my-bucket"}}};
  auto checked = CheckIntent(proposed, Provider::kAws, Catalog(), "the offline parser");
  ASSERT_TRUE(checked) << checked.error().message;
  ASSERT_EQ(checked->policy.statements.size(), 2u);
  EXPECT_EQ(checked->policy.statements[0],
            (IntentStatement{{"s3:PutObject"}, {"arn:aws:s3:::a/*"}}));
  EXPECT_EQ(checked->policy.statements[1], (IntentStatement{{"ecr:GetAuthorizationToken"}, {}}));
  // In a statement of its own, the action that takes only "*" is not warned about.
  EXPECT_FALSE(AnyContains(checked->warnings, "takes no resource"));
}

TEST(OneStatementWarning, SaysWhatAUnionLosesAndNothingForOneStatement) {
  IntentPolicy one{{"s3:GetObject"}, {"arn:aws:s3:::b/*"}, "x"};
  one.statements = {{{"s3:GetObject"}, {"arn:aws:s3:::b/*"}}};
  EXPECT_FALSE(OneStatementWarning(one, Catalog()));
  IntentPolicy push{
      {"ecr:GetAuthorizationToken", "ecr:PutImage"}, {"arn:aws:ecr:*:*:repository/r"}, "x"};
  push.statements = {{{"ecr:GetAuthorizationToken"}, {}},
                     {{"ecr:PutImage"}, {"arn:aws:ecr:*:*:repository/r"}}};
  const auto warning = OneStatementWarning(push, Catalog());
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("ecr:GetAuthorizationToken (Resource \"*\" only) will be denied"),
            std::string::npos)
      << *warning;
}

TEST(CheckIntent, GcpAndAzureCheckSyntaxAndDropResources) {
  IntentPolicy gcp{{"storage.objects.get", "s3:GetObject", "storage.*.*"}, {"arn:aws:s3:::b"}, ""};
  auto checked = CheckIntent(gcp, Provider::kGcp, Catalog(), "Claude's answer");
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->policy.actions,
            (std::vector<std::string>{"storage.objects.get", "storage.*.*"}));
  EXPECT_TRUE(checked->policy.resources.empty());
  EXPECT_TRUE(AnyContains(checked->warnings, "removed \"s3:GetObject\""));
  EXPECT_TRUE(AnyContains(checked->warnings, "not limited by resource"));
  EXPECT_EQ(checked->policy.description, "Allow storage.objects.get, storage.*.*");

  IntentPolicy azure{{"Microsoft.Storage/storageAccounts/read", "*/read"}, {}, "d"};
  auto azure_checked = CheckIntent(azure, Provider::kAzure, Catalog(), "Claude's answer");
  ASSERT_TRUE(azure_checked);
  EXPECT_EQ(azure_checked->policy.actions.size(), 2u);
  EXPECT_TRUE(AnyContains(azure_checked->warnings, "every service"));
}

}  // namespace
}  // namespace audex

namespace audex {
namespace {

// Found by fuzz/intent_fuzzer: a sentence whose "table names" held commas and
// whose description quoted a ``` fence rendered to JSON that did not read back.
TEST(IntentFuzzRegression, CheckedAnswerRendersToJsonThatReadsBack) {
  const std::string text(
      "\x52\x65\x61\x64\x20\x66\x72\x6f\x6d\x20\x69\x6e\x65\x73\x74\x69"
      "\x6e\x3a\x53\x00\x60\x60\x60\x6a\x73\x75\x6e\x0a\x7b\x22\x00\xa0"
      "\x9f\x9f\x95\x8c\x90\x91\x42\x7b\x22\x61\x6c\x6c\x6f\x77\x22\x3a"
      "\x20\x22\x73\x35\x3a\x47\x65\x74\x4f\x62\x65\x65\x63\x74\x2c\x73"
      "\x33\x2f\x2a\x22\x2c\x20\x22\x35\x35\x35\x2a\x3a\x47\x65\x74\x63"
      "\x74\x6c\x73\x33\x2f\x2a\x64\x78\x22\x7d\x0a\x60\x60\x60\x65\x2d"
      "\x72\x28\x73\x75\x6c\x74\x73\x20\x74\x61\x62\x6c\x65",
      109);
  for (Provider provider : kAllProviders) {
    auto offline = ParseIntentOffline(text, provider);
    ASSERT_TRUE(offline.has_value()) << offline.error().message;
    for (const std::string& resource : offline->policy.resources) {
      EXPECT_EQ(resource.find(','), std::string::npos) << resource;
    }
    auto checked = CheckIntent(offline->policy, provider, ActionCatalog::Builtin(), "fuzz");
    if (!checked) continue;
    const std::string json = RenderIntentJson(checked->policy, IntentSource::kClaude);
    auto again = ParseIntentReply(json);
    EXPECT_TRUE(again.has_value()) << json << "\n" << (again ? "" : again.error().message);
  }
}

}  // namespace
}  // namespace audex
