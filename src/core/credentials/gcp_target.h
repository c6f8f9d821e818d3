// Where a GCP session's token comes from and goes to: the service account
// it impersonates (--role-arn, AUDEX_GCP_SERVICE_ACCOUNT,
// gcp_service_account), the project, and the endpoints of Google's identity
// services (each overridable, for private clouds and tests).
#pragma once

#include <optional>
#include <string>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/plan/user_config.h"

namespace audex {

struct GcpEndpoints {
  std::string oauth_token_url;  // AUDEX_GCP_OAUTH_TOKEN_URL, else the file's token_uri
  bool oauth_token_url_overridden = false;
  std::string iamcredentials_url;  // AUDEX_GCP_IAMCREDENTIALS_URL (base, e.g. http://h:p/)
  std::string sts_url;             // AUDEX_GCP_STS_URL (the whole token URL)
  std::string metadata_host;       // GCE_METADATA_HOST, else metadata.google.internal
};

GcpEndpoints ResolveGcpEndpoints(const EnvLookup& env);

struct GcpTarget {
  std::string service_account;
  std::string source;   // "--role-arn", "AUDEX_GCP_SERVICE_ACCOUNT", "gcp_service_account in FILE"
  std::string project;  // AUDEX_GCP_PROJECT or gcp_project; may be empty
  GcpEndpoints endpoints;
};

// The project a GCP session's child works in: AUDEX_GCP_PROJECT, else
// gcp_project in config.toml; empty when neither is set.
std::string ResolveGcpProject(const EnvLookup& env, const UserConfig& config);

// --role-arn (a service account email for GCP), else AUDEX_GCP_SERVICE_ACCOUNT,
// else gcp_service_account in config.toml. Errors are kUsage.
Result<GcpTarget> ResolveGcpTarget(const std::optional<std::string>& role_arn, const EnvLookup& env,
                                   const UserConfig& config);

}  // namespace audex
