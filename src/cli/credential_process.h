// `tryaudex credential-process`: prints scoped credentials as the AWS
// credential_process JSON (Version 1) for the AWS CLI and SDKs to read from
// ~/.aws/config (cloud-facts.md, "Credentials handed to children and
// SDKs"). The SDKs do not cache what it prints, so it uses the encrypted
// credential cache unless --no-cache. Errors go to stderr, without secrets.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

// The request flags shared with `setup-profile`, which writes them into
// the credential_process line.
struct CredentialRequestOptions {
  std::optional<std::string> allow;
  std::optional<std::string> profile;
  std::optional<std::string> resource;
  std::optional<std::string> ttl;
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  std::optional<std::string> source_identity;
  bool allow_unknown = false;
  bool no_cache = false;
  bool scope_current = false;
};

// Adds the shared flags to `command`.
void AddCredentialRequestFlags(CLI::App& command, CredentialRequestOptions& options);

void AddCredentialProcessCommand(CLI::App& app, CredentialRequestOptions& options);
Result<int> RunCredentialProcessCommand(const CredentialRequestOptions& options,
                                        const CliContext& context);

}  // namespace audex
