#include "adapters/process/child_process.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cstring>

namespace audex {
namespace {

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

std::atomic<pid_t> g_child{0};

void Forward(int signal_number, siginfo_t* info, void*) {
  // SI_KERNEL marks signals the terminal sent to the whole process group:
  // the child has its own copy already.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  const pid_t child = g_child.load();
  if (child > 0) kill(child, signal_number);
}

// Looks argv[0] up in the PATH the child will see, as execvp would.
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
  if (argv.empty()) return tl::unexpected(SpawnError{SpawnFailure::kOther, "no command given"});
  const std::string program = FindProgram(argv[0], environment);
  if (program.empty()) {
    return tl::unexpected(SpawnError{
        SpawnFailure::kNotFound,
        fmt::format("command not found: {} (not in the PATH the command would get)", argv[0])});
  }

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> pairs;
  pairs.reserve(environment.size());
  for (const auto& [key, value] : environment) pairs.push_back(fmt::format("{}={}", key, value));
  std::vector<char*> envp;
  for (std::string& pair : pairs) envp.push_back(pair.data());
  envp.push_back(nullptr);

  // Handlers go in before the spawn so a signal in between is not lost;
  // the child starts with default dispositions (POSIX resets caught signals
  // on exec).
  struct sigaction forward {};
  forward.sa_sigaction = Forward;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  struct sigaction previous[std::size(kForwardedSignals)];
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &forward, &previous[i]);
  }
  const auto restore = [&] {
    g_child.store(0);
    for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
      sigaction(kForwardedSignals[i], &previous[i], nullptr);
    }
  };

  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, program.c_str(), nullptr, nullptr, args.data(), envp.data());
  if (spawned != 0) {
    restore();
    const SpawnFailure failure = spawned == ENOENT ? SpawnFailure::kNotFound
                                 : spawned == EACCES || spawned == ENOEXEC
                                     ? SpawnFailure::kNotExecutable
                                     : SpawnFailure::kOther;
    return tl::unexpected(
        SpawnError{failure, fmt::format("cannot run {}: {}", argv[0], std::strerror(spawned))});
  }
  g_child.store(pid);

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
  ChildOutcome outcome;
  if (WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

}  // namespace audex
