#include "core/child_env.h"

#include <algorithm>

namespace audex {

std::vector<std::string> InjectedVariableNames(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
              "AWS_REGION",        "AWS_DEFAULT_REGION",
              "AUDEX_SESSION_ID",  "AWS_SHARED_CREDENTIALS_FILE",
              "AWS_CONFIG_FILE",   "AWS_EC2_METADATA_DISABLED"};
    case Provider::kGcp:
      return {"CLOUDSDK_AUTH_ACCESS_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_CORE_PROJECT",
              "AUDEX_SESSION_ID"};
    case Provider::kAzure:
      return {"AZURE_SUBSCRIPTION_ID", "AUDEX_SESSION_ID"};
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
  child.emplace_back("AWS_SHARED_CREDENTIALS_FILE", input.empty_file);
  child.emplace_back("AWS_CONFIG_FILE", input.empty_file);
  // Without this an SDK that found no other credentials would ask the EC2
  // instance metadata service for the machine's own role.
  child.emplace_back("AWS_EC2_METADATA_DISABLED", "true");
  return child;
}

void SetVariable(Environment& environment, const std::string& name, const std::string& value) {
  for (auto& [existing, old_value] : environment) {
    if (existing == name) {
      old_value = value;
      return;
    }
  }
  environment.emplace_back(name, value);
}

void UnsetVariable(Environment& environment, std::string_view name) {
  environment.erase(std::remove_if(environment.begin(), environment.end(),
                                   [&](const auto& entry) { return entry.first == name; }),
                    environment.end());
}

}  // namespace audex
