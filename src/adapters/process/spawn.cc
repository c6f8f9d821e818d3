// Starting a command with clone(2) and execve(2) (spawn.h). posix_spawn
// cannot set a parent-death signal or namespaces, so this does what glibc's
// posix_spawn does (all signals blocked around the clone, caught signals
// reset in the child) plus those.
//
// Everything between clone and execve runs in a copy (or, directly, in the
// memory) of a process that may have other threads: only system calls and
// data prepared beforehand, no allocation, no locks, no stdio.
#include "adapters/process/spawn.h"

#include "adapters/process/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cstdint>
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

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr size_t kStackSize = 256 * 1024;
constexpr char kInitName[] = "audex-sandbox";

// What the sandbox's init tells Audex, in this order: kStarted (or one
// failure) once, then kExited with the command's wait status.
enum class Report : int32_t { kStarted = 1, kSetupFailed, kExecFailed, kExited };

// The setup steps, for the message when one fails.
enum class Step : int32_t {
  kSetgroups = 1,
  kUidMap,
  kGidMap,
  kWaitForMaps,
  kPrivateMounts,
  kHide,
  kProc,
  kCapabilities,
  kFork,
};

struct ReportMessage {
  Report kind;
  Step step;
  int32_t error;   // errno
  int32_t detail;  // the wait status (kExited), the hidden path's index (kHide)
};

// Everything the child needs, prepared before the clone.
struct ChildArguments {
  const SpawnRequest* request = nullptr;
  pid_t parent = 0;
  sigset_t original_mask;
  int report_write = -1;  // sandbox
  int report_read = -1;   // Audex's end, closed in the child
  int maps_read = -1;     // sandbox, Audex writes the id maps: wait for it
  int maps_write = -1;
  std::string uid_map;  // sandbox, written by the init itself (empty: Audex does)
  std::string gid_map;
  std::vector<const char*> hidden;
  // The init's copy of tryaudex's command line and environment block, to
  // overwrite (/proc/self/stat fields 48-51); zero when unknown.
  uintptr_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
  bool probe_only = false;
  void* command_stack = nullptr;  // sandbox: where the init's vfork'd command runs until execve
  // Set by the child that failed to exec, read once the vfork-style clone
  // has returned (the child ran in the same memory).
  volatile int exec_error = 0;
};

bool WriteAll(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t wrote = write(fd, bytes, size);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    bytes += wrote;
    size -= static_cast<size_t>(wrote);
  }
  return true;
}

bool WriteFile(const char* path, const std::string& text) {
  const int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool wrote = WriteAll(fd, text.data(), text.size());
  const int saved = errno;
  close(fd);
  errno = saved;
  return wrote;
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

// --- the sandbox's init --------------------------------------------------

// The command inside the sandbox, started by the init.
int SandboxCommand(void* raw) {
  auto* arguments = static_cast<ChildArguments*>(raw);
  ExecCommand(*arguments->request, arguments->original_mask);
  arguments->exec_error = errno;
  _exit(127);
}

pid_t g_command = 0;  // in the init: the command, as its namespace numbers it

void ForwardToCommand(int signal_number, siginfo_t* info, void*) {
  // Only what comes from outside the namespace (Audex forwarding, its
  // deadline, a capture's timeout: si_pid 0 here); the terminal's signals
  // (SI_KERNEL) reached the whole process group, the command included.
  if (info == nullptr || info->si_code == SI_KERNEL || info->si_pid != 0) return;
  if (g_command > 0) kill(g_command, signal_number);
}

[[noreturn]] void InitFails(const ChildArguments& arguments, Step step, int error, int detail = 0) {
  const ReportMessage message{Report::kSetupFailed, step, error, detail};
  WriteAll(arguments.report_write, &message, sizeof message);
  _exit(1);
}

// Hides one path: an empty read-only tmpfs over a directory, /dev/null over
// anything else. A path the init cannot stat (absent, a symbolic link
// loop, not searchable) has nothing the command could read either: the
// command holds no more rights than the init.
bool Hide(const char* path) {
  struct stat status {};
  if (stat(path, &status) != 0) return true;
  if (S_ISDIR(status.st_mode)) {
    return mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
                 "size=4k,nr_inodes=1,mode=0700") == 0;
  }
  return mount("/dev/null", path, nullptr, MS_BIND, nullptr) == 0;
}

