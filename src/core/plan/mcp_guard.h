// McpGuard: what an AI agent may ask of Audex through `tryaudex mcp`,
// decided from config.toml's mcp_* keys before any credentials are asked
// for. A refusal names the rule (the config key to change) and the file.
// The deny list is not here: run's planning applies it to every request.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"
#include "core/plan/session_request.h"
#include "core/plan/user_config.h"

namespace audex {

// How long an agent's session may live when config.toml sets no mcp_max_ttl.
inline constexpr std::chrono::seconds kDefaultMcpMaxTtl{60 * 60};

// The arguments of the audex_run tool, checked for shape.
struct McpRunArguments {
  std::optional<std::string> allow;
  std::optional<std::string> profile;
  std::vector<std::string> command;
  std::optional<std::string> provider;
  std::optional<std::string> ttl;
  std::optional<std::string> resource;
  std::optional<std::string> role_arn;
};

// Reads audex_run's arguments: `command` a non-empty array of strings,
// exactly one of `allow` and `profile`, the rest optional strings, nothing
// else. The error says which argument is wrong and how.
tl::expected<McpRunArguments, std::string> ParseMcpRunArguments(const nlohmann::json& arguments);

// The JSON Schema of those arguments, for tools/list.
nlohmann::json McpRunInputSchema();

// Reads audex_learn's arguments: as audex_run's, except that `allow` and
// `profile` are an optional upper bound (at most one; without either the
// session has the role's own permissions) and there is no provider (learn
// observes AWS only).
tl::expected<McpRunArguments, std::string> ParseMcpLearnArguments(const nlohmann::json& arguments);

// The JSON Schema of audex_learn's arguments.
nlohmann::json McpLearnInputSchema();

struct McpRefusal {
  std::string rule;     // the config.toml key that refused: "mcp_allowed_commands", ...
  std::string message;  // what was refused, why, and the key to change in which file
};

// `ttl` is the lifetime the session would get (asked for, else config, else
// the default). `configured_role` is the role run would assume without a
// role_arn (AUDEX_ROLE_ARN, else config.toml): an agent may name only that
// one or one of mcp_allowed_roles, since another role can reach other
// accounts and resources with the same actions. `config_path` names
// config.toml in messages.
std::optional<McpRefusal> CheckMcpRun(const UserConfig& config, const McpRunArguments& request,
                                      std::chrono::seconds ttl,
                                      const std::optional<std::string>& configured_role,
                                      const std::string& config_path);

// The session a command-running tool asks for, as `tryaudex run` would
// take it (audex_learn's parser has already refused provider and resource).
SessionRequest SessionRequestFor(const McpRunArguments& arguments);

// Whether argv[0] is one of mcp_allowed_commands: a bare name matches the
// same bare name (found in PATH when run), an absolute path only the same
// path. "/tmp/x/aws" does not match "aws": the agent could have put it there.
bool IsAllowedCommand(const std::vector<std::string>& allowed, const std::string& program);

}  // namespace audex
