// IAM policy documents: the model, the minified rendering Audex sends as a
// session policy, and a parser for documents from users and from IAM.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

// AWS's limit on the plaintext of an AssumeRole session policy
// (spec/cloud-facts.md).
inline constexpr size_t kSessionPolicyLimit = 2048;

enum class Effect { kAllow, kDeny };

// One test of a Condition block: an operator ("NotIpAddressIfExists"), a
// condition key ("aws:SourceIp") and the values, any one of which matches
// (IAM User Guide, "Condition element": keys under one operator and
// operators in one block are ANDed, values of one key ORed).
struct Condition {
  std::string op;
  std::string key;
  std::vector<std::string> values;  // JSON booleans and numbers as their text
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  std::vector<std::string> actions;      // Action
  std::vector<std::string> not_actions;  // NotAction
  std::vector<std::string> resources;    // Resource
  std::vector<std::string> not_resources;
  bool has_condition = false;  // a Condition block is present
  // Its tests in document order; a part that is not {operator: {key:
  // value or list}} is kept as a test with an empty operator, which no
  // evaluation understands.
  std::vector<Condition> conditions;
};

struct PolicyDocument {
  std::string version = "2012-10-17";
  std::vector<Statement> statements;
};

// Minified JSON with keys in IAM's customary order (Version, Statement;
// Sid, Effect, Action, Resource, Condition). A list of one is written as a
// string; conditions are grouped by operator in the order they first appear.
// The same document always renders to the same bytes.
std::string RenderPolicy(const PolicyDocument& document);

// Parses a policy document. Accepts Statement as object or list and
// Action/NotAction/Resource/NotResource as string or list. Errors are
// kPolicy and say what is wrong and where.
Result<PolicyDocument> ParsePolicy(std::string_view json);

// Fails when `rendered` exceeds kSessionPolicyLimit, with the measured size.
Result<void> CheckSessionPolicySize(std::string_view rendered);

}  // namespace audex
