#include "core/access_request.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/action_syntax.h"
#include "core/glob.h"
#include "core/resource.h"
#include "core/text.h"
#include "core/universal.h"

namespace audex {
namespace {

Result<Provider> ChooseProvider(const AccessRequest& request, const Profile* profile) {
  if (profile != nullptr && profile->provider) {
    if (request.provider && *request.provider != *profile->provider) {
      return UsageError(fmt::format(
          "profile \"{}\" is a {} profile but --provider {} was given; drop --provider or "
          "choose a {} profile (tryaudex policies list --provider {})",
          profile->name, ProviderName(*profile->provider), ProviderName(*request.provider),
          ProviderName(*request.provider), ProviderName(*request.provider)));
    }
    return *profile->provider;
  }
  if (request.provider) return *request.provider;
  if (request.default_provider) return *request.default_provider;
  return Provider::kAws;
}

// One item of --allow or of a profile, expanded to native actions.
Result<std::vector<GrantedAction>> ExpandItem(Provider provider, const std::string& item,
                                              const std::string& origin, size_t position,
                                              std::string_view list_text) {
  if (item.empty()) {
    return PolicyError(
        fmt::format("item {} of {} \"{}\" is empty; separate actions with single commas, e.g. "
                    "\"s3:GetObject,s3:ListBucket\"",
                    position, origin, list_text));
  }
  if (const UniversalName* universal = FindUniversalName(item)) {
    std::vector<GrantedAction> expanded;
    for (std::string& action : TranslateUniversal(*universal, provider)) {
      expanded.push_back({std::move(action), std::string(universal->name)});
    }
    return expanded;
  }
  const std::string suggestion = SuggestUniversalName(item);
  if (provider == Provider::kAws && HasUniversalOnlyCategory(item)) {
    return PolicyError(fmt::format(
        "unknown universal name \"{}\" in {} (did you mean {}?); see tryaudex policies list", item,
        origin, suggestion));
  }
  if (auto checked = CheckActionSyntax(provider, item, origin); !checked) {
    Error error = checked.error();
    if (!suggestion.empty()) error.message += fmt::format(" (did you mean {}?)", suggestion);
    return tl::unexpected(std::move(error));
  }
  return std::vector<GrantedAction>{{item, origin}};
}

Result<std::vector<std::string>> ParseResources(const std::string& list) {
  std::vector<std::string> resources = SplitCommaList(list);
  for (size_t i = 0; i < resources.size(); ++i) {
    if (resources[i].empty()) {
      return PolicyError(fmt::format(
          "item {} of --resource \"{}\" is empty; separate ARNs with single commas", i + 1, list));
    }
    if (auto checked = CheckArn(resources[i], "--resource"); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  return resources;
}

}  // namespace

std::vector<std::string> ResolvedRequest::ActionNames() const {
  std::vector<std::string> names;
  for (const GrantedAction& granted : actions) names.push_back(granted.action);
  return names;
}

Result<ResolvedRequest> ResolveRequest(const AccessRequest& request, const ProfileCatalog& profiles,
                                       const DenyList& deny) {
  if (request.allow && request.profile) {
    return UsageError("give either --allow or --profile, not both");
  }
  if (!request.allow && !request.profile) {
    return UsageError(
        "say what the command may do: --allow \"s3:GetObject,s3:ListBucket\" or --profile NAME "
        "(tryaudex policies list shows the profiles)");
  }

  const Profile* profile = nullptr;
  if (request.profile) {
    profile = profiles.Find(*request.profile);
    if (profile == nullptr) {
      const std::string closest = ClosestName(*request.profile, profiles.Names());
      return PolicyError(fmt::format(
          "unknown profile \"{}\"{}; tryaudex policies list shows the profiles", *request.profile,
          closest.empty() ? "" : fmt::format(" (did you mean {}?)", closest)));
    }
  }

  ResolvedRequest resolved;
  auto provider = ChooseProvider(request, profile);
  if (!provider) return tl::unexpected(provider.error());
  resolved.provider = *provider;
  const CaseRule rule = ActionCaseRule(resolved.provider);

  // 1. Items to native actions.
  std::vector<std::string> items;
  std::string origin;
  std::string list_text;
  if (profile != nullptr) {
    items = profile->actions;
    origin = fmt::format("profile {}", profile->name);
    list_text = Join(profile->actions, ",");
    resolved.profile_name = profile->name;
    resolved.profile_source = profile->source;
  } else {
    if (Trim(*request.allow).empty()) {
      return PolicyError(
          "--allow is empty; list actions like \"s3:GetObject,s3:ListBucket\" or use --profile");
    }
    items = SplitCommaList(*request.allow);
    origin = "--allow";
    list_text = *request.allow;
  }
  std::vector<GrantedAction> wanted;
  for (size_t i = 0; i < items.size(); ++i) {
    auto expanded = ExpandItem(resolved.provider, items[i], origin, i + 1, list_text);
    if (!expanded) return tl::unexpected(expanded.error());
    for (GrantedAction& granted : *expanded) {
      if (IsAllServicesWildcard(resolved.provider, granted.action)) {
        resolved.warnings.push_back(fmt::format(
            "WARNING: \"{}\" grants every action of every {} service the role allows; prefer "
            "the actions the command needs",
            granted.action, ProviderName(resolved.provider)));
      }
      // Exact duplicates (in the provider's case rule) are dropped silently.
      const bool duplicate = std::any_of(wanted.begin(), wanted.end(), [&](const auto& seen) {
        return rule == CaseRule::kInsensitive ? EqualsIgnoreCase(seen.action, granted.action)
                                              : seen.action == granted.action;
      });
      if (!duplicate) wanted.push_back(std::move(granted));
    }
  }

  // 2. The deny list: remove what it wholly covers.
  const std::vector<std::string> deny_patterns = DenyPatternsFor(deny, resolved.provider);
  std::vector<GrantedAction> kept;
  for (GrantedAction& granted : wanted) {
    const auto denier =
        std::find_if(deny_patterns.begin(), deny_patterns.end(),
                     [&](const std::string& d) { return GlobCovers(d, granted.action, rule); });
    if (denier == deny_patterns.end()) {
      kept.push_back(std::move(granted));
      continue;
    }
    resolved.warnings.push_back(fmt::format("removed {} (from {}): denied by \"{}\" in {}",
                                            granted.action, granted.origin, *denier, deny.source));
    resolved.denied.push_back({std::move(granted.action), std::move(granted.origin),
                               fmt::format("denied by {} in {}", *denier, deny.source)});
  }
  if (kept.empty()) {
    return PolicyError(fmt::format(
        "every requested action is denied by the deny list {}; ask for other actions or edit "
        "the deny list",
        deny.source));
  }

  // 3. Drop patterns that a broader requested pattern already grants.
  std::vector<bool> dropped(kept.size(), false);
  for (size_t i = 0; i < kept.size(); ++i) {
    for (size_t j = 0; j < kept.size() && !dropped[i]; ++j) {
      if (i == j || dropped[j] || !GlobCovers(kept[j].action, kept[i].action, rule)) continue;
      // Two patterns covering each other: keep the first.
      if (GlobCovers(kept[i].action, kept[j].action, rule) && j > i) continue;
      dropped[i] = true;
      resolved.covered.push_back(
          {kept[i].action, kept[i].origin, fmt::format("already granted by {}", kept[j].action)});
    }
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    if (!dropped[i]) resolved.actions.push_back(std::move(kept[i]));
  }

  // 4. Deny patterns that overlap a granted wildcard stay in force explicitly.
  for (const std::string& pattern : deny_patterns) {
    const bool overlaps = std::any_of(
        resolved.actions.begin(), resolved.actions.end(),
        [&](const auto& granted) { return GlobsOverlap(granted.action, pattern, rule); });
    const bool already =
        std::any_of(resolved.explicit_denies.begin(), resolved.explicit_denies.end(),
                    [&](const std::string& seen) { return GlobCovers(seen, pattern, rule); });
    if (overlaps && !already) resolved.explicit_denies.push_back(pattern);
  }
  // A later, broader pattern may cover an earlier one: keep only the broadest.
  std::vector<std::string> broadest;
  for (const std::string& pattern : resolved.explicit_denies) {
    const bool covered_by_other =
        std::any_of(resolved.explicit_denies.begin(), resolved.explicit_denies.end(),
                    [&](const std::string& other) {
                      return &other != &pattern && GlobCovers(other, pattern, rule) &&
                             !GlobCovers(pattern, other, rule);
                    });
    if (!covered_by_other) broadest.push_back(pattern);
  }
  resolved.explicit_denies = std::move(broadest);
  if (!resolved.explicit_denies.empty() && resolved.provider != Provider::kAws) {
    resolved.warnings.push_back(fmt::format(
        "WARNING: {} cannot carry an explicit deny in a token, so the deny list entries {} "
        "that overlap the requested wildcards are not enforced; list exact actions instead",
        ProviderName(resolved.provider), Join(resolved.explicit_denies, ", ")));
  }

  // 5. Resources.
  if (request.resource) {
    auto resources = ParseResources(*request.resource);
    if (!resources) return tl::unexpected(resources.error());
    resolved.resources = std::move(*resources);
    if (profile != nullptr && !profile->resources.empty()) {
      resolved.notes.push_back(
          fmt::format("--resource replaces the resources of profile {}", profile->name));
    }
  } else if (profile != nullptr) {
    resolved.resources = profile->resources;
  }
  if (!resolved.resources.empty() && resolved.provider != Provider::kAws) {
    return PolicyError(fmt::format(
        "--resource is not supported for provider {} yet: only AWS session policies can be "
        "scoped to resources so far; drop --resource",
        ProviderName(resolved.provider)));
  }
  return resolved;
}

}  // namespace audex
