// `tryaudex cleanup SESSION [--dry-run] [--yes]`: lists what a session
// created — the resources that carry its tag (run --tag-session), the
// objects in its buckets, and with --cloudtrail what CloudTrail saw it
// create without the tag — and deletes them after confirmation, in
// dependency order, reporting each (session/cleanup.h).
//
// Exit 0 when everything listed was deleted (or --dry-run, or nothing
// found), 1 when a delete failed or was declined, 2 without a terminal to
// ask on and without --yes, 4 when a lookup fails.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "session/cleanup.h"

namespace audex {

struct CleanupOptions {
  CleanupRequest request;
  bool dry_run = false;
  bool yes = false;   // delete without asking (scripts)
  bool json = false;  // print the findings (and outcomes) as JSON
  // Whether a person can be asked (stdin is a terminal), and how.
  bool terminal = false;
  std::function<bool(const std::string& question)> confirm;
};

// kUsage for a deletion nobody can confirm: no --dry-run, no --yes and no
// terminal; and for --json with a prompt (its output is for programs).
Result<void> ValidateCleanupOptions(const CleanupOptions& options);

Result<int> RunCleanup(const CleanupOptions& options, const CliContext& context);

}  // namespace audex
