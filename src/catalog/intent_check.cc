#include "catalog/intent_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"
#include "core/policy/glob.h"
#include "core/policy/resource.h"

namespace audex {
namespace {

bool ContainsIgnoreCase(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return EqualsIgnoreCase(item, value); });
}

// Checks one AWS action; returns the spelling to keep, or nothing with the
// reason in `removed`.
std::optional<std::string> CheckAwsAction(const std::string& action, const ActionCatalog& catalog,
                                          std::string_view origin,
                                          std::vector<std::string>& removed,
                                          std::vector<std::string>& warnings) {
  if (auto syntax = CheckActionSyntax(Provider::kAws, action, origin); !syntax) {
    removed.push_back(fmt::format("\"{}\" (not an AWS action: service:Action)", action));
    return std::nullopt;
  }
  if (HasWildcard(action)) {
    auto expanded = catalog.Expand(action);
    if (!expanded || expanded->empty()) {
      removed.push_back(fmt::format("\"{}\" (a wildcard that matches no action)", action));
      return std::nullopt;
    }
    if (IsAllServicesWildcard(Provider::kAws, action)) {
      warnings.push_back(fmt::format(
          "{} proposes {}, which grants every service ({} actions today): that is not least "
          "privilege; narrow it before use",
          origin, action, expanded->size()));
    } else {
      warnings.push_back(fmt::format("{} proposes the wildcard {}, which grants {} actions today",
                                     origin, action, expanded->size()));
    }
    return action;
  }
  if (auto found = catalog.Lookup(action)) return found->FullName();
  const std::vector<std::string> suggestions = catalog.Suggest(action);
  removed.push_back(fmt::format(
      "\"{}\" (no such action in the AWS action catalog{})", action,
      suggestions.empty() ? std::string() : "; did you mean " + Join(suggestions, " or ") + "?"));
  return std::nullopt;
}

}  // namespace

