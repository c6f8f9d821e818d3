// The TOML reading that config_files.cc does for Audex's own files, shared
// with the other files read the same way (server.toml's [[oidc.issuers]]):
// parsing with toml++'s exceptions ending at this boundary, and typed
// fields whose errors name the file, the line and the key. Every error is
// kUsage.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/base/result.h"

namespace audex {

// `text` as TOML (with config_files.cc's guard against toml++ 3.3.0's
// non-ASCII crash); a syntax error names path:line.
Result<toml::table> ParseTomlText(std::string_view text, const std::string& path);

// "path:line" of `node`.
std::string TomlWhere(const std::string& path, const toml::node& node);

// The string (list of strings) at `node`, or an error showing `key = example`.
Result<std::string> TomlString(const toml::node& node, const std::string& path,
                               std::string_view key, std::string_view example);
Result<std::vector<std::string>> TomlStringList(const toml::node& node, const std::string& path,
                                                std::string_view key, std::string_view example);
// TomlString into `out` (an optional one is set when the key is there).
Result<void> ReadTomlString(const toml::node& node, const std::string& path, std::string_view key,
                            std::string_view example, std::string& out);
Result<void> ReadTomlString(const toml::node& node, const std::string& path, std::string_view key,
                            std::string_view example, std::optional<std::string>& out);

}  // namespace audex
