#include "core/policy_evaluator.h"

#include <algorithm>

namespace audex {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text, CaseRule rule) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return GlobMatches(pattern, text, rule); });
}

}  // namespace

bool StatementMatches(const Statement& statement, std::string_view action,
                      std::string_view resource) {
  const bool action_matches =
      !statement.actions.empty()
          ? AnyMatches(statement.actions, action, CaseRule::kInsensitive)
          : !AnyMatches(statement.not_actions, action, CaseRule::kInsensitive);
  if (!action_matches) return false;
  if (!statement.resources.empty()) {
    return AnyMatches(statement.resources, resource, CaseRule::kSensitive);
  }
  if (!statement.not_resources.empty()) {
    return !AnyMatches(statement.not_resources, resource, CaseRule::kSensitive);
  }
  return false;  // IAM requires Resource or NotResource; without one nothing matches
}

Decision Evaluate(const PolicyDocument& document, std::string_view action,
                  std::string_view resource) {
  bool allowed = false;
  for (const Statement& statement : document.statements) {
    if (!StatementMatches(statement, action, resource)) continue;
    if (statement.effect == Effect::kDeny) return Decision::kExplicitDeny;
    if (!statement.has_condition) allowed = true;
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

}  // namespace audex
