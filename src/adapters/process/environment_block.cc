#include "adapters/process/environment_block.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace audex {

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

size_t EraseFromEnvironment(const std::function<bool(std::string_view name)>& erase) {
  std::vector<std::string> names;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    char* equals = strchr(*entry, '=');
    if (equals == nullptr) continue;
    const std::string_view name(*entry, static_cast<size_t>(equals - *entry));
    if (!erase(name)) continue;
    // The value is overwritten where it lies: in the block the kernel
    // reads /proc/PID/environ from (or in memory setenv allocated).
    // explicit_bzero is not optimised away.
    explicit_bzero(equals + 1, strlen(equals + 1));
    names.emplace_back(name);
  }
  for (const std::string& name : names) unsetenv(name.c_str());
  return names.size();
}

}  // namespace audex
