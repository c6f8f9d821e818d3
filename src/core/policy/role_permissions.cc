// A role's effective actions: candidates from catalog expansion, each decided
// by the policy evaluator's reach rules (policy_evaluator.h).
#include "core/policy/role_permissions.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

// "Resource arn:aws:s3:::b/*", "NotResource ...", "a Condition", or both.
std::string DescribeLimit(const Statement& statement) {
  std::vector<std::string> parts;
  if (!statement.resources.empty()) {
    const bool every = std::any_of(
        statement.resources.begin(), statement.resources.end(),
        [](const std::string& r) { return !r.empty() && r.find_first_not_of('*') == r.npos; });
    if (!every) parts.push_back("Resource " + Join(statement.resources, ","));
  }
  if (!statement.not_resources.empty()) {
    parts.push_back("NotResource " + Join(statement.not_resources, ","));
  }
  if (statement.has_condition) parts.push_back("a Condition");
  return Join(parts, " and ");
}

// The first statement of `effect` in `document` whose reach for `action` is
// exactly `reach`.
const Statement* FirstStatement(const PolicyDocument& document, Effect effect,
                                std::string_view action, Reach reach) {
  for (const Statement& statement : document.statements) {
    if (statement.effect != effect) continue;
    if (StatementReach(statement, action) == reach) return &statement;
  }
  return nullptr;
}

// The Allow pattern through which `statement` names `action`.
std::string PatternFor(const Statement& statement, std::string_view action) {
  if (statement.actions.empty()) return "NotAction " + Join(statement.not_actions, ",");
  for (const std::string& pattern : statement.actions) {
    if (GlobMatches(pattern, action, CaseRule::kInsensitive)) return pattern;
  }
  return std::string(action);
}

struct Candidates {
  std::map<std::string, std::string> actions;  // lower-cased -> canonical
  std::vector<std::string> unknown;
};

Candidates CollectCandidates(const RolePolicies& policies, const ActionUniverse& universe) {
  Candidates candidates;
  const auto add_all = [&](const std::vector<std::string>& names) {
    for (const std::string& name : names) candidates.actions.emplace(ToLower(name), name);
  };
  bool everything = false;
  for (const NamedPolicy& policy : policies.identity) {
    for (const Statement& statement : policy.document.statements) {
      if (statement.effect != Effect::kAllow) continue;
      // A NotAction Allow names everything but a few actions: every action
      // is a candidate and the evaluator takes the exceptions out.
      if (statement.actions.empty()) {
        everything = true;
        continue;
      }
      for (const std::string& pattern : statement.actions) {
        auto expanded = universe.Expand(pattern);
        if (!expanded) {
          candidates.unknown.push_back(
              fmt::format("{} ({}): {}", pattern, policy.name, expanded.error().message));
        } else if (expanded->empty()) {
          candidates.unknown.push_back(fmt::format("{} ({})", pattern, policy.name));
        } else {
          add_all(*expanded);
        }
      }
    }
  }
  if (everything) {
    if (auto all = universe.Expand("*")) add_all(*all);
  }
  return candidates;
}

}  // namespace

const RoleGrant* RolePermissions::Find(std::string_view action) const {
  const std::string key = ToLower(action);
  const auto at = std::lower_bound(
      grants.begin(), grants.end(), key,
      [](const RoleGrant& grant, const std::string& k) { return ToLower(grant.action) < k; });
  return at != grants.end() && EqualsIgnoreCase(at->action, action) ? &*at : nullptr;
}

RolePermissions ComputeRolePermissions(const RolePolicies& policies,
                                       const ActionUniverse& universe) {
  Candidates candidates = CollectCandidates(policies, universe);
  RolePermissions result;
  result.unknown = std::move(candidates.unknown);
  const PolicyDocument* boundary = policies.boundary ? &policies.boundary->document : nullptr;

  for (const auto& [key, action] : candidates.actions) {
    ActionReach identity;
    std::vector<std::string> granted_by, denied_fully_by, denied_partly_by, limited_in;
    std::string via;
    for (const NamedPolicy& policy : policies.identity) {
      const ActionReach reach = EvaluateReach(policy.document, action);
      identity.allow = std::max(identity.allow, reach.allow);
      identity.deny = std::max(identity.deny, reach.deny);
      if (reach.allow != Reach::kNone) {
        granted_by.push_back(policy.name);
        if (via.empty()) {
          const Statement* statement =
              FirstStatement(policy.document, Effect::kAllow, action, Reach::kAll);
          if (!statement) {
            statement = FirstStatement(policy.document, Effect::kAllow, action, Reach::kSome);
          }
          if (statement) via = PatternFor(*statement, action);
        }
      }
      if (reach.allow == Reach::kSome) {
        const Statement* statement =
            FirstStatement(policy.document, Effect::kAllow, action, Reach::kSome);
        limited_in.push_back(fmt::format("{} in {}", DescribeLimit(*statement), policy.name));
      }
      if (reach.deny == Reach::kAll) denied_fully_by.push_back(policy.name);
      if (reach.deny == Reach::kSome) denied_partly_by.push_back(policy.name);
    }
    ActionReach bounded;
    if (boundary) {
      bounded = EvaluateReach(*boundary, action);
      if (bounded.deny == Reach::kAll) denied_fully_by.push_back(policies.boundary->name);
      if (bounded.deny == Reach::kSome) denied_partly_by.push_back(policies.boundary->name);
    }

    switch (CombineAccess(identity, boundary ? &bounded : nullptr)) {
      case Access::kNotAllowed:
        break;
      case Access::kFull:
        result.grants.push_back(RoleGrant{action, false, std::move(granted_by), via, {}});
        break;
      case Access::kConditional: {
        RoleGrant grant{action, true, std::move(granted_by), via, {}};
        if (identity.allow == Reach::kSome) {
          grant.reasons.push_back("allowed only with " + Join(limited_in, "; "));
        }
        if (!denied_partly_by.empty()) {
          grant.reasons.push_back("denied on some resources or under a Condition by " +
                                  Join(denied_partly_by, ", "));
        }
        if (boundary && bounded.allow == Reach::kSome) {
          grant.reasons.push_back(fmt::format(
              "{} allows it only on some resources or under a Condition", policies.boundary->name));
        }
        result.grants.push_back(std::move(grant));
        break;
      }
      case Access::kDenied:
        result.refused.push_back(RoleRefusal{action, std::move(granted_by),
                                             "explicit Deny in " + Join(denied_fully_by, ", ")});
        break;
      case Access::kOutsideBoundary:
        result.refused.push_back(
            RoleRefusal{action, std::move(granted_by),
                        fmt::format("not allowed by the {}", policies.boundary->name)});
        break;
    }
  }
  return result;
}

}  // namespace audex
