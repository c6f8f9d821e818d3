// The guard rails of `tryaudex mcp` (mcp_guard.h).
#include "core/plan/mcp_guard.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/text.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr const char* kStringArguments[] = {"allow", "profile",  "provider",
                                            "ttl",   "resource", "role_arn"};

tl::unexpected<std::string> Bad(std::string message) { return tl::unexpected(std::move(message)); }

std::string Listed(const std::vector<std::string>& items) {
  return items.empty() ? "none" : Join(items, ", ");
}

}  // namespace

tl::expected<McpRunArguments, std::string> ParseMcpRunArguments(const Json& arguments) {
  if (!arguments.is_object()) return Bad("the arguments must be an object");
  McpRunArguments parsed;
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    const std::string& key = it.key();
    if (key == "command") {
      if (!it->is_array() || it->empty()) {
        return Bad(
            "\"command\" must be a non-empty array of strings (argv), e.g. [\"aws\", \"s3\", "
            "\"ls\"]");
      }
      for (const Json& arg : *it) {
        if (!arg.is_string()) {
          return Bad("\"command\" must hold only strings (argv, one word per item)");
        }
        parsed.command.push_back(arg.get<std::string>());
      }
      if (parsed.command.front().empty()) {
        return Bad("\"command\"[0] is empty: name the program to run");
      }
      continue;
    }
    const auto* known = std::find(std::begin(kStringArguments), std::end(kStringArguments), key);
    if (known == std::end(kStringArguments)) {
      return Bad(fmt::format(
          "unknown argument \"{}\"; audex_run takes command, allow, profile, provider, ttl, "
          "resource and role_arn",
          key));
    }
    if (!it->is_string()) return Bad(fmt::format("\"{}\" must be a string", key));
    std::string value = it->get<std::string>();
    if (key == "allow") parsed.allow = std::move(value);
    if (key == "profile") parsed.profile = std::move(value);
    if (key == "provider") parsed.provider = std::move(value);
    if (key == "ttl") parsed.ttl = std::move(value);
    if (key == "resource") parsed.resource = std::move(value);
    if (key == "role_arn") parsed.role_arn = std::move(value);
  }
  if (parsed.command.empty()) {
    return Bad("\"command\" is missing: give the argv to run, e.g. [\"aws\", \"s3\", \"ls\"]");
  }
  if (parsed.allow.has_value() == parsed.profile.has_value()) {
    return Bad(
        "give exactly one of \"allow\" (actions, e.g. \"s3:ListBucket,s3:GetObject\") and "
        "\"profile\" (a profile name; audex_policies lists them)");
  }
  return parsed;
}

tl::expected<McpRunArguments, std::string> ParseMcpLearnArguments(const Json& arguments) {
  if (arguments.is_object()) {
    for (const char* key : {"provider", "resource"}) {
      if (arguments.contains(key)) {
        return tl::unexpected(fmt::format(
            "unknown argument \"{}\"; audex_learn takes command, allow, profile, ttl and "
            "role_arn (it observes AWS calls only)",
            key));
      }
    }
  }
  // The run rules, with a placeholder bound when none is given: learn's
  // bound is optional.
  Json checked = arguments;
  const bool unbounded =
      checked.is_object() && !checked.contains("allow") && !checked.contains("profile");
  if (unbounded) checked["allow"] = "";
  auto parsed = ParseMcpRunArguments(checked);
  if (!parsed) {
    std::string message = parsed.error();
    if (const size_t at = message.find("audex_run"); at != std::string::npos) {
      message.replace(at, 9, "audex_learn");
    }
    if (message.rfind("give exactly one of", 0) == 0) {
      message = "give at most one of \"allow\" and \"profile\" as the upper bound";
    }
    return tl::unexpected(message);
  }
  McpRunArguments learn = std::move(*parsed);
  if (unbounded) learn.allow.reset();
  return learn;
}

Json McpLearnInputSchema() {
  Json schema = McpRunInputSchema();
  Json& properties = schema["properties"];
  properties.erase("provider");
  properties.erase("resource");
  properties["allow"]["description"] =
      "Optional upper bound: actions the session may use at most. Without allow or profile the "
      "session has the role's own permissions.";
  properties["profile"]["description"] = "Optional upper bound: a profile name.";
  return schema;
}

