// `tryaudex replay SESSION [-- CMD...]`: runs a recorded session again
// (its command, or CMD) with the same plan — the same policy byte for
// byte, TTL, role, chain, ceilings and tag — and fresh credentials; the new
// session records that it replays the old one (session/replay.h). Exits
// with the command's status; 3 when today's configuration would plan it
// differently.
#pragma once

#include "cli/cli_context.h"
#include "session/replay.h"

namespace audex {

struct ReplayOptions {
  ReplayRequest request;
  bool dry_run = false;
  bool json = false;
};

// kUsage for --json without --dry-run.
Result<void> ValidateReplayOptions(const ReplayOptions& options);

Result<int> RunReplay(const ReplayOptions& options, const CliContext& context);

}  // namespace audex
