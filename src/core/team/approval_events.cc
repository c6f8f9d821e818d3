#include "core/team/approval_events.h"

#include "core/base/rfc3339.h"

namespace audex {
namespace {

AuditEvent RequestEvent(const std::string& name, const ApprovalRequest& request,
                        const std::string& caller) {
  AuditEvent event;
  event.session_id = request.id;
  event.name = name;
  event.fields["caller"] = caller;
  event.fields["requester"] = request.requester;
  event.fields["rule"] = request.rule;
  if (request.grant_id) event.fields["grant_id"] = *request.grant_id;
  return event;
}

}  // namespace

AuditEvent RequestCreatedEvent(const ApprovalRequest& request, const Grant& grant,
                               const TeamCaller& requester) {
  AuditEvent event = RequestEvent("request_created", request, requester.name);
  event.fields["grant_id"] = grant.id;
  event.fields["via"] = requester.via;
  event.fields["required_approvals"] = request.required_approvals;
  event.fields["approver_groups"] = request.approver_groups;
  event.fields["expires_at"] = FormatRfc3339(request.expires_at);
  event.fields["role"] = grant.role;
  event.fields["actions"] = grant.actions;
  event.fields["ttl_seconds"] = grant.ttl.count();
  event.fields["reason"] = grant.reason;
  return event;
}

AuditEvent ApprovalAddedEvent(const ApprovalRequest& request, const Approval& approval,
                              size_t count) {
  AuditEvent event = RequestEvent("approval_added", request, approval.approver);
  event.fields["approver"] = approval.approver;
  event.fields["reason"] = approval.reason;
  event.fields["approvals"] = count;
  event.fields["required_approvals"] = request.required_approvals;
  return event;
}

AuditEvent RequestApprovedEvent(const ApprovalRequest& request, const Approval& last,
                                const std::vector<std::string>& approvers) {
  AuditEvent event = RequestEvent("request_approved", request, last.approver);
  event.fields["approver"] = last.approver;
  event.fields["reason"] = last.reason;
  event.fields["approvers"] = approvers;
  return event;
}

AuditEvent RequestDeniedEvent(const ApprovalRequest& request, const std::string& by,
                              const std::string& reason) {
  AuditEvent event = RequestEvent("request_denied", request, by);
  event.fields["denied_by"] = by;
  event.fields["reason"] = reason;
  return event;
}

AuditEvent RequestExpiredEvent(const ApprovalRequest& request, const std::string& by) {
  AuditEvent event = RequestEvent("request_expired", request, by);
  event.fields["expired_at"] = FormatRfc3339(request.expires_at);
  event.fields["approvals"] = request.approvals.size();
  event.fields["required_approvals"] = request.required_approvals;
  return event;
}

AuditEvent GrantDecidedEvent(const std::string& name, const Grant& grant,
                             const ApprovalRequest& request, const std::string& by) {
  AuditEvent event;
  event.session_id = grant.id;
  event.name = name;
  event.fields["caller"] = by;
  event.fields["requester"] = grant.caller;
  event.fields["request_id"] = request.id;
  return event;
}

AuditEvent BreakGlassIssuedEvent(const ApprovalRequest& request, const Grant& grant,
                                 const TeamCaller& requester) {
  AuditEvent event = RequestEvent("break_glass_issued", request, requester.name);
  event.fields["grant_id"] = grant.id;
  event.fields["via"] = requester.via;
  event.fields["role"] = grant.role;
  event.fields["actions"] = grant.actions;
  event.fields["ttl_seconds"] = grant.ttl.count();
  event.fields["reason"] = grant.reason;
  event.fields["reviewers"] = request.approver_groups;
  return event;
}

AuditEvent BreakGlassReviewedEvent(const ApprovalRequest& request, const std::string& reviewer,
                                   const std::string& reason) {
  AuditEvent event = RequestEvent("break_glass_reviewed", request, reviewer);
  event.fields["reviewer"] = reviewer;
  event.fields["reason"] = reason;
  return event;
}

AuditEvent ServerPolicyChangedEvent(const std::string& event_id,
                                    const std::optional<std::string>& old_text,
                                    const std::string& new_text, const std::string& source,
                                    const std::string& trigger) {
  AuditEvent event;
  event.session_id = event_id;
  event.name = "server_policy_changed";
  event.fields["caller"] = "server";
  event.fields["source"] = source;
  event.fields["trigger"] = trigger;  // "start" or "reload"
  event.fields["old_text"] = old_text ? nlohmann::json(*old_text) : nlohmann::json(nullptr);
  event.fields["new_text"] = new_text;
  return event;
}

}  // namespace audex
