// IntentCheck: an IntentPolicy held to what exists before anyone sees it.
// Claude's answers (and the offline parser's) are proposals: every AWS
// action is looked up in the action catalog (unknown ones removed, with the
// closest real names), wildcards are counted and warned about, every
// resource must have an ARN's shape, and GCP and Azure actions must have
// their provider's syntax.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "core/base/result.h"
#include "core/intent/intent.h"
#include "core/policy/provider.h"

namespace audex {

struct CheckedIntent {
  // What survived, AWS actions in canonical spelling; the proposal's exact
  // statements keep their surviving actions and resources (a statement
  // that lost every resource is dropped rather than widened to "*").
  IntentPolicy policy;
  std::vector<std::string> warnings;  // removals, wildcards, resources that cannot apply
};

// `origin` names the proposal for messages ("Claude's answer", "the
// offline parser"). Fails (kPolicy) when no action survives, naming each
// removed one and why.
Result<CheckedIntent> CheckIntent(const IntentPolicy& proposed, Provider provider,
                                  const ActionCatalog& catalog, std::string_view origin);

// What is lost when `policy`'s statements are granted as one Allow statement
// of its union (as `intent --run` hands them to run): every action then
// applies to every resource listed, and an action that takes only Resource
// "*" is denied under the list. Nothing when there is one statement.
std::optional<std::string> OneStatementWarning(const IntentPolicy& policy,
                                               const ActionCatalog& catalog);

}  // namespace audex
