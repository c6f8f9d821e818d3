#include "core/plan/session_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/text.h"
#include "core/credentials/child_env.h"
#include "core/plan/ttl.h"
#include "core/policy/gcp_access_boundary.h"
#include "core/policy/gcp_storage_roles.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

std::vector<std::string> SortedCaseInsensitive(std::vector<std::string> items) {
  std::sort(items.begin(), items.end(), [](const std::string& a, const std::string& b) {
    const std::string la = ToLower(a), lb = ToLower(b);
    return la != lb ? la < lb : a < b;
  });
  return items;
}

struct Candidate {
  PolicyDocument document;
  std::string json;
  std::vector<CountedPattern> patterns;  // empty for the request's own patterns
  std::string note;
};

// The document for `request`: its own statements, the --tag-session
// statements, then the network bindings' Deny statements (last, so that a
// budget error can tell their share), rendered. Both the tag's and the
// bindings' statements are in every candidate, so they count against the
// 2,048-character limit and packing makes room for them.
Candidate Render(const SessionPlan& plan, const ResolvedRequest& request,
                 std::vector<CountedPattern> patterns, std::string note) {
  Candidate candidate{BuildAwsSessionPolicy(request, plan.network), "", std::move(patterns),
                      std::move(note)};
  if (plan.tagging) {
    std::vector<Statement>& statements = candidate.document.statements;
    statements.insert(statements.end() - static_cast<std::ptrdiff_t>(plan.network.size()),
                      plan.tagging->statements.begin(), plan.tagging->statements.end());
  }
  candidate.json = RenderPolicy(candidate.document);
  return candidate;
}

Candidate MakeCandidate(const SessionPlan& plan, std::vector<CountedPattern> patterns,
                        bool keep_denies, std::string note) {
  ResolvedRequest rewritten = plan.request;
  rewritten.actions.clear();
  for (const auto& [pattern, count] : patterns) rewritten.actions.push_back({pattern, "", count});
  if (!keep_denies) rewritten.explicit_denies.clear();
  return Render(plan, rewritten, std::move(patterns), std::move(note));
}

