// The Allow/Deny decision IAM makes for one action on one resource under one
// policy document: an explicit Deny wins, then any Allow, else an implicit
// deny. Conditions are not evaluated: a statement with a Condition block
// never grants and always denies, which errs on the side of less access.
#pragma once

#include <string_view>

#include "core/glob.h"
#include "core/policy_document.h"

namespace audex {

enum class Decision { kAllow, kImplicitDeny, kExplicitDeny };

// `action` and `resource` are literal ("s3:GetObject", "arn:aws:s3:::b/k").
// Actions compare case-insensitively as in IAM; resources case-sensitively.
Decision Evaluate(const PolicyDocument& document, std::string_view action,
                  std::string_view resource = "*");

// Does `statement` apply to this action and resource (ignoring Effect)?
bool StatementMatches(const Statement& statement, std::string_view action,
                      std::string_view resource);

}  // namespace audex
