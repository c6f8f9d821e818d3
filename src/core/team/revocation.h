// A role's revocation policy: the one inline policy ("AudexRevocations")
// through which Audex takes back STS sessions it already handed out. STS
// credentials cannot be recalled, but the role's policies are evaluated on
// every request its sessions make, so a Deny on the role ends them: per
// session by aws:userid ("<RoleId>:<session name>"), per caller by
// aws:SourceIdentity with aws:TokenIssueTime, and, when the role's inline
// policy budget runs out, many of those rolled up into one
// aws:TokenIssueTime Deny (the IAM console's "revoke older sessions").
// Pure text building: the IAM calls are the caller's (session/role_revocation.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_event.h"
#include "core/base/result.h"
#include "core/plan/sts_request.h"

namespace audex {

using TimePoint = std::chrono::system_clock::time_point;

inline constexpr std::string_view kRevocationPolicyName = "AudexRevocations";

// "The size of each inline policy [of a role] cannot exceed 10,240
// characters" in total across all of the role's inline policies; IAM does
// not count white space (IAM User Guide, "IAM and AWS STS quotas").
inline constexpr size_t kRoleInlinePolicyBudget = 10240;

enum class DenyKind {
  kSession,    // one session name: aws:userid
  kCaller,     // one caller's sessions issued before a time: aws:SourceIdentity
  kOlderThan,  // every session issued before a time: the rollup
};

// One Deny the role must carry. Every Deny covers sessions that were all
// issued before `issued_before` (a session's revocation time: nothing is
// issued to a revoked grant afterwards), and all of which have expired by
// `removable_after`, when the Deny can go.
struct RoleDeny {
  DenyKind kind = DenyKind::kSession;
  // The revocation's (or local session's) id; letters and digits only, as
  // it becomes part of the statement's Sid. "" for kOlderThan.
  std::string id;
  std::string user_id;          // kSession: "AROA...:audex-<id>" ("*:audex-<id>" if unknown)
  std::string source_identity;  // kCaller
  TimePoint issued_before;
  TimePoint removable_after;

  friend bool operator==(const RoleDeny&, const RoleDeny&) = default;
};

// The statement (compact JSON) that carries `deny` alone. Its Sid records
// the kind, the two times and the id, so that the policy read back from
// IAM says everything needed to rebuild or prune it.
std::string DenyStatementJson(const RoleDeny& deny);

// A revocation policy ready to put on the role.
struct RevocationPolicy {
  // The policy document; "" when nothing is left to deny (delete the policy).
  std::string document;
  // What the document holds, one per statement, in order.
  std::vector<RoleDeny> statements;
  // Ids of the denies that are covered by the rollup statement rather than
  // by their own.
  std::vector<std::string> rolled_up;
  // The denies dropped because every session they covered has expired.
  std::vector<RoleDeny> expired;
};

// The statement of `policy` that covers `deny` (its own, or the rollup), as
// attached; nullopt when none does.
std::optional<std::string> CoveringStatement(const RevocationPolicy& policy, const RoleDeny& deny);

// Builds the policy for `denies` at `now` within `budget` characters (the
// role's inline budget minus its other inline policies, PolicySize). Denies
// whose removable_after is at or before `now` are dropped. When the
// statements do not fit, the denies issued earliest are rolled up into one
// kOlderThan Deny of everything issued before the latest of them, as few as
// makes the rest fit; it stays until every deny it covers could go. kState
// when even a single rollup statement does not fit, naming the sizes.
Result<RevocationPolicy> BuildRevocationPolicy(std::vector<RoleDeny> denies, TimePoint now,
                                               size_t budget);

// The denies of a policy this code wrote (read back from IAM). kState when
// it is not JSON or holds a statement Audex did not write, naming it.
Result<std::vector<RoleDeny>> ParseRevocationPolicy(std::string_view document);

// A policy's size as IAM counts it toward the budget: its characters but
// white space.
size_t PolicySize(std::string_view document);

// STS SourceIdentity takes 2..64 characters of [A-Za-z0-9_+=,.@-] and must
// not start with "aws:": a caller's name fitted to that. The team server
// stamps it on every grant's AssumeRole, so CloudTrail shows who asked, and
// a caller's sessions can be denied by it.
std::string SourceIdentityFor(std::string_view caller);

// The caller as an STS session tag on every grant's session, beside the
// SourceIdentity: a principal tag that policies can test
// (aws:PrincipalTag/audex-caller) and that CloudTrail shows with the
// session. Tag values take up to 256 of letters, digits, spaces and
// _.:/=+-@ (STS API reference, AssumeRole, Tag); anything else becomes '-'.
inline constexpr std::string_view kCallerTagKey = "audex-caller";
StsTag CallerTag(std::string_view caller);

// Audit events of revocation (docs/team-mode.md, "Revocation"). Each names
// its actor in fields.caller.
struct RevocationAudit {
  std::string revocation_id;  // the event's session_id
  std::string actor;          // who revoked ("alice", "janitor", "operator:uid0")
  std::string reason;
  std::string scope;                  // "grant", "caller" or "session" (local)
  std::vector<std::string> covered;   // grants (or the local session) it revoked
  std::optional<std::string> caller;  // scope "caller"
  std::string role_arn;
};
// grant_revoked / caller_revoked / session_revoked: who, why, what.
AuditEvent RevokedEvent(const RevocationAudit& audit);
// revocation_attached: the Deny is on the role: the policy name, the
// statement that covers this revocation and the whole policy as put.
AuditEvent RevocationAttachedEvent(const RevocationAudit& audit, std::string_view policy_name,
                                   std::string_view statement, std::string_view document);
// revocation_removed: every session it covered has expired, and its Deny
// is off the role.
AuditEvent RevocationRemovedEvent(const RevocationAudit& audit, std::string_view policy_name);

}  // namespace audex
