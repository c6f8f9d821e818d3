#include "core/plan/plan_json.h"

#include "core/base/text.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson RemovedJson(const std::vector<RemovedAction>& removed) {
  OrderedJson list = OrderedJson::array();
  for (const RemovedAction& item : removed) {
    list.push_back({{"action", item.action}, {"origin", item.origin}, {"reason", item.reason}});
  }
  return list;
}

}  // namespace

OrderedJson SessionPlanJson(const SessionPlan& plan, bool with_command) {
  const ResolvedRequest& request = plan.request;
  OrderedJson json;
  json["provider"] = ProviderName(request.provider);
  json["profile"] = request.profile_name ? OrderedJson(*request.profile_name) : nullptr;
  json["ttl"] = FormatTtl(plan.ttl);
  json["ttl_seconds"] = plan.ttl.count();
  OrderedJson actions = OrderedJson::array();
  for (const GrantedAction& granted : request.actions) {
    OrderedJson entry = {{"action", granted.action}, {"origin", granted.origin}};
    if (granted.matches) entry["matches"] = *granted.matches;
    actions.push_back(std::move(entry));
  }
  json["actions"] = std::move(actions);
  json["allow"] = Join(request.ActionNames(), ",");
  json["denied"] = RemovedJson(request.denied);
  json["covered"] = RemovedJson(request.covered);
  json["dropped"] = RemovedJson(request.dropped);
  json["policy_notes"] = plan.policy_notes;
  json["explicit_deny"] = request.explicit_denies;
  json["resources"] = request.resources;
  OrderedJson network = OrderedJson::array();
  for (const NetworkBinding& binding : plan.network) {
    network.push_back({{"source", binding.source},
                       {"allowed_ips", binding.ips},
                       {"allowed_vpcs", binding.vpcs},
                       {"allowed_vpc_endpoints", binding.vpc_endpoints}});
  }
  json["network"] = std::move(network);
  if (plan.policy) {
    json["policy"] = OrderedJson::parse(plan.policy_json);
    json["policy_size"] = plan.policy_json.size();
    json["policy_limit"] = kSessionPolicyLimit;
  } else {
    json["policy"] = nullptr;
  }
  json["enforced"] = plan.enforced;
  json["not_enforced"] = plan.not_enforced;
  if (plan.access_boundary) {
    json["access_boundary"] = OrderedJson::parse(*plan.access_boundary);
    json["access_boundary_roles"] = plan.boundary_roles;
  }
  json["child_environment"] = plan.child_variables;
  // Where the AWS credentials would come from, as the text plan shows it.
  if (plan.aws) {
    const AwsIssuePlan& aws = *plan.aws;
    const auto choice = [](const std::string& value, const std::string& source) {
      return value.empty() ? OrderedJson(nullptr)
                           : OrderedJson{{"value", value}, {"source", source}};
    };
    const char* method = aws.method == AwsIssueMethod::kAssumeRole      ? "assume_role"
                         : aws.method == AwsIssueMethod::kScopedCurrent ? "scoped_current"
                                                                        : "server";
    json["aws"] = {{"method", method},
                   {"role", choice(aws.role.arn, aws.role.source)},
                   {"region", choice(aws.region.region, aws.region.source)},
                   {"sts_endpoint", aws.method == AwsIssueMethod::kServer
                                        ? OrderedJson(nullptr)
                                        : choice(aws.endpoint.url, aws.endpoint.source)}};
  }
  // run --broker: the command holds placeholders and the endpoint signs.
  if (plan.aws && plan.aws->broker) {
    json["broker"] = {{"allow_credential_calls", plan.aws->broker->allow_credential_calls}};
  } else if (plan.aws) {
    json["broker"] = nullptr;
  }
  json["sandbox"] = plan.sandbox;
  if (with_command) json["command"] = plan.command;
  json["warnings"] = request.warnings;
  json["notes"] = request.notes;
  // AWS's issue, when it says more than the role: the chain, the ceilings,
  // the session tag (members absent otherwise, so older readers see the
  // same plan).
  if (plan.aws) {
    if (!plan.aws->role.arn.empty()) json["role"] = plan.aws->role.arn;
    if (!plan.aws->chain.empty()) {
      OrderedJson chain = OrderedJson::array();
      for (const RoleChoice& role : plan.aws->chain) chain.push_back(role.arn);
      json["chain"] = std::move(chain);
    }
    if (!plan.aws->policy_arns.empty()) {
      OrderedJson arns = OrderedJson::array();
      for (const PolicyArnChoice& choice : plan.aws->policy_arns) {
        arns.push_back({{"arn", choice.arn}, {"source", choice.source}});
      }
      json["policy_arns"] = std::move(arns);
    }
  }
  if (plan.tagging) {
    json["session_tag"] = plan.tagging->tag.Text();
    json["tagged_creates"] = plan.tagging->tagged_creates;
    json["untaggable_creates"] = plan.tagging->untaggable_creates;
    json["retagging"] = plan.tagging->retagging;
  }
  return json;
}

}  // namespace audex
