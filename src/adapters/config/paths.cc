#include "adapters/config/paths.h"

namespace audex {

AudexPaths ResolvePaths(const EnvLookup& env) {
  if (const auto home = env("AUDEX_HOME"); home && !home->empty()) {
    return AudexPaths{*home, *home};
  }
  const std::filesystem::path user_home = env("HOME").value_or("/");
  const auto xdg = [&](const char* name, const char* fallback) {
    const auto value = env(name);
    if (value && !value->empty() && value->front() == '/') return std::filesystem::path(*value);
    return user_home / fallback;
  };
  return AudexPaths{xdg("XDG_CONFIG_HOME", ".config") / "audex",
                    xdg("XDG_STATE_HOME", ".local/state") / "audex"};
}

}  // namespace audex
