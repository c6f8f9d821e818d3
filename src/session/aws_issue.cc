#include "session/aws_issue.h"

#include "adapters/aws/sts_client.h"

namespace audex {

Result<IssuedAws> IssueAwsCredentials(const AwsIssuePlan& plan, std::string_view session_id,
                                      std::chrono::seconds duration, const AwsCredentials& base,
                                      const World& world) {
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  StsClientOptions options;
  options.endpoint = plan.endpoint.url;
  options.region = plan.region.region;
  StsClient sts(*http, options);
  if (plan.method == AwsIssueMethod::kScopedCurrent) {
    auto scoped = sts.GetScopedCredentials(ScopedCredentialsFor(plan, duration), base);
    if (!scoped) return tl::unexpected(scoped.error());
    return IssuedAws{std::move(scoped->credentials), "", scoped->arn};
  }
  auto assumed = sts.AssumeRole(AssumeRoleFor(plan, session_id, duration), base);
  if (!assumed) return tl::unexpected(assumed.error());
  return IssuedAws{std::move(assumed->credentials), std::move(assumed->assumed_role_id),
                   std::move(assumed->arn)};
}

std::string RoleIdOf(std::string_view assumed_role_id) {
  return std::string(assumed_role_id.substr(0, assumed_role_id.find(':')));
}

}  // namespace audex
