// ApprovalRules: when a grant waits for people (issue 17, docs/team-mode.md
// "Approvals"): a rule set's `approval` setting asks for N approvals from
// named groups before anything is issued, never from the requester, within
// a pending window; a break-glass grant is issued at once and waits for a
// review instead. Each check answers with the rule key that refused
// ("policies.prod.approval.self"), the HTTP status that fits and words a
// person can act on.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/team/team_records.h"

namespace audex {

// [policies.NAME] approval = { approvals = 2, groups = ["sec", "platform"],
// pending_ttl = "1h", window = "1h", break_glass = true }
struct ApprovalSetting {
  int approvals = 1;                // distinct approvers needed, none the requester
  std::vector<std::string> groups;  // each approver is in at least one
  std::chrono::seconds pending_ttl{3600};
  // The longest a grant issued on approval lives, counted from the last
  // approval; nullopt: the rule's max_ttl.
  std::optional<std::chrono::seconds> window;
  bool break_glass = false;  // `--break-glass --reason` issues at once, for review
};

inline constexpr int kMaxApprovals = 10;
// A window shorter than STS's least session (900 s) could not be kept by
// the credentials' own expiry.
inline constexpr std::chrono::seconds kMinApprovalWindow{900};

// A refusal of an approval-side action, for the API's error body.
struct ApprovalRefusal {
  int status = 403;
  std::string code;  // "forbidden", "conflict", "expired"
  std::string rule;  // "policies.prod.approval.self"
  std::string message;
};

// "policies.prod" + "self" -> "policies.prod.approval.self".
std::string ApprovalRuleKey(std::string_view rule, std::string_view key);

// Who acts on a request: their name, their groups, whether their own rule
// set is an admin one.
struct Approver {
  std::string name;
  std::vector<std::string> groups;
  bool admin = false;
};

// Whether `approver` may approve `request` at `now`. Checks, in order: the
// request is pending (409 approval.status), has not expired (410
// approval.pending_ttl), the approver is not the requester (403
// approval.self), is in one of the request's groups (403 approval.groups),
// and has not approved it already (409 approval.once: an approver counts
// once).
std::optional<ApprovalRefusal> CheckApproval(const ApprovalRequest& request,
                                             const Approver& approver, TimePoint now);
// Whether `approver` may deny it: the same as CheckApproval without the
// "once" check (a member who approved may still deny).
std::optional<ApprovalRefusal> CheckDenial(const ApprovalRequest& request, const Approver& approver,
                                           TimePoint now);
// Whether `reviewer` may mark a break-glass grant reviewed: it is
// break-glass (409 approval.break_glass), not reviewed yet (409
// approval.review), the reviewer is not the requester (403 approval.self)
// and is in one of its groups or has an admin rule set (403
// approval.groups).
std::optional<ApprovalRefusal> CheckReview(const ApprovalRequest& request,
                                           const Approver& reviewer);

// Whether a caller may see a request: the requester, an admin, or a member
// of one of its groups.
bool MayView(const ApprovalRequest& request, const Approver& viewer);

// The distinct approvers so far, and whether they are enough.
size_t ApprovalCount(const ApprovalRequest& request);
bool ApprovalsComplete(const ApprovalRequest& request);

// A pending request past its expires_at.
bool PendingExpired(const ApprovalRequest& request, TimePoint now);

// The TTL a grant issued on approval gets: the one asked, cut to the
// approval window (the rule's max_ttl without one).
std::chrono::seconds ApprovedTtl(std::chrono::seconds asked, const ApprovalSetting& setting,
                                 std::chrono::seconds max_ttl);

// server.toml's text as the audit log keeps it (server_policy_changed):
// every line whose key may hold a secret — the store URL (a PostgreSQL
// password), the webhook URL (Slack's incoming-webhook URL is itself the
// secret), anything named *secret*, *password*, *token* or *private* — has
// its value replaced by "(left out)".
std::string ServerPolicyText(std::string_view toml_text);

}  // namespace audex
