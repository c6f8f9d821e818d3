// Spawn: starting one command, the way child_process.h runs it — with a
// parent-death signal, directly or in the sandbox (sandbox.h). Internal to
// adapters/process.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "adapters/process/child_process.h"
#include "core/credentials/sandbox_plan.h"

namespace audex {

// argv and the environment as execve wants them; the vectors point into
// the strings, so the struct is not copied.
struct PreparedCommand {
  std::string program;
  std::vector<std::string> pairs;
  std::vector<char*> args;
  std::vector<char*> envp;
};

// Finds argv[0] in the environment's PATH and lays out argv and envp;
// kNotFound when there is no such program.
tl::expected<void, SpawnError> Prepare(const std::vector<std::string>& argv,
                                       const Environment& environment, PreparedCommand& prepared);

struct SpawnRequest {
  const PreparedCommand* command = nullptr;
  // Descriptors the command gets as its stdin, stdout and stderr; -1 keeps
  // Audex's own.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  const SandboxPlan* sandbox = nullptr;  // set: run the command in the sandbox
  // Called (before the command starts) when the kernel refuses the sandbox.
  const SandboxRefused* on_sandbox_refused = nullptr;
};

struct Spawned {
  pid_t pid = 0;       // what to wait for and signal: the sandbox's init, or the command
  int report_fd = -1;  // sandboxed: where the init reports the command's own status
  // A sandbox was asked for and the kernel refused it: why, and the fix.
  // The command then runs without it.
  std::optional<std::string> sandbox_refused;
};

// Starts the command once its program has been exec'd; the error when it
// could not be (kNotFound, kNotExecutable from execve's errno). The child
// gets SIGKILL when Audex dies (PR_SET_PDEATHSIG), and starts with every
// caught signal back at its default and SIGPIPE at its default. Blocks
// every signal in the calling thread meanwhile.
tl::expected<Spawned, SpawnError> Spawn(const SpawnRequest& request);

// The command's own wait status, given the one waitpid returned for
// `spawned.pid`: for a sandboxed command what its init reported (unless
// the init itself was killed first). Closes report_fd.
int CommandStatus(Spawned& spawned, int wait_status);

// Releases a Spawned whose pid has been reaped without CommandStatus.
void ReleaseSpawned(Spawned& spawned);

// What went wrong in the sandbox's setup, as a sentence with the fix;
// kept by ProbeSandbox's cache (sandbox.cc).
void NoteSandboxRefused(const std::string& reason);
std::optional<std::string> SandboxRefusedEarlier();

}  // namespace audex
