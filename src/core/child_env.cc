#include "core/child_env.h"

namespace audex {

std::vector<std::string> InjectedVariableNames(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
              "AWS_REGION",        "AWS_DEFAULT_REGION",
              "AUDEX_SESSION_ID"};
    case Provider::kGcp:
      return {"CLOUDSDK_AUTH_ACCESS_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_CORE_PROJECT",
              "AUDEX_SESSION_ID"};
    case Provider::kAzure:
      return {"AZURE_SUBSCRIPTION_ID", "AUDEX_SESSION_ID"};
  }
  return {};
}

}  // namespace audex
