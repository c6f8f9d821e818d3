#include "adapters/webserver/serving.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "adapters/process/child_process.h"
#include "core/credentials/secret_variables.h"

namespace audex {

StopSignals::StopSignals() {
  sigemptyset(&stop_);
  sigaddset(&stop_, SIGINT);
  sigaddset(&stop_, SIGTERM);
  sigaddset(&stop_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_, &previous_);
}

StopSignals::~StopSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

int StopSignals::Wait() {
  int received = 0;
  while (sigwait(&stop_, &received) != 0) {
  }
  return received;
}

Result<void> OpenInBrowser(const std::string& browser, const std::string& url,
                           const Environment& environment) {
  const std::string program = FindProgram(browser, environment);
  if (program.empty()) {
    return UsageError(fmt::format(
        "cannot open the browser: BROWSER names {}, which is not on PATH; fix BROWSER or use "
        "--no-open and open the printed URL yourself",
        browser));
  }
  // The browser gets the person's environment without the credentials in
  // it (core/credentials/secret_variables.h): it needs none of them.
  std::vector<std::string> pairs;
  for (const auto& [name, value] : environment) {
    if (!IsSecretVariable(name)) pairs.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (std::string& pair : pairs) envp.push_back(pair.data());
  envp.push_back(nullptr);
  std::string program_copy = program;
  std::string url_copy = url;
  char* argv[] = {program_copy.data(), url_copy.data(), nullptr};
  // The browser outlives nothing of ours and writes nothing to our
  // terminal: its output goes to /dev/null.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Our blocked stop signals must not stay blocked in the browser.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) {
    return UsageError(fmt::format("cannot start the browser {}: {}; fix BROWSER or use --no-open",
                                  program, std::strerror(failed)));
  }
  return {};
}

}  // namespace audex
