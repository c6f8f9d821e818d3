// Starting a command with clone(2) and execve(2) (spawn.h). posix_spawn
// cannot set a parent-death signal or namespaces, so this does what glibc's
// posix_spawn does (all signals blocked around the clone, caught signals
// reset in the child) plus those.
//
// Everything between clone and execve runs in the memory of a process that
// may have other threads (CLONE_VM | CLONE_VFORK, as posix_spawn): only
// system calls and data prepared beforehand, no allocation, no locks, no
// stdio.
#include "adapters/process/spawn.h"

#include "adapters/process/install_layout.h"
#include "adapters/process/raw_write.h"
#include "adapters/process/sandbox.h"
#include "adapters/process/sandbox_protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace audex {

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

namespace {

constexpr size_t kStackSize = 64 * 1024;
constexpr char kInitProgramName[] = "audex-sandbox";

using sandbox::Report;
using sandbox::ReportMessage;
using sandbox::Step;

// Everything the child needs, prepared before the clone.
struct ChildArguments {
  const SpawnRequest* request = nullptr;
  pid_t parent = 0;
  sigset_t original_mask;
  int report_write = -1;            // sandbox
  int report_read = -1;             // Audex's end, closed in the child
  int maps_read = -1;               // sandbox, Audex writes the id maps: the init waits for it
  const char* init_path = nullptr;  // sandbox: the audex-sandbox program
  std::vector<char*> init_argv;     // its command line (sandbox_protocol.h)
  // Set by the child that failed to exec, read once the vfork-style clone
  // has returned (the child ran in the same memory).
  volatile int exec_error = 0;
};

bool WriteFile(const char* path, const std::string& text) {
  return raw::WriteFile(path, text.data(), text.size());
}

// Caught signals back to their defaults (execve would, but a signal that
// arrives before it must not run Audex's handler in the child), SIGPIPE
// too even when Audex ignores it (the MCP server): `cmd | head` needs it.
void ResetSignals() {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) != 0) continue;
    if (signal_number == SIGPIPE ||
        (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN)) {
      sigaction(signal_number, &default_action, nullptr);
    }
  }
}

// The command's stdio, then execve. Returns only when execve failed.
void ExecCommand(const SpawnRequest& request, const sigset_t& mask) {
  if (request.stdin_fd >= 0 && dup2(request.stdin_fd, STDIN_FILENO) < 0) return;
  if (request.stdout_fd >= 0 && dup2(request.stdout_fd, STDOUT_FILENO) < 0) return;
  if (request.stderr_fd >= 0 && dup2(request.stderr_fd, STDERR_FILENO) < 0) return;
  sigprocmask(SIG_SETMASK, &mask, nullptr);
  execve(request.command->program.c_str(), request.command->args.data(),
         request.command->envp.data());
}

// True while Audex still holds the other end of `fd` (a pipe's write end:
// POLLERR once every reader is gone).
bool ParentAlive(int write_fd) {
  pollfd poll_fd{write_fd, POLLOUT, 0};
  return poll(&poll_fd, 1, 0) >= 0 && (poll_fd.revents & (POLLERR | POLLHUP)) == 0;
}

// --- the direct child ----------------------------------------------------

int DirectChild(void* raw) {
  auto* arguments = static_cast<ChildArguments*>(raw);
  ResetSignals();
  // SIGKILL when Audex dies: a SIGTERM could be caught or ignored, and no
  // Audex would be left to follow it with SIGKILL or record the end. When
  // Audex ends normally it forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT and waits
  // (child_process.h), so this fires only after a SIGKILL or a crash.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Audex may have died before the line above: then the child was
  // reparented and would run unsupervised.
  if (getppid() != arguments->parent) _exit(127);
  ExecCommand(*arguments->request, arguments->original_mask);
  arguments->exec_error = errno;
  _exit(127);
}

// --- the sandbox ------------------------------------------------------------

