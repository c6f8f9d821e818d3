#include "core/policy/policy_evaluator.h"

#include <algorithm>

namespace audex {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text, CaseRule rule) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return GlobMatches(pattern, text, rule); });
}

}  // namespace

bool StatementNamesAction(const Statement& statement, std::string_view action) {
  return !statement.actions.empty()
             ? AnyMatches(statement.actions, action, CaseRule::kInsensitive)
             : !AnyMatches(statement.not_actions, action, CaseRule::kInsensitive);
}

bool StatementMatches(const Statement& statement, std::string_view action,
                      std::string_view resource) {
  if (!StatementNamesAction(statement, action)) return false;
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

Reach StatementReach(const Statement& statement, std::string_view action) {
  if (!StatementNamesAction(statement, action)) return Reach::kNone;
  if (statement.resources.empty() && statement.not_resources.empty()) return Reach::kNone;
  // Only a Resource that is all stars covers every ARN; "arn:aws:s3:::*" and
  // the like are narrower, and NotResource always leaves something out.
  const bool every_resource = std::any_of(
      statement.resources.begin(), statement.resources.end(),
      [](const auto& r) { return !r.empty() && r.find_first_not_of('*') == std::string::npos; });
  return every_resource && !statement.has_condition ? Reach::kAll : Reach::kSome;
}

ActionReach EvaluateReach(const PolicyDocument& document, std::string_view action) {
  ActionReach reach;
  for (const Statement& statement : document.statements) {
    Reach& widest = statement.effect == Effect::kAllow ? reach.allow : reach.deny;
    widest = std::max(widest, StatementReach(statement, action));
  }
  return reach;
}

Access EvaluateAccess(const std::vector<const PolicyDocument*>& identity,
                      const PolicyDocument* boundary, std::string_view action) {
  ActionReach combined;
  for (const PolicyDocument* document : identity) {
    const ActionReach reach = EvaluateReach(*document, action);
    combined.allow = std::max(combined.allow, reach.allow);
    combined.deny = std::max(combined.deny, reach.deny);
  }
  if (boundary == nullptr) return CombineAccess(combined, nullptr);
  const ActionReach bounded = EvaluateReach(*boundary, action);
  return CombineAccess(combined, &bounded);
}

Access CombineAccess(const ActionReach& identity, const ActionReach* boundary) {
  ActionReach combined = identity;
  const Reach bounded = boundary == nullptr ? Reach::kAll : boundary->allow;
  if (boundary != nullptr) combined.deny = std::max(combined.deny, boundary->deny);
  if (combined.allow == Reach::kNone) return Access::kNotAllowed;
  if (combined.deny == Reach::kAll) return Access::kDenied;
  if (bounded == Reach::kNone) return Access::kOutsideBoundary;
  if (combined.allow == Reach::kAll && bounded == Reach::kAll && combined.deny == Reach::kNone) {
    return Access::kFull;
  }
  return Access::kConditional;
}

}  // namespace audex
