// SessionPlan: everything `tryaudex run` will do, decided before any I/O.
// --dry-run prints it; the credential flow carries it out; the audit log
// records it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/access_request.h"
#include "core/policy_document.h"
#include "core/user_config.h"

namespace audex {

struct SessionPlan {
  ResolvedRequest request;
  std::chrono::seconds ttl{0};
  std::optional<PolicyDocument> policy;  // AWS only
  std::string policy_json;               // rendered `policy`, minified
  std::vector<std::string> child_variables;
  std::vector<std::string> command;
};

// The AWS session policy for a resolved request: one Allow statement with
// the granted actions sorted case-insensitively and the resources (or "*"),
// and a Deny statement for deny patterns that overlap granted wildcards.
PolicyDocument BuildAwsSessionPolicy(const ResolvedRequest& request);

// Resolves the request, chooses the TTL (--ttl, else config, else 15m) and
// checks it against the provider, builds and size-checks the policy.
Result<SessionPlan> PlanSession(const AccessRequest& request,
                                std::optional<std::chrono::seconds> ttl_flag,
                                const UserConfig& config, const ProfileCatalog& profiles,
                                const DenyList& deny, std::vector<std::string> command);

}  // namespace audex
