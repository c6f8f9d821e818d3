// Revocation on the role: reads a role's inline policies, builds its
// revocation policy (core/team/revocation.h) within what the other inline
// policies leave of IAM's budget, and puts it on the role (or deletes it
// when nothing is left to deny). What the team server's revoke and janitor
// and `tryaudex sessions revoke` call, with the base credentials.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/iam_client.h"
#include "core/team/revocation.h"
#include "session/world.h"

namespace audex {

// An IAM client toward the IAM endpoint the environment names
// (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, else the partition's), with the
// base credentials the AWS SDKs would find.
struct IamAccess {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<IamClient> iam;
  AwsCredentials base;
  std::string endpoint;
};
// `region`: the configured one, if any (the partition of the IAM endpoint).
Result<IamAccess> OpenIamAccess(const World& world, const std::optional<std::string>& region);

// What the role carries now.
struct RoleRevocationState {
  std::optional<std::string> current;  // the AudexRevocations document, if the role has one
  size_t others_size = 0;              // its other inline policies, as IAM counts them
  size_t budget() const {
    return others_size >= kRoleInlinePolicyBudget ? 0 : kRoleInlinePolicyBudget - others_size;
  }
};
// ListRolePolicies and GetRolePolicy of each.
Result<RoleRevocationState> ReadRoleRevocations(IamClient& iam, std::string_view role,
                                                const AwsCredentials& base);

struct AppliedRevocationPolicy {
  RevocationPolicy policy;
  std::string change;  // "put", "deleted" or "unchanged"
  size_t budget = 0;
};
// Builds the policy for `denies` at `now` and writes it when it differs
// from `state.current`: PutRolePolicy, or DeleteRolePolicy when nothing is
// left. An IAM refusal names the permission and the role (kCredentials).
Result<AppliedRevocationPolicy> ApplyRoleRevocations(IamClient& iam, std::string_view role,
                                                     const RoleRevocationState& state,
                                                     std::vector<RoleDeny> denies, TimePoint now,
                                                     const AwsCredentials& base);

}  // namespace audex
