// The user's settings from config.toml, already checked by the loader.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/base/secret.h"
#include "core/policy/network_binding.h"
#include "core/policy/provider.h"

namespace audex {

struct UserConfig {
  std::optional<Provider> provider;
  std::optional<std::chrono::seconds> ttl;
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  std::optional<bool> serve;         // run as with --serve (README, "--serve")
  std::optional<bool> cache;         // run as with --cache (README, "Credential cache")
  std::optional<bool> sandbox;       // false: as with --no-sandbox (README, "Threat model")
  std::optional<std::string> model;  // the Claude model for tryaudex intent
  // Managed policies every AWS session gets as further session policies: a
  // company-wide ceiling (README, "Managed-policy ceilings").
  std::vector<std::string> policy_arns;
  // Guard rails for `tryaudex mcp` (core/mcp_guard.h). Unset allowed
  // commands means an agent may run nothing.
  std::optional<std::vector<std::string>> mcp_allowed_commands;
  std::optional<std::chrono::seconds> mcp_max_ttl;
  std::optional<std::vector<std::string>> mcp_allowed_profiles;
  std::vector<std::string> mcp_allowed_roles;      // besides the configured role
  std::optional<std::string> gcp_service_account;  // else AUDEX_GCP_SERVICE_ACCOUNT
  std::optional<std::string> gcp_project;          // else AUDEX_GCP_PROJECT
  std::optional<std::string> azure_subscription_id;
  // The organisation allows service-account tokens up to 12 h (org policy
  // constraints/iam.allowServiceAccountCredentialLifetimeExtension).
  bool gcp_token_lifetime_extension = false;
  // The team server to ask instead of STS (docs/team-mode.md, "Clients"):
  // else AUDEX_SERVER / AUDEX_SERVER_TOKEN.
  std::optional<std::string> server_url;
  std::optional<SecretString> server_token;
  // [network]: where AWS sessions may be used from (README, "Network
  // binding"). It applies to every session, whatever a flag or an agent asks.
  std::optional<NetworkBinding> network;
  std::string source;  // the file, for messages; empty when there is none
};

}  // namespace audex
