// The list is of operations whose documented response carries a secret that
// authenticates to AWS or to an AWS-run service: each service's API
// reference, response elements (e.g. STS AssumeRole "Credentials", ECR
// GetAuthorizationToken "authorizationData", IAM CreateAccessKey
// "AccessKey"). Calls where the caller supplies the secret itself
// (iam:CreateLoginProfile) hand it nothing new and are not listed.
#include "core/wire/credential_calls.h"

#include <array>

#include <fmt/format.h>

namespace audex {
namespace {

constexpr std::array<CredentialCall, 23> kCredentialCalls = {{
    // STS (API reference, "Actions"); AssumeRoot, GetScopedCredentials and
    // GetWebIdentityToken are newer than the pinned models, and STS names
    // its operation in Action= whatever the models know.
    {"STS", "AssumeRole", "temporary credentials of another role"},
    {"STS", "AssumeRoleWithSAML", "temporary credentials of a role"},
    {"STS", "AssumeRoleWithWebIdentity", "temporary credentials of a role"},
    {"STS", "AssumeRoot", "temporary root credentials of a member account"},
    {"STS", "GetFederationToken", "temporary credentials for a federated user"},
    {"STS", "GetScopedCredentials", "temporary credentials"},
    {"STS", "GetSessionToken", "temporary credentials"},
    {"STS", "GetWebIdentityToken", "a signed web identity token"},
    // IAM Identity Center and its OIDC service.
    {"SSO", "GetRoleCredentials", "temporary credentials of a permission set's role"},
    {"SSO OIDC", "CreateToken", "an IAM Identity Center access token"},
    {"SSO OIDC", "CreateTokenWithIAM", "an IAM Identity Center access token"},
    // Cognito identity pools.
    {"Cognito Identity", "GetCredentialsForIdentity", "temporary credentials"},
    {"Cognito Identity", "GetOpenIdToken", "an OpenID token that AssumeRoleWithWebIdentity takes"},
    {"Cognito Identity", "GetOpenIdTokenForDeveloperIdentity",
     "an OpenID token that AssumeRoleWithWebIdentity takes"},
    // Long-term secrets of IAM users.
    {"IAM", "CreateAccessKey", "a long-term access key"},
    {"IAM", "CreateServiceSpecificCredential", "a service-specific password"},
    {"IAM", "ResetServiceSpecificCredential", "a service-specific password"},
    // Passwords and tokens for AWS-run registries and databases.
    {"ECR", "GetAuthorizationToken", "a container registry password"},
    {"ECR PUBLIC", "GetAuthorizationToken", "a container registry password"},
    {"codeartifact", "GetAuthorizationToken", "a package repository token"},
    {"Redshift", "GetClusterCredentials", "a temporary database password"},
    {"Redshift", "GetClusterCredentialsWithIAM", "a temporary database password"},
    {"Redshift Serverless", "GetCredentials", "a temporary database password"},
}};

}  // namespace

std::span<const CredentialCall> KnownCredentialCalls() { return kCredentialCalls; }

const CredentialCall* FindCredentialCall(std::string_view service_id, std::string_view operation) {
  for (const CredentialCall& call : kCredentialCalls) {
    if (call.service_id == service_id && call.operation == operation) return &call;
  }
  return nullptr;
}

std::optional<AwsRefusal> RefuseCredentialCall(const AwsRoute& route) {
  if (route.service == nullptr) return std::nullopt;
  const CredentialCall* call = FindCredentialCall(route.service->service_id, route.operation);
  if (call == nullptr) return std::nullopt;
  return AwsRefusal{
      403, "AccessDenied",
      fmt::format("{} {} would hand the command {}, a working credential that tryaudex run "
                  "--broker keeps from it; Audex's endpoint refused it and forwarded nothing. If "
                  "the command needs it, add --allow-credential-calls (what it is given is then "
                  "outside the broker's record), or run without --broker",
                  call->service_id, call->operation, call->gives)};
}

}  // namespace audex
