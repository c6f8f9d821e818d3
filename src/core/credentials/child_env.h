// The environment a child process receives: the session's credentials
// injected, and every variable through which an SDK could reach the
// parent's broader credentials removed. Computing it is separate from
// spawning the child (aws-vault's exec does the same split).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/base/env.h"
#include "core/credentials/aws_credentials.h"
#include "core/policy/provider.h"

namespace audex {

// Variables Audex sets for the child, per provider (README, "Child environment").
std::vector<std::string> InjectedVariableNames(Provider provider);

// True for a variable that must never reach an AWS child: base keys,
// profiles, container and web-identity credential sources, and the shared
// files that could name another profile (README, "Child environment").
bool IsScrubbedAwsVariable(std::string_view name);

struct AwsChildInput {
  Environment parent;  // the parent's environment, in order
  AwsCredentials session;
  std::string region;
  std::string session_id;
  std::string session_tag;         // AUDEX_SESSION_TAG: "audex-session=<id>"
  std::string expiration_rfc3339;  // AWS_CREDENTIAL_EXPIRATION
  // A file that holds no credentials, for AWS_SHARED_CREDENTIALS_FILE and
  // AWS_CONFIG_FILE, so `--profile admin` in the child finds nothing.
  std::string empty_file = "/dev/null";
};

// The child's environment: the parent's, minus scrubbed variables, plus the
// injected ones. The parent's order is kept; injected variables come last.
Environment ComputeAwsChildEnvironment(const AwsChildInput& input);

// True for a variable through which a Google SDK, gcloud, gsutil or the
// Terraform provider could reach the parent's broader credentials
// (README, "Child environment").
bool IsScrubbedGcpVariable(std::string_view name);

// Nothing listens on port 1 of the loopback address: connections fail at once.
inline constexpr const char* kClosedLoopbackPort = "127.0.0.1:1";

struct GcpChildInput {
  Environment parent;
  std::string token;    // the session's access token
  std::string project;  // CLOUDSDK_CORE_PROJECT; empty keeps the parent's
  std::string session_id;
  std::string config_dir;  // a fresh, empty directory for CLOUDSDK_CONFIG
  std::string empty_file = "/dev/null";
};

// The child's environment for GCP: scrubbed variables removed, the token
// in CLOUDSDK_AUTH_ACCESS_TOKEN (gcloud) and GOOGLE_OAUTH_ACCESS_TOKEN
// (Terraform), a fresh CLOUDSDK_CONFIG, the metadata server unreachable.
Environment ComputeGcpChildEnvironment(const GcpChildInput& input);

// True for a variable through which the Azure CLI, an Azure SDK or the
// Terraform provider could reach the parent's own identity.
bool IsScrubbedAzureVariable(std::string_view name);

struct AzureChildInput {
  Environment parent;
  std::string msi_endpoint;       // Audex's loopback endpoint for the az CLI
  std::string identity_endpoint;  // the same, App Service 2019-08-01 style, for the SDKs
  std::string identity_header;    // the random per-session secret it checks
  std::string config_dir;         // a fresh AZURE_CONFIG_DIR with a managed-identity profile
  std::string subscription_id;    // empty: none set
  std::string session_id;
};

// The child's environment for Azure: scrubbed variables removed, the
// session's identity endpoints and a fresh CLI configuration added. The
// token itself is served by the endpoint, never placed in the environment.
Environment ComputeAzureChildEnvironment(const AzureChildInput& input);

}  // namespace audex
