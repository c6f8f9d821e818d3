#include "core/session_plan.h"

#include <algorithm>

#include "core/child_env.h"
#include "core/text.h"
#include "core/ttl.h"

namespace audex {
namespace {

std::vector<std::string> SortedCaseInsensitive(std::vector<std::string> items) {
  std::sort(items.begin(), items.end(), [](const std::string& a, const std::string& b) {
    const std::string la = ToLower(a), lb = ToLower(b);
    return la != lb ? la < lb : a < b;
  });
  return items;
}

}  // namespace

PolicyDocument BuildAwsSessionPolicy(const ResolvedRequest& request) {
  PolicyDocument document;
  Statement allow;
  allow.effect = Effect::kAllow;
  allow.actions = SortedCaseInsensitive(request.ActionNames());
  allow.resources = request.resources.empty() ? std::vector<std::string>{"*"}
                                              : SortedCaseInsensitive(request.resources);
  allow.resources.erase(std::unique(allow.resources.begin(), allow.resources.end()),
                        allow.resources.end());
  document.statements.push_back(std::move(allow));
  if (!request.explicit_denies.empty()) {
    Statement deny;
    deny.effect = Effect::kDeny;
    deny.actions = SortedCaseInsensitive(request.explicit_denies);
    deny.resources = {"*"};
    document.statements.push_back(std::move(deny));
  }
  return document;
}

Result<SessionPlan> PlanSession(const AccessRequest& request,
                                std::optional<std::chrono::seconds> ttl_flag,
                                const UserConfig& config, const ProfileCatalog& profiles,
                                const DenyList& deny, std::vector<std::string> command) {
  AccessRequest with_defaults = request;
  if (!with_defaults.default_provider) with_defaults.default_provider = config.provider;
  auto resolved = ResolveRequest(with_defaults, profiles, deny);
  if (!resolved) return tl::unexpected(resolved.error());

  SessionPlan plan;
  plan.request = std::move(*resolved);
  plan.ttl = ttl_flag.value_or(config.ttl.value_or(kDefaultTtl));
  if (auto bounded = CheckTtlBounds(plan.request.provider, plan.ttl); !bounded) {
    return tl::unexpected(bounded.error());
  }
  if (plan.request.provider == Provider::kAws) {
    plan.policy = BuildAwsSessionPolicy(plan.request);
    plan.policy_json = RenderPolicy(*plan.policy);
    if (auto fits = CheckSessionPolicySize(plan.policy_json); !fits) {
      return tl::unexpected(fits.error());
    }
  }
  plan.child_variables = InjectedVariableNames(plan.request.provider);
  plan.command = std::move(command);
  return plan;
}

}  // namespace audex
