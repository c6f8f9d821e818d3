// execve of /proc/self/exe with /proc/self/cmdline (self_exec.h).
#include "adapters/process/self_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace audex {

Result<void> ExecSelf(const Environment& environment) {
  // The arguments as the kernel keeps them: each followed by a NUL.
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  const std::string cmdline((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
  if (cmdline.empty()) {
    return StateError(
        "cannot start tryaudex again: /proc/self/cmdline cannot be read (is /proc mounted?)");
  }
  std::vector<std::string> args;
  for (size_t start = 0; start < cmdline.size();) {
    const size_t end = cmdline.find('\0', start);
    args.push_back(cmdline.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::vector<std::string> variables;
  variables.reserve(environment.size());
  for (const auto& [name, value] : environment) variables.push_back(name + "=" + value);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  // The running binary by its path first: under valgrind only readlink of
  // /proc/self/exe names the program (an execve of the link itself would
  // start valgrind's tool). /proc/self/exe itself when that path is gone
  // (an upgrade replaced the binary) or cannot be started.
  char path[4096];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length > 0) {
    path[length] = '\0';
    ::execve(path, argv.data(), envp.data());
  }
  ::execve("/proc/self/exe", argv.data(), envp.data());
  return StateError(std::string("cannot start tryaudex again (execve /proc/self/exe: ") +
                    std::strerror(errno) + "); is /proc mounted?");
}

}  // namespace audex
