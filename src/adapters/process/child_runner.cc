#include "adapters/process/child_runner.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace audex {
namespace {

std::atomic<bool> g_outside_sigterm{false};

// SIGTERM while no child is being waited for: remember one that came from
// another process, ignore the watchdog's own (it may land just after the
// child ended), so that Audex can still record the end.
void NoteSigterm(int, siginfo_t* info, void*) {
  if (info == nullptr || info->si_pid != getpid()) g_outside_sigterm.store(true);
}

ChildRun RunWithDeadline(const ChildSpec& spec, const SandboxRefused& on_refused) {
  std::mutex mutex;
  std::condition_variable wake;
  bool done = false;
  // child_process.h forwards a SIGTERM sent to Audex to the child: the
  // watchdog ends the command by sending one to Audex itself.
  struct sigaction note {};
  note.sa_sigaction = NoteSigterm;
  note.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&note.sa_mask);
  struct sigaction previous {};
  g_outside_sigterm.store(false);
  sigaction(SIGTERM, &note, &previous);
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (wake.wait_for(lock, *spec.deadline, [&] { return done; })) return;
    if (spec.on_deadline) spec.on_deadline();
    kill(getpid(), SIGTERM);
    if (wake.wait_for(lock, kTermGrace, [&] { return done; })) return;
    if (spec.on_kill) spec.on_kill();
    KillWaitedChild();
  });
  ChildRun run;
  run.outcome =
      RunChild(spec.argv, spec.environment, spec.sandbox ? &*spec.sandbox : nullptr, on_refused);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  wake.notify_all();
  watchdog.join();
  sigaction(SIGTERM, &previous, nullptr);
  return run;
}

class SystemRunner final : public ChildRunner {
 public:
  ChildRun Run(const ChildSpec& spec) override {
    const SandboxPlan* sandbox = spec.sandbox ? &*spec.sandbox : nullptr;
    // The refusal is told once per process: later runs go without the
    // sandbox silently (the kernel will not change its mind).
    const SandboxRefused once = [this, &spec](const std::string& reason) {
      if (refusal_told_) return;
      refusal_told_ = true;
      if (spec.on_sandbox_refused) spec.on_sandbox_refused(reason);
    };
    ChildRun run;
    if (spec.capture) {
      auto captured = RunChildCapturing(spec.argv, spec.environment, *spec.capture, sandbox, once);
      if (!captured) {
        run.outcome = tl::unexpected(captured.error());
        return run;
      }
      run.outcome = captured->outcome;
      run.out = std::move(captured->out);
      run.err = std::move(captured->err);
      run.timed_out = captured->timed_out;
    } else if (spec.deadline) {
      run = RunWithDeadline(spec, once);
    } else {
      run.outcome = RunChild(spec.argv, spec.environment, sandbox, once);
    }
    if (!spec.capture) run.sigterm_held = g_outside_sigterm.exchange(false);
    return run;
  }

  SandboxSupport Sandbox() override { return ProbeSandbox(); }

  void Finish(const ChildRun& run) override {
    if (run.sigterm_held) raise(SIGTERM);
  }

 private:
  bool refusal_told_ = false;
};

}  // namespace

ChildRunner& SystemChildRunner() {
  static SystemRunner runner;
  return runner;
}

}  // namespace audex
