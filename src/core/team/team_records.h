// What the team server keeps in its store (docs/team-mode.md, "Store and
// schema"): API tokens, grants, approval requests and revocations, as plain
// values. None holds a secret: a token is kept as its SHA-256, an issued
// session as its access key id, never its secret key or session token.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

using TimePoint = std::chrono::system_clock::time_point;

// ---------------------------------------------------------------- tokens

// An API token is "audex_" and 64 lower-case hex digits: 256 random bits
// with a prefix that secret scanners (and people) can recognise.
inline constexpr std::string_view kApiTokenPrefix = "audex_";
inline constexpr size_t kApiTokenRandomBytes = 32;

// The token spelled by `random_bytes` (kApiTokenRandomBytes of them; the
// caller supplies the randomness, core has none).
SecretString ApiTokenFromRandom(std::string_view random_bytes);

// Whether `text` has the shape of an API token (prefix and 64 hex digits):
// the server can tell a token from an OIDC JWT before any lookup.
bool LooksLikeApiToken(std::string_view text);

// 64 hex digits: SHA-256 of the token's text, the only form the store keeps.
// A plain hash suffices, no salt or slow hash: the token has 256 random
// bits, so there is no dictionary to precompute.
std::string ApiTokenHash(const SecretString& token);

struct ApiToken {
  std::string id;            // a session-id-shaped name for lists and revocation
  std::string name;          // "ci-deploy"; not unique: a rotated token keeps its name
  std::string policy;        // the server-policy name (rule set) its caller is bound to
  std::string token_sha256;  // ApiTokenHash of the token
  std::string created_by;
  TimePoint created_at;
  std::optional<TimePoint> expires_at;  // nullopt: never
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;  // kept to the minute (TeamStore::TouchApiToken)
  // The groups its caller is in (`server token create --group`): who may
  // approve a request (core/team/approval_rules.h).
  std::vector<std::string> groups;
};

// kCredentials when a token that was found may not be used at `now`:
// revoked, or expired. The message names the token (never its value).
Result<void> CheckApiTokenUsable(const ApiToken& token, TimePoint now);

// ---------------------------------------------------------------- grants

// A grant's life: issuing (recorded, STS call in flight) -> issued, or
// failed; pending_approval -> issuing or denied; issued -> revoked or
// expired. `issuing` exists so that the grant and its first audit event are
// committed before STS is called (nothing is issued unless audited first).
enum class GrantStatus {
  kIssuing,
  kIssued,
  kPendingApproval,
  kDenied,
  kRevoked,
  kExpired,
  kFailed
};

inline constexpr GrantStatus kAllGrantStatuses[] = {
    GrantStatus::kIssuing, GrantStatus::kIssued,  GrantStatus::kPendingApproval,
    GrantStatus::kDenied,  GrantStatus::kRevoked, GrantStatus::kExpired,
    GrantStatus::kFailed};

std::string_view GrantStatusName(GrantStatus status);  // "pending_approval"
std::optional<GrantStatus> ParseGrantStatus(std::string_view text);

// What revocation needs later about an issued AWS session (issue 17): the
// role's unique id from AssumeRole's AssumedRoleUser.AssumedRoleId (the
// part before ':'), so that a Deny can name "<RoleId>:audex-<grant id>" in
// aws:userid; the session name; the access key id; the expiry. Never the
// secret access key or the session token.
struct StsSession {
  std::string role_id;       // "AROA..." ; empty for GCP/Azure
  std::string session_name;  // "audex-<grant id>"
  std::string access_key_id;
  std::optional<TimePoint> expires_at;

  friend bool operator==(const StsSession&, const StsSession&) = default;
};

