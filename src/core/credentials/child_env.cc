#include "core/credentials/child_env.h"

#include <algorithm>

namespace audex {

std::vector<std::string> InjectedVariableNames(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return {"AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY",
              "AWS_SESSION_TOKEN",
              "AWS_CREDENTIAL_EXPIRATION",
              "AWS_REGION",
              "AWS_DEFAULT_REGION",
              "AUDEX_SESSION_ID",
              "AUDEX_SESSION_TAG",
              "AWS_SHARED_CREDENTIALS_FILE",
              "AWS_CONFIG_FILE",
              "AWS_EC2_METADATA_DISABLED"};
    case Provider::kGcp:
      return {"CLOUDSDK_AUTH_ACCESS_TOKEN",
              "GOOGLE_OAUTH_ACCESS_TOKEN",
              "CLOUDSDK_CORE_PROJECT",
              "CLOUDSDK_CONFIG",
              "BOTO_CONFIG",
              "GCE_METADATA_HOST",
              "GCE_METADATA_IP",
              "GCE_METADATA_ROOT",
              "NO_GCE_CHECK",
              "AUDEX_SESSION_ID"};
    case Provider::kAzure:
      return {"MSI_ENDPOINT",     "IDENTITY_ENDPOINT",     "IDENTITY_HEADER",
              "AZURE_CONFIG_DIR", "AZURE_SUBSCRIPTION_ID", "AUDEX_SESSION_ID"};
  }
  return {};
}

bool IsScrubbedAwsVariable(std::string_view name) {
  static constexpr std::string_view kExact[] = {"AWS_ACCESS_KEY_ID",
                                                "AWS_SECRET_ACCESS_KEY",
                                                "AWS_SESSION_TOKEN",
                                                "AWS_SECURITY_TOKEN",
                                                "AWS_PROFILE",
                                                "AWS_DEFAULT_PROFILE",
                                                "AWS_WEB_IDENTITY_TOKEN_FILE",
                                                "AWS_ROLE_ARN",
                                                "AWS_ROLE_SESSION_NAME",
                                                "AWS_CREDENTIAL_EXPIRATION",
                                                "AWS_SHARED_CREDENTIALS_FILE",
                                                "AWS_CONFIG_FILE",
                                                "AWS_EC2_METADATA_DISABLED",
                                                "AWS_REGION",
                                                "AWS_DEFAULT_REGION",
                                                "AUDEX_SESSION_ID",
                                                "AUDEX_SESSION_TAG",
                                                "AWS_VAULT",
                                                "AWS_SSO_SESSION"};
  // AWS_CONTAINER_CREDENTIALS_*_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]
  // hand out a container's role credentials to any SDK that sees them.
  if (name.rfind("AWS_CONTAINER_", 0) == 0) return true;
  return std::find(std::begin(kExact), std::end(kExact), name) != std::end(kExact);
}

Environment ComputeAwsChildEnvironment(const AwsChildInput& input) {
  Environment child;
  for (const auto& [name, value] : input.parent) {
    if (!IsScrubbedAwsVariable(name)) child.emplace_back(name, value);
  }
  child.emplace_back("AWS_ACCESS_KEY_ID", input.session.access_key_id);
  child.emplace_back("AWS_SECRET_ACCESS_KEY", input.session.secret_access_key.Reveal());
  child.emplace_back("AWS_SESSION_TOKEN", input.session.session_token.Reveal());
  child.emplace_back("AWS_CREDENTIAL_EXPIRATION", input.expiration_rfc3339);
  child.emplace_back("AWS_REGION", input.region);
  child.emplace_back("AWS_DEFAULT_REGION", input.region);
  child.emplace_back("AUDEX_SESSION_ID", input.session_id);
  // What to tag created resources with (README, "--tag-session"); a
  // replay's tag names the session it replays.
  child.emplace_back("AUDEX_SESSION_TAG", input.session_tag);
  child.emplace_back("AWS_SHARED_CREDENTIALS_FILE", input.empty_file);
  child.emplace_back("AWS_CONFIG_FILE", input.empty_file);
  // Without this an SDK that found no other credentials would ask the EC2
  // instance metadata service for the machine's own role.
  child.emplace_back("AWS_EC2_METADATA_DISABLED", "true");
  return child;
}

