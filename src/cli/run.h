// `tryaudex run`: run one command with scoped, short-lived credentials.
// The flags become a SessionRequest; the engine plans it (--dry-run prints
// the plan and stops), starts the session and runs the child; run exits
// with the child's status.
#pragma once

#include "cli/cli_context.h"
#include "core/plan/session_request.h"

namespace audex {

struct RunOptions {
  SessionRequest request;  // --allow, --profile, --ttl, ..., the command
  bool dry_run = false;
  bool json = false;
  bool serve = false;     // --serve
  bool cache = false;     // --cache
  bool no_cache = false;  // --no-cache
};

// The flag combinations run refuses before planning (kUsage), and the
// request they make: --cache/--no-cache/config, --serve/config.
Result<SessionRequest> ValidateRunOptions(const RunOptions& options);

Result<int> RunRun(const RunOptions& options, const CliContext& context);

// The plan as --dry-run prints it.
void PrintPlanText(const SessionPlan& plan, std::ostream& out);

}  // namespace audex
