// PolicyLint: what the action catalog says about an IAM policy document —
// unknown actions, patterns and statements that can never match, how many
// actions each wildcard grants today, and its size as a session policy.
#pragma once

#include <string>
#include <vector>

#include "catalog/action_catalog.h"
#include "core/policy/policy_document.h"

namespace audex {

struct PolicyLint {
  std::vector<std::string> errors;  // the document cannot do what it says
  std::vector<std::string> notes;   // wildcard counts, size
  size_t minified_size = 0;
  bool valid() const { return errors.empty(); }
};

PolicyLint LintPolicy(const PolicyDocument& document, const ActionCatalog& catalog);

}  // namespace audex