bool IsScrubbedGcpVariable(std::string_view name) {
  static constexpr std::string_view kExact[] = {
      "GOOGLE_APPLICATION_CREDENTIALS",
      "GOOGLE_OAUTH_ACCESS_TOKEN",
      "GOOGLE_CREDENTIALS",
      "GOOGLE_CLOUD_KEYFILE_JSON",
      "GCLOUD_KEYFILE_JSON",
      "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
      "CLOUDSDK_CONFIG",
      "CLOUDSDK_AUTH_ACCESS_TOKEN",
      "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
      "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
      "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT",
      "CLOUDSDK_CORE_ACCOUNT",
      "BOTO_CONFIG",
      "BOTO_PATH",
      "GCE_METADATA_HOST",
      "GCE_METADATA_IP",
      "GCE_METADATA_ROOT",
      "NO_GCE_CHECK",
      "AUDEX_SESSION_ID",
  };
  return std::find(std::begin(kExact), std::end(kExact), name) != std::end(kExact);
}

Environment ComputeGcpChildEnvironment(const GcpChildInput& input) {
  Environment child;
  std::string parent_project;
  for (const auto& [name, value] : input.parent) {
    if (name == "CLOUDSDK_CORE_PROJECT") {
      parent_project = value;
      continue;
    }
    if (!IsScrubbedGcpVariable(name)) child.emplace_back(name, value);
  }
  child.emplace_back("CLOUDSDK_AUTH_ACCESS_TOKEN", input.token);
  child.emplace_back("GOOGLE_OAUTH_ACCESS_TOKEN", input.token);
  const std::string project = input.project.empty() ? parent_project : input.project;
  if (!project.empty()) child.emplace_back("CLOUDSDK_CORE_PROJECT", project);
  // A fresh gcloud configuration directory: the user's holds their own
  // login and application default credentials.
  child.emplace_back("CLOUDSDK_CONFIG", input.config_dir);
  child.emplace_back("BOTO_CONFIG", input.empty_file);
  // The metadata server would hand any SDK the machine's own service
  // account; point every way of finding it at a closed loopback port.
  child.emplace_back("GCE_METADATA_HOST", kClosedLoopbackPort);
  child.emplace_back("GCE_METADATA_IP", kClosedLoopbackPort);
  child.emplace_back("GCE_METADATA_ROOT", kClosedLoopbackPort);
  child.emplace_back("NO_GCE_CHECK", "True");
  child.emplace_back("AUDEX_SESSION_ID", input.session_id);
  return child;
}

bool IsScrubbedAzureVariable(std::string_view name) {
  static constexpr std::string_view kExact[] = {
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_TENANT_ID",
      "AZURE_CLIENT_CERTIFICATE_PATH",
      "AZURE_CLIENT_CERTIFICATE_PASSWORD",
      "AZURE_USERNAME",
      "AZURE_PASSWORD",
      "AZURE_FEDERATED_TOKEN_FILE",
      "AZURE_CONFIG_DIR",
      "AZURE_SUBSCRIPTION_ID",
      "MSI_ENDPOINT",
      "MSI_SECRET",
      "IDENTITY_ENDPOINT",
      "IDENTITY_HEADER",
      "IDENTITY_SERVER_THUMBPRINT",
      "IMDS_ENDPOINT",
      "APPSETTING_WEBSITE_SITE_NAME",
      "ARM_CLIENT_ID",
      "ARM_CLIENT_SECRET",
      "ARM_TENANT_ID",
      "ARM_CLIENT_CERTIFICATE_PATH",
      "ARM_CLIENT_CERTIFICATE_PASSWORD",
      "ARM_OIDC_TOKEN",
      "ARM_OIDC_TOKEN_FILE_PATH",
      "ARM_USE_MSI",
      "ARM_MSI_ENDPOINT",
      "ARM_ACCESS_KEY",
      "AUDEX_SESSION_ID",
  };
  return std::find(std::begin(kExact), std::end(kExact), name) != std::end(kExact);
}

Environment ComputeAzureChildEnvironment(const AzureChildInput& input) {
  Environment child;
  for (const auto& [name, value] : input.parent) {
    if (!IsScrubbedAzureVariable(name)) child.emplace_back(name, value);
  }
  // The Azure CLI (msrestazure) posts to MSI_ENDPOINT; the Azure SDKs'
  // managed identity credential uses IDENTITY_ENDPOINT + IDENTITY_HEADER.
  // Both lead to Audex's loopback endpoint, which serves the session token
  // until the TTL and nothing after.
  child.emplace_back("MSI_ENDPOINT", input.msi_endpoint);
  child.emplace_back("IDENTITY_ENDPOINT", input.identity_endpoint);
  child.emplace_back("IDENTITY_HEADER", input.identity_header);
  child.emplace_back("AZURE_CONFIG_DIR", input.config_dir);
  if (!input.subscription_id.empty()) {
    child.emplace_back("AZURE_SUBSCRIPTION_ID", input.subscription_id);
  }
  child.emplace_back("AUDEX_SESSION_ID", input.session_id);
  return child;
}

}  // namespace audex
