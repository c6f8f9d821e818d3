// The team server's audit events (docs/audit-log-format.md, "Team server
// events"): each request a caller makes, each decision, each issuance and
// each change to tokens, in the store's one chain. Every event names the
// caller in fields.caller (the store indexes it); none holds a secret.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/audit/audit_event.h"
#include "core/team/team_records.h"

namespace audex {

// Who made a request: the name rules and logs use, how they proved it.
struct TeamCaller {
  std::string name;  // "ci-deploy", "repo:org/app:ref:refs/heads/main"
  std::string rule;  // the policy (rule set) the caller is bound to
  std::string via;   // "api_token:<id>", "oidc:<issuer name>"
  std::vector<std::string> groups;
  // An OIDC caller's claims the audit records (core/identity/caller.h
  // `recorded`: GitHub's repository and owner ids, ref, run_id, ...).
  std::vector<std::pair<std::string, std::string>> claims;
};

// grant_requested: a grant was allowed by `grant.rule` and recorded before
// any credential is asked for (status issuing).
AuditEvent GrantRequestedEvent(const Grant& grant, const TeamCaller& caller);
// grant_issued: the credentials exist (access key id, expiry; or reused
// from another grant's session).
AuditEvent GrantIssuedEvent(const Grant& grant, const TeamCaller& caller);
// grant_failed: the cloud refused, or the server stopped before recording
// the issue; `reason` without secrets.
AuditEvent GrantFailedEvent(const Grant& grant, const TeamCaller& caller,
                            const std::string& reason);
// grant_refused: a request no grant came of. `session_id` is a fresh id
// naming the request; `rule` what refused it (a policy key, "rate",
// "plan"), `asked` what the request said (as the caller sent it, parsed).
AuditEvent GrantRefusedEvent(const std::string& request_id, const TeamCaller& caller,
                             const std::string& rule, const std::string& reason,
                             const nlohmann::json& asked);
// grant_refreshed: the grant's container-credentials endpoint issued it
// again (new access key id and expiry).
AuditEvent GrantRefreshedEvent(const Grant& grant, const std::string& access_key_id,
                               std::optional<TimePoint> expires_at);
// token_created / token_revoked: an API token's name, id and policy
// (never its value or hash), and who did it; `event_id` names a
// revocation (a fresh id: it may cover several tokens).
AuditEvent TokenCreatedEvent(const ApiToken& token);
AuditEvent TokenRevokedEvent(const std::string& event_id, const std::string& id_or_name,
                             size_t count, const std::string& revoked_by);

// ui_login / ui_logout: a browser session of the server's UI opened (by
// an OIDC login or an API token pasted into the login form) or ended.
// `ui_session` is a prefix of the SHA-256 of the session's cookie, which
// ties the two events together and reveals nothing of the cookie.
AuditEvent UiLoginEvent(const std::string& event_id, const TeamCaller& caller,
                        const std::string& ui_session, TimePoint expires_at);
AuditEvent UiLogoutEvent(const std::string& event_id, const std::string& caller,
                         const std::string& ui_session);

}  // namespace audex
