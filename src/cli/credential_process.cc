#include "cli/credential_process.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <utility>
#include <vector>

#include "adapters/aws/credential_chain.h"
#include "adapters/process/self_exec.h"
#include "adapters/store/lean_openssl.h"
#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "core/plan/ttl.h"
#include "session/credential_reuse.h"
#include "session/session.h"

namespace audex {
namespace {

// Set while tryaudex credential-process looks for its base credentials.
constexpr char kNestedVariable[] = "AUDEX_IN_CREDENTIAL_PROCESS";

}  // namespace

void AddCredentialRequestFlags(CLI::App& command, CredentialRequestOptions& options) {
  SessionRequest& request = options.request;
  command.add_option("--allow", request.allow,
                     "Comma-separated actions, wildcards or universal names");
  command.add_option("--profile", request.profile, "A built-in or custom profile name")
      ->type_name("PROFILE");
  command.add_option("--resource", request.resource, "Comma-separated resource ARNs");
  command.add_option("--ttl", request.ttl, "Credential lifetime: 15m, 1h (default 15m)");
  command.add_option("--role-arn", request.role_arn,
                     "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
  command.add_option("--region", request.region, "AWS region for STS");
  command.add_option("--source-identity", request.source_identity, "STS SourceIdentity");
  command.add_option("--source-ip", request.source_ip,
                     "Comma-separated IPs/CIDRs the credentials may be used from");
  command.add_flag("--allow-unknown", request.allow_unknown,
                   "Send AWS actions the action catalog does not know yet (warned)");
  command.add_flag("--no-cache", options.no_cache, "Ask STS every time; never use the cache");
  command.add_flag("--scope-current", request.scope_current,
                   "Narrow your own temporary credentials instead of assuming a role");
  command.add_option("--server", request.server,
                     "Ask this team server instead of STS (else AUDEX_SERVER, server_url)");
  command.add_option("--reason", request.reason, "Why access is needed (for the team server)");
  command.add_flag("--break-glass", request.break_glass,
                   "With --server: issue at once where the server's rule allows it, marked for "
                   "review (needs --reason)");
  command.add_option("--approval-wait", request.approval_wait,
                     "With --server: how long to wait for approvals (default 10m; 0: do not "
                     "wait)");
  command.add_option("--base-profile", options.base_profile,
                     "The AWS profile holding tryaudex's own base credentials (instead of "
                     "AWS_PROFILE or default), so AWS_PROFILE can select this stanza");
}

CommandSpec CredentialProcessCommand() {
  return {"credential-process",
          "Print scoped credentials as credential_process JSON (for ~/.aws/config)", false,
          [](CLI::App& command) -> CommandRunner {
            auto options = std::make_shared<CredentialRequestOptions>();
            AddCredentialRequestFlags(command, *options);
            return [options](const Invocation& call) {
              return RunCredentialProcessCommand(*options, call.context);
            };
          }};
}

Result<SessionRequest> CredentialRequestFor(const CredentialRequestOptions& options,
                                            std::string_view command) {
  if (!options.request.allow && !options.request.profile) {
    return UsageError(fmt::format(
        "{} needs --profile NAME or --allow LIST to know what to grant; see tryaudex {} --help",
        command, command));
  }
  SessionRequest request = options.request;
  request.provider = "aws";
  request.cache = options.no_cache ? CacheChoice::kOff : CacheChoice::kOn;
  request.serve = false;
  request.command.clear();
  return request;
}

Result<int> RunCredentialProcessCommand(const CredentialRequestOptions& options,
                                        const CliContext& context) {
  auto request = CredentialRequestFor(options, "credential-process");
  if (!request) return tl::unexpected(request.error());
  // The environment tryaudex started with, for starting it again on a miss.
  Environment started_with = context.world.environment;
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
        "profile name, or name its base profile with tryaudex setup-profile ... "
        "--base-profile NAME",
        files.profile, files.config.string()));
  }
  // --base-profile: the base credentials come from that profile, whatever
  // AWS_PROFILE says (it may name the stanza that runs this very command).
  if (options.base_profile) {
    if (options.base_profile->empty()) {
      return UsageError("--base-profile needs a profile name, e.g. --base-profile dev");
    }
    SetVariable(context.world.environment, "AWS_PROFILE", *options.base_profile);
    context.world.env = LookupIn(context.world.environment);
  }
  // The credential_process of Audex's own base credentials (if any) runs
  // with the World's environment (adapters/aws/credential_process.h).
  SetVariable(context.world.environment, kNestedVariable, "1");
  // The plan's warnings are held until it is known whether this process
  // answers: a miss after the lean start below starts tryaudex again, which
  // says them itself.
  std::vector<std::pair<NoticeLevel, std::string>> held;
  NoticeSink notify =
      std::exchange(context.world.notify, [&held](NoticeLevel level, const std::string& message) {
        held.emplace_back(level, message);
      });
  const auto say_held = [&] {
    context.world.notify = notify;
    for (const auto& [level, message] : held) notify(level, message);
    held.clear();
  };
  auto planned = PlanRequest(*request, context.world);
  if (!planned) {
    say_held();
    return tl::unexpected(planned.error());
  }
  // A cache hit uses libcrypto for three algorithms of its default
  // provider only; OpenSSL's full start (openssl.cnf, the legacy name
  // tables) is a third of the call (docs/performance.md). It is taken only
  // where the cache may answer, before anything else uses libcrypto.
  const bool lean = CacheMayAnswer(*planned) && StartOpenSslLean(context.env);
  // One session per issued credential: a cache hit is an event on the
  // session that asked STS, not a session of its own.
  auto reused = ReuseCachedCredentials(*planned, context.world);
  if (reused && !*reused && lean) {
    // A miss goes on to STS over TLS, whose libssl shares this libcrypto
    // and needs what the lean start left out (the system's openssl.cnf,
    // the legacy names libssl still looks up): start again, in full. Only
    // a hit was tried so far, and it recorded nothing.
    SetVariable(started_with, kOpenSslFullStartVariable, "1");
    if (auto restarted = ExecSelf(started_with); !restarted) {
      say_held();
      Error error = restarted.error();
      error.message += fmt::format(
          "; set {}=1 to have credential-process start OpenSSL in full and not start again",
          kOpenSslFullStartVariable);
      return tl::unexpected(error);
    }
  }
  say_held();
  if (!reused) return tl::unexpected(reused.error());
  AwsCredentials credentials;
  if (*reused) {
    credentials = std::move(**reused);
  } else {
    auto session = Session::Start(*planned, context.world);
    if (!session) return tl::unexpected(session.error());
    credentials = (*session)->CurrentCredentials();
  }
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
