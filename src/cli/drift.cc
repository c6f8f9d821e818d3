#include "cli/drift.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/iam_client.h"
#include "adapters/http/curl_http_client.h"
#include "catalog/catalog_universe.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"
#include "core/policy/drift.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

// A wildcard or NotAction that brings more additional actions than this is
// shown as one line; --verbose lists them.
constexpr size_t kSummariseAbove = 10;

std::string PolicyLabel(const FetchedPolicy& policy) {
  if (policy.kind == "inline") return "inline policy " + policy.name;
  const char* kind = policy.kind == "boundary" ? "permissions boundary" : "managed policy";
  return fmt::format("{} {} ({})", kind, policy.arn, policy.version);
}

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

std::string ConditionalNote(const DriftEntry& entry) {
  if (!entry.conditional) return "";
  return entry.reasons.empty() ? " [conditional]"
                               : fmt::format(" [conditional: {}]", Join(entry.reasons, "; "));
}

// Additional actions by service; broad wildcards summarised unless verbose.
void PrintAdditional(const DriftReport& report, const std::string& against, bool verbose,
                     std::ostream& out) {
  out << fmt::format("Role has additional permissions not in {}:\n", against);
  std::unordered_map<std::string_view, const DriftEntry*> by_action;
  for (const DriftEntry& entry : report.additional) by_action.emplace(entry.action, &entry);
  std::string service;
  for (const DriftGroup& group : GroupByGrant(report.additional, kSummariseAbove)) {
    if (group.service != service) {
      service = group.service;
      out << fmt::format("  {}\n", service);
    }
    if (group.summarised && !verbose) {
      const std::string conditional =
          group.conditional_count == 0
              ? ""
              : fmt::format(", {} of them conditional", group.conditional_count);
      out << fmt::format("    {} — {} actions beyond the {} ({}{}; --verbose lists them)\n",
                         group.via, group.actions.size(),
                         against.starts_with("profile") ? "profile" : "expected set", group.policy,
                         conditional);
      continue;
    }
    for (const std::string& action : group.actions) {
      const DriftEntry* entry = by_action.at(action);
      const std::string via =
          group.via == action ? std::string() : fmt::format(" via {}", group.via);
      out << fmt::format("    {:<40}  {}{}{}\n", action, group.policy, via,
                         verbose || entry->conditional ? ConditionalNote(*entry) : "");
    }
  }
}

void PrintEntries(std::string_view title, const std::vector<DriftEntry>& entries,
                  std::ostream& out) {
  out << title << '\n';
  std::string service;
  for (const DriftEntry& entry : entries) {
    if (entry.service != service) {
      service = entry.service;
      out << fmt::format("  {}\n", service);
    }
    out << fmt::format("    {:<40}  {}\n", entry.action, Join(entry.reasons, "; "));
  }
}