void Overwrite(uintptr_t start, uintptr_t end, const char* text) {
  if (start == 0 || end <= start) return;
  char* area = reinterpret_cast<char*>(start);
  const size_t size = end - start;
  memset(area, 0, size);
  const size_t length = strlen(text);
  if (length < size) memcpy(area, text, length);
}

int SandboxInit(void* raw) {
  auto* arguments = static_cast<ChildArguments*>(raw);
  ResetSignals();
  close(arguments->report_read);
  if (arguments->maps_write >= 0) close(arguments->maps_write);
  // As in DirectChild: SIGKILL to the init ends the whole namespace.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!ParentAlive(arguments->report_write)) _exit(1);

  if (arguments->maps_read >= 0) {
    // Audex writes the maps (it may map every id, as root does).
    char ready = 0;
    ssize_t got = 0;
    while ((got = read(arguments->maps_read, &ready, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1) InitFails(*arguments, Step::kWaitForMaps, got < 0 ? errno : EPIPE);
    close(arguments->maps_read);
  } else {
    // One's own ids only, as an unprivileged process may
    // (user_namespaces(7), "Defining user and group ID mappings").
    if (!WriteFile("/proc/self/setgroups", "deny")) InitFails(*arguments, Step::kSetgroups, errno);
    if (!WriteFile("/proc/self/uid_map", arguments->uid_map)) {
      InitFails(*arguments, Step::kUidMap, errno);
    }
    if (!WriteFile("/proc/self/gid_map", arguments->gid_map)) {
      InitFails(*arguments, Step::kGidMap, errno);
    }
  }
  // Nothing mounted here may reach Audex's namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    InitFails(*arguments, Step::kPrivateMounts, errno);
  }
  for (size_t i = 0; i < arguments->hidden.size(); ++i) {
    if (!Hide(arguments->hidden[i])) {
      InitFails(*arguments, Step::kHide, errno, static_cast<int>(i));
    }
  }
  // A /proc of this pid namespace: tryaudex is not in it.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    InitFails(*arguments, Step::kProc, errno);
  }
  // A command running as root inside keeps every capability of this user
  // namespace but CAP_SYS_ADMIN, without which it cannot unmount what hides
  // the paths (in a namespace of its own they are locked: mount_namespaces(7)).
  if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0) {
    InitFails(*arguments, Step::kCapabilities, errno);
  }
  Overwrite(arguments->arg_start, arguments->arg_end, kInitName);
  Overwrite(arguments->env_start, arguments->env_end, "");
  prctl(PR_SET_NAME, kInitName, 0, 0, 0);
  if (arguments->probe_only) {
    const ReportMessage message{Report::kStarted, Step{}, 0, 0};
    WriteAll(arguments->report_write, &message, sizeof message);
    _exit(0);
  }

  // As a vfork: the init stays suspended until the command has exec'd, so
  // the exec error (if any) is in this memory when it resumes.
  arguments->exec_error = 0;
  const pid_t command =
      clone(SandboxCommand, arguments->command_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, arguments);
  if (command < 0) InitFails(*arguments, Step::kFork, errno);
  const int exec_error = arguments->exec_error;
  if (exec_error != 0) {
    int status = 0;
    while (waitpid(command, &status, 0) < 0 && errno == EINTR) {
    }
    const ReportMessage message{Report::kExecFailed, Step{}, exec_error, 0};
    WriteAll(arguments->report_write, &message, sizeof message);
    _exit(0);
  }
  g_command = command;
  const ReportMessage started{Report::kStarted, Step{}, 0, 0};
  WriteAll(arguments->report_write, &started, sizeof started);
  // Nothing of Audex's is kept open here but the report pipe (the command
  // got its own copies already).
  for (int fd = 0; fd < 3; ++fd) {
    if (fd != arguments->report_write) close(fd);
  }
  if (arguments->report_write > 3)
    close_range(3, static_cast<unsigned>(arguments->report_write) - 1, 0);
  close_range(static_cast<unsigned>(arguments->report_write) + 1, ~0U, 0);

  struct sigaction forward {};
  forward.sa_sigaction = ForwardToCommand;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  for (int signal_number : kForwardedSignals) sigaction(signal_number, &forward, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // As pid 1, the init inherits every orphan of the namespace: reap them
  // all, and end with the command (the kernel then kills what is left).
  for (;;) {
    int status = 0;
    const pid_t ended = waitpid(-1, &status, 0);
    if (ended == command) {
      const ReportMessage message{Report::kExited, Step{}, 0, status};
      WriteAll(arguments->report_write, &message, sizeof message);
      _exit(0);
    }
    if (ended < 0 && errno != EINTR) _exit(1);
  }
}