// Capabilities the sandbox's init needs for its setup, passed through its
// execve as ambient ones (the exec of a process whose uid the new user
// namespace does not map yet would otherwise clear them all).
constexpr int kInitCapabilities[] = {CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_SETPCAP};

// In the new namespaces, in Audex's memory until the exec (CLONE_VM |
// CLONE_VFORK): hands the init its capabilities and execs it.
int SandboxChild(void* raw) {
  auto* arguments = static_cast<ChildArguments*>(raw);
  const SpawnRequest& request = *arguments->request;
  ResetSignals();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // This child's copy of Audex's end would keep the pipe open for it.
  close(arguments->report_read);
  if (!ParentAlive(arguments->report_write)) _exit(127);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) {
    arguments->exec_error = errno;
    _exit(127);
  }
  data[0].inheritable = data[0].permitted;
  data[1].inheritable = data[1].permitted;
  if (syscall(SYS_capset, &header, data) != 0) {
    arguments->exec_error = errno;
    _exit(127);
  }
  for (int capability : kInitCapabilities) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, capability, 0, 0) != 0) {
      arguments->exec_error = errno;
      _exit(127);
    }
  }
  // The pipes reach the init; everything else of Audex's marked
  // close-on-exec stays behind.
  fcntl(arguments->report_write, F_SETFD, 0);
  if (arguments->maps_read >= 0) fcntl(arguments->maps_read, F_SETFD, 0);
  if (request.stdin_fd >= 0 && dup2(request.stdin_fd, STDIN_FILENO) < 0) _exit(127);
  if (request.stdout_fd >= 0 && dup2(request.stdout_fd, STDOUT_FILENO) < 0) _exit(127);
  if (request.stderr_fd >= 0 && dup2(request.stderr_fd, STDERR_FILENO) < 0) _exit(127);
  sigprocmask(SIG_SETMASK, &arguments->original_mask, nullptr);
  execve(arguments->init_path, arguments->init_argv.data(), request.command->envp.data());
  arguments->exec_error = errno;
  _exit(127);
}

// --- Audex's side ----------------------------------------------------------

std::string StepText(Step step, const std::vector<std::string>& hidden, int32_t detail) {
  switch (step) {
    case Step::kArguments:
      return "start its init (a mismatched audex-sandbox program?)";
    case Step::kParent:
    case Step::kSetgroups:
    case Step::kUidMap:
    case Step::kGidMap:
    case Step::kWaitForMaps:
      return "map the user and group ids into the user namespace";
    case Step::kPrivateMounts:
      return "make the mount namespace private";
    case Step::kHide:
      return fmt::format("hide {}", detail >= 0 && static_cast<size_t>(detail) < hidden.size()
                                        ? hidden[static_cast<size_t>(detail)]
                                        : "a path");
    case Step::kProc:
      return "mount a /proc of its own";
    case Step::kCapabilities:
      return "drop its capabilities";
    case Step::kFork:
      return "start the command";
  }
  return "set it up";
}

std::string CloneRefusal(int error) {
  if (error == ENOSPC || error == EUSERS) {
    return fmt::format(
        "the kernel allows no more user namespaces ({}; user.max_user_namespaces may be 0)",
        std::strerror(error));
  }
  if (error == EPERM || error == EACCES) {
    return fmt::format(
        "the kernel does not let this process create user namespaces ({}: "
        "kernel.unprivileged_userns_clone, AppArmor's restrict_unprivileged_userns, or a "
        "container's seccomp policy)",
        std::strerror(error));
  }
  return fmt::format("cannot create user, mount and pid namespaces ({})", std::strerror(error));
}

// The identity map of every id this process's own namespace maps, for
// /proc/INIT/{uid,gid}_map written by a privileged Audex: the command then
// sees every file owner as before.
std::string IdentityMap(const char* own_map) {
  std::ifstream in(own_map);
  std::string line, map;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    unsigned long long inside = 0, outside = 0, count = 0;
    if (fields >> inside >> outside >> count) {
      map += fmt::format("{} {} {}\n", inside, inside, count);
    }
  }
  return map;
}

