#include "catalog/policy_lint.h"

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/policy/glob.h"

namespace audex {

PolicyLint LintPolicy(const PolicyDocument& document, const ActionCatalog& catalog) {
  PolicyLint lint;
  std::vector<std::string>& errors = lint.errors;
  std::vector<std::string>& notes = lint.notes;
  for (size_t i = 0; i < document.statements.size(); ++i) {
    const Statement& statement = document.statements[i];
    const std::string where = fmt::format(
        "statement {}{}", i + 1, statement.sid.empty() ? "" : fmt::format(" ({})", statement.sid));
    const bool is_not_action = statement.actions.empty();
    size_t matched = 0;
    for (const std::string& pattern : is_not_action ? statement.not_actions : statement.actions) {
      auto ids = catalog.Expand(pattern);
      if (!ids) {
        errors.push_back(fmt::format("{}: {}", where, ids.error().message));
        continue;
      }
      matched += ids->size();
      if (ids->empty()) {
        const std::vector<std::string> close = catalog.Suggest(pattern);
        errors.push_back(fmt::format(
            "{}: {} \"{}\" matches no AWS action{}", where,
            HasWildcard(pattern) ? "pattern" : "unknown action", pattern,
            close.empty() ? "" : fmt::format(" (did you mean {}?)", Join(close, ", "))));
      } else if (HasWildcard(pattern)) {
        notes.push_back(
            fmt::format("{}: \"{}\" grants {} actions today", where, pattern, ids->size()));
      }
    }
    if (!is_not_action && matched == 0) {
      errors.push_back(fmt::format("{}: can never match: none of its actions exist", where));
    }
    if (statement.resources.empty() && statement.not_resources.empty()) {
      errors.push_back(
          fmt::format("{}: has no Resource or NotResource, so it never matches", where));
    }
  }
  lint.minified_size = RenderPolicy(document).size();
  const size_t minified = lint.minified_size;
  notes.push_back(fmt::format("{} characters minified ({} as a session policy: limit {})", minified,
                              minified <= kSessionPolicyLimit ? "fits" : "too large",
                              kSessionPolicyLimit));
  return lint;
}

}  // namespace audex