Result<CheckedIntent> CheckIntent(const IntentPolicy& proposed, Provider provider,
                                  const ActionCatalog& catalog, std::string_view origin) {
  CheckedIntent checked;
  checked.policy.description = proposed.description;
  std::vector<std::string> removed;
  std::vector<std::string>& warnings = checked.warnings;

  for (const std::string& raw : proposed.actions) {
    const std::string action(Trim(raw));
    if (action.empty()) continue;
    std::optional<std::string> kept;
    if (provider == Provider::kAws) {
      kept = CheckAwsAction(action, catalog, origin, removed, warnings);
    } else if (auto syntax = CheckActionSyntax(provider, action, origin); !syntax) {
      removed.push_back(fmt::format("\"{}\" (not a {} permission: {})", action,
                                    ProviderName(provider), ExpectedActionForm(provider)));
    } else {
      kept = action;
      if (IsAllServicesWildcard(provider, action)) {
        warnings.push_back(fmt::format(
            "{} proposes {}, which grants every service: narrow it before use", origin, action));
      } else if (HasWildcard(action)) {
        warnings.push_back(fmt::format("{} proposes the wildcard {}", origin, action));
      }
    }
    if (kept && !ContainsIgnoreCase(checked.policy.actions, *kept)) {
      checked.policy.actions.push_back(std::move(*kept));
    }
  }
  for (const std::string& item : removed) {
    warnings.push_back(fmt::format("removed {} from {}", item, origin));
  }
  if (checked.policy.actions.empty()) {
    return PolicyError(fmt::format(
        "no valid action is left of {} ({}): rephrase the sentence, or give the actions yourself "
        "with tryaudex run --allow",
        origin,
        removed.empty() ? std::string("it proposed none") : "removed " + Join(removed, ", ")));
  }

  for (const std::string& raw : proposed.resources) {
    const std::string resource(Trim(raw));
    if (resource.empty()) continue;
    if (provider != Provider::kAws) {
      warnings.push_back(fmt::format(
          "resource \"{}\" from {} dropped: {} permissions here are not limited by resource",
          resource, origin, ProviderName(provider)));
      continue;
    }
    if (resource == "*") {
      warnings.push_back(fmt::format(
          "resource \"*\" from {} dropped: it limits nothing (no resource means every resource)",
          origin));
      continue;
    }
    if (auto arn = CheckArn(resource, origin); !arn) {
      warnings.push_back(fmt::format("dropped: {}", arn.error().message));
      continue;
    }
    // arn:aws:s3:::* and friends: a resource part (after the fifth ':')
    // that is all wildcard.
    size_t at = 0;
    for (int colons = 0; colons < 5 && at != std::string::npos; ++colons) {
      at = resource.find(':', at == 0 ? 0 : at + 1);
    }
    const std::string_view part =
        at == std::string::npos ? std::string_view() : std::string_view(resource).substr(at + 1);
    if (!part.empty() && part.find_first_not_of("*?/:") == std::string_view::npos) {
      warnings.push_back(fmt::format("resource {} from {} matches every resource of its service",
                                     resource, origin));
    }
    if (!ContainsIgnoreCase(checked.policy.resources, resource)) {
      checked.policy.resources.push_back(resource);
    }
  }

  // The exact statements, when the proposal has them, keep what survived
  // above: canonical spellings, checked resources.
  for (const IntentStatement& statement : proposed.statements) {
    IntentStatement kept;
    for (const std::string& raw : statement.actions) {
      const std::string action(Trim(raw));
      for (const std::string& survivor : checked.policy.actions) {
        if (EqualsIgnoreCase(survivor, action) ||
            (provider == Provider::kAws && !HasWildcard(action) && catalog.Lookup(action) &&
             catalog.Lookup(action)->FullName() == survivor)) {
          if (!ContainsIgnoreCase(kept.actions, survivor)) kept.actions.push_back(survivor);
        }
      }
    }
    for (const std::string& raw : statement.resources) {
      const std::string resource(Trim(raw));
      if (ContainsIgnoreCase(checked.policy.resources, resource))
        kept.resources.push_back(resource);
    }
    // A statement whose every resource was dropped would widen to "*".
    if (kept.actions.empty() || (kept.resources.empty() && !statement.resources.empty())) continue;
    checked.policy.statements.push_back(std::move(kept));
  }

  // An action that takes no resource (AWS requires "*" for it) is denied
  // in a statement with a resource list: in the union of one statement, or
  // in the proposal's own statement.
  if (provider == Provider::kAws) {
    std::vector<IntentStatement> statements = checked.policy.statements;
    if (statements.empty()) {
      statements.push_back(IntentStatement{checked.policy.actions, checked.policy.resources});
    }
    for (const IntentStatement& statement : statements) {
      if (statement.resources.empty()) continue;
      for (const std::string& action : statement.actions) {
        const auto found = catalog.Lookup(action);
        if (found && found->resource_types().empty()) {
          warnings.push_back(fmt::format(
              "{} takes no resource (AWS requires Resource \"*\" for it), so the resource list "
              "would deny it: grant it in a session of its own, or drop the resources",
              action));
        }
      }
    }
  }
  if (checked.policy.description.empty()) {
    checked.policy.description = "Allow " + Join(checked.policy.actions, ", ");
  }
  return checked;
}

std::optional<std::string> OneStatementWarning(const IntentPolicy& policy,
                                               const ActionCatalog& catalog) {
  if (policy.statements.size() <= 1) return std::nullopt;
  std::vector<std::string> star_only;
  for (const std::string& action : policy.actions) {
    const auto found = catalog.Lookup(action);
    if (found && found->resource_types().empty() && !policy.resources.empty()) {
      star_only.push_back(action);
    }
  }
  return fmt::format(
      "--run makes one statement of the intent's {}: each action applies to every resource "
      "listed{}; to keep the statements apart, write the session policy yourself",
      policy.statements.size(),
      star_only.empty()
          ? std::string()
          : fmt::format(", and {} (Resource \"*\" only) will be denied", Join(star_only, ", ")));
}

}  // namespace audex
