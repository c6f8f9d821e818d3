// The resource formats generated with the embedded catalog: the ARN format
// and noun of known types as the Service Authorization Reference writes
// them, every resource type an action names has a format, and ARNs come out
// of formats with "*" for what is not known.
#include "catalog/resource_formats.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/action_catalog.h"
#include "catalog/name_words.h"

namespace audex {
namespace {

const ResourceFormats& Formats() { return ResourceFormats::Builtin(); }

TEST(ResourceFormats, KnownTypesHaveTheReferenceFormat) {
  const auto table = Formats().Find("dynamodb", "table");
  ASSERT_TRUE(table);
  EXPECT_EQ(table->format, "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}");
  EXPECT_EQ(table->noun, "table");
  EXPECT_EQ(table->Variables(), std::vector<std::string>{"TableName"});

  const auto bucket = Formats().Find("s3", "bucket");
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->format, "arn:${Partition}:s3:::${BucketName}");

  const auto glue_table = Formats().Find("glue", "table");
  ASSERT_TRUE(glue_table);
  EXPECT_EQ(glue_table->Variables(), (std::vector<std::string>{"DatabaseName", "TableName"}));

  // A format whose service field is another service's keeps it.
  const auto role = Formats().Find("sts", "role");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->format, "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}");
}

TEST(ResourceFormats, NounsKeepTheWordBreaksTheKeyLost) {
  const auto machine = Formats().Find("states", "statemachine");
  ASSERT_TRUE(machine);
  EXPECT_EQ(machine->noun, "state machine");
  const auto group = Formats().Find("logs", "log-group");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->noun, "log group");
  const auto training = Formats().Find("sagemaker", "training-job");
  ASSERT_TRUE(training);
  EXPECT_EQ(training->noun, "training job");
}

TEST(ResourceFormats, NamesAreFoundCaseInsensitively) {
  EXPECT_TRUE(Formats().Find("states", "stateMachine"));
  EXPECT_TRUE(Formats().Find("secretsmanager", "Secret"));
  EXPECT_FALSE(Formats().Find("dynamodb", "bucket"));
  EXPECT_FALSE(Formats().Find("no-such-service", "table"));
  EXPECT_TRUE(Formats().OfService("no-such-service").empty());
}

TEST(ResourceFormats, NounsAreFoundByTheirLettersWhateverTheSpacing) {
  for (std::string_view said : {"state machine", "statemachine", "State-Machine"}) {
    const auto found = Formats().FindByNoun(said);
    ASSERT_FALSE(found.empty()) << said;
    EXPECT_TRUE(std::any_of(found.begin(), found.end(), [](const auto& type) {
      return type.service == "states" && type.name == "statemachine";
    })) << said;
  }
  // A noun several services have comes back for each, in catalog order.
  const auto tables = Formats().FindByNoun("table");
  ASSERT_GE(tables.size(), 2u);
  EXPECT_TRUE(std::is_sorted(tables.begin(), tables.end(),
                             [](const auto& a, const auto& b) { return a.service < b.service; }));
  EXPECT_TRUE(std::any_of(tables.begin(), tables.end(),
                          [](const auto& type) { return type.service == "dynamodb"; }));
  EXPECT_TRUE(std::any_of(tables.begin(), tables.end(),
                          [](const auto& type) { return type.service == "glue"; }));
  EXPECT_TRUE(Formats().FindByNoun("no such thing here").empty());
  EXPECT_TRUE(Formats().FindByNoun("").empty());
}

TEST(ResourceFormats, EveryResourceTypeOfEveryActionHasAFormat) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  size_t checked = 0;
  std::vector<std::string> missing;
  for (const ServiceInfo& service : catalog.Services()) {
    const std::vector<ResourceFormat> formats = Formats().OfService(service.prefix);
    for (ActionId id = service.first_action; id < service.end_action; ++id) {
      for (const ResourceType& type : catalog.Get(id).resource_types()) {
        ++checked;
        const bool found = std::any_of(formats.begin(), formats.end(), [&](const auto& format) {
          return format.name.size() == type.name.size() &&
                 std::equal(format.name.begin(), format.name.end(), type.name.begin(),
                            [](char a, char b) { return (a | 0x20) == (b | 0x20); });
        });
        if (!found) missing.push_back(catalog.Get(id).FullName() + " " + std::string(type.name));
      }
    }
  }
  EXPECT_GT(checked, 20000u);
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first: " << missing.front();
  EXPECT_GT(Formats().size(), 2000u);
}

TEST(ResourceFormats, ExpandFillsKnownValuesAndAnyForTheRest) {
  const auto table = Formats().Find("glue", "table");
  ASSERT_TRUE(table);
  EXPECT_EQ(ExpandArnFormat(table->format, {{"TableName", "sales"}}),
            "arn:aws:glue:*:*:table/*/sales");
  EXPECT_EQ(ExpandArnFormat(table->format,
                            {{"TableName", "sales"}, {"Region", "eu-west-1"}, {"Account", "1"}}),
            "arn:aws:glue:eu-west-1:1:table/*/sales");
  EXPECT_EQ(ExpandArnFormat("arn:${Partition}:s3:::${BucketName}", {}), "arn:aws:s3:::*");
  EXPECT_EQ(ExpandArnFormat("arn:${Partition}:x:::${Unclosed", {}), "arn:aws:x:::${Unclosed");
}

TEST(ResourceFormats, NameWordsSplitCamelCaseAndSeparators) {
  EXPECT_EQ(NameWords("stateMachine"), (std::vector<std::string>{"state", "machine"}));
  EXPECT_EQ(NameWords("DBInstance"), (std::vector<std::string>{"db", "instance"}));
  EXPECT_EQ(NameWords("log-group"), (std::vector<std::string>{"log", "group"}));
  EXPECT_EQ(NameWords("code signing config"),
            (std::vector<std::string>{"code", "signing", "config"}));
}

}  // namespace
}  // namespace audex
