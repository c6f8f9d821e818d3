#include "core/policy/universal.h"

#include "core/base/text.h"

namespace audex {

const std::vector<UniversalName>& UniversalNames() {
  // The founding document's table, row for row (spec/seed-policies.md,
  // "Universal policy syntax").
  static const std::vector<UniversalName> kTable = {
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
  return kTable;
}

const UniversalName* FindUniversalName(std::string_view name) {
  for (const UniversalName& entry : UniversalNames()) {
    if (EqualsIgnoreCase(entry.name, name)) return &entry;
  }
  return nullptr;
}

std::vector<std::string> TranslateUniversal(const UniversalName& entry, Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return SplitCommaList(entry.aws);
    case Provider::kGcp:
      return SplitCommaList(entry.gcp);
    case Provider::kAzure:
      return SplitCommaList(entry.azure);
  }
  return {};
}

bool HasUniversalOnlyCategory(std::string_view name) {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string category = ToLower(name.substr(0, colon));
  // "logs" is also the CloudWatch Logs prefix (logs:GetLogEvents).
  if (category == "logs") return false;
  for (const UniversalName& entry : UniversalNames()) {
    if (entry.name.substr(0, entry.name.find(':')) == category) return true;
  }
  return false;
}

std::string SuggestUniversalName(std::string_view name) {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) return "";
  const std::string category = ToLower(name.substr(0, colon));
  std::vector<std::string> same_category;
  for (const UniversalName& entry : UniversalNames()) {
    if (entry.name.substr(0, entry.name.find(':')) == category) {
      same_category.emplace_back(entry.name);
    }
  }
  std::string closest = ClosestName(name, same_category);
  if (closest.empty() && !same_category.empty()) closest = same_category.front();
  return closest;
}

}  // namespace audex
