// RolePermissions: the AWS actions an IAM role's policies really allow —
// its inline and managed policies, minus explicit Denies, intersected with
// its permissions boundary — expanded against the action catalog, with the
// policy and pattern behind each grant. Pure: the documents are passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/policy/action_universe.h"
#include "core/policy/policy_document.h"
#include "core/policy/policy_evaluator.h"

namespace audex {

// One policy document and how to name it in reports: "inline policy s3",
// "managed policy arn:aws:iam::aws:policy/ReadOnlyAccess (v3)".
struct NamedPolicy {
  std::string name;
  PolicyDocument document;
};

struct RolePolicies {
  std::vector<NamedPolicy> identity;    // inline and attached managed policies
  std::optional<NamedPolicy> boundary;  // the permissions boundary, if the role has one
};

// An action the role may perform.
struct RoleGrant {
  std::string action;                   // canonical, "s3:GetObject"
  bool conditional = false;             // only on some resources or under a Condition (see reasons)
  std::vector<std::string> granted_by;  // names of the policies whose Allow names it
  // The first Allow pattern that names it, for summaries: "s3:*", or
  // "NotAction iam:*" for a NotAction statement.
  std::string via;
  std::vector<std::string> reasons;  // why it is conditional
};

// An action an Allow names but the role may not perform.
struct RoleRefusal {
  std::string action;
  std::vector<std::string> granted_by;  // the Allows that name it
  std::string reason;  // "explicit Deny in inline policy x", "outside the permissions boundary ..."
};

struct RolePermissions {
  std::vector<RoleGrant> grants;     // sorted by action, case-insensitively
  std::vector<RoleRefusal> refused;  // sorted by action
  // Literal actions in Allow statements that the catalog does not know, and
  // patterns it cannot read: "s3:HeadObject (inline policy s3)". They grant
  // nothing Audex can compare.
  std::vector<std::string> unknown;

  const RoleGrant* Find(std::string_view action) const;  // case-insensitive
};

// Expands every Allow statement of `policies.identity` against `universe`
// (Action patterns through Expand; NotAction through the whole universe,
// "*"), then decides each candidate with EvaluateAccess: kFull and
// kConditional become grants; kDenied and kOutsideBoundary refusals.
RolePermissions ComputeRolePermissions(const RolePolicies& policies,
                                       const ActionUniverse& universe);

}  // namespace audex
