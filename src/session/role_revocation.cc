#include "session/role_revocation.h"

#include "adapters/aws/credential_chain.h"
#include "adapters/http/curl_http_client.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"

namespace audex {

Result<IamAccess> OpenIamAccess(const World& world, const std::optional<std::string>& region) {
  auto resolved = ResolveRegion(std::nullopt, world.env, region,
                                AwsProfileRegion(ResolveAwsSharedFiles(world.env)));
  if (!resolved) return tl::unexpected(resolved.error());
  auto endpoint = ResolveIamEndpoint(world.env, resolved->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  auto base = ResolveBaseCredentials(world.env, ChainOptionsFor(world.environment));
  if (!base) return tl::unexpected(base.error());
  IamAccess access;
  access.http = world.http(HttpOptionsFrom(world.env));
  IamClientOptions options;
  options.endpoint = endpoint->url;
  options.signing_region = endpoint->signing_region;
  access.iam = std::make_unique<IamClient>(*access.http, std::move(options));
  access.base = std::move(*base);
  access.endpoint = endpoint->url;
  return access;
}

Result<RoleRevocationState> ReadRoleRevocations(IamClient& iam, std::string_view role,
                                                const AwsCredentials& base) {
  auto names = iam.ListRolePolicies(role, base);
  if (!names) return tl::unexpected(names.error());
  RoleRevocationState state;
  for (const std::string& name : *names) {
    auto document = iam.GetRolePolicy(role, name, base);
    if (!document) return tl::unexpected(document.error());
    if (name == kRevocationPolicyName) {
      state.current = std::move(*document);
    } else {
      state.others_size += PolicySize(*document);
    }
  }
  return state;
}

Result<AppliedRevocationPolicy> ApplyRoleRevocations(IamClient& iam, std::string_view role,
                                                     const RoleRevocationState& state,
                                                     std::vector<RoleDeny> denies, TimePoint now,
                                                     const AwsCredentials& base) {
  AppliedRevocationPolicy applied;
  applied.budget = state.budget();
  auto policy = BuildRevocationPolicy(std::move(denies), now, applied.budget);
  if (!policy) return tl::unexpected(policy.error());
  applied.policy = std::move(*policy);
  const std::string& wanted = applied.policy.document;
  if (wanted.empty()) {
    if (!state.current) {
      applied.change = "unchanged";
      return applied;
    }
    auto deleted = iam.DeleteRolePolicy(role, kRevocationPolicyName, base);
    if (!deleted) return tl::unexpected(deleted.error());
    applied.change = "deleted";
    return applied;
  }
  if (state.current && *state.current == wanted) {
    applied.change = "unchanged";
    return applied;
  }
  auto put = iam.PutRolePolicy(role, kRevocationPolicyName, wanted, base);
  if (!put) return tl::unexpected(put.error());
  applied.change = "put";
  return applied;
}

}  // namespace audex
