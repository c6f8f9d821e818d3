#include "core/policy/profile.h"

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"
#include "core/policy/resource.h"
#include "core/policy/universal.h"

namespace audex {
namespace {

Profile Builtin(std::string_view name, Provider provider, std::string_view actions,
                std::string_view description) {
  Profile profile;
  profile.name = std::string(name);
  profile.provider = provider;
  profile.actions = SplitCommaList(actions);
  profile.description = std::string(description);
  return profile;
}

}  // namespace

const std::vector<Profile>& BuiltinProfiles() {
  // spec/seed-policies.md, "Built-in profiles", row for row. s3:HeadObject is
  // kept as the document has it; the action catalog explains and drops it.
  static const std::vector<Profile> kProfiles = {
      Builtin("s3-readonly", Provider::kAws, "s3:GetObject,s3:ListBucket,s3:HeadObject",
              "Read S3 objects"),
      Builtin("s3-readwrite", Provider::kAws,
              "s3:GetObject,s3:PutObject,s3:DeleteObject,s3:ListBucket", "Full S3 access"),
      Builtin("dynamodb-readonly", Provider::kAws,
              "dynamodb:GetItem,dynamodb:Query,dynamodb:Scan,dynamodb:BatchGetItem",
              "Read DynamoDB"),
      Builtin("dynamodb-readwrite", Provider::kAws,
              "dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,"
              "dynamodb:Query,dynamodb:Scan",
              "Full DynamoDB"),
      Builtin("lambda-invoke", Provider::kAws, "lambda:InvokeFunction,lambda:InvokeAsync",
              "Invoke Lambda functions"),
      Builtin("lambda-deploy", Provider::kAws,
              "lambda:UpdateFunctionCode,lambda:GetFunction,lambda:PublishVersion",
              "Deploy Lambda"),
      Builtin("ec2-readonly", Provider::kAws,
              "ec2:DescribeInstances,ec2:DescribeImages,ec2:DescribeSecurityGroups", "Read EC2"),
      Builtin("secrets-readonly", Provider::kAws, "secretsmanager:GetSecretValue", "Read secrets"),
      Builtin("iam-readonly", Provider::kAws, "iam:GetUser,iam:ListAccessKeys,iam:GetPolicy",
              "Read IAM metadata"),
      Builtin("gcs-readonly", Provider::kGcp, "storage.objects.get,storage.objects.list",
              "Read Cloud Storage"),
      Builtin("gcs-readwrite", Provider::kGcp,
              "storage.objects.get,storage.objects.list,storage.objects.create,"
              "storage.objects.delete",
              "Full Cloud Storage"),
      Builtin("compute-readonly", Provider::kGcp, "compute.instances.list,compute.instances.get",
              "Read Compute Engine"),
      Builtin("bigquery-readonly", Provider::kGcp,
              "bigquery.datasets.get,bigquery.tables.get,bigquery.tables.list", "Read BigQuery"),
      Builtin("azure-storage-readonly", Provider::kAzure, "Microsoft.Storage/storageAccounts/read",
              "Read storage accounts"),
      Builtin("azure-storage-readwrite", Provider::kAzure,
              "Microsoft.Storage/storageAccounts/read,Microsoft.Storage/storageAccounts/write",
              "Full storage access"),
      Builtin("azure-keyvault-readonly", Provider::kAzure,
              "Microsoft.KeyVault/vaults/read,Microsoft.KeyVault/vaults/secrets/read",
              "Read Key Vault"),
      Builtin("azure-compute-readonly", Provider::kAzure, "Microsoft.Compute/virtualMachines/read",
              "Read VMs"),
  };
  return kProfiles;
}

Result<Profile> MakeCustomProfile(CustomProfileFields fields) {
  const auto at = [&](const std::string& key_at) {
    return key_at.empty() ? (fields.table_at.empty() ? fields.source : fields.table_at) : key_at;
  };
  const std::string where = fmt::format("profile \"{}\" ({})", fields.name, at(""));
  const std::string actions_where =
      fmt::format("profiles.{}.actions ({})", fields.name, at(fields.actions_at));
  const std::string resources_where =
      fmt::format("profiles.{}.resources ({})", fields.name, at(fields.resources_at));
  if (fields.name.empty()) {
    return UsageError(fmt::format("a profile in {} has an empty name", fields.source));
  }

  std::optional<Provider> provider;
  if (fields.provider) {
    auto parsed = ParseProviderOption(
        *fields.provider,
        fmt::format("profiles.{}.provider ({}):", fields.name, at(fields.provider_at)));
    if (!parsed) return tl::unexpected(parsed.error());
    provider = *parsed;
  }

  if (Trim(fields.actions).empty()) {
    return PolicyError(
        fmt::format("{}: actions is empty; list at least one action", actions_where));
  }
  std::vector<std::string> items = SplitCommaList(fields.actions);
  std::optional<std::string> first_native;  // the action the provider was inferred from
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& item = items[i];
    if (item.empty()) {
      return PolicyError(
          fmt::format("{}: item {} is empty; write actions as \"s3:GetObject,s3:ListBucket\"",
                      actions_where, i + 1));
    }
    if (FindUniversalName(item) != nullptr) continue;
    if (!fields.provider) {
      const std::optional<Provider> detected =
          HasUniversalOnlyCategory(item) ? Provider::kAws : DetectActionSyntax(item);
      if (!detected) {
        return PolicyError(
            fmt::format("{}: cannot tell the provider of \"{}\"; expected {}; {}; or {}",
                        actions_where, item, ExpectedActionForm(Provider::kAws),
                        ExpectedActionForm(Provider::kGcp), ExpectedActionForm(Provider::kAzure)));
      }
      if (provider && *provider != *detected) {
        return PolicyError(fmt::format(
            "{}: mixes {} action \"{}\" with {} action \"{}\"; a profile is for one provider "
            "(split it in two)",
            actions_where, ProviderName(*provider), *first_native, ProviderName(*detected), item));
      }
      if (!provider) {
        provider = detected;
        first_native = item;
      }
    }
    if (auto checked = CheckRequestedAction(*provider, item, actions_where); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  for (const std::string& resource : fields.resources) {
    if (auto checked = CheckArn(resource, resources_where); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  if (!fields.resources.empty() && provider && *provider != Provider::kAws) {
    return PolicyError(
        fmt::format("{}: resources are only supported for aws profiles so far", resources_where));
  }
  if (!fields.policy_arns.empty() && provider && *provider != Provider::kAws) {
    return PolicyError(fmt::format(
        "profile \"{}\" ({}): policy_arns are AWS managed policies, and the profile is for {}",
        fields.name, at(""), ProviderName(*provider)));
  }
  return Profile{std::move(fields.name),
                 provider,
                 std::move(items),
                 std::move(fields.resources),
                 std::move(fields.description),
                 std::move(fields.source),
                 std::move(fields.policy_arns)};
}

ProfileCatalog::ProfileCatalog(std::vector<Profile> custom) : custom_(std::move(custom)) {}

const Profile* ProfileCatalog::Find(std::string_view name) const {
  for (const Profile& profile : custom_) {
    if (profile.name == name) return &profile;
  }
  for (const Profile& profile : BuiltinProfiles()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

Result<const Profile*> ProfileCatalog::Require(std::string_view name) const {
  if (const Profile* profile = Find(name)) return profile;
  const std::string closest = ClosestName(name, Names());
  return PolicyError(
      fmt::format("unknown profile \"{}\"{}; tryaudex policies list shows the profiles", name,
                  closest.empty() ? "" : fmt::format(" (did you mean {}?)", closest)));
}

bool ProfileCatalog::IsShadowed(std::string_view name) const {
  bool builtin = false, custom = false;
  for (const Profile& profile : BuiltinProfiles()) builtin = builtin || profile.name == name;
  for (const Profile& profile : custom_) custom = custom || profile.name == name;
  return builtin && custom;
}

std::vector<const Profile*> ProfileCatalog::All() const {
  std::vector<const Profile*> all;
  for (const Profile& profile : BuiltinProfiles()) all.push_back(Find(profile.name));
  for (const Profile& profile : custom_) {
    if (!IsShadowed(profile.name)) all.push_back(&profile);
  }
  return all;
}

std::vector<std::string> ProfileCatalog::Names() const {
  std::vector<std::string> names;
  for (const Profile* profile : All()) names.push_back(profile->name);
  return names;
}

}  // namespace audex
