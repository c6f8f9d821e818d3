#include "core/plan/role.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace audex {
namespace {

// The ACCOUNT of arn:PARTITION:iam::ACCOUNT:..., or nullopt when `arn` does
// not have that shape.
std::optional<std::string_view> IamAccountOf(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") return std::nullopt;
  const size_t iam = arn.find(":iam::", 4);
  if (iam == std::string_view::npos || iam == 4) return std::nullopt;
  const size_t account_end = arn.find(':', iam + 6);
  if (account_end == std::string_view::npos) return std::nullopt;
  return arn.substr(iam + 6, account_end - iam - 6);
}

// An AWS account ID is 12 digits (AWS Account Management Reference Guide,
// "View AWS account identifiers"); Ceph radosgw leaves it empty for users
// without a tenant (arn:aws:iam:::role/NAME, scripts/local-cloud).
bool IsAccountId(std::string_view account) {
  return account.empty() ||
         (account.size() == 12 &&
          std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

bool IsRoleArn(std::string_view arn) {
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  const auto account = IamAccountOf(arn);
  if (!account || !IsAccountId(*account)) return false;
  const size_t account_end = static_cast<size_t>(account->data() - arn.data()) + account->size();
  const std::string_view rest = arn.substr(account_end + 1);
  // IAM names and paths are printable ASCII without blanks (IAM API
  // reference, Role: RoleName [\w+=,.@-]+, Path \u0021-\u007F).
  for (char c : rest) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return rest.substr(0, 5) == "role/" && rest.size() > 5 && rest.back() != '/';
}

// The role behind an STS assumed-role ARN (what `aws sts
// get-caller-identity` prints), arn:P:sts::A:assumed-role/NAME/SESSION ->
// arn:P:iam::A:role/NAME, or "" for anything else. A role path is not part
// of the session ARN, so it cannot be restored.
std::string RoleOfAssumedRoleArn(std::string_view arn) {
  const size_t sts = arn.find(":sts::");
  if (arn.substr(0, 4) != "arn:" || sts == std::string_view::npos) return "";
  const size_t account_end = arn.find(':', sts + 6);
  if (account_end == std::string_view::npos) return "";
  std::string_view rest = arn.substr(account_end + 1);
  constexpr std::string_view kPrefix = "assumed-role/";
  if (rest.substr(0, kPrefix.size()) != kPrefix) return "";
  rest.remove_prefix(kPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return "";
  return fmt::format("{}:iam::{}:role/{}", arn.substr(0, sts),
                     arn.substr(sts + 6, account_end - sts - 6), rest.substr(0, slash));
}

}  // namespace

Result<RoleChoice> ChooseRole(const std::optional<std::string>& flag,
                              const std::optional<std::string>& environment,
                              const std::optional<std::string>& config,
                              const std::string& config_source) {
  RoleChoice choice;
  if (flag && !flag->empty()) {
    choice = {*flag, "--role-arn"};
  } else if (environment && !environment->empty()) {
    choice = {*environment, "AUDEX_ROLE_ARN"};
  } else if (config && !config->empty()) {
    choice = {*config, fmt::format("role_arn in {}", config_source)};
  } else {
    return UsageError(
        "no role to assume: pass --role-arn ARN, set AUDEX_ROLE_ARN, or put role_arn = \"ARN\" "
        "in config.toml (e.g. arn:aws:iam::123456789012:role/AudexRole)");
  }
  return CheckRoleArn(std::move(choice));
}

Result<RoleChoice> CheckRoleArn(RoleChoice choice) {
  if (!IsRoleArn(choice.arn)) {
    if (const std::string role = RoleOfAssumedRoleArn(choice.arn); !role.empty()) {
      return UsageError(fmt::format(
          "role \"{}\" from {} is an assumed-role session, not a role; give the role's own ARN, "
          "{} (with its path, if it has one)",
          choice.arn, choice.source, role));
    }
    if (const auto account = IamAccountOf(choice.arn); account && !IsAccountId(*account)) {
      return UsageError(fmt::format(
          "role \"{}\" from {} names account \"{}\", which is not a 12-digit AWS account ID; "
          "copy the role's ARN from `aws iam get-role --role-name NAME` or the IAM console",
          choice.arn, choice.source, *account));
    }
    return UsageError(fmt::format(
        "role \"{}\" from {} is not an IAM role ARN; expected arn:aws:iam::ACCOUNT:role/NAME",
        choice.arn, choice.source));
  }
  return choice;
}

std::string RoleNameFromArn(std::string_view arn) {
  const size_t slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

Result<RoleChoice> ResolveRole(const std::optional<std::string>& flag, const EnvLookup& env,
                               const UserConfig& config) {
  return ChooseRole(flag, env("AUDEX_ROLE_ARN"), config.role_arn,
                    config.source.empty() ? "config.toml" : config.source);
}

std::optional<std::string> ConfiguredRole(const EnvLookup& env, const UserConfig& config) {
  if (auto role = env("AUDEX_ROLE_ARN")) return role;
  return config.role_arn;
}

}  // namespace audex
