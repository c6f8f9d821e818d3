// The environment a child process receives: the session's credentials
// injected, and every variable through which an SDK could reach the
// parent's broader credentials removed. Computing it is separate from
// spawning the child (aws-vault's exec does the same split).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/aws_credentials.h"
#include "core/provider.h"

namespace audex {

using Environment = std::vector<std::pair<std::string, std::string>>;

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
  std::string expiration_rfc3339;  // AWS_CREDENTIAL_EXPIRATION
  // A file that holds no credentials, for AWS_SHARED_CREDENTIALS_FILE and
  // AWS_CONFIG_FILE, so `--profile admin` in the child finds nothing.
  std::string empty_file = "/dev/null";
};

// The child's environment: the parent's, minus scrubbed variables, plus the
// injected ones. The parent's order is kept; injected variables come last.
Environment ComputeAwsChildEnvironment(const AwsChildInput& input);

// Sets `name` to `value`, replacing an earlier value in place or appending.
void SetVariable(Environment& environment, const std::string& name, const std::string& value);

// Removes every variable called `name`.
void UnsetVariable(Environment& environment, std::string_view name);

}  // namespace audex
