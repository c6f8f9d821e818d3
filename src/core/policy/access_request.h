// Resolving what a user asked for (--allow or --profile, --resource, the
// deny list) into the exact set of permissions a session gets, with an
// account of every step: which universal names and profiles expanded to
// what, what the deny list removed, and which denies must be explicit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/policy/action_universe.h"
#include "core/policy/deny_list.h"
#include "core/policy/profile.h"
#include "core/policy/provider.h"

namespace audex {

struct AccessRequest {
  std::optional<Provider> provider;          // --provider
  std::optional<Provider> default_provider;  // `provider` in config.toml
  std::optional<std::string> allow;          // --allow, as typed
  std::optional<std::string> profile;        // --profile NAME
  std::optional<std::string> resource;       // --resource, as typed
  bool allow_unknown = false;                // --allow-unknown: keep actions the catalog lacks
  // `learn`: without --allow and --profile the session is not narrowed to
  // actions instead of that being a usage error: no actions, and on AWS the
  // deny list (if any) as explicit_denies, so the session policy allows
  // everything but those.
  bool unscoped_allowed = false;
};

struct GrantedAction {
  std::string action;  // native syntax, possibly a wildcard
  std::string origin;  // "--allow", "storage:read", "profile s3-readonly"
  // For a wildcard checked against the catalog: how many actions it grants today.
  std::optional<size_t> matches;
};

struct RemovedAction {
  std::string action;
  std::string origin;
  std::string reason;  // "denied by iam:* in FILE", "already granted by s3:*"
};

struct ResolvedRequest {
  Provider provider = Provider::kAws;
  std::optional<std::string> profile_name;
  std::string profile_source;
  std::vector<GrantedAction> actions;  // in request order, de-duplicated
  std::vector<RemovedAction> denied;   // wholly inside a deny pattern
  std::vector<RemovedAction> covered;  // already granted by a broader pattern
  std::vector<RemovedAction> dropped;  // built-in profile entries that are not IAM actions
  // Deny patterns that overlap a granted wildcard: the session policy must
  // carry them as an explicit Deny (AWS) or the user must be warned.
  std::vector<std::string> explicit_denies;
  std::vector<std::string> resources;  // empty means every resource ("*")
  std::vector<std::string> warnings;   // printed on stderr before anything else
  // AWS actions kept though the catalog does not know them (--allow-unknown).
  std::vector<std::string> unknown_kept;
  std::vector<std::string> notes;  // informational, shown in plans

  std::vector<std::string> ActionNames() const;
};

// Pure: the same request, profiles and deny list always resolve the same way.
// Usage errors (kUsage) for flag combinations; policy errors (kPolicy) for
// bad actions, unknown profiles, bad ARNs, or a request the deny list empties.
// With `aws_actions`, every AWS action is checked against it: exact names
// take their canonical spelling, unknown ones are errors with suggestions
// (warnings with allow_unknown; dropped with a note from built-in profiles),
// wildcards that match nothing are errors, "s3:@read" selectors expand, and
// deny-list entries that match nothing are warned about.
Result<ResolvedRequest> ResolveRequest(const AccessRequest& request, const ProfileCatalog& profiles,
                                       const DenyList& deny,
                                       const ActionUniverse* aws_actions = nullptr);

}  // namespace audex
