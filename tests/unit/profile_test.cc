#include "core/policy/profile.h"

#include <gtest/gtest.h>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"

namespace audex {
namespace {

struct Row {
  const char* name;
  Provider provider;
  const char* actions;
  const char* use_case;
};

// The founding document's three profile tables, typed out again.
const Row kDocument[] = {
    {"s3-readonly", Provider::kAws, "s3:GetObject,s3:ListBucket,s3:HeadObject", "Read S3 objects"},
    {"s3-readwrite", Provider::kAws, "s3:GetObject,s3:PutObject,s3:DeleteObject,s3:ListBucket",
     "Full S3 access"},
    {"dynamodb-readonly", Provider::kAws,
     "dynamodb:GetItem,dynamodb:Query,dynamodb:Scan,dynamodb:BatchGetItem", "Read DynamoDB"},
    {"dynamodb-readwrite", Provider::kAws,
     "dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,dynamodb:Query,"
     "dynamodb:Scan",
     "Full DynamoDB"},
    {"lambda-invoke", Provider::kAws, "lambda:InvokeFunction,lambda:InvokeAsync",
     "Invoke Lambda functions"},
    {"lambda-deploy", Provider::kAws,
     "lambda:UpdateFunctionCode,lambda:GetFunction,lambda:PublishVersion", "Deploy Lambda"},
    {"ec2-readonly", Provider::kAws,
     "ec2:DescribeInstances,ec2:DescribeImages,ec2:DescribeSecurityGroups", "Read EC2"},
    {"secrets-readonly", Provider::kAws, "secretsmanager:GetSecretValue", "Read secrets"},
    {"iam-readonly", Provider::kAws, "iam:GetUser,iam:ListAccessKeys,iam:GetPolicy",
     "Read IAM metadata"},
    {"gcs-readonly", Provider::kGcp, "storage.objects.get,storage.objects.list",
     "Read Cloud Storage"},
    {"gcs-readwrite", Provider::kGcp,
     "storage.objects.get,storage.objects.list,storage.objects.create,storage.objects.delete",
     "Full Cloud Storage"},
    {"compute-readonly", Provider::kGcp, "compute.instances.list,compute.instances.get",
     "Read Compute Engine"},
    {"bigquery-readonly", Provider::kGcp,
     "bigquery.datasets.get,bigquery.tables.get,bigquery.tables.list", "Read BigQuery"},
    {"azure-storage-readonly", Provider::kAzure, "Microsoft.Storage/storageAccounts/read",
     "Read storage accounts"},
    {"azure-storage-readwrite", Provider::kAzure,
     "Microsoft.Storage/storageAccounts/read,Microsoft.Storage/storageAccounts/write",
     "Full storage access"},
    {"azure-keyvault-readonly", Provider::kAzure,
     "Microsoft.KeyVault/vaults/read,Microsoft.KeyVault/vaults/secrets/read", "Read Key Vault"},
    {"azure-compute-readonly", Provider::kAzure, "Microsoft.Compute/virtualMachines/read",
     "Read VMs"},
};

Result<Profile> MakeCustomProfile(std::string name, std::optional<std::string> provider,
                                  std::string actions, std::vector<std::string> resources,
                                  std::string description, std::string source) {
  CustomProfileFields fields;
  fields.name = std::move(name);
  fields.provider = std::move(provider);
  fields.actions = std::move(actions);
  fields.resources = std::move(resources);
  fields.description = std::move(description);
  fields.source = source;
  fields.table_at = source;
  return audex::MakeCustomProfile(std::move(fields));
}

TEST(BuiltinProfiles, ExactlyTheSeventeenRowsOfTheFoundingDocument) {
  ASSERT_EQ(BuiltinProfiles().size(), std::size(kDocument));
  for (size_t i = 0; i < std::size(kDocument); ++i) {
    const Profile& profile = BuiltinProfiles()[i];
    const Row& row = kDocument[i];
    EXPECT_EQ(profile.name, row.name);
    EXPECT_EQ(profile.provider, row.provider) << row.name;
    EXPECT_EQ(Join(profile.actions, ","), row.actions) << row.name;
    EXPECT_EQ(profile.description, row.use_case) << row.name;
    EXPECT_EQ(profile.source, kBuiltinSource);
    EXPECT_TRUE(profile.resources.empty());
  }
}

TEST(BuiltinProfiles, EveryActionIsValidSyntaxForItsProvider) {
  for (const Profile& profile : BuiltinProfiles()) {
    for (const std::string& action : profile.actions) {
      EXPECT_TRUE(CheckActionSyntax(*profile.provider, action, profile.name).has_value())
          << profile.name << " " << action;
    }
  }
}

TEST(MakeCustomProfile, InfersTheProviderFromTheActions) {
  auto aws = MakeCustomProfile("p", std::nullopt, "s3:GetObject, dynamodb:PutItem",
                               {"arn:aws:s3:::input-data/*"}, "d", "profiles.toml");
  ASSERT_TRUE(aws.has_value()) << aws.error().message;
  EXPECT_EQ(aws->provider, Provider::kAws);
  EXPECT_EQ(aws->actions, (std::vector<std::string>{"s3:GetObject", "dynamodb:PutItem"}));
  auto gcp = MakeCustomProfile("g", std::nullopt, "storage.objects.get", {}, "", "f");
  ASSERT_TRUE(gcp.has_value());
  EXPECT_EQ(gcp->provider, Provider::kGcp);
  auto azure =
      MakeCustomProfile("a", std::nullopt, "Microsoft.Compute/virtualMachines/read", {}, "", "f");
  ASSERT_TRUE(azure.has_value());
  EXPECT_EQ(azure->provider, Provider::kAzure);
}

TEST(MakeCustomProfile, UniversalOnlyProfilesServeAnyProvider) {
  auto profile = MakeCustomProfile("u", std::nullopt, "storage:read,logs:read", {}, "", "f");
  ASSERT_TRUE(profile.has_value());
  EXPECT_FALSE(profile->provider.has_value());
}

TEST(MakeCustomProfile, RejectsMixedProvidersAndBadEntries) {
  auto mixed = MakeCustomProfile("m", std::nullopt, "s3:GetObject,storage.objects.get", {}, "",
                                 "profiles.toml:3");
  ASSERT_FALSE(mixed.has_value());
  EXPECT_NE(mixed.error().message.find("mixes aws action \"s3:GetObject\" with gcp"),
            std::string::npos)
      << mixed.error().message;
  EXPECT_NE(mixed.error().message.find("profiles.m.actions (profiles.toml:3)"), std::string::npos);

  auto explicit_provider = MakeCustomProfile("e", std::string("gcp"), "s3:GetObject", {}, "", "f");
  EXPECT_FALSE(explicit_provider.has_value());
  auto bad_provider = MakeCustomProfile("b", std::string("oracle"), "s3:GetObject", {}, "", "f");
  ASSERT_FALSE(bad_provider.has_value());
  EXPECT_NE(bad_provider.error().message.find("oracle"), std::string::npos);
  auto bad_arn = MakeCustomProfile("r", std::nullopt, "s3:GetObject", {"bucket"}, "", "f");
  ASSERT_FALSE(bad_arn.has_value());
  EXPECT_NE(bad_arn.error().message.find("profiles.r.resources"), std::string::npos);
  auto empty = MakeCustomProfile("x", std::nullopt, "  ", {}, "", "f");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("actions is empty"), std::string::npos);
  auto empty_item = MakeCustomProfile("y", std::nullopt, "s3:GetObject,,s3:PutObject", {}, "", "f");
  ASSERT_FALSE(empty_item.has_value());
  EXPECT_NE(empty_item.error().message.find("item 2 is empty"), std::string::npos);
  auto gcp_resources =
      MakeCustomProfile("z", std::nullopt, "storage.objects.get", {"arn:aws:s3:::b"}, "", "f");
  EXPECT_FALSE(gcp_resources.has_value());
}

TEST(ProfileCatalog, CustomProfilesShadowBuiltinsInPlace) {
  auto custom = MakeCustomProfile("s3-readonly", std::nullopt, "s3:GetObject", {}, "mine",
                                  "/home/u/.config/audex/profiles.toml");
  auto extra = MakeCustomProfile("pipeline", std::nullopt, "s3:PutObject", {}, "", "f");
  ASSERT_TRUE(custom && extra);
  ProfileCatalog catalog({*custom, *extra});
  EXPECT_TRUE(catalog.IsShadowed("s3-readonly"));
  EXPECT_FALSE(catalog.IsShadowed("pipeline"));
  EXPECT_EQ(catalog.Find("s3-readonly")->description, "mine");
  const auto all = catalog.All();
  ASSERT_EQ(all.size(), 18u);
  EXPECT_EQ(all[0]->description, "mine");  // in the built-in's place
  EXPECT_EQ(all[17]->name, "pipeline");
  EXPECT_EQ(catalog.Find("nope"), nullptr);
}

}  // namespace
}  // namespace audex
