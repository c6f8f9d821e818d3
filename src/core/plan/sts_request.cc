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

// IAM's limit for a managed policy's name (IAM API reference, CreatePolicy).
constexpr size_t kMaxPolicyNameLength = 128;
constexpr size_t kMaxTagKeyLength = 128;
constexpr size_t kMaxTagValueLength = 256;

bool IsPartition(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

bool IsAccount(std::string_view text) {
  return text == "aws" || (text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) {
                             return c >= '0' && c <= '9';
                           }));
}

}  // namespace

Result<void> ValidatePolicyArn(std::string_view arn, std::string_view where) {
  const auto fail = [&] {
    return UsageError(fmt::format(
        "{}: \"{}\" is not a managed policy ARN; write "
        "arn:aws:iam::123456789012:policy/NAME (or arn:aws:iam::aws:policy/NAME for an AWS "
        "managed policy)",
        where, arn));
  };
  // arn : partition : iam : (empty region) : account : policy/...
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return fail();
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string_view resource = arn.substr(start);
  if (parts[0] != "arn" || !IsPartition(parts[1]) || parts[2] != "iam" || !parts[3].empty() ||
      !IsAccount(parts[4]) || !resource.starts_with("policy/")) {
    return fail();
  }
  const std::string_view path_and_name = resource.substr(7);
  const size_t slash = path_and_name.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? path_and_name : path_and_name.substr(slash + 1);
  if (name.empty() || name.size() > kMaxPolicyNameLength ||
      !std::all_of(name.begin(), name.end(), IsSessionNameChar) ||
      path_and_name.find("//") != std::string_view::npos || path_and_name.starts_with("/")) {
    return fail();
  }
  return {};
}

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
  if (request.policy_arns.size() > kMaxPolicyArns) {
    return UsageError(fmt::format(
        "{} managed policy ARNs (policy_arns, --policy-arn) are more than the {} STS AssumeRole "
        "takes; drop some",
        request.policy_arns.size(), kMaxPolicyArns));
  }
  size_t plaintext = request.policy.size();
  for (const std::string& arn : request.policy_arns) {
    if (auto valid = ValidatePolicyArn(arn, "policy ARN"); !valid) return valid;
    plaintext += arn.size();
  }
  // "The plaintext that you use for both inline and managed session
  // policies can't exceed 2,048 characters" (STS API reference, AssumeRole).
  if (!request.policy_arns.empty() && plaintext > 2048) {
    return PolicyError(fmt::format(
        "the session policy ({} characters) and the managed policy ARNs ({} characters) are {} "
        "characters together, over the 2,048 STS allows for both; grant less or drop an ARN",
        request.policy.size(), plaintext - request.policy.size(), plaintext));
  }
  if (request.tags.size() > kMaxSessionTags) {
    return UsageError(fmt::format("{} session tags are more than the {} STS AssumeRole takes",
                                  request.tags.size(), kMaxSessionTags));
  }
  for (const StsTag& tag : request.tags) {
    if (tag.key.empty() || tag.key.size() > kMaxTagKeyLength ||
        tag.value.size() > kMaxTagValueLength || tag.key.starts_with("aws:")) {
      return UsageError(fmt::format(
          "session tag \"{}\" must have a key of 1 to 128 characters not starting with aws: and "
          "a value of at most 256",
          tag.key));
    }
  }
  for (const std::string& key : request.transitive_tag_keys) {
    if (std::none_of(request.tags.begin(), request.tags.end(),
                     [&key](const StsTag& tag) { return tag.key == key; })) {
      return UsageError(
          fmt::format("transitive tag key \"{}\" is not among the session tags", key));
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
