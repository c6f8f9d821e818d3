#include "cli/credential_process.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "cli/aws_session.h"
#include "cli/exit_codes.h"
#include "cli/run.h"
#include "core/rfc3339.h"
#include "core/ttl.h"

namespace audex {
namespace {

// Set while tryaudex credential-process looks for its base credentials.
constexpr char kNestedVariable[] = "AUDEX_IN_CREDENTIAL_PROCESS";

}  // namespace

void AddCredentialRequestFlags(CLI::App& command, CredentialRequestOptions& options) {
  command.add_option("--allow", options.allow,
                     "Comma-separated actions, wildcards or universal names");
  command.add_option("--profile", options.profile, "A built-in or custom profile name");
  command.add_option("--resource", options.resource, "Comma-separated resource ARNs");
  command.add_option("--ttl", options.ttl, "Credential lifetime: 15m, 1h (default 15m)");
  command.add_option("--role-arn", options.role_arn,
                     "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
  command.add_option("--region", options.region, "AWS region for STS");
  command.add_option("--source-identity", options.source_identity, "STS SourceIdentity");
  command.add_flag("--allow-unknown", options.allow_unknown,
                   "Send AWS actions the action catalog does not know yet (warned)");
  command.add_flag("--no-cache", options.no_cache, "Ask STS every time; never use the cache");
  command.add_flag("--scope-current", options.scope_current,
                   "Narrow your own temporary credentials instead of assuming a role");
}

void AddCredentialProcessCommand(CLI::App& app, CredentialRequestOptions& options) {
  CLI::App* command =
      app.add_subcommand("credential-process",
                         "Print scoped credentials as credential_process JSON (for ~/.aws/config)");
  AddCredentialRequestFlags(*command, options);
}

Result<int> RunCredentialProcessCommand(const CredentialRequestOptions& options,
                                        const CliContext& context) {
  if (!options.allow && !options.profile) {
    return UsageError(
        "credential-process needs --profile NAME or --allow LIST to know what to grant; see "
        "tryaudex credential-process --help");
  }
  if (options.scope_current && options.role_arn) return UsageError(kScopeCurrentWithRole);
  // A profile whose credential_process runs tryaudex, used as tryaudex's own
  // base credentials (AWS_PROFILE, or [default]), would start tryaudex
  // without end: each level marks the environment its credential_process
  // inherits, and a marked one refuses.
  if (context.env(kNestedVariable)) {
    const AwsSharedFiles files = ResolveAwsSharedFiles(context.env);
    return CredentialsError(fmt::format(
        "tryaudex credential-process was started to get the base credentials of another tryaudex "
        "credential-process: profile \"{}\" in {} runs tryaudex itself, which would loop; give "
        "tryaudex base credentials of its own (AWS_PROFILE=a profile with keys or SSO, or "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), and keep the Audex stanza under another "
        "profile name",
        files.profile, files.config.string()));
  }
  ::setenv(kNestedVariable, "1", 1);
  RunOptions run;
  run.provider = "aws";
  run.allow = options.allow;
  run.profile = options.profile;
  run.resource = options.resource;
  run.allow_unknown = options.allow_unknown;
  run.ttl = options.ttl;
  run.scope_current = options.scope_current;
  auto planned = PlanRunRequest(run, context);
  if (!planned) return tl::unexpected(planned.error());
  auto target = ResolveAwsTarget(options.role_arn, options.region, context, planned->loaded.config,
                                 !options.scope_current);
  if (!target) return tl::unexpected(target.error());
  AwsIssueOptions issue;
  issue.use_cache = !options.no_cache;
  issue.scope_current = options.scope_current;
  auto session = AwsSession::Start(context, *planned, *target, options.source_identity, issue);
  if (!session) return tl::unexpected(session.error());

  const AwsCredentials& credentials = (*session)->credentials();
  nlohmann::ordered_json json;
  json["Version"] = 1;
  json["AccessKeyId"] = credentials.access_key_id;
  json["SecretAccessKey"] = credentials.secret_access_key.Reveal();
  json["SessionToken"] = credentials.session_token.Reveal();
  if (credentials.expiration) json["Expiration"] = FormatRfc3339(*credentials.expiration);
  context.out << json.dump() << '\n';
  return kExitOk;
}

}  // namespace audex
