// OidcRules: how the team server treats a caller who proved itself with an
// OIDC ID token instead of an API token — which rule set (server.toml
// [policies.NAME]) it is bound to, from its issuer, its claims and its
// groups; and how long a grant it asks for may live, given that the token
// that allowed it expires (issue 17: a grant never outlives what allowed
// it).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/identity/caller.h"
#include "core/identity/token_refusal.h"
#include "core/identity/trusted_issuer.h"
#include "core/team/server_policy.h"

namespace audex {

// Checks the OIDC side of the rule sets against the configured issuers:
// every name in a rule's `issuers` is a configured issuer; `claims` and
// `groups` only on a rule that names issuers (else they would bind
// nothing); every binding lists values; an id claim (*_id) takes exact
// values; a binding to a name that is reused after renames (repository,
// repository_owner, project_path, namespace_path) comes with its id in the
// same rule. kUsage naming `source` and the rule's key.
Result<void> ValidateOidcRules(const ServerPolicy& policy,
                               const std::vector<TrustedIssuer>& issuers, std::string_view source);

// The rule set `caller` is bound to: the first (in server.toml's order) that
// names the caller's issuer and whose claim bindings and groups it meets.
// None: a refusal (HTTP 401, an identity no rule set accepts is not a
// caller this server knows) whose check is the first candidate's failed
// binding ("bind:repository_id", "bind:ref", "groups"), or "policy" when
// no rule set names the issuer; the reason names the rule keys.
TokenResult<const ServerRule*> BindOidcCaller(const ServerPolicy& policy, const Caller& caller);

// AssumeRole's least DurationSeconds (AWS STS API Reference, AssumeRole:
// "minimum value of 900"); GitHub's ID tokens live 5 minutes.
inline constexpr std::chrono::seconds kStsMinimumDuration{900};

// A grant's life, capped at the end of the caller's token.
struct TtlCap {
  std::chrono::seconds ttl{0};  // the grant's TTL: min(asked, token's remaining life)
  bool capped = false;          // the token's end cut the asked TTL
  std::chrono::system_clock::time_point ends_at;  // now + ttl
  // What STS is asked for: ttl, or STS's 900 s floor when ttl is shorter;
  // the session policy then carries a deny after ends_at (WithGrantEnd).
  std::chrono::seconds sts_duration{0};
  bool needs_policy_end = false;
};

// `asked` cut to the token's remaining life at `now`. A token with less
// than one second left: kCredentials (ask the issuer for a new one).
Result<TtlCap> CapTtlAtToken(std::chrono::seconds asked,
                             std::chrono::system_clock::time_point token_expires_at,
                             std::chrono::system_clock::time_point now);

// `policy_json` (an IAM policy document, minified) with one more statement
// appended: Deny every action once aws:CurrentTime is after `ends_at`. STS
// cannot issue credentials shorter than 900 s, but a session policy is
// evaluated on every request (IAM User Guide, "Session policies";
// condition key aws:CurrentTime, operator DateGreaterThan), so AWS itself
// refuses the credentials from `ends_at` on. kPolicy when the text is not
// a policy document.
Result<std::string> WithGrantEnd(std::string_view policy_json,
                                 std::chrono::system_clock::time_point ends_at);

}  // namespace audex
