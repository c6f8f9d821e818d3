// audex-sandbox: the init of a command's sandbox (sandbox.h). Audex starts
// it already in new user, mount and pid namespaces (pid 1), holding the
// capabilities it needs as ambient ones; it maps the ids, hides the paths,
// mounts a /proc of the namespace, drops every capability, starts the
// command, forwards Audex's signals to it, reaps orphans, and reports how
// the command ended (sandbox_protocol.h). It is a program of its own, not
// a copy of tryaudex: it holds none of tryaudex's memory, and it can write
// its own id maps (a non-dumpable copy could not: its /proc files belong
// to root).
//
// Only system calls and the C library; nothing here allocates after setup.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adapters/process/raw_write.h"
#include "adapters/process/sandbox_protocol.h"

namespace {

namespace raw = audex::raw;
using audex::sandbox::kFirstPathArgument;
using audex::sandbox::Report;
using audex::sandbox::ReportMessage;
using audex::sandbox::Step;

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

int g_report = -1;
pid_t g_command = 0;

void Send(Report kind, Step step, int error, int detail) {
  const ReportMessage message{kind, step, error, detail};
  raw::WriteAll(g_report, &message, sizeof message);
}

[[noreturn]] void Fail(Step step, int error, int detail = 0) {
  Send(Report::kSetupFailed, step, error, detail);
  _exit(1);
}

bool WriteFile(const char* path, const char* text) {
  return raw::WriteFile(path, text, strlen(text));
}

// "own:UID:GID": one's own ids only, as an unprivileged process may
// (user_namespaces(7), "Defining user and group ID mappings"); setgroups
// must be denied first.
void MapOwnIds(const char* spec) {
  const char* uid = spec + 4;
  const char* colon = strchr(uid, ':');
  if (colon == nullptr) Fail(Step::kArguments, EINVAL);
  char line[64];
  const size_t uid_length = static_cast<size_t>(colon - uid);
  if (uid_length == 0 || uid_length > 20 || strlen(colon + 1) > 20) Fail(Step::kArguments, EINVAL);
  char uid_text[24] = {};
  memcpy(uid_text, uid, uid_length);
  if (!WriteFile("/proc/self/setgroups", "deny")) Fail(Step::kSetgroups, errno);
  strcpy(line, uid_text);
  strcat(line, " ");
  strcat(line, uid_text);
  strcat(line, " 1");
  if (!WriteFile("/proc/self/uid_map", line)) Fail(Step::kUidMap, errno);
  strcpy(line, colon + 1);
  strcat(line, " ");
  strcat(line, colon + 1);
  strcat(line, " 1");
  if (!WriteFile("/proc/self/gid_map", line)) Fail(Step::kGidMap, errno);
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

// No capability left in any set: the ambient ones Audex gave for the
// setup, and CAP_SYS_ADMIN gone from the bounding set, so that a command
// running as root here cannot unmount what hides the paths (in a
// namespace of its own they are locked: mount_namespaces(7)).
void DropCapabilities() {
  if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0) Fail(Step::kCapabilities, errno);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    Fail(Step::kCapabilities, errno);
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[2] = {};
  if (syscall(SYS_capset, &header, none) != 0) Fail(Step::kCapabilities, errno);
}

void ForwardToCommand(int signal_number, siginfo_t* info, void*) {
  // Only what comes from outside the namespace (Audex forwarding, its
  // deadline, a capture's timeout: si_pid 0 here); the terminal's signals
  // (SI_KERNEL) reached the whole process group, the command included.
  if (info == nullptr || info->si_code == SI_KERNEL || info->si_pid != 0) return;
  if (g_command > 0) kill(g_command, signal_number);
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &original);
  if (argc < kFirstPathArgument) return 2;
  g_report = atoi(argv[1]);
  if (g_report < 3 || fcntl(g_report, F_SETFD, FD_CLOEXEC) != 0) return 2;
  // Audex set SIGKILL as the parent-death signal before the exec; if it
  // died before that, its end of the report pipe is closed.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  pollfd report_poll{g_report, POLLOUT, 0};
  if (poll(&report_poll, 1, 0) < 0 || (report_poll.revents & (POLLERR | POLLHUP)) != 0) {
    return 1;
  }

  const char* maps = argv[2];
  if (strncmp(maps, "parent:", 7) == 0) {
    const int ready = atoi(maps + 7);
    char byte = 0;
    ssize_t got = 0;
    while ((got = read(ready, &byte, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1) Fail(Step::kWaitForMaps, got < 0 ? errno : EPIPE);
    close(ready);
  } else if (strncmp(maps, "own:", 4) == 0) {
    MapOwnIds(maps);
  } else {
    Fail(Step::kArguments, EINVAL);
  }
  // The maps are written: from now on nothing of the command's may read
  // this process's memory or open its descriptors.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

  const int count = atoi(argv[3]);
  const int action_at = kFirstPathArgument + count;
  if (count < 0 || action_at >= argc) Fail(Step::kArguments, EINVAL);
  // Nothing mounted here may reach Audex's namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    Fail(Step::kPrivateMounts, errno);
  }
  for (int i = 0; i < count; ++i) {
    if (!Hide(argv[kFirstPathArgument + i])) Fail(Step::kHide, errno, i);
  }
  // A /proc of this pid namespace: tryaudex is not in it.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    Fail(Step::kProc, errno);
  }
  DropCapabilities();
  const char* action = argv[action_at];
  if (strcmp(action, "probe") == 0) {
    Send(Report::kStarted, Step{}, 0, 0);
    return 0;
  }
  if (strcmp(action, "run") != 0 || action_at + 2 >= argc) Fail(Step::kArguments, EINVAL);
  const char* program = argv[action_at + 1];
  char** command_argv = argv + action_at + 2;

  // vfork: this init stays suspended until the command has exec'd, so the
  // exec error (if any) is in its memory when it resumes.
  volatile int exec_error = 0;
  const pid_t command = vfork();
  if (command == 0) {
    sigprocmask(SIG_SETMASK, &original, nullptr);
    execve(program, command_argv, environ);
    exec_error = errno;
    _exit(127);
  }
  if (command < 0) Fail(Step::kFork, errno);
  if (exec_error != 0) {
    int status = 0;
    while (waitpid(command, &status, 0) < 0 && errno == EINTR) {
    }
    Send(Report::kExecFailed, Step{}, exec_error, 0);
    return 0;
  }
  g_command = command;
  Send(Report::kStarted, Step{}, 0, 0);
  // The command has its own copies of the descriptors it was given.
  for (int fd = 0; fd < 3; ++fd) close(fd);
  if (g_report > 3) close_range(3, static_cast<unsigned>(g_report) - 1, 0);
  close_range(static_cast<unsigned>(g_report) + 1, ~0U, 0);

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
      Send(Report::kExited, Step{}, 0, status);
      return 0;
    }
    if (ended < 0 && errno != EINTR) return 1;
  }
}
