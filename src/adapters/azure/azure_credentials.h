// The Azure access token a session runs with: an ARM token for the
// identity Audex finds, from client credentials, a managed-identity
// endpoint, the Azure CLI or the instance metadata service.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/config/paths.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/azure_identity.h"

namespace audex {

struct AzureAccessToken {
  SecretString token;
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where it came from ("client credentials of app ID in tenant T",
  // "managed identity (IDENTITY_ENDPOINT)", "Azure CLI"); never the value.
  std::string source;
  std::optional<std::string> tenant_id;
  std::optional<std::string> subscription_id;  // the Azure CLI reports one
};

// Runs a command line and returns its stdout (RunCredentialProcess's shape).
using AzureCliRunner =
    std::function<Result<std::string>(const std::string& command, std::string_view label)>;

struct AzureTokenOptions {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  AzureCliRunner run_cli;  // unset: the Azure CLI is not tried
  bool cli_available = false;
};

// Tries, in order:
//  1. AZURE_CLIENT_ID + AZURE_CLIENT_SECRET + AZURE_TENANT_ID: the client
//     credentials grant at {authority}/{tenant}/oauth2/v2.0/token with
//     scope {arm}.default (AZURE_AUTHORITY_HOST, AZURE_CLOUD);
//  2. IDENTITY_ENDPOINT + IDENTITY_HEADER (managed identity, 2019-08-01);
//  3. MSI_ENDPOINT (managed identity: POST resource=..., Metadata: true,
//     with MSI_SECRET as `secret` when set, 2017-09-01);
//  4. the Azure CLI: az account get-access-token --resource {arm};
//  5. IMDS (IMDS_ENDPOINT, else http://169.254.169.254) through `imds_http`.
// Errors are kCredentials, say where Audex looked and how to log in, and
// never hold a secret or token.
Result<AzureAccessToken> ResolveAzureToken(const EnvLookup& env, const AzureCloud& cloud,
                                           HttpClient& http, HttpClient& imds_http,
                                           const AzureTokenOptions& options = {});

}  // namespace audex
