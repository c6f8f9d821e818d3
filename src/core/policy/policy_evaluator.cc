#include "core/policy/policy_evaluator.h"

#include <algorithm>
#include <optional>

#include "core/base/text.h"
#include "core/policy/network_binding.h"

namespace audex {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text, CaseRule rule) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return GlobMatches(pattern, text, rule); });
}

enum class Truth { kFalse, kTrue, kUnknown };

std::optional<std::string> LookUp(const RequestContext& context, std::string_view key) {
  for (const auto& [name, value] : context.keys) {
    if (EqualsIgnoreCase(name, key)) return value;
  }
  return std::nullopt;
}

// One test of a Condition block against the request.
Truth Test(const Condition& condition, const RequestContext& context) {
  std::string_view op = condition.op;
  const bool if_exists = op.ends_with("IfExists");
  if (if_exists) op.remove_suffix(std::string_view("IfExists").size());
  enum class Kind { kString, kStringIgnoreCase, kBool, kIp };
  Kind kind;
  bool negated = false;
  if (op == "StringEquals" || op == "StringNotEquals") {
    kind = Kind::kString;
    negated = op == "StringNotEquals";
  } else if (op == "StringEqualsIgnoreCase" || op == "StringNotEqualsIgnoreCase") {
    kind = Kind::kStringIgnoreCase;
    negated = op == "StringNotEqualsIgnoreCase";
  } else if (op == "Bool") {
    kind = Kind::kBool;
  } else if (op == "IpAddress" || op == "NotIpAddress") {
    kind = Kind::kIp;
    negated = op == "NotIpAddress";
  } else {
    return Truth::kUnknown;
  }
  const std::optional<std::string> value = LookUp(context, condition.key);
  if (!value) return if_exists || negated ? Truth::kTrue : Truth::kFalse;
  bool matched = false;
  for (const std::string& wanted : condition.values) {
    switch (kind) {
      case Kind::kString:
        matched = *value == wanted;
        break;
      case Kind::kStringIgnoreCase:
      case Kind::kBool:
        matched = EqualsIgnoreCase(*value, wanted);
        break;
      case Kind::kIp: {
        auto range = ParseIpRange(wanted, "");
        if (!range) return Truth::kUnknown;
        matched = range->Contains(*value);
        break;
      }
    }
    if (matched) break;
  }
  return matched != negated ? Truth::kTrue : Truth::kFalse;
}

Truth ConditionsHold(const Statement& statement, const RequestContext* context) {
  if (!statement.has_condition) return Truth::kTrue;
  if (context == nullptr) return Truth::kUnknown;
  Truth all = Truth::kTrue;
  for (const Condition& condition : statement.conditions) {
    const Truth truth = Test(condition, *context);
    if (truth == Truth::kFalse) return Truth::kFalse;
    if (truth == Truth::kUnknown) all = Truth::kUnknown;
  }
  return all;
}

Decision EvaluateWith(const PolicyDocument& document, std::string_view action,
                      std::string_view resource, const RequestContext* context) {
  bool allowed = false;
  for (const Statement& statement : document.statements) {
    if (!StatementMatches(statement, action, resource)) continue;
    const Truth holds = ConditionsHold(statement, context);
    // An unknown condition errs towards less access: it denies, never grants.
    if (statement.effect == Effect::kDeny) {
      if (holds != Truth::kFalse) return Decision::kExplicitDeny;
    } else if (holds == Truth::kTrue) {
      allowed = true;
    }
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
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
  return EvaluateWith(document, action, resource, nullptr);
}

Decision Evaluate(const PolicyDocument& document, std::string_view action,
                  std::string_view resource, const RequestContext& context) {
  return EvaluateWith(document, action, resource, &context);
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