// Chooses the AWS document: the request's patterns unless a deny list or the
// size limit makes a catalog rewrite worth it, then the smallest candidate.
Result<void> ChooseAwsPolicy(SessionPlan& plan, const ActionUniverse* universe, bool compress) {
  Candidate as_asked = Render(plan, plan.request, {}, "");
  const bool too_large = as_asked.json.size() > kSessionPolicyLimit;
  const bool unscoped = plan.request.actions.empty();
  std::vector<Candidate> candidates;
  candidates.push_back(std::move(as_asked));
  if (unscoped && too_large && universe != nullptr && compress) {
    // Allow * minus a long deny list: the denied actions packed into
    // wildcards that match exactly them today (AWS adding an action one
    // matches later only denies more).
    std::vector<std::string> denied;
    for (const std::string& pattern : plan.request.explicit_denies) {
      auto members = universe->Expand(pattern);
      if (!members) return tl::unexpected(members.error());
      denied.insert(denied.end(), members->begin(), members->end());
    }
    std::sort(denied.begin(), denied.end());
    denied.erase(std::unique(denied.begin(), denied.end()), denied.end());
    ResolvedRequest packed = plan.request;
    packed.explicit_denies.clear();
    for (const auto& [pattern, count] : universe->Compress(denied)) {
      packed.explicit_denies.push_back(pattern);
    }
    Candidate candidate = Render(plan, packed, {}, "");
    candidate.note = fmt::format("the deny list's {} actions are packed into {} wildcards",
                                 denied.size(), packed.explicit_denies.size());
    candidates.push_back(std::move(candidate));
  } else if (!unscoped && universe != nullptr &&
             (too_large || !plan.request.explicit_denies.empty())) {
    auto effective = EffectiveActions(plan.request, *universe);
    if (!effective) return tl::unexpected(effective.error());
    if (effective->empty()) {
      // "s3:G*" minus "s3:Ge*": no pattern is wholly denied, yet nothing is left.
      return PolicyError(
          "every requested action is denied by the deny list (the wildcards asked for match "
          "only denied actions); ask for other actions or edit the deny list");
    }
    std::vector<CountedPattern> exact;
    for (const std::string& action : *effective) exact.emplace_back(action, 1);
    candidates.push_back(MakeCandidate(
        plan, std::move(exact), false,
        fmt::format("the granted actions are written out exactly ({})", effective->size())));
    if (compress) {
      std::vector<CountedPattern> packed = universe->Compress(*effective);
      // Unknown actions kept under --allow-unknown are not in the catalog.
      for (const std::string& action : *effective) {
        if (!universe->Canonical(action)) packed.emplace_back(action, 1);
      }
      std::vector<std::string> wildcards;
      for (const auto& [pattern, count] : packed) {
        if (HasWildcard(pattern))
          wildcards.push_back(fmt::format("{} ({} actions)", pattern, count));
      }
      candidates.push_back(MakeCandidate(
          plan, std::move(packed), !wildcards.empty(),
          fmt::format("{} actions packed into wildcards that match exactly them in the catalog "
                      "today: {}; AWS may add actions these match later (--no-compress turns "
                      "packing off)",
                      effective->size(), Join(wildcards, ", "))));
    }
  }
  const auto best = std::min_element(
      candidates.begin(), candidates.end(),
      [](const Candidate& a, const Candidate& b) { return a.json.size() < b.json.size(); });
  // The request's own patterns win whenever they fit and nothing is denied.
  const Candidate& chosen =
      !too_large && plan.request.explicit_denies.empty() ? candidates.front() : *best;
  if (auto fits = CheckSessionPolicySize(chosen.json); !fits) {
    Error error = fits.error();
    if (candidates.size() > 1) {
      error.message += fmt::format(
          " (the smallest exact rewrite with the action catalog is still {} characters)",
          best->json.size());
    } else if (universe != nullptr && !compress) {
      error.message += "; without --no-compress Audex could pack it into wildcards";
    }
    if (!plan.network.empty()) {
      // Render puts the bindings' statements last.
      PolicyDocument unbound = chosen.document;
      unbound.statements.resize(unbound.statements.size() -
                                std::min(unbound.statements.size(), plan.network.size()));
      const size_t rest = std::min(RenderPolicy(unbound).size(), chosen.json.size());
      error.message += fmt::format(
          "; the network binding's Deny takes {} of them (list fewer addresses in --source-ip or "
          "[network], e.g. one CIDR for neighbouring ones)",
          chosen.json.size() - rest);
    }
    if (plan.tagging && !plan.tagging->statements.empty()) {
      // Render puts the tag's statements just before the bindings'.
      PolicyDocument untagged = chosen.document;
      auto& statements = untagged.statements;
      const auto tag_end = statements.end() - static_cast<std::ptrdiff_t>(
                                                  std::min(statements.size(), plan.network.size()));
      const auto tag_begin =
          tag_end - static_cast<std::ptrdiff_t>(std::min<size_t>(tag_end - statements.begin(),
                                                                 plan.tagging->statements.size()));
      statements.erase(tag_begin, tag_end);
      const size_t rest = std::min(RenderPolicy(untagged).size(), chosen.json.size());
      error.message += fmt::format(
          "; --tag-session's conditions take {} of them (grant fewer create actions, or drop "
          "--tag-session)",
          chosen.json.size() - rest);
    }
    return tl::unexpected(std::move(error));
  }
  plan.policy = chosen.document;
  plan.policy_json = chosen.json;
  plan.rewritten = chosen.patterns;
  if (!chosen.note.empty()) plan.policy_notes.push_back(chosen.note);
  return {};
}