// --- Audex's side ----------------------------------------------------------

std::string StepText(Step step, const ChildArguments& arguments, int32_t detail) {
  switch (step) {
    case Step::kSetgroups:
    case Step::kUidMap:
    case Step::kGidMap:
    case Step::kWaitForMaps:
      return "map the user and group ids into the user namespace";
    case Step::kPrivateMounts:
      return "make the mount namespace private";
    case Step::kHide:
      return fmt::format("hide {}",
                         detail >= 0 && static_cast<size_t>(detail) < arguments.hidden.size()
                             ? arguments.hidden[static_cast<size_t>(detail)]
                             : "a path");
    case Step::kProc:
      return "mount a /proc of its own";
    case Step::kCapabilities:
      return "drop CAP_SYS_ADMIN";
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
// /proc/CHILD/{uid,gid}_map written by a privileged Audex: the command then
// sees every file owner as before.
std::string IdentityMap(const char* own_map) {
  std::ifstream in(own_map);
  std::string line, map;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    unsigned long long inside = 0, outside = 0, count = 0;
    if (fields >> inside >> outside >> count)
      map += fmt::format("{} {} {}\n", inside, inside, count);
  }
  return map;
}

// Where this process's command line and environment block lie
// (/proc/self/stat fields 48-51, Linux 3.5 and later), read once.
struct Blocks {
  uintptr_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
};

Blocks OwnBlocks() {
  static const Blocks blocks = [] {
    Blocks found;
    std::ifstream in("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return found;
    std::istringstream fields(stat.substr(close + 2));
    std::string word;
    std::vector<unsigned long long> values;
    while (fields >> word) {
      unsigned long long value = 0;
      try {
        value = std::stoull(word);
      } catch (...) {
        value = 0;
      }
      values.push_back(value);
    }
    // Field N is values[N - 3].
    if (values.size() >= 49) {
      found.arg_start = values[45];
      found.arg_end = values[46];
      found.env_start = values[47];
      found.env_end = values[48];
    }
    return found;
  }();
  return blocks;
}

// Room for the children to run on before they exec: `count` stacks of
// kStackSize (the sandbox's init takes the last, its command the first).
class Stack {
 public:
  explicit Stack(size_t count = 1)
      : size_(count * kStackSize),
        base_(mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                   -1, 0)) {}
  ~Stack() {
    if (ok()) munmap(base_, size_);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  bool ok() const { return base_ != MAP_FAILED; }
  void* top() const { return static_cast<char*>(base_) + size_; }
  void* first_top() const { return static_cast<char*>(base_) + kStackSize; }

 private:
  size_t size_;
  void* base_;
};

// Clones with every signal blocked in this thread, restored afterwards.
pid_t CloneBlocked(int (*function)(void*), const Stack& stack, int flags,
                   ChildArguments& arguments) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &arguments.original_mask);
  const pid_t pid = clone(function, stack.top(), flags | SIGCHLD, &arguments);
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
  Stack stack;
  if (!stack.ok()) {
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther,
        fmt::format("cannot start {}: {}", request.command->args[0], std::strerror(errno))});
  }
  ChildArguments arguments;
  arguments.request = &request;
  arguments.parent = getpid();
  // CLONE_VM | CLONE_VFORK: the child runs in this memory until it has
  // exec'd, as posix_spawn's does: no copy of Audex's pages.
  const pid_t pid = CloneBlocked(DirectChild, stack, CLONE_VM | CLONE_VFORK, arguments);
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

