#include "session/aws_issue.h"

#include <fmt/format.h>

#include <vector>

#include "adapters/aws/sts_client.h"
#include "adapters/aws/sts_errors.h"
#include "core/base/text.h"

namespace audex {
namespace {

void DropSessionTags(AssumeRoleRequest& hop) {
  hop.tags.clear();
  hop.transitive_tag_keys.clear();
}

std::string TagsText(const std::vector<StsTag>& tags) {
  std::vector<std::string> texts;
  for (const StsTag& tag : tags) texts.push_back(tag.key + "=" + tag.value);
  return Join(texts, ", ");
}

}  // namespace

Result<IssuedAws> IssueAwsCredentials(const AwsIssuePlan& plan, std::string_view session_id,
                                      std::chrono::seconds duration, const AwsCredentials& base,
                                      const World& world, const IssueOptions& options) {
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  StsClientOptions sts_options;
  sts_options.endpoint = plan.endpoint.url;
  sts_options.region = plan.region.region;
  StsClient sts(*http, sts_options);
  if (plan.method == AwsIssueMethod::kScopedCurrent) {
    auto scoped = sts.GetScopedCredentials(ScopedCredentialsFor(plan, duration), base);
    if (!scoped) return tl::unexpected(scoped.error());
    return IssuedAws{std::move(scoped->credentials), "", scoped->arn};
  }
  // A chain: each hop assumes its role with the previous hop's
  // credentials; only the last hop's are the session's.
  IssuedAws issued;
  issued.session_tags_refused = options.without_session_tags;
  std::vector<AssumeRoleRequest> hops = AssumeRoleHops(plan, session_id, duration);
  AwsCredentials current = base;
  for (size_t i = 0; i < hops.size(); ++i) {
    AssumeRoleRequest& hop = hops[i];
    if (issued.session_tags_refused) DropSessionTags(hop);
    auto assumed = sts.AssumeRole(hop, current);
    if (!assumed && !hop.tags.empty() && RefusedSessionTags(assumed.error())) {
      // The tag in the session policy is what enforces tagging; the
      // session tags only add it (and the team server's audex-caller) to
      // the principal. A role that does not trust sts:TagSession costs the
      // principal tags, not the session.
      world.Warn(fmt::format(
          "{} does not allow sts:TagSession in its trust policy: the session goes on without "
          "the session tags {} (a session policy's aws:RequestTag conditions still apply); add "
          "sts:TagSession to the trust policy to have them",
          hop.role_arn, TagsText(hop.tags)));
      issued.session_tags_refused = true;
      DropSessionTags(hop);
      assumed = sts.AssumeRole(hop, current);
    }
    if (!assumed) return tl::unexpected(assumed.error());
    current = std::move(assumed->credentials);
    if (i + 1 < hops.size()) {
      current.source = fmt::format("the session of {} (--chain hop {})", hop.role_arn, i + 1);
    } else {
      issued.assumed_role_id = std::move(assumed->assumed_role_id);
      issued.assumed_role_arn = std::move(assumed->arn);
    }
  }
  issued.credentials = std::move(current);
  return issued;
}

std::string RoleIdOf(std::string_view assumed_role_id) {
  return std::string(assumed_role_id.substr(0, assumed_role_id.find(':')));
}

}  // namespace audex
