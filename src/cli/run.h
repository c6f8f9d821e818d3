// `tryaudex run`: run one command with scoped, short-lived credentials.
// Plan (policy, TTL, role, region), record session_created, AssumeRole with
// the session policy, record credentials_issued, run the child with only
// those credentials, record session_ended, exit with the child's status.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct RunOptions {
  std::optional<std::string> provider;
  std::optional<std::string> allow;
  std::optional<std::string> profile;
  std::optional<std::string> resource;
  std::optional<std::string> ttl;
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  std::optional<std::string> source_identity;
  bool allow_unknown = false;
  bool unscoped_allowed = false;  // learn: no --allow/--profile means no session policy
  bool no_compress = false;
  bool dry_run = false;
  bool json = false;
  // Credentials that outlive one STS session (README, "--serve").
  bool serve = false;
  std::optional<std::string> max_duration;
  // The encrypted credential cache (README, "Credential cache"): opt-in for
  // run, so each run is its own STS session in CloudTrail unless asked.
  bool cache = false;
  bool no_cache = false;
  // sts:GetScopedCredentials on the caller's own session (README, "--scope-current").
  bool scope_current = false;
  // The child holds placeholder credentials and reaches AWS through Audex's
  // forwarding endpoint, which signs every call (README, "--broker").
  bool broker = false;
  std::vector<std::string> command;  // everything after "--"
};

// --scope-current narrows the caller's own session and assumes no role, so
// an explicit --role-arn beside it would be silently ignored: refused.
inline constexpr char kScopeCurrentWithRole[] =
    "--scope-current narrows your own credentials and assumes no role, so --role-arn would be "
    "ignored: drop --role-arn, or drop --scope-current to assume the role";

void AddRunCommand(CLI::App& app, RunOptions& options);
Result<int> RunRun(const RunOptions& options, const CliContext& context);

}  // namespace audex
