// OIDC callers' rule sets and TTL caps (oidc_rules.h).
#include "core/team/oidc_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/identity/token_checks.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

bool IsIdClaim(std::string_view claim) { return claim.size() > 3 && claim.ends_with("_id"); }

// Names given to someone else after a rename or deletion, and the id that
// pins each (GitHub's and GitLab's OIDC claim references).
constexpr std::pair<std::string_view, std::string_view> kNameIds[] = {
    {"repository", "repository_id"},
    {"repository_owner", "repository_owner_id"},
    {"project_path", "project_id"},
    {"namespace_path", "namespace_id"}};

bool Binds(const ServerRule& rule, std::string_view claim) {
  return std::any_of(rule.claims.begin(), rule.claims.end(),
                     [&](const ClaimBinding& binding) { return binding.claim == claim; });
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Result<void> ValidateOidcRules(const ServerPolicy& policy,
                               const std::vector<TrustedIssuer>& issuers, std::string_view source) {
  for (const ServerRule& rule : policy.rules) {
    const std::string prefix = "policies." + rule.name;
    if (rule.issuers.empty() && (!rule.claims.empty() || !rule.groups.empty())) {
      return UsageError(fmt::format(
          "{}: {} binds claims or groups but names no issuer; add issuers = [\"<name of an "
          "[[oidc.issuers]] entry>\"]",
          source, prefix));
    }
    for (const std::string& name : rule.issuers) {
      const bool known =
          std::any_of(issuers.begin(), issuers.end(),
                      [&](const TrustedIssuer& issuer) { return issuer.name == name; });
      if (!known) {
        std::vector<std::string> names;
        for (const TrustedIssuer& issuer : issuers) names.push_back(issuer.name);
        return UsageError(fmt::format(
            "{}: {}.issuers names \"{}\", which no [[oidc.issuers]] entry is called{}", source,
            prefix, name,
            names.empty() ? "; add one (docs/oidc-identity.md)" : "; known: " + Join(names, ", ")));
      }
    }
    for (const ClaimBinding& binding : rule.claims) {
      if (binding.claim.empty() || binding.allowed.empty()) {
        return UsageError(
            fmt::format("{}: {}.claims.{} lists no values; give the values the "
                        "claim may have",
                        source, prefix, binding.claim));
      }
      if (IsIdClaim(binding.claim)) {
        for (const std::string& value : binding.allowed) {
          if (value.empty() || HasWildcard(value)) {
            return UsageError(fmt::format(
                "{}: {}.claims.{} = \"{}\": an id is matched exactly; write the numeric id "
                "without wildcards",
                source, prefix, binding.claim, value));
          }
        }
      }
    }
    for (const auto& [name, id] : kNameIds) {
      if (Binds(rule, name) && !Binds(rule, id)) {
        return UsageError(fmt::format(
            "{}: {}.claims.{} binds to a name, which is given to someone else after a rename or "
            "deletion; bind {} (the numeric id) as well",
            source, prefix, name, id));
      }
    }
  }
  return {};
}

TokenResult<const ServerRule*> BindOidcCaller(const ServerPolicy& policy, const Caller& caller) {
  std::optional<TokenRefusal> first;
  std::vector<std::string> reasons;
  for (const ServerRule& rule : policy.rules) {
    if (!Contains(rule.issuers, caller.issuer_name)) continue;
    std::optional<TokenRefusal> refused = MatchBindings(caller.claims, rule.claims);
    if (!refused && !rule.groups.empty()) {
      const bool member =
          std::any_of(caller.groups.begin(), caller.groups.end(),
                      [&](const std::string& group) { return Contains(rule.groups, group); });
      if (!member) {
        std::vector<std::string> quoted;
        for (const std::string& group : caller.groups) quoted.push_back(QuoteUntrusted(group));
        refused =
            TokenRefusal{"groups", fmt::format("the caller is in {} and none of {}",
                                               quoted.empty() ? "no group" : Join(quoted, ", "),
                                               Join(rule.groups, ", "))};
      }
    }
    if (!refused) return &rule;
    if (!first) first = refused;
    reasons.push_back(fmt::format("policies.{}: {}", rule.name, refused->reason));
  }
  if (!first) {
    return Refuse("policy", fmt::format("no rule set accepts callers of issuer \"{}\" (add its "
                                        "name to issuers = [...] in a [policies.NAME])",
                                        caller.issuer_name));
  }
  return Refuse(first->check,
                fmt::format("no rule set accepts this token: {}", Join(reasons, "; ")));
}

Result<TtlCap> CapTtlAtToken(std::chrono::seconds asked,
                             std::chrono::system_clock::time_point token_expires_at,
                             std::chrono::system_clock::time_point now) {
  const auto left = std::chrono::floor<std::chrono::seconds>(token_expires_at - now);
  if (left < std::chrono::seconds(1)) {
    return tl::unexpected(Error{ErrorKind::kCredentials,
                                "the ID token expires now (it passed within the allowed clock "
                                "skew); ask the issuer for a new one"});
  }
  TtlCap cap;
  cap.capped = left < asked;
  cap.ttl = cap.capped ? left : asked;
  cap.ends_at = now + cap.ttl;
  cap.needs_policy_end = cap.ttl < kStsMinimumDuration;
  cap.sts_duration = std::max(cap.ttl, kStsMinimumDuration);
  return cap;
}

Result<std::string> WithGrantEnd(std::string_view policy_json,
                                 std::chrono::system_clock::time_point ends_at) {
  nlohmann::ordered_json policy = nlohmann::ordered_json::parse(policy_json, nullptr, false);
  if (policy.is_discarded() || !policy.is_object() || !policy.contains("Statement")) {
    return tl::unexpected(
        Error{ErrorKind::kPolicy, "the grant's session policy is not a policy document"});
  }
  nlohmann::ordered_json& statements = policy["Statement"];
  if (statements.is_object()) statements = nlohmann::ordered_json::array({statements});
  if (!statements.is_array()) {
    return tl::unexpected(
        Error{ErrorKind::kPolicy, "the grant's session policy has no Statement list"});
  }
  statements.push_back(
      {{"Sid", "AudexGrantEnds"},
       {"Effect", "Deny"},
       {"Action", "*"},
       {"Resource", "*"},
       {"Condition", {{"DateGreaterThan", {{"aws:CurrentTime", FormatRfc3339(ends_at)}}}}}});
  return policy.dump();
}

}  // namespace audex
