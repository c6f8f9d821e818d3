#include "session/role_drift.h"

#include <fmt/format.h>

#include "adapters/aws/credential_chain.h"
#include "catalog/catalog_universe.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"
#include "session/planner.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

Result<RolePolicies> ParseRolePolicies(const FetchedRole& fetched, const std::string& role_arn) {
  RolePolicies policies;
  const auto parse = [&](const FetchedPolicy& policy) -> Result<NamedPolicy> {
    auto document = ParsePolicy(policy.document);
    if (!document) {
      return PolicyError(fmt::format("{} of role {} cannot be read: {}", PolicyLabel(policy),
                                     role_arn, document.error().message));
    }
    return NamedPolicy{PolicyLabel(policy), std::move(*document)};
  };
  for (const FetchedPolicy& policy : fetched.policies) {
    auto named = parse(policy);
    if (!named) return tl::unexpected(named.error());
    policies.identity.push_back(std::move(*named));
  }
  if (fetched.boundary) {
    auto named = parse(*fetched.boundary);
    if (!named) return tl::unexpected(named.error());
    policies.boundary = std::move(*named);
  }
  return policies;
}

OrderedJson EntriesJson(const std::vector<DriftEntry>& entries) {
  OrderedJson list = OrderedJson::array();
  for (const DriftEntry& entry : entries) {
    OrderedJson item = {
        {"action", entry.action}, {"service", entry.service}, {"policies", entry.policies}};
    if (!entry.via.empty()) item["via"] = entry.via;
    item["conditional"] = entry.conditional;
    item["reasons"] = entry.reasons;
    list.push_back(std::move(item));
  }
  return list;
}

OrderedJson PoliciesJson(const FetchedRole& fetched) {
  OrderedJson list = OrderedJson::array();
  for (const FetchedPolicy& policy : fetched.policies) {
    OrderedJson item = {{"kind", policy.kind}, {"name", policy.name}};
    if (!policy.arn.empty()) item["arn"] = policy.arn;
    if (!policy.version.empty()) item["version"] = policy.version;
    list.push_back(std::move(item));
  }
  return list;
}

OrderedJson ReportJson(const DriftReport& report, const Expectation& expectation) {
  OrderedJson json;
  json["expected"] = {{"kind", expectation.kind},
                      {"name", expectation.set.name},
                      {"actions", expectation.set.actions.size()}};
  json["drift"] = report.HasDrift();
  json["summary"] = {{"expected", report.expected_count}, {"granted", report.granted_count},
                     {"matched", report.matched_count},   {"additional", report.additional.size()},
                     {"missing", report.missing.size()},  {"limited", report.limited.size()}};
  json["additional"] = EntriesJson(report.additional);
  json["missing"] = EntriesJson(report.missing);
  json["limited"] = EntriesJson(report.limited);
  json["notes"] = expectation.notes;
  return json;
}

// Every AWS profile (and universal-only profile) that expands cleanly.
std::vector<Expectation> AllProfileExpectations(const ProfileCatalog& profiles,
                                                const ActionUniverse& universe,
                                                std::vector<std::string>& warnings) {
  std::vector<Expectation> all;
  for (const Profile* profile : profiles.All()) {
    if (profile->provider && *profile->provider != Provider::kAws) continue;
    auto expectation = ExpandExpectation(profile->name, std::nullopt, profiles, universe);
    if (!expectation) {
      warnings.push_back(
          fmt::format("profile {} skipped: {}", profile->name, expectation.error().message));
      continue;
    }
    all.push_back(std::move(*expectation));
  }
  return all;
}

}  // namespace

std::string PolicyLabel(const FetchedPolicy& policy) {
  if (policy.kind == "inline") return "inline policy " + policy.name;
  const char* kind = policy.kind == "boundary" ? "permissions boundary" : "managed policy";
  return fmt::format("{} {} ({})", kind, policy.arn, policy.version);
}

Result<void> ValidateDriftRequest(const DriftRequest& options) {
  const int chosen = (options.expected_policy ? 1 : 0) + (options.expected_allow ? 1 : 0) +
                     (options.all_profiles ? 1 : 0);
  if (chosen != 1) {
    return UsageError(fmt::format(
        "{}: give exactly one of --expected-policy NAME, --expected-allow LIST and "
        "--all-profiles (tryaudex policies list shows the profiles)",
        chosen == 0 ? "nothing to compare the role with" : "more than one expected set"));
  }
  return {};
}

