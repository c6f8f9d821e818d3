#include "adapters/process/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "adapters/process/spawn.h"

namespace audex {
namespace {

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

std::atomic<pid_t> g_child{0};
// A signal that came while the handlers were in but before g_child was set
// (the child may already run by then): the spawning thread forwards it.
std::atomic<int> g_pending{0};

void Forward(int signal_number, siginfo_t* info, void*) {
  // SI_KERNEL marks signals the terminal sent to the whole process group:
  // the child has its own copy already.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  g_pending.store(signal_number);
  // Whoever sees both the child and the pending signal sends it, once:
  // this handler, or ForwardPending right after g_child is stored.
  const pid_t child = g_child.load();
  if (child <= 0) return;
  if (const int pending = g_pending.exchange(0); pending != 0) kill(child, pending);
}

// Called once g_child holds the new child.
void ForwardPending(pid_t child) {
  if (const int pending = g_pending.exchange(0); pending != 0) kill(child, pending);
}

ChildOutcome OutcomeOf(int status) {
  ChildOutcome outcome;
  if (WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

// Reads what is there without blocking; false once the pipe is at EOF or
// broken.
bool Drain(int fd, CapturedStream& stream, size_t max_bytes) {
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got > 0) {
      const size_t n = static_cast<size_t>(got);
      stream.total_bytes += n;
      if (stream.text.size() < max_bytes) {
        stream.text.append(buffer, std::min(n, max_bytes - stream.text.size()));
      }
      continue;
    }
    if (got == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace

tl::expected<ChildOutcome, SpawnError> RunChild(const std::vector<std::string>& argv,
                                                const Environment& environment,
                                                const SandboxPlan* sandbox,
                                                const SandboxRefused& on_refused) {
  PreparedCommand prepared;
  if (auto ready = Prepare(argv, environment, prepared); !ready) {
    return tl::unexpected(ready.error());
  }

  // Handlers go in before the spawn so a signal in between is not lost;
  // the child starts with default dispositions (spawn.h).
  struct sigaction forward {};
  forward.sa_sigaction = Forward;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  struct sigaction previous[std::size(kForwardedSignals)];
  g_pending.store(0);
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &forward, &previous[i]);
  }
  const auto restore = [&] {
    g_child.store(0);
    g_pending.store(0);
    for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
      sigaction(kForwardedSignals[i], &previous[i], nullptr);
    }
  };

  SpawnRequest request;
  request.command = &prepared;
  request.sandbox = sandbox;
  request.on_sandbox_refused = &on_refused;
  auto spawned = Spawn(request);
  if (!spawned) {
    restore();
    return tl::unexpected(spawned.error());
  }
  g_child.store(spawned->pid);
  ForwardPending(spawned->pid);

  int status = 0;
  while (waitpid(spawned->pid, &status, 0) < 0) {
    if (errno != EINTR) {
      const int saved = errno;
      restore();
      ReleaseSpawned(*spawned);
      return tl::unexpected(
          SpawnError{SpawnFailure::kOther,
                     std::string("waiting for the command failed: ") + std::strerror(saved)});
    }
  }
  restore();
  ChildOutcome outcome = OutcomeOf(CommandStatus(*spawned, status));
  outcome.sandbox_refused = spawned->sandbox_refused;
  return outcome;
}

void KillWaitedChild() {
  const pid_t child = g_child.load();
  if (child > 0) kill(child, SIGKILL);
}

tl::expected<CapturedChild, SpawnError> RunChildCapturing(const std::vector<std::string>& argv,
                                                          const Environment& environment,
                                                          const CaptureOptions& options,
                                                          const SandboxPlan* sandbox,
                                                          const SandboxRefused& on_refused) {
  PreparedCommand prepared;
  if (auto ready = Prepare(argv, environment, prepared); !ready) {
    return tl::unexpected(ready.error());
  }
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int null_fd = -1;
  const auto close_all = [&] {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], null_fd}) {
      if (fd >= 0) close(fd);
    }
  };
  // O_CLOEXEC: only the dup2'd copies reach the child (dup2 clears the flag).
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      (null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
    const int saved = errno;
    close_all();
    return tl::unexpected(SpawnError{SpawnFailure::kOther,
                                     fmt::format("cannot create pipes: {}", std::strerror(saved))});
  }
  SpawnRequest request;
  request.command = &prepared;
  request.stdin_fd = null_fd;
  request.stdout_fd = out_pipe[1];
  request.stderr_fd = err_pipe[1];
  request.sandbox = sandbox;
  request.on_sandbox_refused = &on_refused;
  auto spawned = Spawn(request);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(null_fd);
  out_pipe[1] = err_pipe[1] = null_fd = -1;
  if (!spawned) {
    close_all();
    return tl::unexpected(spawned.error());
  }
  const pid_t pid = spawned->pid;
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  // Readable once the child has exited (Linux 5.3): its end wakes the poll
  // at once, also when a grandchild keeps the pipes open. Without one, the
  // tick below notices it.
  // (The system call itself: glibc 2.36's <sys/pidfd.h> lacks extern "C".)
  const int exit_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));

  CapturedChild captured;
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::time_point started = SteadyClock::now();
  std::optional<SteadyClock::time_point> killed_at;
  bool out_open = true, err_open = true;
  int status = 0;
  for (;;) {
    pollfd fds[3] = {{out_open ? out_pipe[0] : -1, POLLIN, 0},
                     {err_open ? err_pipe[0] : -1, POLLIN, 0},
                     {exit_fd, POLLIN, 0}};
    // A short tick for the timeout, and for the child's exit without a pidfd.
    if (poll(fds, 3, 100) < 0 && errno != EINTR) break;
    if (out_open) out_open = Drain(out_pipe[0], captured.out, options.max_bytes);
    if (err_open) err_open = Drain(err_pipe[0], captured.err, options.max_bytes);
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (out_open) Drain(out_pipe[0], captured.out, options.max_bytes);
      if (err_open) Drain(err_pipe[0], captured.err, options.max_bytes);
      close_all();
      if (exit_fd >= 0) close(exit_fd);
      captured.outcome = OutcomeOf(CommandStatus(*spawned, status));
      captured.outcome.sandbox_refused = spawned->sandbox_refused;
      return captured;
    }
    if (done < 0 && errno != EINTR) break;
    const SteadyClock::time_point now = SteadyClock::now();
    if (options.timeout && !killed_at && now - started >= *options.timeout) {
      captured.timed_out = true;
      killed_at = now;
      kill(pid, SIGTERM);
    } else if (killed_at && now - *killed_at >= std::chrono::seconds(2)) {
      kill(pid, SIGKILL);
    }
  }
  const int saved = errno;
  close_all();
  if (exit_fd >= 0) close(exit_fd);
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ReleaseSpawned(*spawned);
  return tl::unexpected(
      SpawnError{SpawnFailure::kOther,
                 std::string("waiting for the command failed: ") + std::strerror(saved)});
}

}  // namespace audex
