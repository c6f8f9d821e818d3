// The role a session assumes: chosen from --role-arn, AUDEX_ROLE_ARN or
// role_arn in config.toml, in that order, and checked for an IAM role ARN's
// shape before any network call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/plan/user_config.h"

namespace audex {

struct RoleChoice {
  std::string arn;
  std::string source;  // "--role-arn", "AUDEX_ROLE_ARN", "role_arn in FILE"
};

// kUsage errors: no role anywhere (the message names all three places), or
// a value that is not arn:PARTITION:iam::ACCOUNT:role/NAME (the account may
// be empty, as Ceph radosgw's role ARNs are).
Result<RoleChoice> ChooseRole(const std::optional<std::string>& flag,
                              const std::optional<std::string>& environment,
                              const std::optional<std::string>& config,
                              const std::string& config_source);

// `choice` when its ARN has an IAM role's shape; the kUsage error of
// ChooseRole otherwise (naming choice.source).
Result<RoleChoice> CheckRoleArn(RoleChoice choice);

// The precedence every command uses (run, learn, credential-process,
// drift, health, MCP): --role-arn, else AUDEX_ROLE_ARN, else role_arn in
// config.toml, checked as ChooseRole does.
Result<RoleChoice> ResolveRole(const std::optional<std::string>& flag, const EnvLookup& env,
                               const UserConfig& config);

// The role configured without a flag (AUDEX_ROLE_ARN, else role_arn), unchecked.
std::optional<std::string> ConfiguredRole(const EnvLookup& env, const UserConfig& config);

// The role's name: the part of "arn:aws:iam::1:role/path/Name" after the
// last '/' ("Name"), which is what IAM's RoleName parameter takes.
std::string RoleNameFromArn(std::string_view arn);

}  // namespace audex