Result<DriftResult> CheckDrift(const DriftRequest& request, World& world) {
  if (auto valid = ValidateDriftRequest(request); !valid) return tl::unexpected(valid.error());
  auto loaded = LoadConfigurationNoting(world);
  if (!loaded) return tl::unexpected(loaded.error());
  const ActionUniverse& universe = BuiltinAwsActions();

  // 1. What the role should allow: settled before any network call.
  std::vector<Expectation> expectations;
  std::vector<std::string> warnings;
  if (request.all_profiles) {
    expectations = AllProfileExpectations(loaded->profiles, universe, warnings);
  } else {
    auto expectation = ExpandExpectation(request.expected_policy, request.expected_allow,
                                         loaded->profiles, universe);
    if (!expectation) return tl::unexpected(expectation.error());
    warnings = expectation->warnings;
    expectations.push_back(std::move(*expectation));
  }
  for (const std::string& warning : warnings) world.Warn(warning);

  // 2. Which role, where IAM is, and who asks.
  const UserConfig& config = loaded->config;
  auto role = ResolveRole(request.role_arn, world.env, config);
  if (!role) {
    // ResolveRole speaks for run; drift reads the role rather than assuming it.
    Error error = role.error();
    constexpr std::string_view kRunWords = "no role to assume";
    if (error.message.starts_with(kRunWords)) {
      error.message.replace(0, kRunWords.size(), "no role to compare");
    }
    return tl::unexpected(error);
  }
  auto region = ResolveRegion(request.region, world.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(world.env)));
  if (!region) return tl::unexpected(region.error());
  auto endpoint = ResolveIamEndpoint(world.env, region->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  auto base = ResolveBaseCredentials(world.env, ChainOptionsFor(world.environment));
  if (!base) return tl::unexpected(base.error());

  // 3. Read the role and everything that decides what it may do.
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  IamClientOptions iam_options;
  iam_options.endpoint = endpoint->url;
  iam_options.signing_region = endpoint->signing_region;
  IamClient iam(*http, std::move(iam_options));
  auto fetched = FetchRole(
      iam, role->arn, *base,
      [&world](const std::string& kind, const std::string& name, size_t done, size_t total) {
        world.notify(NoticeLevel::kProgress,
                     fmt::format("reading the role's {} policies: {} of {} ({})", kind, done + 1,
                                 total, name));
      });
  world.notify(NoticeLevel::kProgress, "");
  if (!fetched) return tl::unexpected(fetched.error());
  auto policies = ParseRolePolicies(*fetched, role->arn);
  if (!policies) return tl::unexpected(policies.error());

  // 4. Evaluate and compare.
  DriftResult result;
  result.permissions = ComputeRolePermissions(*policies, universe);
  std::vector<NamedExpectation> sets;
  for (const Expectation& expectation : expectations) sets.push_back(expectation.set);
  result.fits = RankExpectations(result.permissions, sets);
  if (result.fits.empty()) return PolicyError("no AWS profile to compare the role with");
  size_t chosen = 0;
  while (expectations[chosen].set.name != result.fits.front().name) ++chosen;
  result.closest = std::move(expectations[chosen]);
  result.report = CompareWithExpected(result.permissions, result.closest.set.actions);
  result.role_arn = fetched->role.arn.empty() ? role->arn : fetched->role.arn;
  result.iam_endpoint = endpoint->url;
  result.fetched = std::move(*fetched);
  return result;
}

OrderedJson DriftResultJson(const DriftResult& result, bool all_profiles, bool verbose) {
  OrderedJson json;
  json["role_arn"] = result.role_arn;
  json["iam_endpoint"] = result.iam_endpoint;
  json["policies"] = PoliciesJson(result.fetched);
  json["permissions_boundary"] = result.fetched.boundary
                                     ? OrderedJson{{"arn", result.fetched.boundary->arn},
                                                   {"version", result.fetched.boundary->version}}
                                     : OrderedJson(nullptr);
  if (all_profiles) {
    OrderedJson ranking = OrderedJson::array();
    for (const ProfileFit& fit : result.fits) {
      ranking.push_back({{"name", fit.name},
                         {"distance", fit.distance()},
                         {"additional", fit.additional},
                         {"missing", fit.missing},
                         {"limited", fit.limited}});
    }
    json["closest"] = result.closest.set.name;
    json["profiles"] = std::move(ranking);
  }
  OrderedJson body = ReportJson(result.report, result.closest);
  for (auto& [key, value] : body.items()) json[key] = value;
  json["unknown_actions"] = result.permissions.unknown;
  if (verbose) {
    OrderedJson granted = OrderedJson::array();
    for (const RoleGrant& grant : result.permissions.grants) {
      granted.push_back({{"action", grant.action}, {"conditional", grant.conditional}});
    }
    json["granted"] = std::move(granted);
  }
  return json;
}

}  // namespace audex
