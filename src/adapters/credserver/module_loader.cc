// Where Audex's modules are looked for, and how a failure to load one is told.
#include "adapters/credserver/module_loader.h"

#include <dlfcn.h>

#include <fmt/format.h>

#include "adapters/process/install_layout.h"

namespace audex {

void* OpenAudexModule(std::string_view file_name, const char* built_path, std::string* error) {
  const HelperSearch search = FindHelper(file_name, built_path);
  if (!search.found) {
    *error = fmt::format(
        "the loopback endpoint module {} is missing (looked in {}); reinstall Audex, or keep "
        "tryaudex's folder and ../lib/audex/ together when you copy it",
        file_name, search.tried);
    return nullptr;
  }
  void* library = dlopen(search.found->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = dlerror();
    *error = fmt::format("cannot load {} ({}); install libcpp-httplib0.11 and libcurl4",
                         search.found->string(), reason != nullptr ? reason : "unknown reason");
  }
  return library;
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
