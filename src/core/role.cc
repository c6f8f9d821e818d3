#include "core/role.h"

#include <fmt/format.h>

namespace audex {
namespace {

bool IsRoleArn(std::string_view arn) {
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  if (arn.substr(0, 4) != "arn:") return false;
  const size_t iam = arn.find(":iam::", 4);
  if (iam == std::string_view::npos || iam == 4) return false;
  const size_t account_end = arn.find(':', iam + 6);
  if (account_end == std::string_view::npos) return false;
  for (char c : arn.substr(iam + 6, account_end - iam - 6)) {
    if (c < '0' || c > '9') return false;
  }
  const std::string_view rest = arn.substr(account_end + 1);
  return rest.substr(0, 5) == "role/" && rest.size() > 5 && rest.back() != '/';
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
  if (!IsRoleArn(choice.arn)) {
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

}  // namespace audex