// Where the audex-sandbox program is (install_layout.h): beside tryaudex
// (a build tree), ../lib/audex/ (an install), or where this build put it
// (tests, benches inside the build tree); `tried` says where it looked.
const HelperSearch& InitProgram() {
#ifdef AUDEX_SANDBOX_INIT_PATH
  static const HelperSearch found = FindHelper(kInitProgramName, AUDEX_SANDBOX_INIT_PATH);
#else
  static const HelperSearch found = FindHelper(kInitProgramName, nullptr);
#endif
  return found;
}

// Room for a child to run on before it execs.
class Stack {
 public:
  Stack()
      : base_(mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)) {}
  ~Stack() {
    if (ok()) munmap(base_, kStackSize);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  bool ok() const { return base_ != MAP_FAILED; }
  void* top() const { return static_cast<char*>(base_) + kStackSize; }

 private:
  void* base_;
};

// Clones with every signal blocked in this thread, restored afterwards.
// CLONE_VM | CLONE_VFORK: the child runs in this memory until it has
// exec'd, as posix_spawn's does: no copy of Audex's pages.
pid_t CloneBlocked(int (*function)(void*), int flags, ChildArguments& arguments) {
  Stack stack;
  if (!stack.ok()) return -1;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &arguments.original_mask);
  const pid_t pid =
      clone(function, stack.top(), flags | CLONE_VM | CLONE_VFORK | SIGCHLD, &arguments);
  const int saved = errno;
  pthread_sigmask(SIG_SETMASK, &arguments.original_mask, nullptr);
  errno = saved;
  return pid;
}

SpawnError ExecError(int error, const std::string& program) {
  const SpawnFailure failure = error == ENOENT                       ? SpawnFailure::kNotFound
                               : error == EACCES || error == ENOEXEC ? SpawnFailure::kNotExecutable
                                                                     : SpawnFailure::kOther;
  return SpawnError{failure, fmt::format("cannot run {}: {}", program, std::strerror(error))};
}

void Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

bool ReadMessage(int fd, ReportMessage& message) {
  char* bytes = reinterpret_cast<char*>(&message);
  size_t have = 0;
  while (have < sizeof message) {
    const ssize_t got = read(fd, bytes + have, sizeof message - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    have += static_cast<size_t>(got);
  }
  return true;
}

tl::expected<Spawned, SpawnError> SpawnDirect(const SpawnRequest& request) {
  ChildArguments arguments;
  arguments.request = &request;
  arguments.parent = getpid();
  const pid_t pid = CloneBlocked(DirectChild, 0, arguments);
  if (pid < 0) {
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther,
        fmt::format("cannot start {}: {}", request.command->args[0], std::strerror(errno))});
  }
  if (arguments.exec_error != 0) {
    Reap(pid);
    return tl::unexpected(ExecError(arguments.exec_error, request.command->args[0]));
  }
  Spawned spawned;
  spawned.pid = pid;
  return spawned;
}

// Closes the descriptors it is given when it goes out of scope.
struct Descriptors {
  std::vector<int*> fds;
  ~Descriptors() {
    for (int* fd : fds) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }
};