struct Grant {
  std::string id;  // a session id (core/session_id.h) made by the replica
  std::string caller;
  std::string provider;  // ProviderName: "aws", "gcp", "azure"
  std::string role;
  std::optional<std::string> profile;
  // The plan in short: what was asked, what was granted, the session
  // policy exactly as sent (nullopt when the provider has none), the TTL.
  std::vector<std::string> requested_actions;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  std::optional<std::string> policy;
  std::chrono::seconds ttl{0};
  std::string reason;  // the caller's
  std::string rule;    // the server-policy rule that allowed it
  GrantStatus status = GrantStatus::kIssuing;
  std::string status_reason;  // why it failed, was denied or revoked; "" otherwise
  std::optional<std::string> approval_request_id;
  StsSession sts;
  // The grant whose STS session this one reused (the STS cache), if any.
  std::optional<std::string> reused_from;
  // SHA-256 (hex) of the bearer token of this grant's container-credentials
  // endpoint, so a refresh finds its grant; never the token.
  std::optional<std::string> credentials_token_sha256;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<TimePoint> issued_at;
};

// A change of a grant's state; the fields left nullopt keep their values.
struct GrantChange {
  GrantStatus status = GrantStatus::kIssued;
  std::string status_reason;
  std::optional<StsSession> sts;
  std::optional<std::string> reused_from;
  std::optional<std::string> credentials_token_sha256;
  std::optional<TimePoint> issued_at;
};

// ------------------------------------------------------------- approvals

enum class ApprovalStatus { kPending, kApproved, kDenied, kExpired, kCancelled };

std::string_view ApprovalStatusName(ApprovalStatus status);
std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view text);

struct Approval {
  std::string approver;
  TimePoint at;
  std::string reason;

  friend bool operator==(const Approval&, const Approval&) = default;
};

// A grant request waiting for approvals (issue 17), or a break-glass grant
// issued at once and waiting for review.
struct ApprovalRequest {
  std::string id;  // a session id
  std::string requester;
  std::string body;  // the grant request as the caller sent it (JSON text)
  std::string rule;  // the rule that asks for approval
  int required_approvals = 1;
  std::vector<std::string> approver_groups;
  ApprovalStatus status = ApprovalStatus::kPending;
  std::vector<Approval> approvals;  // oldest first
  std::optional<std::string> decided_by;
  std::string decision_reason;
  std::optional<TimePoint> decided_at;
  bool break_glass = false;
  std::optional<std::string> reviewed_by;  // break-glass: who reviewed it
  std::optional<TimePoint> reviewed_at;
  std::optional<std::string> grant_id;  // the grant issued for it
  TimePoint created_at;
  TimePoint expires_at;  // a pending request expires then
};

// ----------------------------------------------------------- revocations

enum class RevocationScope { kGrant, kCaller };

std::string_view RevocationScopeName(RevocationScope scope);
std::optional<RevocationScope> ParseRevocationScope(std::string_view text);

// One revocation (issue 17): of one grant, or of every grant of a caller
// created before `not_before`; and the Deny it put on a role, so that the
// Deny can be removed once every session it covers has expired.
struct Revocation {
  std::string id;
  RevocationScope scope = RevocationScope::kGrant;
  std::optional<std::string> grant_id;  // scope kGrant
  std::optional<std::string> caller;    // scope kCaller
  std::optional<TimePoint> not_before;  // scope kCaller
  std::string revoked_by;
  std::string reason;
  TimePoint created_at;
  // The AWS side, filled in once the Deny is on the role: the role, the
  // name of its inline policy that holds the Deny, the statement exactly as
  // attached, when; and from when it can go (the covered sessions' latest
  // expiry).
  std::string role_arn;
  std::string policy_name;
  std::string deny_statement;
  std::optional<TimePoint> attached_at;
  std::optional<TimePoint> removable_after;
  std::optional<TimePoint> removed_at;
};

// Whole seconds since the Unix epoch, the unit the store keeps times in,
// and back.
int64_t UnixSeconds(TimePoint time);
TimePoint FromUnixSeconds(int64_t seconds);

}  // namespace audex
