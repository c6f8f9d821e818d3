// `tryaudex credential-process`: prints scoped credentials as the AWS
// credential_process JSON (Version 1) for the AWS CLI and SDKs to read from
// ~/.aws/config (cloud-facts.md, "Credentials handed to children and
// SDKs"). The SDKs do not cache what it prints, so it uses the encrypted
// credential cache unless --no-cache. Errors go to stderr, without secrets.
#pragma once

#include "cli/cli_context.h"
#include "core/plan/session_request.h"

namespace CLI {
class App;
}

namespace audex {

// The request flags shared with `setup-profile`, which writes them into
// the credential_process line.
struct CredentialRequestOptions {
  SessionRequest request;  // AWS; --allow/--profile, --ttl, --role-arn, ...
  bool no_cache = false;
  // --base-profile: the AWS profile tryaudex reads its own base credentials
  // from, in place of AWS_PROFILE (or default). A stanza that names one
  // works when AWS_PROFILE selects the stanza itself
  // (`AWS_PROFILE=audex-ro terraform plan`).
  std::optional<std::string> base_profile;
};

// Adds the shared flags to `command`.
void AddCredentialRequestFlags(CLI::App& command, CredentialRequestOptions& options);

// The request credential-process plans: AWS, cached unless --no-cache, no
// child. kUsage without --profile or --allow (`command` names the command
// for the message).
Result<SessionRequest> CredentialRequestFor(const CredentialRequestOptions& options,
                                            std::string_view command);

Result<int> RunCredentialProcessCommand(const CredentialRequestOptions& options,
                                        const CliContext& context);

}  // namespace audex
