#include "core/policy/drift.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/policy/access_request.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

std::string ServiceOf(std::string_view action) {
  const size_t colon = action.find(':');
  return std::string(colon == std::string_view::npos ? action : action.substr(0, colon));
}

// Service, then action, case-insensitively.
bool EntryBefore(const DriftEntry& a, const DriftEntry& b) {
  return std::make_tuple(ToLower(a.service), ToLower(a.action)) <
         std::make_tuple(ToLower(b.service), ToLower(b.action));
}

DriftEntry FromGrant(const RoleGrant& grant) {
  return DriftEntry{grant.action, ServiceOf(grant.action), grant.granted_by,
                    grant.via,    grant.conditional,       grant.reasons};
}

// `flag` in `message` as a whole word (not the start of a longer flag such
// as --allow-unknown) replaced by `replacement`.
std::string RenameFlag(const std::string& message, std::string_view flag,
                       std::string_view replacement) {
  std::string out;
  for (size_t i = 0; i < message.size();) {
    const size_t end = i + flag.size();
    if (message.compare(i, flag.size(), flag) == 0 &&
        (end == message.size() || message[end] != '-')) {
      out += replacement;
      i = end;
    } else {
      out += message[i++];
    }
  }
  return out;
}

// ResolveRequest's messages name run's flags; drift's are --expected-allow
// and --expected-policy, and it has no --allow-unknown to suggest.
std::string RenameRunFlags(const std::string& message) {
  std::string out = RenameFlag(RenameFlag(message, "--allow", "--expected-allow"), "--profile",
                               "--expected-policy");
  constexpr std::string_view kAllowUnknown =
      "; pass --allow-unknown if it is newer than the catalog";
  if (const size_t at = out.find(kAllowUnknown); at != std::string::npos) {
    out.replace(at, kAllowUnknown.size(),
                "; drift compares only actions the catalog knows, so leave it out");
  }
  return out;
}

}  // namespace

DriftReport CompareWithExpected(const RolePermissions& role,
                                const std::vector<std::string>& expected) {
  DriftReport report;
  std::map<std::string, std::string> wanted;  // lower-cased -> as given
  for (const std::string& action : expected) wanted.emplace(ToLower(action), action);
  report.expected_count = wanted.size();
  report.granted_count = role.grants.size();

  for (const RoleGrant& grant : role.grants) {
    if (wanted.count(ToLower(grant.action)) == 0) report.additional.push_back(FromGrant(grant));
  }
  std::map<std::string, const RoleRefusal*> refused;
  for (const RoleRefusal& refusal : role.refused)
    refused.emplace(ToLower(refusal.action), &refusal);
  for (const auto& [key, action] : wanted) {
    if (const RoleGrant* grant = role.Find(action)) {
      if (grant->conditional) {
        report.limited.push_back(FromGrant(*grant));
      } else {
        ++report.matched_count;
      }
      continue;
    }
    DriftEntry entry{action, ServiceOf(action), {}, "", false, {}};
    if (const auto at = refused.find(key); at != refused.end()) {
      entry.policies = at->second->granted_by;
      entry.reasons.push_back(at->second->reason);
    } else {
      entry.reasons.push_back("not allowed by any policy");
    }
    report.missing.push_back(std::move(entry));
  }
  for (auto* list : {&report.additional, &report.missing, &report.limited}) {
    std::stable_sort(list->begin(), list->end(), EntryBefore);
  }
  return report;
}

std::vector<DriftGroup> GroupByGrant(const std::vector<DriftEntry>& entries,
                                     size_t summarise_above) {
  std::vector<DriftGroup> groups;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> index;
  for (const DriftEntry& entry : entries) {
    const std::string policy = entry.policies.empty() ? std::string() : entry.policies.front();
    const std::string via = entry.via.empty() ? entry.action : entry.via;
    const auto key = std::make_tuple(ToLower(entry.service), via, policy);
    auto [at, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back(DriftGroup{entry.service, via, policy, {}, 0, false});
    DriftGroup& group = groups[at->second];
    group.actions.push_back(entry.action);
    if (entry.conditional) ++group.conditional_count;
  }
  for (DriftGroup& group : groups) {
    const bool broad = HasWildcard(group.via) || group.via.starts_with("NotAction ");
    group.summarised = broad && group.actions.size() > summarise_above;
  }
  // Services in order; within one, the order entries first appeared.
  std::stable_sort(groups.begin(), groups.end(), [](const DriftGroup& a, const DriftGroup& b) {
    return ToLower(a.service) < ToLower(b.service);
  });
  return groups;
}

Result<Expectation> ExpandExpectation(const std::optional<std::string>& profile,
                                      const std::optional<std::string>& allow,
                                      const ProfileCatalog& profiles,
                                      const ActionUniverse& universe) {
  Expectation expectation;
  AccessRequest request;
  request.allow = allow;
  request.profile = profile;
  if (profile) {
    auto found = profiles.Require(*profile);
    if (!found) return tl::unexpected(found.error());
    if ((*found)->provider && *(*found)->provider != Provider::kAws) {
      return PolicyError(fmt::format(
          "profile {} is for {}; drift compares AWS IAM roles, so use an AWS profile (tryaudex "
          "policies list --provider aws) or --expected-allow",
          *profile, ProviderName(*(*found)->provider)));
    }
    expectation.kind = "profile";
    expectation.set.name = "profile " + *profile;
    if (!(*found)->resources.empty()) {
      expectation.notes.push_back(
          fmt::format("profile {} limits resources ({}); drift compares actions only", *profile,
                      Join((*found)->resources, ",")));
    }
  } else {
    expectation.kind = "list";
    expectation.set.name = "--expected-allow";
  }
  request.provider = Provider::kAws;
  auto resolved = ResolveRequest(request, profiles, DenyList(), &universe);
  if (!resolved) {
    Error error = resolved.error();
    error.message = RenameRunFlags(error.message);
    return tl::unexpected(error);
  }
  for (const RemovedAction& dropped : resolved->dropped) {
    expectation.notes.push_back(fmt::format("{} in {} is not compared: {}", dropped.action,
                                            dropped.origin, dropped.reason));
  }
  expectation.warnings = resolved->warnings;
  std::map<std::string, std::string> actions;
  for (const std::string& pattern : resolved->ActionNames()) {
    auto expanded = universe.Expand(pattern);
    if (!expanded) return tl::unexpected(expanded.error());
    for (const std::string& action : *expanded) actions.emplace(ToLower(action), action);
  }
  for (auto& [key, action] : actions) expectation.set.actions.push_back(std::move(action));
  return expectation;
}

std::vector<ProfileFit> RankExpectations(const RolePermissions& role,
                                         const std::vector<NamedExpectation>& candidates) {
  std::vector<ProfileFit> fits;
  for (const NamedExpectation& candidate : candidates) {
    const DriftReport report = CompareWithExpected(role, candidate.actions);
    fits.push_back(ProfileFit{candidate.name, report.additional.size(), report.missing.size(),
                              report.limited.size()});
  }
  std::stable_sort(fits.begin(), fits.end(), [](const ProfileFit& a, const ProfileFit& b) {
    return std::make_tuple(a.distance(), a.missing, a.name) <
           std::make_tuple(b.distance(), b.missing, b.name);
  });
  return fits;
}

}  // namespace audex