// The sandboxed start; nullopt (with `refused` set) when the kernel
// refused a step before the command ran.
tl::expected<std::optional<Spawned>, SpawnError> SpawnSandboxed(const SpawnRequest& request,
                                                                bool probe_only,
                                                                std::string& refused) {
  ChildArguments arguments;
  arguments.request = &request;
  arguments.parent = getpid();
  arguments.probe_only = probe_only;
  for (const HiddenPath& hidden : request.sandbox->hidden) {
    arguments.hidden.push_back(hidden.path.c_str());
  }
  const Blocks blocks = OwnBlocks();
  arguments.arg_start = blocks.arg_start;
  arguments.arg_end = blocks.arg_end;
  arguments.env_start = blocks.env_start;
  arguments.env_end = blocks.env_end;
  // Root (CAP_SETUID in its namespace) maps every id it has, so files keep
  // their owners and permissions work as before; anyone else maps its own.
  const bool privileged = geteuid() == 0;
  static const std::string uid_identity = IdentityMap("/proc/self/uid_map");
  static const std::string gid_identity = IdentityMap("/proc/self/gid_map");
  if (!privileged) {
    arguments.uid_map = fmt::format("{} {} 1\n", geteuid(), geteuid());
    arguments.gid_map = fmt::format("{} {} 1\n", getegid(), getegid());
  }

  int report[2] = {-1, -1};
  int maps[2] = {-1, -1};
  if (pipe2(report, O_CLOEXEC) != 0 || (privileged && pipe2(maps, O_CLOEXEC) != 0)) {
    const int saved = errno;
    for (int fd : {report[0], report[1], maps[0], maps[1]}) {
      if (fd >= 0) close(fd);
    }
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther, fmt::format("cannot create a pipe: {}", std::strerror(saved))});
  }
  arguments.report_read = report[0];
  arguments.report_write = report[1];
  arguments.maps_read = maps[0];
  arguments.maps_write = maps[1];
  Stack stack(2);
  arguments.command_stack = stack.first_top();
  const pid_t pid = stack.ok() ? CloneBlocked(SandboxInit, stack,
                                              CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID, arguments)
                               : -1;
  const int clone_error = errno;
  close(report[1]);
  if (maps[0] >= 0) close(maps[0]);
  if (pid < 0) {
    close(report[0]);
    if (maps[1] >= 0) close(maps[1]);
    refused = CloneRefusal(clone_error);
    return std::optional<Spawned>();
  }
  if (privileged) {
    const std::string proc = fmt::format("/proc/{}/", pid);
    const bool mapped = WriteFile((proc + "uid_map").c_str(), uid_identity) &&
                        WriteFile((proc + "gid_map").c_str(), gid_identity);
    const int map_error = errno;
    if (mapped) WriteAll(maps[1], "1", 1);
    close(maps[1]);
    if (!mapped) {
      kill(pid, SIGKILL);
      Reap(pid);
      close(report[0]);
      refused = fmt::format("cannot map the user and group ids into the user namespace ({})",
                            std::strerror(map_error));
      return std::optional<Spawned>();
    }
  }
  ReportMessage message{};
  if (!ReadMessage(report[0], message)) {
    Reap(pid);
    close(report[0]);
    return tl::unexpected(
        SpawnError{SpawnFailure::kOther,
                   "the sandbox ended before the command started (killed by a signal?)"});
  }
  if (message.kind == Report::kSetupFailed && message.step == Step::kHide) {
    // Not the kernel refusing namespaces: this path could not be covered.
    // Going on without the sandbox would let a command that planted such a
    // path disable it for the next run; stop instead.
    Reap(pid);
    close(report[0]);
    return tl::unexpected(SpawnError{
        SpawnFailure::kOther,
        fmt::format("the sandbox cannot {} from the command ({}); move it away, or run with "
                    "--no-sandbox if the command may read it",
                    StepText(message.step, arguments, message.detail),
                    std::strerror(message.error))});
  }
  if (message.kind == Report::kSetupFailed) {
    Reap(pid);
    close(report[0]);
    refused = fmt::format("cannot {} ({})", StepText(message.step, arguments, message.detail),
                          std::strerror(message.error));
    return std::optional<Spawned>();
  }
  if (message.kind == Report::kExecFailed) {
    Reap(pid);
    close(report[0]);
    return tl::unexpected(ExecError(message.error, request.command->args[0]));
  }
  Spawned spawned;
  spawned.pid = pid;
  spawned.report_fd = report[0];
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
