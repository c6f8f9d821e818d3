// Running the user's command as a child (Audex must outlive the child to
// record how it ended): signals forwarded, exit status reported, the child
// ended with Audex (a parent-death signal), optionally in the sandbox
// (sandbox.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/credentials/sandbox_plan.h"

namespace audex {

struct ChildOutcome {
  std::optional<int> exit_code;  // set when the child exited
  std::optional<int> signal;     // set when a signal killed it

  // What Audex itself exits with: the child's code, or 128 + N for signal N
  // as shells report it.
  int ShellStatus() const { return exit_code ? *exit_code : 128 + signal.value_or(0); }

  // A sandbox was asked for but the kernel refused it (why, with the fix):
  // the command ran without it.
  std::optional<std::string> sandbox_refused;
};

// What went wrong before the child could run.
enum class SpawnFailure { kNotFound, kNotExecutable, kOther };

struct SpawnError {
  SpawnFailure failure = SpawnFailure::kOther;
  std::string message;
};

// Told why, when the kernel refuses a sandbox: the command then runs
// without it.
using SandboxRefused = std::function<void(const std::string& reason)>;

// Where argv[0] `name` would be found in `environment`'s PATH, as execvp
// looks (default /usr/local/bin:/usr/bin:/bin); a name with a '/' is
// itself; "" when nothing of that name exists there.
std::string FindProgram(const std::string& name, const Environment& environment);

// Spawns argv[0] (searched in the child's PATH) with exactly `environment`,
// in the sandbox that `sandbox` describes when set (else, or when the
// kernel refuses it, after `on_refused`, without), forwards SIGINT,
// SIGTERM, SIGHUP and SIGQUIT that other processes send to Audex (a
// terminal's Ctrl-C already reaches the whole foreground group, so it is
// not sent twice), and waits. The child gets SIGKILL if Audex dies first.
// Not thread-safe: one child at a time.
tl::expected<ChildOutcome, SpawnError> RunChild(const std::vector<std::string>& argv,
                                                const Environment& environment,
                                                const SandboxPlan* sandbox = nullptr,
                                                const SandboxRefused& on_refused = {});

// Sends SIGKILL to the child RunChild is waiting for, if there is one: the
// last resort of a deadline that SIGTERM did not meet. Safe from any thread.
void KillWaitedChild();

// What RunChildCapturing keeps of one output stream.
struct CapturedStream {
  std::string text;        // the first `max_bytes` bytes the child wrote
  size_t total_bytes = 0;  // everything it wrote, kept or not
  bool truncated() const { return total_bytes > text.size(); }
};

struct CaptureOptions {
  size_t max_bytes = 64 * 1024;  // kept per stream; the rest is read and dropped
  // The child is sent SIGTERM when this runs out (SIGKILL 2 s later); its
  // outcome then reports the signal. No limit when unset.
  std::optional<std::chrono::milliseconds> timeout;
};

struct CapturedChild {
  ChildOutcome outcome;
  CapturedStream out;
  CapturedStream err;
  bool timed_out = false;
};

// Runs argv like RunChild, for a caller whose own standard streams are not
// the child's to share (the MCP server speaks its protocol on them): stdin
// is /dev/null, stdout and stderr are read through pipes, and no signals
// are forwarded. Returns once the child has exited, without waiting for
// grandchildren that keep the pipes open. Not thread-safe.
tl::expected<CapturedChild, SpawnError> RunChildCapturing(const std::vector<std::string>& argv,
                                                          const Environment& environment,
                                                          const CaptureOptions& options,
                                                          const SandboxPlan* sandbox = nullptr,
                                                          const SandboxRefused& on_refused = {});

}  // namespace audex
