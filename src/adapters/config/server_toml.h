// Reading server.toml (docs/team-mode.md, "Configuration"): the settings of
// `tryaudex server` as a ServerConfig. Parsing takes the file's text, so it
// is tested and fuzzed without disk; the profiles and deny list it names
// are read by LoadServerConfig. Every error is kUsage and names the file,
// the line and the key.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/team/server_config.h"

namespace audex {

// The text of server.toml. Relative paths (state_dir, store, profiles,
// deny_list, tls_*) are taken relative to `base_dir`. Unknown keys are
// reported in `warnings` (with the key they were likely meant to be).
Result<ServerConfig> ParseServerToml(std::string_view text, const std::string& path,
                                     const std::filesystem::path& base_dir,
                                     std::vector<std::string>* warnings);

// Reads `path`, parses it, and loads the profiles file and deny-list file
// it names. Refuses a file others can write (chmod go-w).
Result<ServerConfig> LoadServerConfig(const std::filesystem::path& path,
                                      std::vector<std::string>* warnings);

}  // namespace audex
