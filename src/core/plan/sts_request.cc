#include "core/plan/sts_request.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace audex {
namespace {

// STS AssumeRole's DurationSeconds bounds (API reference); the role's own
// maximum may be lower, which only STS knows.
constexpr std::chrono::seconds kMinDuration{900};
constexpr std::chrono::seconds kMaxDuration{43200};

bool IsSessionNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

}  // namespace

Result<void> ValidateAssumeRoleRequest(const AssumeRoleRequest& request) {
  if (request.role_arn.empty()) {
    return UsageError(
        "no role to assume: give --role-arn, set AUDEX_ROLE_ARN, or set role_arn in config.toml");
  }
  const std::string& name = request.role_session_name;
  if (name.size() < 2 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), IsSessionNameChar)) {
    return UsageError(fmt::format(
        "role session name \"{}\" must be 2 to 64 characters of letters, digits and _+=,.@- (STS "
        "RoleSessionName)",
        name));
  }
  if (request.duration_seconds < kMinDuration || request.duration_seconds > kMaxDuration) {
    return UsageError(fmt::format(
        "a TTL of {} s is outside what STS AssumeRole allows (900 s to 43200 s, and at most the "
        "role's maximum session duration); use --ttl between 15m and 12h",
        request.duration_seconds.count()));
  }
  if (request.source_identity) {
    const std::string& identity = *request.source_identity;
    if (identity.size() < 2 || identity.size() > 64 ||
        !std::all_of(identity.begin(), identity.end(), IsSessionNameChar) ||
        identity.starts_with("aws:")) {
      return UsageError(fmt::format(
          "--source-identity \"{}\" must be 2 to 64 characters of letters, digits and _+=,.@- and "
          "must not start with \"aws:\"",
          identity));
    }
  }
  return {};
}

Result<void> ValidateGetScopedCredentialsRequest(const GetScopedCredentialsRequest& request) {
  if (request.duration &&
      (request.duration->count() < 1 || *request.duration > kMaxScopedDuration)) {
    // Exit 3 like AssumeRole's bounds: README "Exit codes", TTL outside the
    // provider's bounds.
    return PolicyError(fmt::format(
        "a TTL of {} s is outside what STS GetScopedCredentials allows (1 s to 129600 s); use "
        "--ttl between 1s and 36h",
        request.duration->count()));
  }
  return {};
}

}  // namespace audex