// --tag-session: what the policy adds for the tag, and what the plan says it
// cannot cover.
Result<void> PlanTagging(SessionPlan& plan, const SessionTag& tag, const ActionUniverse* universe) {
  if (plan.request.provider != Provider::kAws) {
    return UsageError(fmt::format(
        "--tag-session is for AWS (it adds aws:RequestTag conditions to the session policy); "
        "{} has no session policy to carry them: drop --tag-session",
        ProviderName(plan.request.provider)));
  }
  if (plan.request.actions.empty()) {
    return UsageError(
        "--tag-session needs --allow or --profile: it adds its conditions to the create actions "
        "the session is granted");
  }
  if (universe == nullptr) {
    return PolicyError("--tag-session needs the action catalog, which this plan was made without");
  }
  auto actions = EffectiveActions(plan.request, *universe);
  if (!actions) return tl::unexpected(actions.error());
  auto enforcement = PlanTagEnforcement(*actions, tag, *universe);
  if (!enforcement) return tl::unexpected(enforcement.error());
  const TagEnforcement& tagging = *enforcement;
  if (tagging.tagged_creates.empty()) {
    plan.request.notes.push_back(fmt::format(
        "--tag-session: none of the granted actions creates a resource that can be tagged at "
        "creation; {} is still set for the command",
        tag.Text()));
  } else {
    plan.enforced.push_back(fmt::format(
        "tagging: {} refused unless the request tags the new resource {} (aws:RequestTag); the "
        "tag cannot be changed or removed where it is set",
        Join(tagging.tagged_creates, ", "), tag.Text()));
  }
  if (!tagging.untaggable_creates.empty()) {
    plan.not_enforced.push_back(fmt::format(
        "tagging: {} cannot tag at creation (AWS shows no aws:RequestTag for {}); what {} "
        "create{} carries no tag and tryaudex cleanup will not find it",
        Join(tagging.untaggable_creates, ", "),
        tagging.untaggable_creates.size() == 1 ? "it" : "them",
        tagging.untaggable_creates.size() == 1 ? "it" : "they",
        tagging.untaggable_creates.size() == 1 ? "s" : ""));
  }
  if (!tagging.retagging.empty()) {
    plan.not_enforced.push_back(fmt::format(
        "tagging: {} could put {} on a resource the session did not create, and cleanup would "
        "then delete it; review tryaudex cleanup --dry-run",
        Join(tagging.retagging, ", "), tag.Text()));
  }
  if (!tagging.unknown.empty()) {
    plan.not_enforced.push_back(
        fmt::format("tagging: the catalog does not know {}, so no tag condition covers {}",
                    Join(tagging.unknown, ", "), tagging.unknown.size() == 1 ? "it" : "them"));
  }
  plan.tagging = std::move(*enforcement);
  return {};
}

