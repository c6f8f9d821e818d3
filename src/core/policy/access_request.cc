#include "core/policy/access_request.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"
#include "core/policy/gcp_access_boundary.h"
#include "core/policy/glob.h"
#include "core/policy/resource.h"
#include "core/policy/universal.h"

namespace audex {
namespace {

Result<Provider> ChooseProvider(const AccessRequest& request, const Profile* profile) {
  if (profile != nullptr && profile->provider) {
    if (request.provider && *request.provider != *profile->provider) {
      return UsageError(
          fmt::format("profile \"{}\" is for {} but --provider {} was given; drop --provider or "
                      "choose one of its profiles (tryaudex policies list --provider {})",
                      profile->name, ProviderName(*profile->provider),
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
      expanded.push_back({std::move(action), std::string(universal->name), {}});
    }
    return expanded;
  }
  if (auto checked = CheckRequestedAction(provider, item, origin); !checked) {
    return tl::unexpected(checked.error());
  }
  return std::vector<GrantedAction>{{item, origin, {}}};
}

// Why a built-in profile entry is not an IAM action (spec/seed-policies.md,
// "Notes from research").
std::string_view NotAnActionReason(std::string_view action) {
  if (EqualsIgnoreCase(action, "s3:HeadObject")) {
    return "HEAD requests are authorised by s3:GetObject";
  }
  return "the action catalog does not list it";
}

// Checks AWS actions against the catalog: canonical spelling for exact
// names, the count for wildcards, selectors expanded, unknown names refused
// (or kept with a warning under --allow-unknown, or dropped with a note from
// a built-in profile).
Result<std::vector<GrantedAction>> CheckAgainstCatalog(const ActionUniverse& universe,
                                                       std::vector<GrantedAction> actions,
                                                       bool builtin_profile, bool allow_unknown,
                                                       ResolvedRequest& resolved) {
  std::vector<GrantedAction> checked;
  for (GrantedAction& granted : actions) {
    const std::string& action = granted.action;
    if (action.find(":@") != std::string::npos) {
      auto members = universe.Expand(action);
      if (!members) return tl::unexpected(members.error());
      if (members->empty()) {
        return PolicyError(fmt::format("\"{}\" in {} selects no action", action, granted.origin));
      }
      for (std::string& member : *members) {
        checked.push_back({std::move(member), fmt::format("{} ({})", action, granted.origin), {}});
      }
      continue;
    }
    if (HasWildcard(action)) {
      auto members = universe.Expand(action);
      if (!members) return tl::unexpected(members.error());
      if (members->empty() && !allow_unknown) {
        const std::vector<std::string> close = universe.Suggest(action);
        return PolicyError(fmt::format(
            "\"{}\" in {} matches no AWS action{}; pass --allow-unknown to send it anyway", action,
            granted.origin,
            close.empty() ? "" : fmt::format(" (did you mean {}?)", Join(close, ", "))));
      }
      if (members->empty()) {
        resolved.warnings.push_back(fmt::format(
            "\"{}\" matches no action the catalog knows; sent anyway (--allow-unknown)", action));
        resolved.unknown_kept.push_back(action);
      }
      granted.matches = members->size();
      checked.push_back(std::move(granted));
      continue;
    }
    if (auto canonical = universe.Canonical(action)) {
      granted.action = std::move(*canonical);
      checked.push_back(std::move(granted));
      continue;
    }
    if (builtin_profile) {
      const std::string_view reason = NotAnActionReason(action);
      resolved.dropped.push_back({action, granted.origin, std::string(reason)});
      continue;
    }
    const std::vector<std::string> close = universe.Suggest(action);
    if (!allow_unknown) {
      return PolicyError(fmt::format(
          "unknown action \"{}\" in {}{}; pass --allow-unknown if it is newer than the catalog",
          action, granted.origin,
          close.empty() ? "" : fmt::format(" (did you mean {}?)", Join(close, ", "))));
    }
    resolved.warnings.push_back(
        fmt::format("\"{}\" is not in the action catalog; sent anyway (--allow-unknown){}", action,
                    close.empty() ? "" : fmt::format("; did you mean {}?", Join(close, ", "))));
    resolved.unknown_kept.push_back(action);
    checked.push_back(std::move(granted));
  }
  return checked;
}

constexpr const char* kAzureResourceError =
    "--resource is not supported for provider azure: an Azure access token cannot be scoped to "
    "resources (the identity's role assignments decide what it reaches); drop --resource and "
    "scope the role assignment instead";

Result<std::vector<std::string>> ParseResources(const std::string& list, Provider provider) {
  if (provider == Provider::kAzure) return PolicyError(kAzureResourceError);
  std::vector<std::string> resources = SplitCommaList(list);
  for (size_t i = 0; i < resources.size(); ++i) {
    if (resources[i].empty()) {
      return PolicyError(fmt::format(
          "item {} of --resource \"{}\" is empty; separate ARNs with single commas", i + 1, list));
    }
    if (provider == Provider::kGcp) {
      // GCP narrows tokens to Cloud Storage buckets only (gcp_access_boundary.h).
      auto bucket = ParseBucketResource(resources[i], "--resource");
      if (!bucket) return tl::unexpected(bucket.error());
      resources[i] = std::move(*bucket);
      continue;
    }
    if (auto checked = CheckArn(resources[i], "--resource"); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  return resources;
}

// The deny list's patterns for `provider`, with "lambda:@list" selectors
// replaced by the actions they select (a selector is not a glob); entries
// that match no AWS action are warned about, since a typo denies nothing.
Result<std::vector<std::string>> ConcreteDenyPatterns(const DenyList& deny, Provider provider,
                                                      const ActionUniverse* universe,
                                                      std::vector<std::string>& warnings) {
  std::vector<std::string> patterns = DenyPatternsFor(deny, provider);
  if (universe == nullptr) return patterns;
  std::vector<std::string> concrete;
  for (std::string& pattern : patterns) {
    if (pattern.find(":@") == std::string::npos) {
      concrete.push_back(std::move(pattern));
      continue;
    }
    auto members = universe->Expand(pattern);
    if (!members) return tl::unexpected(members.error());
    concrete.insert(concrete.end(), members->begin(), members->end());
  }
  for (const std::string& pattern : concrete) {
    auto matched = universe->Expand(pattern);
    if (matched && matched->empty()) {
      const std::vector<std::string> close = universe->Suggest(pattern);
      warnings.push_back(
          fmt::format("deny list entry \"{}\" in {} matches no AWS action{}", pattern, deny.source,
                      close.empty() ? "" : fmt::format(" (did you mean {}?)", close.front())));
    }
  }
  return concrete;
}

// The patterns no other one strictly covers, in their order.
std::vector<std::string> BroadestPatterns(const std::vector<std::string>& patterns, CaseRule rule) {
  std::vector<std::string> broadest;
  for (const std::string& pattern : patterns) {
    const bool covered_by_other =
        std::any_of(patterns.begin(), patterns.end(), [&](const std::string& other) {
          return &other != &pattern && GlobCovers(other, pattern, rule) &&
                 !GlobCovers(pattern, other, rule);
        });
    const bool repeated = std::any_of(broadest.begin(), broadest.end(), [&](const auto& seen) {
      return GlobCovers(seen, pattern, rule) && GlobCovers(pattern, seen, rule);
    });
    if (!covered_by_other && !repeated) broadest.push_back(pattern);
  }
  return broadest;
}

// No --allow and no --profile, for learn: the identity's permissions, on
// AWS minus the deny list as an explicit Deny beside an Allow of everything.
Result<ResolvedRequest> ResolveUnscoped(const AccessRequest& request, const DenyList& deny,
                                        const ActionUniverse* aws_actions) {
  if (request.resource) {
    return UsageError("--resource narrows --allow or --profile; give one of them too");
  }
  ResolvedRequest unscoped;
  unscoped.provider = request.provider.value_or(request.default_provider.value_or(Provider::kAws));
  if (DenyPatternsFor(deny, unscoped.provider).empty()) return unscoped;
  if (unscoped.provider != Provider::kAws) {
    unscoped.warnings.push_back(fmt::format(
        "without --allow or --profile the session has all the identity's permissions; {} "
        "cannot carry the deny list {} (give --allow to bound the session)",
        ProviderName(unscoped.provider), deny.source));
    return unscoped;
  }
  auto concrete = ConcreteDenyPatterns(deny, unscoped.provider, aws_actions, unscoped.warnings);
  if (!concrete) return tl::unexpected(concrete.error());
  unscoped.explicit_denies = BroadestPatterns(*concrete, ActionCaseRule(unscoped.provider));
  unscoped.notes.push_back(fmt::format(
      "without --allow or --profile the session has the role's permissions minus the deny "
      "list {}",
      deny.source));
  return unscoped;
}

// Stage 1: the items of --allow or the profile, each expanded to native
// actions (universal names, access-level selectors), checked against the
// catalog on AWS, exact duplicates dropped.
Result<std::vector<GrantedAction>> ExpandRequestedItems(const AccessRequest& request,
                                                        const Profile* profile,
                                                        const ActionUniverse* universe,
                                                        ResolvedRequest& resolved) {
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
  const CaseRule rule = ActionCaseRule(resolved.provider);
  const bool builtin_profile = profile != nullptr && profile->source == kBuiltinSource;
  std::vector<GrantedAction> wanted;
  for (size_t i = 0; i < items.size(); ++i) {
    auto expanded = ExpandItem(resolved.provider, items[i], origin, i + 1, list_text);
    if (!expanded) return tl::unexpected(expanded.error());
    if (universe != nullptr) {
      auto checked = CheckAgainstCatalog(*universe, std::move(*expanded), builtin_profile,
                                         request.allow_unknown, resolved);
      if (!checked) return tl::unexpected(checked.error());
      expanded = std::move(checked);
    } else if (resolved.provider == Provider::kAws && items[i].find(":@") != std::string::npos) {
      return PolicyError(fmt::format(
          "\"{}\" in {} is an access-level selector, which needs the AWS action catalog", items[i],
          origin));
    }
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
  return wanted;
}

// Stage 2: what the deny list wholly covers is removed, with a warning.
Result<std::vector<GrantedAction>> RemoveDenied(std::vector<GrantedAction> wanted,
                                                const std::vector<std::string>& deny_patterns,
                                                const DenyList& deny, ResolvedRequest& resolved) {
  const CaseRule rule = ActionCaseRule(resolved.provider);
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
  return kept;
}

// Stage 3: patterns a broader requested pattern already grants are dropped
// (of two that cover each other, the first stays).
void DropCovered(std::vector<GrantedAction> kept, ResolvedRequest& resolved) {
  const CaseRule rule = ActionCaseRule(resolved.provider);
  std::vector<bool> dropped(kept.size(), false);
  for (size_t i = 0; i < kept.size(); ++i) {
    for (size_t j = 0; j < kept.size() && !dropped[i]; ++j) {
      if (i == j || dropped[j] || !GlobCovers(kept[j].action, kept[i].action, rule)) continue;
      if (GlobCovers(kept[i].action, kept[j].action, rule) && j > i) continue;
      dropped[i] = true;
      resolved.covered.push_back(
          {kept[i].action, kept[i].origin, fmt::format("already granted by {}", kept[j].action)});
    }
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    if (!dropped[i]) resolved.actions.push_back(std::move(kept[i]));
  }
}

// Stage 4: deny patterns that overlap a granted wildcard stay in force as
// an explicit Deny (only the broadest of them); providers without a deny in
// their tokens are warned about.
void KeepOverlappingDenies(const std::vector<std::string>& deny_patterns,
                           ResolvedRequest& resolved) {
  const CaseRule rule = ActionCaseRule(resolved.provider);
  for (const std::string& pattern : deny_patterns) {
    const bool overlaps = std::any_of(
        resolved.actions.begin(), resolved.actions.end(),
        [&](const auto& granted) { return GlobsOverlap(granted.action, pattern, rule); });
    const bool already =
        std::any_of(resolved.explicit_denies.begin(), resolved.explicit_denies.end(),
                    [&](const std::string& seen) { return GlobCovers(seen, pattern, rule); });
    if (overlaps && !already) resolved.explicit_denies.push_back(pattern);
  }
  resolved.explicit_denies = BroadestPatterns(resolved.explicit_denies, rule);
  if (!resolved.explicit_denies.empty() && resolved.provider != Provider::kAws) {
    resolved.warnings.push_back(fmt::format(
        "WARNING: {} cannot carry an explicit deny in a token, so the deny list entries {} "
        "that overlap the requested wildcards are not enforced; list exact actions instead",
        ProviderName(resolved.provider), Join(resolved.explicit_denies, ", ")));
  }
}

// Stage 5: --resource, else the profile's resources.
Result<void> ChooseResources(const AccessRequest& request, const Profile* profile,
                             ResolvedRequest& resolved) {
  if (request.resource) {
    auto resources = ParseResources(*request.resource, resolved.provider);
    if (!resources) return tl::unexpected(resources.error());
    resolved.resources = std::move(*resources);
    if (profile != nullptr && !profile->resources.empty()) {
      resolved.notes.push_back(
          fmt::format("--resource replaces the resources of profile {}", profile->name));
    }
  } else if (profile != nullptr) {
    resolved.resources = profile->resources;
  }
  if (!resolved.resources.empty() && resolved.provider == Provider::kAzure) {
    return PolicyError(kAzureResourceError);
  }
  return {};
}

}  // namespace

std::vector<std::string> ResolvedRequest::ActionNames() const {
  std::vector<std::string> names;
  for (const GrantedAction& granted : actions) names.push_back(granted.action);
  return names;
}

Result<ResolvedRequest> ResolveRequest(const AccessRequest& request, const ProfileCatalog& profiles,
                                       const DenyList& deny, const ActionUniverse* aws_actions) {
  if (request.allow && request.profile) {
    return UsageError("give either --allow or --profile, not both");
  }
  if (!request.allow && !request.profile && request.unscoped_allowed) {
    return ResolveUnscoped(request, deny, aws_actions);
  }
  if (!request.allow && !request.profile) {
    return UsageError(
        "say what the command may do: --allow \"s3:GetObject,s3:ListBucket\" or --profile NAME "
        "(tryaudex policies list shows the profiles)");
  }
  const Profile* profile = nullptr;
  if (request.profile) {
    auto found = profiles.Require(*request.profile);
    if (!found) return tl::unexpected(found.error());
    profile = *found;
  }
  ResolvedRequest resolved;
  auto provider = ChooseProvider(request, profile);
  if (!provider) return tl::unexpected(provider.error());
  resolved.provider = *provider;
  const ActionUniverse* universe = resolved.provider == Provider::kAws ? aws_actions : nullptr;

  auto wanted = ExpandRequestedItems(request, profile, universe, resolved);
  if (!wanted) return tl::unexpected(wanted.error());
  auto deny_patterns = ConcreteDenyPatterns(deny, resolved.provider, universe, resolved.warnings);
  if (!deny_patterns) return tl::unexpected(deny_patterns.error());
  auto kept = RemoveDenied(std::move(*wanted), *deny_patterns, deny, resolved);
  if (!kept) return tl::unexpected(kept.error());
  DropCovered(std::move(*kept), resolved);
  KeepOverlappingDenies(*deny_patterns, resolved);
  if (auto resources = ChooseResources(request, profile, resolved); !resources) {
    return tl::unexpected(resources.error());
  }
  return resolved;
}

}  // namespace audex
