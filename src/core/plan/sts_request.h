// The parameters of the STS calls that issue a session's credentials
// (AssumeRole, GetScopedCredentials) as values, with the limits STS would
// enforce anyway checked before a round trip.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

// A session tag (STS API reference, AssumeRole, Tags): key 1..128 and
// value 0..256 characters.
struct StsTag {
  std::string key;
  std::string value;
};

// AWS's limits on what one AssumeRole may carry besides the inline policy
// (STS API reference, AssumeRole: PolicyArns, Tags).
inline constexpr size_t kMaxPolicyArns = 10;
inline constexpr size_t kMaxSessionTags = 50;

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;  // 2..64 of [A-Za-z0-9+=,.@_-]; carries the session id
  std::chrono::seconds duration_seconds{900};  // 900..43200, and at most the role's maximum
  std::string policy;                          // the session policy JSON, minified; empty for none
  std::optional<std::string> source_identity;
  // Managed policies as further session policies (PolicyArns.member.N.arn):
  // the session gets at most what every one of them allows.
  std::vector<std::string> policy_arns;
  std::vector<StsTag> tags;                      // Tags.member.N.Key / .Value
  std::vector<std::string> transitive_tag_keys;  // TransitiveTagKeys.member.N
};

// Checks what STS would refuse anyway, so the user hears it before a round
// trip (kUsage): session name charset and length, duration range, source
// identity charset and length, at most 10 policy ARNs each shaped like one,
// the inline policy and the ARNs together at most 2,048 characters (kPolicy),
// at most 50 tags of bounded size, transitive keys among the tags.
Result<void> ValidateAssumeRoleRequest(const AssumeRoleRequest& request);

// kUsage unless `arn` is an IAM managed policy's ARN:
// arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME, ACCOUNT twelve digits or
// "aws" (AWS managed policies), names of [A-Za-z0-9+=,.@_-]. `where` says
// where it came from ("--policy-arn", "policy_arns in FILE").
Result<void> ValidatePolicyArn(std::string_view arn, std::string_view where);

// sts:GetScopedCredentials (API reference, November 2026): narrows the
// caller's own temporary credentials by a scope-down policy, without
// assuming a role. Regional endpoints only; the base credentials must be
// temporary (they carry a session token).
struct GetScopedCredentialsRequest {
  std::string policy;                            // the scope-down policy JSON; empty for none
  std::optional<std::chrono::seconds> duration;  // 1..129600 s; absent: the caller's own expiry
};

inline constexpr std::chrono::seconds kMaxScopedDuration{129600};

// kUsage for a duration outside 1..129600 s.
Result<void> ValidateGetScopedCredentialsRequest(const GetScopedCredentialsRequest& request);

}  // namespace audex
