#include "catalog/profile_views.h"

#include <fmt/format.h>

#include "catalog/access_level.h"
#include "catalog/catalog_universe.h"
#include "core/base/text.h"
#include "core/policy/action_syntax.h"

namespace audex {

using OrderedJson = nlohmann::ordered_json;

OrderedJson ProfileJson(const Profile& profile, const ProfileCatalog& catalog) {
  OrderedJson json;
  json["name"] = profile.name;
  json["provider"] = profile.provider ? OrderedJson(ProviderName(*profile.provider)) : nullptr;
  json["description"] = profile.description;
  json["actions"] = profile.actions;
  json["resources"] = profile.resources;
  json["source"] = profile.source;
  json["shadows_builtin"] = catalog.IsShadowed(profile.name);
  return json;
}

std::vector<const Profile*> ProfilesFor(const ProfileCatalog& catalog,
                                        std::optional<Provider> only) {
  std::vector<const Profile*> wanted;
  for (const Profile* profile : catalog.All()) {
    if (!only || !profile->provider || *profile->provider == *only) wanted.push_back(profile);
  }
  return wanted;
}

Result<SessionPlan> PlanForProfile(const Profile& profile, const UserConfig& config,
                                   const ProfileCatalog& catalog, const DenyList& deny) {
  AccessRequest request;
  request.profile = profile.name;
  return PlanSession(request, std::nullopt, config, catalog, deny, {}, &BuiltinAwsActions());
}

OrderedJson ProfileWithPolicyJson(const Profile& profile, const ProfileCatalog& catalog,
                                  const Result<SessionPlan>& plan) {
  OrderedJson json = ProfileJson(profile, catalog);
  // What the text shows as "Dropped:" lines and warnings: JSON readers get
  // the same facts (s3:HeadObject in s3-readonly is dropped with a reason).
  OrderedJson dropped = OrderedJson::array();
  if (plan) {
    for (const RemovedAction& item : plan->request.dropped) {
      dropped.push_back({{"action", item.action}, {"reason", item.reason}});
    }
  }
  json["dropped"] = std::move(dropped);
  json["warnings"] = plan ? plan->request.warnings : std::vector<std::string>{};
  if (plan && plan->policy) {
    json["policy"] = OrderedJson::parse(plan->policy_json);
    json["policy_size"] = plan->policy_json.size();
  } else {
    json["policy"] = nullptr;
    if (!plan) json["policy_error"] = plan.error().message;
  }
  return json;
}

Result<std::vector<ExpandedPattern>> ExpandPatterns(const ActionCatalog& catalog,
                                                    const std::vector<std::string>& patterns) {
  std::vector<ExpandedPattern> expanded;
  for (const std::string& pattern : patterns) {
    if (auto checked = CheckActionSyntax(Provider::kAws, pattern, "policies expand"); !checked) {
      return tl::unexpected(checked.error());
    }
    auto ids = catalog.Expand(pattern);
    if (!ids) return tl::unexpected(ids.error());
    if (ids->empty()) {
      const std::vector<std::string> close = catalog.Suggest(pattern);
      return PolicyError(
          fmt::format("\"{}\" matches no AWS action in the catalog{}", pattern,
                      close.empty() ? "" : fmt::format(" (did you mean {}?)", Join(close, ", "))));
    }
    ExpandedPattern entry{pattern, {}};
    entry.actions.reserve(ids->size());
    for (ActionId id : *ids) entry.actions.push_back(catalog.Get(id));
    expanded.push_back(std::move(entry));
  }
  return expanded;
}

OrderedJson ExpandedPatternsJson(const std::vector<ExpandedPattern>& expanded) {
  OrderedJson json = OrderedJson::array();
  for (const ExpandedPattern& entry : expanded) {
    OrderedJson actions = OrderedJson::array();
    for (const Action& action : entry.actions) {
      actions.push_back({{"action", action.FullName()},
                         {"access_level", FormatAccessLevels(action.access_levels())}});
    }
    json.push_back(
        {{"pattern", entry.pattern}, {"count", entry.actions.size()}, {"actions", actions}});
  }
  return json;
}

}  // namespace audex
