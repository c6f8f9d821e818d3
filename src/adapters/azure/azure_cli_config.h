// The Azure CLI's side of a session: the HTTP settings Azure's tools read,
// finding the identity's token with the CLI when it is installed, and the
// fresh AZURE_CONFIG_DIR an `az` child runs with (the user's cloud
// definitions, none of their logins).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "adapters/azure/azure_credentials.h"
#include "adapters/http/curl_http_client.h"
#include "core/base/env.h"
#include "core/base/result.h"
#include "core/credentials/azure_identity.h"

namespace audex {

// REQUESTS_CA_BUNDLE (read by the Azure CLI and SDKs), before AWS_CA_BUNDLE.
CurlHttpOptions AzureHttpOptions(const EnvLookup& env);

// The same with short timeouts for IMDS: off Azure nothing answers there.
CurlHttpOptions AzureImdsHttpOptions(const EnvLookup& env);

// ResolveAzureToken with the Azure CLI tried when `az` is on env's PATH;
// `az` runs with exactly `environment` (World::environment: Audex's own
// has had its secrets erased). `now` dates replies that say `expires_in`.
Result<AzureAccessToken> FindAzureToken(
    const EnvLookup& env, const Environment& environment, const AzureCloud& cloud, HttpClient& http,
    HttpClient& imds_http,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The user's Azure CLI configuration directory: AZURE_CONFIG_DIR, else
// ~/.azure.
std::filesystem::path UserAzureConfigDir(const EnvLookup& env);

// The active cloud in the CLI's `config` file ([cloud] name = X); nullopt
// when there is none or the file cannot be read.
std::optional<std::string> UserActiveCloud(const std::filesystem::path& config_dir);

// Fills the fresh directory `dir`: the user's cloud definitions
// (clouds.config: endpoints, no secrets) and active cloud (unless
// AZURE_CLOUD names one), and, with a subscription, a profile whose one
// subscription is used through the managed identity — the session's
// loopback endpoint. kState naming the file when one cannot be written.
Result<void> PrepareAzureCliConfig(const std::filesystem::path& dir, const EnvLookup& env,
                                   const AzureTarget& target, const AzureAccessToken& token);

}  // namespace audex
