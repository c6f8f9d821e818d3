// Reading Audex's TOML files: config.toml, profiles.toml, deny-list.toml.
// Parsing takes the file's text, so it is tested and fuzzed without disk.
// Every error names the file, the line and the key, and is kUsage.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/plan/user_config.h"
#include "core/policy/deny_list.h"
#include "core/policy/profile.h"

namespace audex {

// config.toml: provider, ttl, role_arn, region (strings), and the MCP guard
// rails mcp_allowed_commands (names or absolute paths), mcp_max_ttl,
// mcp_allowed_profiles, mcp_allowed_roles, and the [network] table
// (allowed_ips, allowed_vpcs, allowed_vpc_endpoints; an unknown key there is
// an error). Unknown top-level keys are reported in `warnings` and otherwise
// ignored, so newer files still load.
Result<UserConfig> ParseConfigToml(std::string_view text, const std::string& path,
                                   std::vector<std::string>* warnings);

// profiles.toml: [profiles.NAME] description, actions (comma string),
// resources (list of ARNs), optional provider.
Result<std::vector<Profile>> ParseProfilesToml(std::string_view text, const std::string& path);

// deny-list.toml: [deny] actions = [...].
Result<DenyList> ParseDenyListToml(std::string_view text, const std::string& path);

}  // namespace audex

namespace audex {

struct AudexPaths;

// Everything Audex reads from its configuration directory before a command.
struct LoadedConfiguration {
  UserConfig config;
  ProfileCatalog profiles;
  DenyList deny;
};

// Reads config.toml, profiles.toml and deny-list.toml from `paths`; a missing
// file is an empty one. Non-fatal findings go to `warnings`.
Result<LoadedConfiguration> LoadConfiguration(const AudexPaths& paths,
                                              std::vector<std::string>* warnings);

}  // namespace audex