// GCP: a Credential Access Boundary when the request is Cloud Storage only
// and names buckets; otherwise say plainly what the token will carry.
Result<void> PlanGcp(SessionPlan& plan) {
  const ResolvedRequest& request = plan.request;
  const std::vector<std::string> actions = request.ActionNames();
  plan.enforced.push_back(fmt::format(
      "lifetime: the token expires after {} (generateAccessToken lifetime)", FormatTtl(plan.ttl)));
  const bool storage_only = std::all_of(actions.begin(), actions.end(), IsStoragePermission);
  if (storage_only && !request.resources.empty()) {
    auto choice = ChooseStorageRoles(actions, request.explicit_denies);
    if (!choice) return tl::unexpected(choice.error());
    auto boundary = AccessBoundaryJson(request.resources, choice->roles);
    if (!boundary) return tl::unexpected(boundary.error());
    plan.access_boundary = std::move(*boundary);
    plan.boundary_roles = choice->roles;
    std::vector<std::string> buckets;
    for (const std::string& resource : request.resources) {
      buckets.push_back(resource.substr(kBucketResourcePrefix.size()));
    }
    plan.enforced.push_back(fmt::format(
        "permissions: Cloud Storage only, at most those of {} on bucket{} {} (Credential "
        "Access Boundary; the service account's own roles still apply on top)",
        Join(choice->roles, ", "), buckets.size() == 1 ? "" : "s", Join(buckets, ", ")));
    if (!choice->beyond.empty()) {
      plan.not_enforced.push_back(fmt::format(
          "no predefined role is narrower, so the token also allows {} on those buckets",
          Join(choice->beyond, ", ")));
    }
    plan.not_enforced.push_back(
        "the narrowed token works for Cloud Storage only; other APIs refuse it");
    return {};
  }
  std::string why;
  if (storage_only) {
    why =
        "a Credential Access Boundary needs the buckets: add --resource "
        "//storage.googleapis.com/projects/_/buckets/NAME to narrow these Cloud Storage "
        "permissions";
  } else {
    std::vector<std::string> others;
    for (const std::string& action : actions) {
      if (!IsStoragePermission(action)) others.push_back(action);
    }
    why = fmt::format(
        "GCP narrows tokens per permission for Cloud Storage only, and {} {} not Cloud Storage",
        Join(others, ", "), others.size() == 1 ? "is" : "are");
    if (!request.resources.empty()) {
      why += "; --resource is not enforced either";
    }
  }
  plan.not_enforced.push_back(fmt::format(
      "permissions: the token carries every role of the service account; {} {} not enforced "
      "({})",
      Join(actions, ","), actions.size() == 1 ? "is" : "are", why));
  plan.enforcement_warnings.push_back(
      fmt::format("GCP cannot narrow this token below the service account's own roles: {}", why));
  return {};
}

// Azure: no token narrowing at all; Audex enforces only the TTL.
void PlanAzure(SessionPlan& plan) {
  const std::vector<std::string> actions = plan.request.ActionNames();
  plan.enforced.push_back(fmt::format(
      "lifetime: Audex ends the command after {} (the token itself lives about an hour)",
      FormatTtl(plan.ttl)));
  plan.not_enforced.push_back(fmt::format(
      "actions: an Azure token cannot be narrowed to actions; {} {} checked for syntax only, "
      "and the identity's role assignments are the real limit",
      Join(actions, ","), actions.size() == 1 ? "is" : "are"));
  plan.enforcement_warnings.push_back(
      "Azure cannot narrow the token to the requested actions: the identity's role "
      "assignments are the real limit; Audex enforces only the TTL");
}