// The sandboxed start; nullopt (with `refused` set) when the kernel
// refused a step before the command ran.
tl::expected<std::optional<Spawned>, SpawnError> SpawnSandboxed(const SpawnRequest& request,
                                                                bool probe_only,
                                                                std::string& refused) {
  const HelperSearch& search = InitProgram();
  if (!search.found || access(search.found->c_str(), X_OK) != 0) {
    refused = fmt::format(
        "its init program {} is not installed (looked in {}); reinstall Audex, or keep "
        "tryaudex's folder and ../lib/audex/ together when you copy it",
        kInitProgramName, search.tried.empty() ? search.found->string() : search.tried);
    return std::optional<Spawned>();
  }
  const std::string init = search.found->string();
  // Root (CAP_SETUID in its namespace) maps every id it has, so files keep
  // their owners and permissions work as before; anyone else maps its own.
  const bool privileged = geteuid() == 0;
  static const std::string uid_identity = IdentityMap("/proc/self/uid_map");
  static const std::string gid_identity = IdentityMap("/proc/self/gid_map");

  int report[2] = {-1, -1};
  int maps[2] = {-1, -1};
  Descriptors open_fds{{&report[0], &report[1], &maps[0], &maps[1]}};
  if (pipe2(report, O_CLOEXEC) != 0 || (privileged && pipe2(maps, O_CLOEXEC) != 0)) {
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther, fmt::format("cannot create a pipe: {}", std::strerror(errno))});
  }
  // The init's command line (sandbox_protocol.h).
  std::vector<std::string> words = {kInitProgramName, std::to_string(report[1]),
                                    privileged ? fmt::format("parent:{}", maps[0])
                                               : fmt::format("own:{}:{}", geteuid(), getegid()),
                                    std::to_string(request.sandbox->hidden.size())};
  std::vector<std::string> hidden;
  for (const HiddenPath& path : request.sandbox->hidden) {
    hidden.push_back(path.path);
    words.push_back(path.path);
  }
  words.emplace_back(probe_only ? "probe" : "run");
  if (!probe_only) {
    words.push_back(request.command->program);
    for (char* arg : request.command->args) {
      if (arg != nullptr) words.emplace_back(arg);
    }
  }
  ChildArguments arguments;
  arguments.request = &request;
  arguments.parent = getpid();
  arguments.report_read = report[0];
  arguments.report_write = report[1];
  arguments.maps_read = maps[0];
  arguments.init_path = init.c_str();
  for (std::string& word : words) arguments.init_argv.push_back(word.data());
  arguments.init_argv.push_back(nullptr);

  const pid_t pid =
      CloneBlocked(SandboxChild, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID, arguments);
  const int clone_error = errno;
  close(report[1]);
  report[1] = -1;
  if (maps[0] >= 0) close(maps[0]);
  maps[0] = -1;
  if (pid < 0) {
    refused = CloneRefusal(clone_error);
    return std::optional<Spawned>();
  }
  if (arguments.exec_error != 0) {
    Reap(pid);
    refused =
        fmt::format("cannot start its init {} ({})", init, std::strerror(arguments.exec_error));
    return std::optional<Spawned>();
  }
  if (privileged) {
    // The init is a fresh program now (dumpable): its /proc files are
    // root's, and root may map every id.
    const std::string proc = fmt::format("/proc/{}/", pid);
    const bool mapped = WriteFile((proc + "uid_map").c_str(), uid_identity) &&
                        WriteFile((proc + "gid_map").c_str(), gid_identity);
    const int map_error = errno;
    if (!mapped) {
      kill(pid, SIGKILL);
      Reap(pid);
      refused = fmt::format("cannot map the user and group ids into the user namespace ({})",
                            std::strerror(map_error));
      return std::optional<Spawned>();
    }
    raw::WriteAll(maps[1], "1", 1);
  }
  if (maps[1] >= 0) close(maps[1]);
  maps[1] = -1;
  ReportMessage message{};
  if (!ReadMessage(report[0], message)) {
    Reap(pid);
    return tl::unexpected(
        SpawnError{SpawnFailure::kOther,
                   "the sandbox ended before the command started (killed by a signal?)"});
  }
  if (message.kind == Report::kSetupFailed && message.step == Step::kHide) {
    // Not the kernel refusing namespaces: this path could not be covered.
    // Going on without the sandbox would let a command that planted such a
    // path disable it for the next run; stop instead.
    Reap(pid);
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther,
        fmt::format("the sandbox cannot {} from the command ({}); move it away, or run with "
                    "--no-sandbox if the command may read it",
                    StepText(message.step, hidden, message.detail), std::strerror(message.error))});
  }
  if (message.kind == Report::kSetupFailed) {
    Reap(pid);
    refused = fmt::format("cannot {} ({})", StepText(message.step, hidden, message.detail),
                          std::strerror(message.error));
    return std::optional<Spawned>();
  }
  if (message.kind == Report::kExecFailed) {
    Reap(pid);
    return tl::unexpected(ExecError(message.error, request.command->args[0]));
  }
  Spawned spawned;
  spawned.pid = pid;
  spawned.report_fd = report[0];
  report[0] = -1;  // kept: the init reports the command's status on it
  return std::optional<Spawned>(spawned);
}

