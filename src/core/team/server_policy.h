// ServerPolicy: who may ask the team server for what. server.toml names
// rule sets (`[policies.NAME]`); every caller is bound to one — an API token
// by the policy it was created with, an OIDC caller by its issuer's rule.
// A grant is allowed only inside its rule set: the providers, profiles,
// actions and roles it lists, for at most its max TTL, at most as often as
// its rate limits say. Every refusal names the rule that refused it
// ("policies.ci.max_ttl"), so the caller and the audit log can tell why.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/identity/trusted_issuer.h"
#include "core/policy/access_request.h"
#include "core/policy/provider.h"
#include "core/team/approval_rules.h"
#include "core/team/rate_limit.h"

namespace audex {

// "10/min", "600/hour", "5/s": a number of requests per unit of time, as a
// bucket of that capacity refilled evenly over the unit.
struct RateSetting {
  std::string text;
  RateLimit limit;
};

// kUsage naming `where` unless `text` is N/s, N/min or N/hour (N >= 1).
Result<RateSetting> ParseRateSetting(std::string_view text, std::string_view where);

struct ServerRule {
  std::string name;                   // [policies.NAME]
  std::vector<Provider> providers;    // may be asked for; default: aws
  std::vector<std::string> profiles;  // profiles a caller may name
  std::vector<std::string> actions;   // patterns every granted action must fall within
  std::vector<std::string> roles;     // roles (GCP: service accounts) a caller may name
  std::chrono::seconds max_ttl{3600};
  std::optional<RateSetting> rate;          // per caller
  std::optional<RateSetting> profile_rate;  // per caller and profile
  // Callers bound to an admin rule see every grant and the audit log;
  // others see their own grants only.
  bool admin = false;
  // OIDC callers (core/team/oidc_rules.h): a caller whose verified token
  // came from one of `issuers` (their names in [[oidc.issuers]]) is bound to
  // this rule set when every claim binding matches (exact ids, patterns for
  // refs) and, when `groups` is set, the caller is in one of them. A rule
  // set without `issuers` binds only API tokens.
  std::vector<std::string> issuers;
  std::vector<ClaimBinding> claims;
  std::vector<std::string> groups;
  // Grants under this rule set wait for approvals, or come at once under
  // break-glass (core/team/approval_rules.h); nullopt: issued at once.
  std::optional<ApprovalSetting> approval;
};

struct ServerPolicy {
  std::vector<ServerRule> rules;

  const ServerRule* Find(std::string_view name) const;
};

// What a caller asked for, as the rule checks it: the plan's provider,
// profile and granted actions, the role the grant would assume, the TTL.
struct GrantAsk {
  Provider provider = Provider::kAws;
  std::optional<std::string> profile;
  const ResolvedRequest* resolved = nullptr;  // the plan's resolved request
  std::string role;                           // empty: the server's default role
  bool role_named = false;                    // the caller named the role
  std::chrono::seconds ttl{0};
};

// A refusal: the rule (or check) that refused, and why, in words a caller
// can act on.
struct GrantRefusal {
  std::string rule;  // "policies.ci.actions", "policies.ci.max_ttl", ...
  std::string message;
};

// Whether `rule` allows `ask`. Checks, in order: the provider, a named
// profile (listed in `profiles`) or else every granted action (inside a
// pattern of `actions`; a profile's actions are accepted that way too),
// the role (a named role must be listed in `roles`), the TTL (at most
// `max_ttl`). nullopt: allowed.
std::optional<GrantRefusal> CheckGrant(const ServerRule& rule, const GrantAsk& ask);

// The providers `rule` may grant: its `providers`, or AWS when it names none.
std::vector<Provider> GrantedProviders(const ServerRule& rule);

// The rate-limit bucket keys of a caller: "caller:NAME" and, for a profile,
// "caller:NAME|profile:P".
std::string CallerRateKey(std::string_view caller);
std::string ProfileRateKey(std::string_view caller, std::string_view profile);

}  // namespace audex
