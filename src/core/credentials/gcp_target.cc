#include "core/credentials/gcp_target.h"

#include <fmt/format.h>

namespace audex {
namespace {

Result<void> CheckServiceAccount(const std::string& account, const std::string& source) {
  const bool numeric_id =
      !account.empty() && account.find_first_not_of("0123456789") == std::string::npos;
  const bool email = account.find('@') != std::string::npos &&
                     account.find('/') == std::string::npos &&
                     account.find(' ') == std::string::npos;
  if (!numeric_id && !email) {
    return UsageError(
        fmt::format("{}: \"{}\" is not a service account: give its email, e.g. "
                    "audex@my-project.iam.gserviceaccount.com",
                    source, account));
  }
  return {};
}

}  // namespace

GcpEndpoints ResolveGcpEndpoints(const EnvLookup& env) {
  GcpEndpoints endpoints;
  if (auto url = NonEmptyVariable(env, "AUDEX_GCP_OAUTH_TOKEN_URL")) {
    endpoints.oauth_token_url = *url;
    endpoints.oauth_token_url_overridden = true;
  } else {
    endpoints.oauth_token_url = "https://oauth2.googleapis.com/token";
  }
  endpoints.iamcredentials_url = NonEmptyVariable(env, "AUDEX_GCP_IAMCREDENTIALS_URL")
                                     .value_or("https://iamcredentials.googleapis.com/");
  endpoints.sts_url =
      NonEmptyVariable(env, "AUDEX_GCP_STS_URL").value_or("https://sts.googleapis.com/v1/token");
  endpoints.metadata_host =
      NonEmptyVariable(env, "GCE_METADATA_HOST").value_or("metadata.google.internal");
  return endpoints;
}

std::string ResolveGcpProject(const EnvLookup& env, const UserConfig& config) {
  return NonEmptyVariable(env, "AUDEX_GCP_PROJECT").value_or(config.gcp_project.value_or(""));
}

Result<GcpTarget> ResolveGcpTarget(const std::optional<std::string>& role_arn, const EnvLookup& env,
                                   const UserConfig& config) {
  GcpTarget target;
  if (role_arn && !role_arn->empty()) {
    target.service_account = *role_arn;
    target.source = "--role-arn";
  } else if (auto account = NonEmptyVariable(env, "AUDEX_GCP_SERVICE_ACCOUNT")) {
    target.service_account = *account;
    target.source = "AUDEX_GCP_SERVICE_ACCOUNT";
  } else if (config.gcp_service_account && !config.gcp_service_account->empty()) {
    target.service_account = *config.gcp_service_account;
    target.source = "gcp_service_account in " + config.source;
  } else {
    return UsageError(
        "no service account to impersonate for GCP: pass --role-arn SA_EMAIL, set "
        "AUDEX_GCP_SERVICE_ACCOUNT, or set gcp_service_account in config.toml");
  }
  if (auto checked = CheckServiceAccount(target.service_account, target.source); !checked) {
    return tl::unexpected(checked.error());
  }
  target.project = ResolveGcpProject(env, config);
  target.endpoints = ResolveGcpEndpoints(env);
  return target;
}

}  // namespace audex
