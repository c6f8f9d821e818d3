#include "core/policy/universal.h"

#include <gtest/gtest.h>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"

namespace audex {
namespace {

struct Row {
  const char* name;
  const char* aws;
  const char* gcp;
  const char* azure;
};

// The founding document's table, typed out again so that a change to the
// built-in table is a visible test failure.
const Row kDocument[] = {
    {"storage:read", "s3:GetObject,s3:ListBucket", "storage.objects.get,storage.buckets.list",
     "Microsoft.Storage/storageAccounts/read"},
    {"storage:write", "s3:PutObject,s3:DeleteObject",
     "storage.objects.create,storage.objects.delete", "Microsoft.Storage/storageAccounts/write"},
    {"database:read", "dynamodb:GetItem,dynamodb:Query", "bigquery.tables.get",
     "Microsoft.SQL/servers/databases/read"},
    {"database:write", "dynamodb:PutItem,dynamodb:UpdateItem", "bigquery.tables.update",
     "Microsoft.SQL/servers/databases/write"},
    {"compute:read", "ec2:DescribeInstances", "compute.instances.list",
     "Microsoft.Compute/virtualMachines/read"},
    {"secrets:read", "secretsmanager:GetSecretValue", "secretmanager.secrets.get",
     "Microsoft.KeyVault/vaults/secrets/read"},
    {"logs:read", "logs:GetLogEvents", "logging.logEntries.list", "Microsoft.Insights/logs/read"},
    {"monitoring:read", "cloudwatch:GetMetricStatistics", "monitoring.timeSeries.list",
     "Microsoft.Insights/metrics/read"},
};

TEST(Universal, EveryRowOfTheFoundingDocumentForEveryProvider) {
  ASSERT_EQ(UniversalNames().size(), std::size(kDocument));
  for (const Row& row : kDocument) {
    const UniversalName* entry = FindUniversalName(row.name);
    ASSERT_NE(entry, nullptr) << row.name;
    EXPECT_EQ(Join(TranslateUniversal(*entry, Provider::kAws), ","), row.aws);
    EXPECT_EQ(Join(TranslateUniversal(*entry, Provider::kGcp), ","), row.gcp);
    EXPECT_EQ(Join(TranslateUniversal(*entry, Provider::kAzure), ","), row.azure);
  }
}

TEST(Universal, TranslationsAreValidNativeSyntax) {
  for (const UniversalName& entry : UniversalNames()) {
    for (Provider provider : kAllProviders) {
      for (const std::string& action : TranslateUniversal(entry, provider)) {
        EXPECT_TRUE(CheckActionSyntax(provider, action, "table").has_value()) << action;
      }
    }
  }
}

TEST(Universal, LookupIsCaseInsensitive) {
  EXPECT_NE(FindUniversalName("Storage:Read"), nullptr);
  EXPECT_EQ(FindUniversalName("storage:list"), nullptr);
}

TEST(Universal, SuggestsTheNearestNameInTheCategory) {
  EXPECT_EQ(SuggestUniversalName("storage:reed"), "storage:read");
  EXPECT_EQ(SuggestUniversalName("storage:writ"), "storage:write");
  EXPECT_EQ(SuggestUniversalName("s3:GetObject"), "");
}

TEST(Universal, LogsCategoryIsSharedWithTheAwsPrefix) {
  EXPECT_TRUE(HasUniversalOnlyCategory("storage:list"));
  EXPECT_FALSE(HasUniversalOnlyCategory("logs:GetLogEvents"));
  EXPECT_FALSE(HasUniversalOnlyCategory("s3:GetObject"));
}

}  // namespace
}  // namespace audex
