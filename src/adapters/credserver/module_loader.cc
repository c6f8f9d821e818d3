// Where Audex's modules are looked for, and how a failure to load one is told.
#include "adapters/credserver/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

namespace audex {

void* OpenAudexModule(std::string_view file_name, const char* built_path, std::string* error) {
  std::vector<std::filesystem::path> candidates;
  char buffer[PATH_MAX];
  const ssize_t size = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (size > 0) {
    const std::filesystem::path directory =
        std::filesystem::path(std::string(buffer, static_cast<size_t>(size))).parent_path();
    candidates.push_back(directory / file_name);
    candidates.push_back(directory.parent_path() / "lib" / "audex" / file_name);
    // Where this build put the module, only for a program inside that
    // build tree (a test or bench in build/tests/): a tryaudex copied or
    // installed elsewhere must not run a module from a build directory that
    // may since have changed, or belong to someone else.
    if (built_path != nullptr) {
      const std::filesystem::path build_tree = std::filesystem::path(built_path).parent_path();
      const std::filesystem::path inside = directory.lexically_relative(build_tree);
      if (!inside.empty() && *inside.begin() != "..") candidates.emplace_back(built_path);
    }
  }
  std::string tried;
  for (const std::filesystem::path& candidate : candidates) {
    std::error_code ignored;
    if (!std::filesystem::exists(candidate, ignored)) {
      tried += (tried.empty() ? "" : ", ") + candidate.string();
      continue;
    }
    void* library = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* reason = dlerror();
      *error = fmt::format("cannot load {} ({}); install libcpp-httplib0.11 and libcurl4",
                           candidate.string(), reason != nullptr ? reason : "unknown reason");
      return nullptr;
    }
    return library;
  }
  *error = fmt::format("the loopback endpoint module {} is missing (looked in {}); reinstall Audex",
                       file_name, tried);
  return nullptr;
}

bool LoadAudexModule(std::string_view file_name, const char* built_path, const char* start_symbol,
                     const char* stop_symbol, std::string_view what, ModuleEntryPoints* found,
                     std::string* error) {
  void* library = OpenAudexModule(file_name, built_path, error);
  if (library == nullptr) return false;
  found->start = dlsym(library, start_symbol);
  found->stop = dlsym(library, stop_symbol);
  if (found->start == nullptr || found->stop == nullptr) {
    *error = fmt::format("{} is not Audex's {}; reinstall Audex", file_name, what);
    return false;
  }
  return true;
}

}  // namespace audex