void PrintReportText(const DriftReport& report, const Expectation& expectation,
                     const RolePermissions& permissions, bool verbose, std::ostream& out) {
  const std::string& against = expectation.set.name;
  for (const std::string& note : expectation.notes) out << "Note: " << note << '\n';
  for (const std::string& unknown : permissions.unknown) {
    out << fmt::format("Note: {} names no action in the catalog; not compared\n", unknown);
  }
  if (!report.HasDrift()) {
    out << fmt::format("No drift: the role allows the {} actions of {} and no others\n",
                       report.expected_count, against);
  } else {
    if (!report.additional.empty()) PrintAdditional(report, against, verbose, out);
    if (!report.missing.empty()) {
      PrintEntries(fmt::format("Role lacks permissions {} needs:", against), report.missing, out);
    }
  }
  if (!report.limited.empty()) {
    PrintEntries(fmt::format("Allowed only on some resources or under a Condition (in {}; not "
                             "counted as drift):",
                             against),
                 report.limited, out);
  }
  out << fmt::format(
      "Summary: {} expected, {} allowed by the role, {} matched, {} additional, {} "
      "missing, {} expected but conditional\n",
      report.expected_count, report.granted_count, report.matched_count, report.additional.size(),
      report.missing.size(), report.limited.size());
  if (report.HasDrift()) out << "Consider updating the role or profile definition\n";
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

Result<void> ValidateDriftOptions(const DriftOptions& options) {
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

CommandSpec DriftCommand() {
  return {
      "drift", "Compare what an IAM role really allows with the profile it should match", false,
      [](CLI::App& drift_command) -> CommandRunner {
        auto options = std::make_shared<DriftOptions>();
        CLI::App* drift = &drift_command;
        drift->add_option("--role-arn", options->role_arn,
                          "The role to read (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
        drift->add_option("--expected-policy", options->expected_policy,
                          "A built-in or custom profile the role should match");
        drift->add_option("--expected-allow", options->expected_allow,
                          "Comma-separated actions the role should allow (as run --allow)");
        drift->add_flag("--all-profiles", options->all_profiles,
                        "Compare with every AWS profile and name the closest");
        drift->add_option("--region", options->region, "AWS region (selects the IAM partition)");
        drift->add_flag("--verbose", options->verbose, "List every action, also behind wildcards");
        drift->add_flag("--json", options->json, "Print JSON");
        return [options](const Invocation& call) { return RunDrift(*options, call.context); };
      }};
}

Result<int> RunDrift(const DriftOptions& options, const CliContext& context) {
  if (auto valid = ValidateDriftOptions(options); !valid) return tl::unexpected(valid.error());
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  const ActionUniverse& universe = BuiltinAwsActions();

  // 1. What the role should allow: settled before any network call.
  std::vector<Expectation> expectations;
  std::vector<std::string> warnings;
  if (options.all_profiles) {
    expectations = AllProfileExpectations(loaded->profiles, universe, warnings);
  } else {
    auto expectation = ExpandExpectation(options.expected_policy, options.expected_allow,
                                         loaded->profiles, universe);
    if (!expectation) return tl::unexpected(expectation.error());
    warnings = expectation->warnings;
    expectations.push_back(std::move(*expectation));
  }
  PrintWarnings(context, warnings);

  // 2. Which role, where IAM is, and who asks.
  const UserConfig& config = loaded->config;
  auto role = ResolveRole(options.role_arn, context.env, config);
  if (!role) {
    // ResolveRole speaks for run; drift reads the role rather than assuming it.
    Error error = role.error();
    constexpr std::string_view kRunWords = "no role to assume";
    if (error.message.starts_with(kRunWords)) {
      error.message.replace(0, kRunWords.size(), "no role to compare");
    }
    return tl::unexpected(error);
  }
  auto region = ResolveRegion(options.region, context.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(context.env)));
  if (!region) return tl::unexpected(region.error());
  auto endpoint = ResolveIamEndpoint(context.env, region->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  auto base = ResolveBaseCredentials(context.env);
  if (!base) return tl::unexpected(base.error());

  // 3. Read the role and everything that decides what it may do.
  std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
  IamClientOptions iam_options;
  iam_options.endpoint = endpoint->url;
  iam_options.signing_region = endpoint->signing_region;
  IamClient iam(*http, std::move(iam_options));
  auto fetched = FetchRole(iam, role->arn, *base);
  if (!fetched) return tl::unexpected(fetched.error());
  auto policies = ParseRolePolicies(*fetched, role->arn);
  if (!policies) return tl::unexpected(policies.error());

  // 4. Evaluate and compare.
  const RolePermissions permissions = ComputeRolePermissions(*policies, universe);
  std::vector<NamedExpectation> sets;
  for (const Expectation& expectation : expectations) sets.push_back(expectation.set);
  const std::vector<ProfileFit> fits = RankExpectations(permissions, sets);
  if (fits.empty()) return PolicyError("no AWS profile to compare the role with");
  size_t chosen = 0;
  while (expectations[chosen].set.name != fits.front().name) ++chosen;
  const Expectation& closest = expectations[chosen];
  const DriftReport report = CompareWithExpected(permissions, closest.set.actions);

  if (options.json) {
    OrderedJson json;
    json["role_arn"] = fetched->role.arn.empty() ? role->arn : fetched->role.arn;
    json["iam_endpoint"] = endpoint->url;
    json["policies"] = PoliciesJson(*fetched);
    json["permissions_boundary"] =
        fetched->boundary
            ? OrderedJson{{"arn", fetched->boundary->arn}, {"version", fetched->boundary->version}}
            : OrderedJson(nullptr);
    if (options.all_profiles) {
      OrderedJson ranking = OrderedJson::array();
      for (const ProfileFit& fit : fits) {
        ranking.push_back({{"name", fit.name},
                           {"distance", fit.distance()},
                           {"additional", fit.additional},
                           {"missing", fit.missing},
                           {"limited", fit.limited}});
      }
      json["closest"] = closest.set.name;
      json["profiles"] = std::move(ranking);
    }
    OrderedJson body = ReportJson(report, closest);
    for (auto& [key, value] : body.items()) json[key] = value;
    json["unknown_actions"] = permissions.unknown;
    if (options.verbose) {
      OrderedJson granted = OrderedJson::array();
      for (const RoleGrant& grant : permissions.grants) {
        granted.push_back({{"action", grant.action}, {"conditional", grant.conditional}});
      }
      json["granted"] = std::move(granted);
    }
    context.out << json.dump(2) << '\n';
  } else {
    std::ostream& out = context.out;
    out << fmt::format(
        "Role {}: {} polic{}{}\n", role->arn, fetched->policies.size(),
        fetched->policies.size() == 1 ? "y" : "ies",
        fetched->boundary ? fmt::format(", permissions boundary {}", fetched->boundary->arn) : "");
    if (options.verbose) {
      for (const FetchedPolicy& policy : fetched->policies) {
        out << fmt::format("  {}\n", PolicyLabel(policy));
      }
    }
    if (options.all_profiles) {
      out << "Profiles by distance (additional + missing actions):\n";
      for (const ProfileFit& fit : fits) {
        out << fmt::format("  {:<32} {:>6}  ({} additional, {} missing)\n", fit.name,
                           fit.distance(), fit.additional, fit.missing);
      }
      out << fmt::format("Closest: {}\n", closest.set.name);
    }
    PrintReportText(report, closest, permissions, options.verbose, out);
  }
  return report.HasDrift() ? kExitCheckFailed : kExitOk;
}

}  // namespace audex
