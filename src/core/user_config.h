// The user's settings from config.toml, already checked by the loader.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/provider.h"

namespace audex {

struct UserConfig {
  std::optional<Provider> provider;
  std::optional<std::chrono::seconds> ttl;
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  std::optional<std::string> gcp_service_account;  // else AUDEX_GCP_SERVICE_ACCOUNT
  std::optional<std::string> gcp_project;          // else AUDEX_GCP_PROJECT
  std::optional<std::string> azure_subscription_id;
  // The organisation allows service-account tokens up to 12 h (org policy
  // constraints/iam.allowServiceAccountCredentialLifetimeExtension).
  bool gcp_token_lifetime_extension = false;
  std::string source;  // the file, for messages; empty when there is none
};

}  // namespace audex
