// ChildRunner: how a session runs its command — the one seam between the
// session engine and process spawning, so that a test can run a whole
// session with a stand-in child. The system runner spawns for real
// (child_process.h), forwards signals, and ends a command at its deadline.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/process/child_process.h"
#include "adapters/process/sandbox.h"
#include "core/base/env.h"
#include "core/credentials/sandbox_plan.h"

namespace audex {

struct ChildSpec {
  std::vector<std::string> argv;
  Environment environment;  // exactly what the child gets
  // A command still running at the deadline gets SIGTERM (after
  // `on_deadline` has run), and SIGKILL kTermGrace later (after `on_kill`).
  std::optional<std::chrono::seconds> deadline;
  std::function<void()> on_deadline;
  std::function<void()> on_kill;
  // Set: stdin is /dev/null and the output comes back bounded, for callers
  // whose own streams are not the child's to share (mcp); the capture's own
  // timeout applies instead of `deadline`.
  std::optional<CaptureOptions> capture;
  // Set: the command runs in the sandbox (sandbox.h), these paths hidden.
  std::optional<SandboxPlan> sandbox;
  // Called before the command starts when the kernel refuses the sandbox;
  // the system runner calls it for the first such run of the process only.
  SandboxRefused on_sandbox_refused;
};

struct ChildRun {
  tl::expected<ChildOutcome, SpawnError> outcome = ChildOutcome{};
  CapturedStream out;  // with `capture` only
  CapturedStream err;
  bool timed_out = false;  // the capture's timeout ended it
  // Another process sent Audex SIGTERM while the child ran under a
  // deadline: held back so that the end can be recorded first (Finish).
  bool sigterm_held = false;
};

// How long a command has to end after the deadline's SIGTERM.
inline constexpr std::chrono::seconds kTermGrace{5};

class ChildRunner {
 public:
  virtual ~ChildRunner() = default;
  // Runs the child to its end. Not thread-safe: one child at a time.
  virtual ChildRun Run(const ChildSpec& spec) = 0;
  // Called once the run's end is recorded: delivers what was held back
  // (the SIGTERM of `sigterm_held`, to Audex itself).
  virtual void Finish(const ChildRun& run) = 0;
  // Whether commands can run in the sandbox here (tryaudex health).
  virtual SandboxSupport Sandbox() = 0;
};

// The real one. A SIGTERM another process sends Audex while a child with a
// deadline runs is forwarded to the child and, at Finish, delivered to
// Audex itself again.
ChildRunner& SystemChildRunner();

}  // namespace audex
