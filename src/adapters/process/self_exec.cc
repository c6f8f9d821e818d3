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
  // /proc/self/exe is the running binary even when its path has since been
  // replaced (an upgrade) or the process was started through a symlink.
  ::execve("/proc/self/exe", argv.data(), envp.data());
  return StateError(std::string("cannot start tryaudex again (execve /proc/self/exe: ") +
                    std::strerror(errno) + "); is /proc mounted?");
}

}  // namespace audex
