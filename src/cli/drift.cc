#include "cli/drift.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "session/role_drift.h"

namespace audex {
namespace {

// A wildcard or NotAction that brings more additional actions than this is
// shown as one line; --verbose lists them.
constexpr size_t kSummariseAbove = 10;

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

}  // namespace

CommandSpec DriftCommand() {
  return {
      "drift", "Compare what an IAM role really allows with the profile it should match", false,
      [](CLI::App& drift_command) -> CommandRunner {
        auto options = std::make_shared<DriftOptions>();
        CLI::App* drift = &drift_command;
        drift->add_option("--role-arn", options->request.role_arn,
                          "The role to read (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
        drift
            ->add_option("--expected-policy", options->request.expected_policy,
                         "A built-in or custom profile the role should match")
            ->type_name("PROFILE");
        drift->add_option("--expected-allow", options->request.expected_allow,
                          "Comma-separated actions the role should allow (as run --allow)");
        drift->add_flag("--all-profiles", options->request.all_profiles,
                        "Compare with every AWS profile and name the closest");
        drift->add_option("--region", options->request.region,
                          "AWS region (selects the IAM partition)");
        drift->add_flag("--verbose", options->verbose, "List every action, also behind wildcards");
        drift->add_flag("--json", options->json, "Print JSON");
        drift->add_flag("--quiet", options->quiet,
                        "No progress line on the terminal while the role's policies are read");
        return [options](const Invocation& call) {
          if (options->quiet) DropProgress(call.context.world);
          return RunDrift(*options, call.context);
        };
      }};
}

Result<int> RunDrift(const DriftOptions& options, const CliContext& context) {
  auto result = CheckDrift(options.request, context.world);
  if (!result) return tl::unexpected(result.error());
  if (options.json) {
    context.out << DriftResultJson(*result, options.request.all_profiles, options.verbose).dump(2)
                << '\n';
  } else {
    std::ostream& out = context.out;
    const FetchedRole& fetched = result->fetched;
    out << fmt::format(
        "Role {}: {} polic{}{}\n", result->role_arn, fetched.policies.size(),
        fetched.policies.size() == 1 ? "y" : "ies",
        fetched.boundary ? fmt::format(", permissions boundary {}", fetched.boundary->arn) : "");
    if (options.verbose) {
      for (const FetchedPolicy& policy : fetched.policies) {
        out << fmt::format("  {}\n", PolicyLabel(policy));
      }
    }
    if (options.request.all_profiles) {
      out << "Profiles by distance (additional + missing actions):\n";
      for (const ProfileFit& fit : result->fits) {
        out << fmt::format("  {:<32} {:>6}  ({} additional, {} missing)\n", fit.name,
                           fit.distance(), fit.additional, fit.missing);
      }
      out << fmt::format("Closest: {}\n", result->closest.set.name);
    }
    PrintReportText(result->report, result->closest, result->permissions, options.verbose, out);
  }
  return result->report.HasDrift() ? kExitCheckFailed : kExitOk;
}

}  // namespace audex
