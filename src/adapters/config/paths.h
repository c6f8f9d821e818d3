// Where Audex keeps its files. XDG base directories are honoured; AUDEX_HOME
// puts every file in one directory (tests use it).
#pragma once

#include <filesystem>
#include <string>

#include "core/base/env.h"

namespace audex {

struct AudexPaths {
  std::filesystem::path config_dir;  // config.toml, profiles.toml, deny-list.toml
  std::filesystem::path state_dir;   // sessions/, audit.jsonl, audit.key

  std::filesystem::path ConfigFile() const { return config_dir / "config.toml"; }
  std::filesystem::path ProfilesFile() const { return config_dir / "profiles.toml"; }
  std::filesystem::path DenyListFile() const { return config_dir / "deny-list.toml"; }
};

// AUDEX_HOME if set (both dirs); otherwise $XDG_CONFIG_HOME/audex (default
// ~/.config/audex) and $XDG_STATE_HOME/audex (default ~/.local/state/audex).
// Relative XDG values are ignored, as the XDG specification requires.
AudexPaths ResolvePaths(const EnvLookup& env);

}  // namespace audex