std::mutex g_refused_mutex;
std::optional<std::string> g_refused;

}  // namespace

void NoteSandboxRefused(const std::string& reason) {
  std::lock_guard lock(g_refused_mutex);
  if (!g_refused) g_refused = reason;
}

std::optional<std::string> SandboxRefusedEarlier() {
  std::lock_guard lock(g_refused_mutex);
  return g_refused;
}

tl::expected<Spawned, SpawnError> Spawn(const SpawnRequest& request) {
  if (request.sandbox == nullptr) return SpawnDirect(request);
  if (auto earlier = SandboxRefusedEarlier()) {
    if (request.on_sandbox_refused != nullptr && *request.on_sandbox_refused) {
      (*request.on_sandbox_refused)(*earlier);
    }
    auto spawned = SpawnDirect(request);
    if (spawned) spawned->sandbox_refused = *earlier;
    return spawned;
  }
  std::string refused;
  auto sandboxed = SpawnSandboxed(request, false, refused);
  if (!sandboxed) return tl::unexpected(sandboxed.error());
  if (*sandboxed) return **sandboxed;
  NoteSandboxRefused(refused);
  if (request.on_sandbox_refused != nullptr && *request.on_sandbox_refused) {
    (*request.on_sandbox_refused)(refused);
  }
  auto spawned = SpawnDirect(request);
  if (spawned) spawned->sandbox_refused = refused;
  return spawned;
}

int CommandStatus(Spawned& spawned, int wait_status) {
  int status = wait_status;
  if (spawned.report_fd >= 0) {
    // The init wrote the command's status before it exited; when it was
    // killed first (SIGKILL at a deadline), its own status is the answer.
    fcntl(spawned.report_fd, F_SETFL, O_NONBLOCK);
    ReportMessage message{};
    if (ReadMessage(spawned.report_fd, message) && message.kind == Report::kExited) {
      status = message.detail;
    }
  }
  ReleaseSpawned(spawned);
  return status;
}

void ReleaseSpawned(Spawned& spawned) {
  if (spawned.report_fd >= 0) close(spawned.report_fd);
  spawned.report_fd = -1;
}

SandboxSupport ProbeSandbox() {
  static std::mutex mutex;
  static std::optional<SandboxSupport> known;
  std::lock_guard lock(mutex);
  if (auto earlier = SandboxRefusedEarlier()) return {false, *earlier};
  if (known) return *known;
  PreparedCommand nothing;
  nothing.args = {const_cast<char*>("probe"), nullptr};
  nothing.envp = {nullptr};
  SandboxPlan plan;  // the mounts every run makes, with nothing to hide
  SpawnRequest request;
  request.command = &nothing;
  request.sandbox = &plan;
  std::string refused;
  auto probed = SpawnSandboxed(request, true, refused);
  if (!probed) {
    known = SandboxSupport{false, probed.error().message};
  } else if (!*probed) {
    known = SandboxSupport{false, refused};
  } else {
    Reap((*probed)->pid);
    ReleaseSpawned(**probed);
    known = SandboxSupport{true, ""};
  }
  return *known;
}

}  // namespace audex
