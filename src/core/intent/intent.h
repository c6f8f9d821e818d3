// IntentPolicy: what `tryaudex intent` hands back for a sentence — the
// actions to allow, the resources they are limited to, and a description —
// in the founding document's JSON shape (spec/seed-policies.md, "Natural
// language to IAM"). Also the prompt Claude is given and the reading of its
// answer, which is never trusted: catalog/intent_check.h validates it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/policy/provider.h"

namespace audex {

// One Allow statement of an intent: `actions` on `resources` (empty: "*").
struct IntentStatement {
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  bool operator==(const IntentStatement&) const = default;
};

struct IntentPolicy {
  std::vector<std::string> actions;    // native actions of the provider
  std::vector<std::string> resources;  // ARNs; empty for "every resource"
  std::string description;
  // The exact grants, one statement per resource list, when the parser knows
  // them (the offline parser; Claude's answers leave it empty, meaning one
  // statement of `actions` on `resources`). With more than one statement,
  // `actions` and `resources` are their union: one statement of those can
  // grant more ("copy from bucket a to bucket b" puts s3:PutObject on a too;
  // ecr:GetAuthorizationToken takes only Resource "*").
  std::vector<IntentStatement> statements = {};
};

// Where an IntentPolicy came from: the Anthropic API or the offline parser.
enum class IntentSource { kClaude, kOffline };
std::string_view IntentSourceName(IntentSource source);  // "claude", "offline"

// The system prompt for `provider`: the minimum actions, resource
// restrictions only for named resources, a short description, as one JSON
// object; the founding document's two examples as the worked answers.
std::string IntentSystemPrompt(Provider provider);

// Reads the model's text answer: one JSON object with "allow" (a comma
// list or an array of strings), "resource" (a comma list, an array, or
// null) and "description" (a string), alone, inside a ```json fence, or with
// prose around it. Errors (kCredentials: the cloud side answered badly) say
// what was wrong with the answer, quoting at most its start.
Result<IntentPolicy> ParseIntentReply(std::string_view text);

// {"allow": "a,b", "resource": "arn,arn" | null, "description": "...",
//  "source": "claude" | "offline"}, indented by two spaces; with more than
// one statement also "statements": [{"allow": ..., "resource": ...}, ...].
std::string RenderIntentJson(const IntentPolicy& policy, IntentSource source);

}  // namespace audex
