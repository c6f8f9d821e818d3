// Azure identity facts Audex needs, as pure functions: the clouds
// (public and sovereign) and their endpoints, the token replies' expiry
// forms, and the Azure CLI profile that lets an `az` child use the
// session's managed-identity endpoint without `az login`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/plan/user_config.h"

namespace audex {

struct AzureCloud {
  std::string name;  // the Azure CLI's name: AzureCloud, AzureUSGovernment, AzureChinaCloud
  std::string authority_host;  // https://login.microsoftonline.com
  std::string arm_resource;    // https://management.azure.com/ (the token's audience)
};

// AZURE_CLOUD (AzureCloud when unset; "AzurePublicCloud", "AzureUSGovernment",
// "AzureChinaCloud" and the CLI's names accepted, case-insensitively), with
// AZURE_AUTHORITY_HOST overriding the authority. Errors are kUsage.
Result<AzureCloud> ResolveAzureCloud(const std::optional<std::string>& cloud,
                                     const std::optional<std::string>& authority_host);

// Where an Azure session's token comes from and goes to.
struct AzureTarget {
  AzureCloud cloud;
  std::string subscription_id;  // AZURE_SUBSCRIPTION_ID or azure_subscription_id; may be empty
};

// The cloud from AZURE_CLOUD and AZURE_AUTHORITY_HOST (ResolveAzureCloud),
// the subscription from AZURE_SUBSCRIPTION_ID, else azure_subscription_id.
Result<AzureTarget> ResolveAzureTarget(const EnvLookup& env, const UserConfig& config);

// The expiry of a token reply: `expires_on` as epoch seconds (number or
// string, IMDS and 2019-08-01) or "MM/DD/YYYY HH:MM:SS +00:00" (App Service
// 2017-09-01), else `expires_in` seconds after `now`.
std::optional<std::chrono::system_clock::time_point> AzureTokenExpiry(
    const nlohmann::json& reply, std::chrono::system_clock::time_point now);

// The tenant id (`tid` claim) of an access token that is a JWT; nullopt
// when the token is not one. Reads the claims without checking the signature:
// only for labelling the child's CLI profile.
std::optional<std::string> JwtTenantId(std::string_view token);

// azureProfile.json for a fresh AZURE_CONFIG_DIR: one default subscription
// whose user is the system-assigned managed identity, so that `az` asks
// MSI_ENDPOINT (the session's loopback endpoint) for every token.
std::string AzureCliProfileJson(const std::string& subscription_id, const std::string& tenant_id,
                                const std::string& cloud_name);

}  // namespace audex
