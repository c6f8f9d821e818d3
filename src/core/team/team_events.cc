#include "core/team/team_events.h"

#include "core/base/rfc3339.h"

namespace audex {
namespace {

nlohmann::json Optional(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json OptionalTime(const std::optional<TimePoint>& value) {
  return value ? nlohmann::json(FormatRfc3339(*value)) : nlohmann::json(nullptr);
}

AuditEvent GrantEvent(const std::string& name, const Grant& grant, const std::string& caller) {
  AuditEvent event;
  event.session_id = grant.id;
  event.name = name;
  event.fields["caller"] = caller;
  return event;
}

// An OIDC caller's recorded claims, when there are any.
void AddCallerClaims(AuditEvent& event, const TeamCaller& caller) {
  if (caller.claims.empty()) return;
  nlohmann::json claims = nlohmann::json::object();
  for (const auto& [claim, value] : caller.claims) claims[claim] = value;
  event.fields["claims"] = claims;
}

}  // namespace

AuditEvent GrantRequestedEvent(const Grant& grant, const TeamCaller& caller) {
  AuditEvent event = GrantEvent("grant_requested", grant, caller.name);
  event.fields["via"] = caller.via;
  AddCallerClaims(event, caller);
  event.fields["rule"] = grant.rule;
  event.fields["provider"] = grant.provider;
  event.fields["role"] = grant.role;
  event.fields["profile"] = Optional(grant.profile);
  event.fields["requested_actions"] = grant.requested_actions;
  event.fields["actions"] = grant.actions;
  event.fields["resources"] = grant.resources;
  event.fields["policy"] = Optional(grant.policy);
  event.fields["ttl_seconds"] = grant.ttl.count();
  event.fields["reason"] = grant.reason;
  return event;
}

AuditEvent GrantIssuedEvent(const Grant& grant, const TeamCaller& caller) {
  AuditEvent event = GrantEvent("grant_issued", grant, caller.name);
  event.fields["access_key_id"] = grant.sts.access_key_id;
  event.fields["session_name"] = grant.sts.session_name;
  event.fields["role_id"] = grant.sts.role_id;
  event.fields["expires_at"] = OptionalTime(grant.sts.expires_at);
  event.fields["reused_from"] = Optional(grant.reused_from);
  return event;
}

AuditEvent GrantFailedEvent(const Grant& grant, const TeamCaller& caller,
                            const std::string& reason) {
  AuditEvent event = GrantEvent("grant_failed", grant, caller.name);
  event.fields["reason"] = reason;
  return event;
}

AuditEvent GrantRefusedEvent(const std::string& request_id, const TeamCaller& caller,
                             const std::string& rule, const std::string& reason,
                             const nlohmann::json& asked) {
  AuditEvent event;
  event.session_id = request_id;
  event.name = "grant_refused";
  event.fields["caller"] = caller.name;
  event.fields["via"] = caller.via;
  AddCallerClaims(event, caller);
  event.fields["rule"] = rule;
  event.fields["reason"] = reason;
  event.fields["asked"] = asked;
  return event;
}

AuditEvent GrantRefreshedEvent(const Grant& grant, const std::string& access_key_id,
                               std::optional<TimePoint> expires_at) {
  AuditEvent event = GrantEvent("grant_refreshed", grant, grant.caller);
  event.fields["access_key_id"] = access_key_id;
  event.fields["expires_at"] = OptionalTime(expires_at);
  return event;
}

AuditEvent TokenCreatedEvent(const ApiToken& token) {
  AuditEvent event;
  event.session_id = token.id;
  event.name = "token_created";
  event.fields["caller"] = token.created_by;
  event.fields["token_name"] = token.name;
  event.fields["policy"] = token.policy;
  event.fields["expires_at"] = OptionalTime(token.expires_at);
  return event;
}

AuditEvent TokenRevokedEvent(const std::string& event_id, const std::string& id_or_name,
                             size_t count, const std::string& revoked_by) {
  AuditEvent event;
  event.session_id = event_id;
  event.name = "token_revoked";
  event.fields["caller"] = revoked_by;
  event.fields["token"] = id_or_name;
  event.fields["count"] = count;
  return event;
}

AuditEvent UiLoginEvent(const std::string& event_id, const TeamCaller& caller,
                        const std::string& ui_session, TimePoint expires_at) {
  AuditEvent event;
  event.session_id = event_id;
  event.name = "ui_login";
  event.fields["caller"] = caller.name;
  event.fields["via"] = caller.via;
  event.fields["policy"] = caller.rule;
  event.fields["ui_session"] = ui_session;
  event.fields["expires_at"] = OptionalTime(expires_at);
  return event;
}

AuditEvent UiLogoutEvent(const std::string& event_id, const std::string& caller,
                         const std::string& ui_session) {
  AuditEvent event;
  event.session_id = event_id;
  event.name = "ui_logout";
  event.fields["caller"] = caller;
  event.fields["ui_session"] = ui_session;
  return event;
}

}  // namespace audex
