// Drift: how the actions a role really allows differ from the set it should
// allow (a profile or an explicit list, already expanded): what it allows
// beyond the set, what the set needs that it does not allow, and what it
// allows only on some resources or under a Condition. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/policy/profile.h"
#include "core/policy/role_permissions.h"

namespace audex {

struct DriftEntry {
  std::string action;   // canonical, "ec2:DescribeInstances"
  std::string service;  // "ec2"
  // Additional and limited entries: the policies that allow it. Missing
  // entries: the policies whose Allow names it when something refuses it.
  std::vector<std::string> policies;
  std::string via;  // the Allow pattern that grants it ("s3:*"); empty when missing
  bool conditional = false;
  // Why it is conditional, or why a missing action is refused ("explicit
  // Deny in ...", "not allowed by any policy").
  std::vector<std::string> reasons;
};

struct DriftReport {
  std::vector<DriftEntry> additional;  // the role allows it (fully or conditionally); not expected
  std::vector<DriftEntry> missing;     // expected; the role does not allow it at all
  std::vector<DriftEntry> limited;     // expected; allowed only on some resources or conditionally
  size_t expected_count = 0;           // distinct expected actions
  size_t granted_count = 0;            // actions the role allows, fully or conditionally
  size_t matched_count = 0;            // expected actions the role allows on every resource

  // Drift is anything additional or missing. Limited actions are reported
  // but do not count: scoping a role to its resources is good practice.
  bool HasDrift() const { return !additional.empty() || !missing.empty(); }
};

// Compares `role` with `expected` (canonical action names, each a real
// catalog action; duplicates in any case are ignored). Every list is sorted
// by service, then action, case-insensitively.
DriftReport CompareWithExpected(const RolePermissions& role,
                                const std::vector<std::string>& expected);

// Additional actions of one service granted through one pattern of one
// policy, for display.
struct DriftGroup {
  std::string service;
  std::string via;     // "s3:*", "NotAction iam:*", or an exact action
  std::string policy;  // the first policy that grants them
  std::vector<std::string> actions;
  size_t conditional_count = 0;
  // A wildcard or NotAction that brought more than `summarise_above`
  // actions: shown as one line ("s3:* — 180 actions beyond the profile").
  bool summarised = false;
};

// `entries` grouped by service, then by (via, first policy), in order.
std::vector<DriftGroup> GroupByGrant(const std::vector<DriftEntry>& entries,
                                     size_t summarise_above);

// How close a role is to one candidate set, for --all-profiles.
struct ProfileFit {
  std::string name;
  size_t additional = 0;
  size_t missing = 0;
  size_t limited = 0;
  size_t distance() const { return additional + missing; }
};

struct NamedExpectation {
  std::string name;
  std::vector<std::string> actions;  // expanded, canonical
};

// What a role is expected to allow, from a profile or from an --allow-style
// list, expanded the way `run` expands a request (universal names, profiles,
// wildcards, access-level selectors, checked against the catalog; the deny
// list does not apply: it limits sessions, not roles) and then to exact
// actions. `notes` says what was dropped (s3:HeadObject is not an IAM
// action) and that a profile's resources are not compared.
struct Expectation {
  NamedExpectation set;  // name: "profile s3-readonly" or "--expected-allow"
  std::string kind;      // "profile" or "list"
  std::vector<std::string> notes;
  std::vector<std::string> warnings;
};
// Exactly one of `profile` and `allow`. kPolicy for unknown profiles or
// actions and for a profile of another provider; kUsage for bad lists.
Result<Expectation> ExpandExpectation(const std::optional<std::string>& profile,
                                      const std::optional<std::string>& allow,
                                      const ProfileCatalog& profiles,
                                      const ActionUniverse& universe);

// Every candidate's fit, closest first: smallest additional + missing, then
// fewest missing (a role that cannot do the job is further than one that can
// do more), then name.
std::vector<ProfileFit> RankExpectations(const RolePermissions& role,
                                         const std::vector<NamedExpectation>& candidates);

}  // namespace audex