// The network bindings: config.toml's [network] always, --source-ip on top.
// Only AWS session policies can carry them.
Result<void> PlanNetwork(SessionPlan& plan, const UserConfig& config,
                         const std::optional<NetworkBinding>& source_ip) {
  const Provider provider = plan.request.provider;
  if (source_ip && provider != Provider::kAws) {
    return UsageError(fmt::format(
        "--source-ip binds AWS session credentials through the session policy; a {} token has "
        "no such binding: drop --source-ip",
        ProviderName(provider)));
  }
  for (const auto* binding :
       {config.network ? &*config.network : nullptr, source_ip ? &*source_ip : nullptr}) {
    if (binding == nullptr || binding->empty()) continue;
    if (provider != Provider::kAws) {
      plan.not_enforced.push_back(
          fmt::format("network: {} binds AWS sessions only; this {} token works from any address",
                      binding->source, ProviderName(provider)));
      continue;
    }
    for (std::string& warning : NetworkBindingWarnings(*binding)) {
      plan.request.warnings.push_back(std::move(warning));
    }
    plan.network.push_back(*binding);
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> EffectiveActions(const ResolvedRequest& request,
                                                  const ActionUniverse& universe) {
  std::vector<std::string> granted, denied;
  for (const GrantedAction& action : request.actions) {
    auto members = universe.Expand(action.action);
    if (!members) return tl::unexpected(members.error());
    if (members->empty()) members->push_back(action.action);  // unknown, kept as asked
    granted.insert(granted.end(), members->begin(), members->end());
  }
  for (const std::string& pattern : request.explicit_denies) {
    auto members = universe.Expand(pattern);
    if (!members) return tl::unexpected(members.error());
    denied.insert(denied.end(), members->begin(), members->end());
  }
  const auto less = [](const std::string& a, const std::string& b) {
    return ToLower(a) < ToLower(b);
  };
  std::sort(granted.begin(), granted.end(), less);
  granted.erase(std::unique(granted.begin(), granted.end(),
                            [](const auto& a, const auto& b) { return EqualsIgnoreCase(a, b); }),
                granted.end());
  std::sort(denied.begin(), denied.end(), less);
  std::vector<std::string> effective;
  std::set_difference(granted.begin(), granted.end(), denied.begin(), denied.end(),
                      std::back_inserter(effective), less);
  return effective;
}

PolicyDocument BuildAwsSessionPolicy(const ResolvedRequest& request,
                                     const std::vector<NetworkBinding>& network) {
  PolicyDocument document;
  Statement allow;
  allow.effect = Effect::kAllow;
  // No actions: an unscoped request (learn) bounded only by its denies.
  allow.actions = request.actions.empty() ? std::vector<std::string>{"*"}
                                          : SortedCaseInsensitive(request.ActionNames());
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
  for (const NetworkBinding& binding : network) {
    document.statements.push_back(NetworkDenyStatement(binding));
  }
  return document;
}

Result<SessionPlan> PlanSession(const AccessRequest& request,
                                std::optional<std::chrono::seconds> ttl_flag,
                                const UserConfig& config, const ProfileCatalog& profiles,
                                const DenyList& deny, std::vector<std::string> command,
                                const ActionUniverse* aws_actions, bool compress,
                                const std::optional<NetworkBinding>& source_ip,
                                const SessionTag* session_tag) {
  AccessRequest with_defaults = request;
  if (!with_defaults.default_provider) with_defaults.default_provider = config.provider;
  auto resolved = ResolveRequest(with_defaults, profiles, deny, aws_actions);
  if (!resolved) return tl::unexpected(resolved.error());

  SessionPlan plan;
  plan.request = std::move(*resolved);
  plan.ttl = ChooseTtl(ttl_flag, config);
  if (auto bounded =
          CheckTtlBounds(plan.request.provider, plan.ttl, config.gcp_token_lifetime_extension);
      !bounded) {
    Error error = bounded.error();
    error.message =
        fmt::format("{}: {}", ttl_flag ? "--ttl" : "ttl in " + config.source, error.message);
    return tl::unexpected(std::move(error));
  }
  if (session_tag != nullptr) {
    if (auto planned = PlanTagging(plan, *session_tag, aws_actions); !planned) {
      return tl::unexpected(planned.error());
    }
  }
  if (auto bound = PlanNetwork(plan, config, source_ip); !bound) {
    return tl::unexpected(bound.error());
  }
  // An unscoped request (learn without --allow) gets a session policy only
  // to carry the deny list and the network bindings.
  if (plan.request.provider == Provider::kAws &&
      (!plan.request.actions.empty() || !plan.request.explicit_denies.empty() ||
       !plan.network.empty())) {
    if (auto chosen = ChooseAwsPolicy(plan, aws_actions, compress); !chosen) {
      return tl::unexpected(chosen.error());
    }
  } else if (plan.request.provider == Provider::kGcp) {
    if (auto planned = PlanGcp(plan); !planned) return tl::unexpected(planned.error());
  } else {
    PlanAzure(plan);
  }
  plan.child_variables = InjectedVariableNames(plan.request.provider);
  plan.command = std::move(command);
  return plan;
}

bool ChooseSandbox(std::optional<bool> flag, const UserConfig& config) {
  return flag.value_or(config.sandbox.value_or(true));
}

std::chrono::seconds ChooseTtl(std::optional<std::chrono::seconds> flag, const UserConfig& config) {
  return flag.value_or(config.ttl.value_or(kDefaultTtl));
}

}  // namespace audex
