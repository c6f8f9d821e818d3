#include "cli/cloud_child.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <ostream>
#include <thread>

#include "adapters/process/child_process.h"
#include "cli/exit_codes.h"

namespace audex {
namespace {

std::atomic<bool> g_outside_sigterm{false};

// How long a command has to end after the TTL's SIGTERM before it is killed.
constexpr std::chrono::seconds kTermGrace{5};

// SIGTERM while no child is being waited for: remember one that came from
// another process, ignore the watchdog's own (it may land just after the
// child ended), so that Audex can still record the end.
void NoteSigterm(int, siginfo_t* info, void*) {
  if (info == nullptr || info->si_pid != getpid()) g_outside_sigterm.store(true);
}

}  // namespace

Result<ScratchDirectory> ScratchDirectory::Create(const EnvLookup& env, const std::string& prefix) {
  std::string base = "/tmp";
  if (auto tmp = env("TMPDIR"); tmp && !tmp->empty() && tmp->front() == '/') base = *tmp;
  std::string pattern = fmt::format("{}/{}XXXXXX", base, prefix);
  if (mkdtemp(pattern.data()) == nullptr) {
    return StateError(fmt::format(
        "cannot create a private directory for the command's cloud CLI configuration under {}: "
        "{}; set TMPDIR to a writable directory",
        base, std::strerror(errno)));
  }
  return ScratchDirectory(std::filesystem::path(pattern));
}

ScratchDirectory::ScratchDirectory(ScratchDirectory&& other) noexcept
    : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScratchDirectory::~ScratchDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<int> RunRecordedChild(const CliContext& context, SessionRecorder& recorder,
                             const std::vector<std::string>& command,
                             const Environment& environment,
                             std::optional<std::chrono::seconds> deadline) {
  std::mutex mutex;
  std::condition_variable wake;
  bool done = false;
  std::thread watchdog;
  struct sigaction previous {};
  if (deadline) {
    // child_process.h forwards a SIGTERM sent to Audex to the child: the
    // watchdog ends the command by sending one to Audex itself.
    struct sigaction note {};
    note.sa_sigaction = NoteSigterm;
    note.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&note.sa_mask);
    g_outside_sigterm.store(false);
    sigaction(SIGTERM, &note, &previous);
    watchdog = std::thread([&] {
      std::unique_lock lock(mutex);
      if (wake.wait_for(lock, *deadline, [&] { return done; })) return;
      context.err << "tryaudex: warning: the session's TTL has run out: ending the command "
                     "(SIGTERM)\n";
      if (auto recorded = recorder.TtlExpired(); !recorded) {
        context.err << "tryaudex: error: " << recorded.error().message << '\n';
      }
      kill(getpid(), SIGTERM);
      if (wake.wait_for(lock, kTermGrace, [&] { return done; })) return;
      context.err << fmt::format(
          "tryaudex: warning: the command did not end within {} s of SIGTERM: killing it "
          "(SIGKILL)\n",
          kTermGrace.count());
      KillWaitedChild();
    });
  }
  auto outcome = RunChild(command, environment);
  if (deadline) {
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    wake.notify_all();
    watchdog.join();
    sigaction(SIGTERM, &previous, nullptr);
  }

  int status = 0;
  if (!outcome) {
    status = outcome.error().failure == SpawnFailure::kNotFound ? kExitCommandNotFound
                                                                : kExitCannotExecute;
    if (auto recorded = recorder.Ended(status, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
    context.err << "tryaudex: error: " << outcome.error().message << '\n';
  } else {
    status = outcome->ShellStatus();
    if (auto recorded = recorder.Ended(outcome->exit_code, outcome->signal); !recorded) {
      // The child ran; say the record is incomplete but keep its status.
      context.err << "tryaudex: error: " << recorded.error().message << '\n';
    }
  }
  if (g_outside_sigterm.exchange(false)) raise(SIGTERM);
  return status;
}

}  // namespace audex
