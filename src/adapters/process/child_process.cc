#include "adapters/process/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>

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

}  // namespace

std::string FindProgram(const std::string& name, const Environment& environment) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [key, value] : environment) {
    if (key == "PATH") path = value;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view dir = std::string_view(path).substr(start, end - start);
    const std::string candidate = fmt::format("{}/{}", dir.empty() ? "." : dir, name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (access(candidate.c_str(), F_OK) == 0) return candidate;  // reported as not executable
    start = end + 1;
  }
  return "";
}

namespace {

// argv and the environment as posix_spawn wants them; the vectors point
// into the strings, so the struct is not copied.
struct PreparedCommand {
  std::string program;
  std::vector<std::string> pairs;
  std::vector<char*> args;
  std::vector<char*> envp;
};

tl::expected<void, SpawnError> Prepare(const std::vector<std::string>& argv,
                                       const Environment& environment, PreparedCommand& prepared) {
  if (argv.empty()) return tl::unexpected(SpawnError{SpawnFailure::kOther, "no command given"});
  prepared.program = FindProgram(argv[0], environment);
  if (prepared.program.empty()) {
    return tl::unexpected(SpawnError{
        SpawnFailure::kNotFound,
        fmt::format("command not found: {} (not in the PATH the command would get)", argv[0])});
  }
  for (const std::string& arg : argv) prepared.args.push_back(const_cast<char*>(arg.c_str()));
  prepared.args.push_back(nullptr);
  prepared.pairs.reserve(environment.size());
  for (const auto& [key, value] : environment) {
    prepared.pairs.push_back(fmt::format("{}={}", key, value));
  }
  for (std::string& pair : prepared.pairs) prepared.envp.push_back(pair.data());
  prepared.envp.push_back(nullptr);
  return {};
}

SpawnError SpawnErrorFor(int spawned, const std::string& name) {
  const SpawnFailure failure = spawned == ENOENT ? SpawnFailure::kNotFound
                               : spawned == EACCES || spawned == ENOEXEC
                                   ? SpawnFailure::kNotExecutable
                                   : SpawnFailure::kOther;
  return SpawnError{failure, fmt::format("cannot run {}: {}", name, std::strerror(spawned))};
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

Environment CurrentEnvironment() {
  Environment environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    environment.emplace_back(std::string(text.substr(0, equals)),
                             std::string(text.substr(equals + 1)));
  }
  return environment;
}

tl::expected<ChildOutcome, SpawnError> RunChild(const std::vector<std::string>& argv,
                                                const Environment& environment) {
  PreparedCommand prepared;
  if (auto ready = Prepare(argv, environment, prepared); !ready) {
    return tl::unexpected(ready.error());
  }

  // Handlers go in before the spawn so a signal in between is not lost;
  // the child starts with default dispositions (POSIX resets caught signals
  // on exec).
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

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, prepared.program.c_str(), nullptr, nullptr,
                                  prepared.args.data(), prepared.envp.data());
  if (spawned != 0) {
    restore();
    return tl::unexpected(SpawnErrorFor(spawned, argv[0]));
  }
  g_child.store(pid);
  ForwardPending(pid);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      restore();
      return tl::unexpected(
          SpawnError{SpawnFailure::kOther,
                     std::string("waiting for the command failed: ") + std::strerror(errno)});
    }
  }
  restore();
  return OutcomeOf(status);
}

void KillWaitedChild() {
  const pid_t child = g_child.load();
  if (child > 0) kill(child, SIGKILL);
}

tl::expected<CapturedChild, SpawnError> RunChildCapturing(const std::vector<std::string>& argv,
                                                          const Environment& environment,
                                                          const CaptureOptions& options) {
  PreparedCommand prepared;
  if (auto ready = Prepare(argv, environment, prepared); !ready) {
    return tl::unexpected(ready.error());
  }
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  const auto close_all = [&] {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      if (fd >= 0) close(fd);
    }
  };
  // O_CLOEXEC: only the dup2'd copies reach the child (dup2 clears the flag).
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    const int saved = errno;
    close_all();
    return tl::unexpected(SpawnError{SpawnFailure::kOther,
                                     fmt::format("cannot create pipes: {}", std::strerror(saved))});
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // A caller that ignores SIGPIPE (the MCP server) must not pass that on:
  // `cmd | head` in the child relies on the default.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, prepared.program.c_str(), &actions, &attributes,
                                  prepared.args.data(), prepared.envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_pipe[1] = err_pipe[1] = -1;
  if (spawned != 0) {
    close_all();
    return tl::unexpected(SpawnErrorFor(spawned, argv[0]));
  }
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);

  CapturedChild captured;
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::time_point started = SteadyClock::now();
  std::optional<SteadyClock::time_point> killed_at;
  bool out_open = true, err_open = true;
  int status = 0;
  for (;;) {
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0},
                     {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    // A short tick: the child's exit is noticed even when a grandchild
    // keeps the pipes open.
    if (poll(fds, 2, 100) < 0 && errno != EINTR) break;
    if (out_open) out_open = Drain(out_pipe[0], captured.out, options.max_bytes);
    if (err_open) err_open = Drain(err_pipe[0], captured.err, options.max_bytes);
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (out_open) Drain(out_pipe[0], captured.out, options.max_bytes);
      if (err_open) Drain(err_pipe[0], captured.err, options.max_bytes);
      close_all();
      captured.outcome = OutcomeOf(status);
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
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return tl::unexpected(
      SpawnError{SpawnFailure::kOther,
                 std::string("waiting for the command failed: ") + std::strerror(saved)});
}

}  // namespace audex
