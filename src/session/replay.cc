#include "session/replay.h"

#include <fmt/format.h>

#include "adapters/store/session_store.h"
#include "core/base/text.h"
#include "core/plan/ttl.h"

namespace audex {

SessionRequest ReplayedRequest(const SessionRecord& record, std::vector<std::string> command) {
  SessionRequest request;
  if (record.request) {
    request = *record.request;
  } else {
    request.provider = std::string(ProviderName(record.provider));
    if (!record.requested_actions.empty()) request.allow = Join(record.requested_actions, ",");
    request.profile = record.profile;
    if (!record.resources.empty()) request.resource = Join(record.resources, ",");
    request.ttl = FormatTtl(record.ttl);
  }
  // The same role and region, whatever the configuration says now.
  if (!record.role.empty() && !request.scope_current) request.role_arn = record.role;
  if (record.region) request.region = *record.region;
  request.command = std::move(command);
  return request;
}

std::vector<std::string> ReplayDifferences(const SessionRecord& record,
                                           const PlannedSession& planned) {
  std::vector<std::string> differences;
  const SessionPlan& plan = planned.plan;
  std::optional<std::string> policy;
  if (plan.policy) policy = plan.policy_json;
  if (plan.access_boundary) policy = *plan.access_boundary;
  if (policy != record.policy) {
    if (!policy || !record.policy) {
      differences.push_back(policy
                                ? "the new plan has a session policy and the recorded one had none"
                                : "the recorded session had a session policy and the new plan "
                                  "has none");
    } else {
      size_t at = 0;
      while (at < policy->size() && at < record.policy->size() &&
             (*policy)[at] == (*record.policy)[at]) {
        ++at;
      }
      differences.push_back(fmt::format(
          "the session policy differs from character {} ({} characters now, {} recorded)", at + 1,
          policy->size(), record.policy->size()));
    }
  }
  if (plan.ttl != record.ttl) {
    differences.push_back(
        fmt::format("the TTL is {}, was {}", FormatTtl(plan.ttl), FormatTtl(record.ttl)));
  }
  if (plan.aws && !plan.aws->role.arn.empty() && plan.aws->role.arn != record.role) {
    differences.push_back(fmt::format("the role is {}, was {}", plan.aws->role.arn, record.role));
  }
  if (plan.aws) {
    std::vector<std::string> chain, arns;
    for (const RoleChoice& role : plan.aws->chain) chain.push_back(role.arn);
    for (const PolicyArnChoice& choice : plan.aws->policy_arns) arns.push_back(choice.arn);
    if (chain != record.chain) {
      differences.push_back(fmt::format("the role chain is [{}], was [{}]", Join(chain, ", "),
                                        Join(record.chain, ", ")));
    }
    if (arns != record.policy_arns) {
      differences.push_back(fmt::format("the managed-policy ceilings are [{}], were [{}]",
                                        Join(arns, ", "), Join(record.policy_arns, ", ")));
    }
  }
  return differences;
}

Result<PlannedSession> PlanReplay(const ReplayRequest& request, const World& world) {
  const SessionStore store(world.paths.state_dir);
  auto record = store.Load(request.session);
  if (!record) return tl::unexpected(record.error());
  std::vector<std::string> command = request.command.empty() ? record->command : request.command;
  if (command.empty()) {
    return UsageError(fmt::format(
        "session {} ran no command (credential-process or an MCP call); give one: tryaudex replay "
        "{} -- CMD...",
        record->id, record->id));
  }
  PlanSettings settings;
  if (record->session_tag) {
    auto tag = ParseSessionTag(*record->session_tag);
    if (!tag) return tl::unexpected(tag.error());
    settings.session_tag = *tag;
  }
  auto planned = PlanRequest(ReplayedRequest(*record, std::move(command)), world, settings);
  if (!planned) return tl::unexpected(planned.error());
  if (const auto differences = ReplayDifferences(*record, *planned); !differences.empty()) {
    return PolicyError(fmt::format(
        "session {} cannot be replayed as it ran: {}; the deny list, a profile, config.toml or the "
        "action catalog changed since. Run it afresh with tryaudex run",
        record->id, Join(differences, "; ")));
  }
  planned->replay_of = record->id;
  return planned;
}

}  // namespace audex
