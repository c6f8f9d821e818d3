// The parameters of the STS calls that issue a session's credentials
// (AssumeRole, GetScopedCredentials) as values, with the limits STS would
// enforce anyway checked before a round trip.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/base/result.h"

namespace audex {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;  // 2..64 of [A-Za-z0-9+=,.@_-]; carries the session id
  std::chrono::seconds duration_seconds{900};  // 900..43200, and at most the role's maximum
  std::string policy;                          // the session policy JSON, minified; empty for none
  std::optional<std::string> source_identity;
};

// Checks what STS would refuse anyway, so the user hears it before a round
// trip (kUsage): session name charset and length, duration range, source
// identity charset and length.
Result<void> ValidateAssumeRoleRequest(const AssumeRoleRequest& request);

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
