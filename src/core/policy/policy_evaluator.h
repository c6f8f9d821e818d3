// The Allow/Deny decision IAM makes for one action on one resource under one
// policy document: an explicit Deny wins, then any Allow, else an implicit
// deny. Without a request context conditions are not evaluated: a statement
// with a Condition block never grants and always denies, which errs on the
// side of less access. With one, the condition operators Audex writes
// itself are evaluated (see RequestContext) and any other still errs so.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/glob.h"
#include "core/policy/policy_document.h"

namespace audex {

enum class Decision { kAllow, kImplicitDeny, kExplicitDeny };

// The condition keys a request carries, by name ("aws:SourceIp" ->
// "203.0.113.9"); a key that is absent is not in the request (as
// aws:SourceIp through a VPC endpoint). Names compare case-insensitively,
// as IAM's do. Understood operators, each also with IfExists: StringEquals,
// StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, Bool,
// IpAddress, NotIpAddress.
struct RequestContext {
  std::map<std::string, std::string> keys;
};

// `action` and `resource` are literal ("s3:GetObject", "arn:aws:s3:::b/k").
// Actions compare case-insensitively as in IAM; resources case-sensitively.
Decision Evaluate(const PolicyDocument& document, std::string_view action,
                  std::string_view resource = "*");

// The same for a request with `context`: conditions are evaluated by IAM's
// rules (IAM User Guide, "Condition element"): every test of a block must
// hold; a key absent from the request makes an IfExists test and a negated
// test (StringNotEquals, NotIpAddress) hold and any other fail. A statement
// with a test Audex cannot evaluate is treated as without context.
Decision Evaluate(const PolicyDocument& document, std::string_view action,
                  std::string_view resource, const RequestContext& context);

// Does `statement` apply to this action and resource (ignoring Effect)?
bool StatementMatches(const Statement& statement, std::string_view action,
                      std::string_view resource);

// Does `statement` name this action (Action, or everything but its NotAction)?
bool StatementNamesAction(const Statement& statement, std::string_view action);

// How far a statement reaches for one action when no particular resource is
// asked about, as drift needs it: kAll when it names the action for every
// resource ("*" in Resource) with no Condition; kSome when it names the
// action but only for some resources (a narrower Resource, any NotResource)
// or under a Condition, which Audex does not evaluate; kNone otherwise.
enum class Reach { kNone, kSome, kAll };
Reach StatementReach(const Statement& statement, std::string_view action);

// The widest reach of a document's Allow statements and of its Deny
// statements for one action.
struct ActionReach {
  Reach allow = Reach::kNone;
  Reach deny = Reach::kNone;
};
ActionReach EvaluateReach(const PolicyDocument& document, std::string_view action);

// What a set of identity policies, optionally bounded by a permissions
// boundary, lets a principal do with one action across all resources
// (IAM's rule: identity Allow ∩ boundary Allow, and any explicit Deny wins):
// kFull on every resource unconditionally; kConditional on some resources
// or under conditions (a narrower Allow, a narrower Deny, or a boundary
// that reaches only some); kDenied by an explicit Deny on every resource;
// kOutsideBoundary allowed by identity policies but not by the boundary;
// kNotAllowed otherwise.
enum class Access { kNotAllowed, kConditional, kFull, kDenied, kOutsideBoundary };
Access EvaluateAccess(const std::vector<const PolicyDocument*>& identity,
                      const PolicyDocument* boundary, std::string_view action);

// The same rule on reaches already computed: `identity` is the widest Allow
// and Deny over the identity policies, `boundary` the boundary's (null when
// the role has none).
Access CombineAccess(const ActionReach& identity, const ActionReach* boundary);

}  // namespace audex
