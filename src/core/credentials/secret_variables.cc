#include "core/credentials/secret_variables.h"

#include <algorithm>
#include <iterator>

namespace audex {
namespace {

constexpr std::string_view kSecretVariables[] = {
    // AWS: the secret half of a key pair, session tokens, and the token a
    // container credential endpoint checks.
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    // Google Cloud: access tokens, and the variables Terraform and older
    // SDKs accept a service-account key's JSON in (not only its path).
    "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "GOOGLE_CREDENTIALS",
    "GOOGLE_CLOUD_KEYFILE_JSON",
    "GCLOUD_KEYFILE_JSON",
    // Azure: client secrets and passwords, the managed-identity endpoints'
    // shared secrets, Terraform's equivalents.
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_PASSWORD",
    "IDENTITY_HEADER",
    "MSI_SECRET",
    "ARM_CLIENT_SECRET",
    "ARM_CLIENT_CERTIFICATE_PASSWORD",
    "ARM_OIDC_TOKEN",
    "ARM_ACCESS_KEY",
    // Audex's own: the Anthropic API key of `intent`, the team server's token.
    "ANTHROPIC_API_KEY",
    "AUDEX_SERVER_TOKEN",
};

}  // namespace

std::span<const std::string_view> SecretVariableNames() { return kSecretVariables; }

bool IsSecretVariable(std::string_view name) {
  return std::find(std::begin(kSecretVariables), std::end(kSecretVariables), name) !=
         std::end(kSecretVariables);
}

}  // namespace audex
