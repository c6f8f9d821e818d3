// Running the user's command as a child: posix_spawn (Audex must outlive the
// child to record how it ended), signals forwarded, exit status reported.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/child_env.h"
#include "core/result.h"

namespace audex {

struct ChildOutcome {
  std::optional<int> exit_code;  // set when the child exited
  std::optional<int> signal;     // set when a signal killed it

  // What Audex itself exits with: the child's code, or 128 + N for signal N
  // as shells report it.
  int ShellStatus() const { return exit_code ? *exit_code : 128 + signal.value_or(0); }
};

// What went wrong before the child could run.
enum class SpawnFailure { kNotFound, kNotExecutable, kOther };

struct SpawnError {
  SpawnFailure failure = SpawnFailure::kOther;
  std::string message;
};

// A snapshot of this process's environment, in order.
Environment CurrentEnvironment();

// Spawns argv[0] (searched in the child's PATH) with exactly `environment`,
// forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT that other processes send to
// Audex (a terminal's Ctrl-C already reaches the whole foreground group, so
// it is not sent twice), and waits. Not thread-safe: one child at a time.
tl::expected<ChildOutcome, SpawnError> RunChild(const std::vector<std::string>& argv,
                                                const Environment& environment);

}  // namespace audex
