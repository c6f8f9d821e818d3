// The audit events of approvals, break-glass and server-policy changes
// (docs/audit-log-format.md, "Team server events"), in the store's one
// chain beside the grant events of team_events.h. Each names the acting
// caller in fields.caller; none holds a secret.
#pragma once

#include <optional>
#include <string>

#include "core/audit/audit_event.h"
#include "core/team/team_events.h"
#include "core/team/team_records.h"

namespace audex {

// request_created: a grant that needs approval was recorded (its grant is
// pending_approval); session_id is the request's id.
AuditEvent RequestCreatedEvent(const ApprovalRequest& request, const Grant& grant,
                               const TeamCaller& requester);
// approval_added: one approval (who, why), and how many there are now.
AuditEvent ApprovalAddedEvent(const ApprovalRequest& request, const Approval& approval,
                              size_t count);
// request_approved: the last approval needed arrived (who, why, every
// approver); the grant is issued next.
AuditEvent RequestApprovedEvent(const ApprovalRequest& request, const Approval& last,
                                const std::vector<std::string>& approvers);
// request_denied: who and why.
AuditEvent RequestDeniedEvent(const ApprovalRequest& request, const std::string& by,
                              const std::string& reason);
// request_expired: nobody approved it in time; `by` is "janitor" or the
// caller whose request found it expired.
AuditEvent RequestExpiredEvent(const ApprovalRequest& request, const std::string& by);
// grant_approved / grant_denied / grant_expired: the request's grant leaves
// pending_approval (session_id is the grant's id).
AuditEvent GrantDecidedEvent(const std::string& name, const Grant& grant,
                             const ApprovalRequest& request, const std::string& by);
// break_glass_issued: a grant issued at once under break-glass, recorded
// with the grant before STS is called; the reason is the requester's.
AuditEvent BreakGlassIssuedEvent(const ApprovalRequest& request, const Grant& grant,
                                 const TeamCaller& requester);
// break_glass_reviewed: who looked at it, and what they found.
AuditEvent BreakGlassReviewedEvent(const ApprovalRequest& request, const std::string& reviewer,
                                   const std::string& reason);
// server_policy_changed: server.toml's text (core ServerPolicyText, secrets
// left out) differs from the last one recorded; `old_text` nullopt on the
// first start. session_id is `event_id`.
AuditEvent ServerPolicyChangedEvent(const std::string& event_id,
                                    const std::optional<std::string>& old_text,
                                    const std::string& new_text, const std::string& source,
                                    const std::string& trigger);

}  // namespace audex
