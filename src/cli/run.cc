#include "cli/run.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/exit_codes.h"
#include "core/session_plan.h"
#include "core/text.h"
#include "core/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

// Quotes an argument for display the way a POSIX shell would need it.
std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=@%+,") == std::string::npos) {
    return arg;
  }
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

OrderedJson RemovedJson(const std::vector<RemovedAction>& removed) {
  OrderedJson list = OrderedJson::array();
  for (const RemovedAction& item : removed) {
    list.push_back({{"action", item.action}, {"origin", item.origin}, {"reason", item.reason}});
  }
  return list;
}

void PrintPlanJson(const SessionPlan& plan, const CliContext& context) {
  const ResolvedRequest& request = plan.request;
  OrderedJson json;
  json["dry_run"] = true;
  json["provider"] = ProviderName(request.provider);
  json["profile"] = request.profile_name ? OrderedJson(*request.profile_name) : nullptr;
  json["ttl"] = FormatTtl(plan.ttl);
  json["ttl_seconds"] = plan.ttl.count();
  OrderedJson actions = OrderedJson::array();
  for (const GrantedAction& granted : request.actions) {
    actions.push_back({{"action", granted.action}, {"origin", granted.origin}});
  }
  json["actions"] = std::move(actions);
  json["allow"] = Join(request.ActionNames(), ",");
  json["denied"] = RemovedJson(request.denied);
  json["covered"] = RemovedJson(request.covered);
  json["explicit_deny"] = request.explicit_denies;
  json["resources"] = request.resources;
  if (plan.policy) {
    json["policy"] = OrderedJson::parse(plan.policy_json);
    json["policy_size"] = plan.policy_json.size();
    json["policy_limit"] = kSessionPolicyLimit;
  } else {
    json["policy"] = nullptr;
  }
  json["child_environment"] = plan.child_variables;
  json["command"] = plan.command;
  json["warnings"] = request.warnings;
  json["notes"] = request.notes;
  context.out << json.dump(2) << '\n';
}

void PrintPlanText(const SessionPlan& plan, const CliContext& context) {
  const ResolvedRequest& request = plan.request;
  std::ostream& out = context.out;
  out << "Dry run: no credentials were requested and nothing was run.\n\n";
  out << fmt::format("Provider:   {}\n", ProviderName(request.provider));
  if (request.profile_name) {
    out << fmt::format("Profile:    {} ({})\n", *request.profile_name, request.profile_source);
  }
  std::vector<std::string> quoted;
  for (const std::string& arg : plan.command) quoted.push_back(ShellQuote(arg));
  out << fmt::format("Command:    {}\n", Join(quoted, " "));
  out << fmt::format("TTL:        {} ({} seconds)\n", FormatTtl(plan.ttl), plan.ttl.count());
  out << fmt::format("Allow:      {}\n", Join(request.ActionNames(), ","));
  size_t width = 0;
  for (const GrantedAction& granted : request.actions) {
    width = std::max(width, granted.action.size());
  }
  out << fmt::format("Actions ({}):\n", request.actions.size());
  for (const GrantedAction& granted : request.actions) {
    out << fmt::format("  {:<{}}  from {}\n", granted.action, width, granted.origin);
  }
  if (!request.denied.empty()) {
    out << "Removed by the deny list:\n";
    for (const RemovedAction& item : request.denied) {
      out << fmt::format("  {}  {}\n", item.action, item.reason);
    }
  }
  if (!request.covered.empty()) {
    out << "Dropped as already granted:\n";
    for (const RemovedAction& item : request.covered) {
      out << fmt::format("  {}  {}\n", item.action, item.reason);
    }
  }
  if (!request.explicit_denies.empty()) {
    out << fmt::format("Explicit Deny (deny list entries inside requested wildcards): {}\n",
                       Join(request.explicit_denies, ","));
  }
  out << fmt::format("Resources:  {}\n", request.resources.empty() ? "* (every resource)"
                                                                   : Join(request.resources, ","));
  for (const std::string& note : request.notes) out << fmt::format("Note:       {}\n", note);
  if (plan.policy) {
    out << fmt::format("Session policy ({} of {} characters):\n{}\n", plan.policy_json.size(),
                       kSessionPolicyLimit, plan.policy_json);
  } else {
    out << fmt::format(
        "Session policy: none; {} credentials are not narrowed by a policy document\n",
        ProviderName(request.provider));
  }
  out << fmt::format("Child environment: {}\n", Join(plan.child_variables, ", "));
}

}  // namespace

void AddRunCommand(CLI::App& app, RunOptions& options) {
  CLI::App* run = app.add_subcommand(
      "run",
      "Run a command with scoped, short-lived credentials: tryaudex run [OPTIONS] -- CMD...");
  run->add_option("--provider", options.provider, "aws (default), gcp or azure");
  run->add_option(
      "--allow", options.allow,
      "Comma-separated actions, wildcards or universal names (s3:GetObject,storage:read)");
  run->add_option("--profile", options.profile, "A built-in or custom profile name");
  run->add_option("--resource", options.resource, "Comma-separated resource ARNs (AWS)");
  run->add_option("--ttl", options.ttl, "Session lifetime: 90s, 15m, 1h, 1h30m (default 15m)");
  run->add_flag("--dry-run", options.dry_run, "Print the plan and stop");
  run->add_flag("--json", options.json, "With --dry-run: print the plan as JSON");
}

Result<int> RunRun(const RunOptions& options, const CliContext& context) {
  AccessRequest request;
  if (options.provider) {
    request.provider = ParseProvider(*options.provider);
    if (!request.provider) {
      return UsageError(
          fmt::format("--provider \"{}\" is not aws, gcp or azure", *options.provider));
    }
  }
  request.allow = options.allow;
  request.profile = options.profile;
  request.resource = options.resource;
  std::optional<std::chrono::seconds> ttl;
  if (options.ttl) {
    auto parsed = ParseTtl(*options.ttl);
    if (!parsed) return tl::unexpected(parsed.error());
    ttl = *parsed;
  }
  if (options.command.empty()) {
    return UsageError(
        "no command to run: put it after --, e.g. tryaudex run --allow s3:ListBucket -- aws s3 ls");
  }

  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  auto plan =
      PlanSession(request, ttl, loaded->config, loaded->profiles, loaded->deny, options.command);
  if (!plan) return tl::unexpected(plan.error());
  PrintWarnings(context, plan->request.warnings);

  if (!options.dry_run) {
    return UsageError(
        "running commands with credentials is not available in this build yet; add --dry-run "
        "to see the plan");
  }
  if (options.json) {
    PrintPlanJson(*plan, context);
  } else {
    PrintPlanText(*plan, context);
  }
  return kExitOk;
}

}  // namespace audex