Json McpRunInputSchema() {
  const auto text = [](const char* description) {
    return Json{{"type", "string"}, {"description", description}};
  };
  return Json{
      {"type", "object"},
      {"properties",
       {{"command",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"minItems", 1},
          {"description",
           "The program and its arguments (argv, no shell), e.g. [\"aws\",\"s3\",\"ls\"]. The "
           "program must be listed in mcp_allowed_commands."}}},
        {"allow",
         text("Comma-separated actions, wildcards or universal names to grant, e.g. "
              "\"s3:ListBucket,s3:GetObject\" or \"storage:read\". Give this or profile.")},
        {"profile", text("A profile name (see audex_policies). Give this or allow.")},
        {"provider", text("aws (default), gcp or azure")},
        {"ttl", text("Session lifetime, e.g. \"15m\" (default 15m, at most mcp_max_ttl)")},
        {"resource", text("Comma-separated resource ARNs to limit the grant to (AWS)")},
        {"role_arn", text("Role to assume instead of the configured one")}}},
      {"required", Json::array({"command"})},
      {"additionalProperties", false}};
}

bool IsAllowedCommand(const std::vector<std::string>& allowed, const std::string& program) {
  return std::find(allowed.begin(), allowed.end(), program) != allowed.end();
}

std::optional<McpRefusal> CheckMcpRun(const UserConfig& config, const McpRunArguments& request,
                                      std::chrono::seconds ttl,
                                      const std::optional<std::string>& configured_role,
                                      const std::string& config_path) {
  const std::string& program = request.command.front();
  if (!config.mcp_allowed_commands || config.mcp_allowed_commands->empty()) {
    return McpRefusal{
        "mcp_allowed_commands",
        fmt::format("refused by mcp_allowed_commands: no program is allowed for MCP clients yet, "
                    "so \"{}\" cannot run; list the programs agents may run in {}, e.g. "
                    "mcp_allowed_commands = [\"{}\"]",
                    program, config_path,
                    program.find('/') == std::string::npos ? program : "aws")};
  }
  if (!IsAllowedCommand(*config.mcp_allowed_commands, program)) {
    return McpRefusal{
        "mcp_allowed_commands",
        fmt::format("refused by mcp_allowed_commands: \"{}\" is not an allowed program (allowed: "
                    "{}); a name matches only that name and a path only that path; add it to "
                    "mcp_allowed_commands in {} to let agents run it",
                    program, Listed(*config.mcp_allowed_commands), config_path)};
  }
  if (config.mcp_allowed_profiles) {
    const std::vector<std::string>& profiles = *config.mcp_allowed_profiles;
    if (!request.profile) {
      return McpRefusal{
          "mcp_allowed_profiles",
          fmt::format("refused by mcp_allowed_profiles: agents may only use the profiles {} here, "
                      "not an allow list or no bound at all; pass \"profile\", or remove "
                      "mcp_allowed_profiles from {}",
                      Listed(profiles), config_path)};
    }
    if (std::find(profiles.begin(), profiles.end(), *request.profile) == profiles.end()) {
      return McpRefusal{
          "mcp_allowed_profiles",
          fmt::format("refused by mcp_allowed_profiles: profile \"{}\" is not allowed for agents "
                      "(allowed: {}); add it to mcp_allowed_profiles in {}",
                      *request.profile, Listed(profiles), config_path)};
    }
  }
  if (request.role_arn && request.role_arn != configured_role &&
      std::find(config.mcp_allowed_roles.begin(), config.mcp_allowed_roles.end(),
                *request.role_arn) == config.mcp_allowed_roles.end()) {
    return McpRefusal{
        "mcp_allowed_roles",
        fmt::format("refused by mcp_allowed_roles: agents may assume only the configured role "
                    "({}){}, not \"{}\"; leave role_arn out, or add it to mcp_allowed_roles in {}",
                    configured_role.value_or("none set"),
                    config.mcp_allowed_roles.empty()
                        ? ""
                        : fmt::format(" and {}", Listed(config.mcp_allowed_roles)),
                    *request.role_arn, config_path)};
  }
  const std::chrono::seconds max_ttl = config.mcp_max_ttl.value_or(kDefaultMcpMaxTtl);
  if (ttl > max_ttl) {
    return McpRefusal{
        "mcp_max_ttl",
        fmt::format("refused by mcp_max_ttl: a {} session is longer than the {} agents may ask "
                    "for{}; ask for a shorter ttl, or raise mcp_max_ttl in {}",
                    FormatTtl(ttl), FormatTtl(max_ttl), config.mcp_max_ttl ? "" : " (the default)",
                    config_path)};
  }
  return std::nullopt;
}

SessionRequest SessionRequestFor(const McpRunArguments& arguments) {
  SessionRequest request;
  request.provider = arguments.provider;
  request.allow = arguments.allow;
  request.profile = arguments.profile;
  request.resource = arguments.resource;
  request.ttl = arguments.ttl;
  request.role_arn = arguments.role_arn;
  request.command = arguments.command;
  // An agent's session is its own STS session, never served or cached.
  request.serve = false;
  request.cache = CacheChoice::kOff;
  return request;
}

}  // namespace audex
