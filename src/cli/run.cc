#include "cli/run.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/aws_session.h"
#include "cli/azure_session.h"
#include "cli/broker.h"
#include "cli/exit_codes.h"
#include "cli/gcp_session.h"
#include "cli/serve.h"
#include "core/role.h"
#include "core/session_plan.h"
#include "core/shell_quote.h"
#include "core/text.h"
#include "core/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

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
    OrderedJson entry = {{"action", granted.action}, {"origin", granted.origin}};
    if (granted.matches) entry["matches"] = *granted.matches;
    actions.push_back(std::move(entry));
  }
  json["actions"] = std::move(actions);
  json["allow"] = Join(request.ActionNames(), ",");
  json["denied"] = RemovedJson(request.denied);
  json["covered"] = RemovedJson(request.covered);
  json["dropped"] = RemovedJson(request.dropped);
  json["policy_notes"] = plan.policy_notes;
  json["explicit_deny"] = request.explicit_denies;
  json["resources"] = request.resources;
  if (plan.policy) {
    json["policy"] = OrderedJson::parse(plan.policy_json);
    json["policy_size"] = plan.policy_json.size();
    json["policy_limit"] = kSessionPolicyLimit;
  } else {
    json["policy"] = nullptr;
  }
  json["enforced"] = plan.enforced;
  json["not_enforced"] = plan.not_enforced;
  if (plan.access_boundary) {
    json["access_boundary"] = OrderedJson::parse(*plan.access_boundary);
    json["access_boundary_roles"] = plan.boundary_roles;
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
    out << fmt::format("  {:<{}}  from {}{}\n", granted.action, width, granted.origin,
                       granted.matches ? fmt::format(" ({} actions today)", *granted.matches) : "");
  }
  if (!request.dropped.empty()) {
    out << "Dropped (not IAM actions):\n";
    for (const RemovedAction& item : request.dropped) {
      out << fmt::format("  {}  from {}: {}\n", item.action, item.origin, item.reason);
    }
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
  for (const std::string& note : plan.policy_notes) out << fmt::format("Policy:     {}\n", note);
  if (plan.policy) {
    out << fmt::format("Session policy ({} of {} characters):\n{}\n", plan.policy_json.size(),
                       kSessionPolicyLimit, plan.policy_json);
  } else {
    out << fmt::format(
        "Session policy: none; {} credentials are not narrowed by a policy document\n",
        ProviderName(request.provider));
  }
  for (const std::string& item : plan.enforced) out << fmt::format("Enforced:     {}\n", item);
  for (const std::string& item : plan.not_enforced) {
    out << fmt::format("NOT enforced: {}\n", item);
  }
  if (plan.access_boundary) {
    out << fmt::format("Credential Access Boundary:\n{}\n", *plan.access_boundary);
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
  run->add_option("--role-arn", options.role_arn,
                  "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
  run->add_option("--region", options.region,
                  "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, config, us-east-1)");
  run->add_option("--source-identity", options.source_identity,
                  "STS SourceIdentity to stamp on the session (needs sts:SetSourceIdentity)");
  run->add_flag("--allow-unknown", options.allow_unknown,
                "Send AWS actions the action catalog does not know yet (warned)");
  run->add_flag("--no-compress", options.no_compress,
                "Never pack a large policy into wildcards the request did not contain");
  run->add_flag("--serve", options.serve,
                "Serve the credentials from a loopback endpoint and renew them before they expire");
  run->add_option("--max-duration", options.max_duration,
                  "With --serve: stop renewing after this long (default 12h)");
  run->add_flag("--cache", options.cache,
                "Reuse cached credentials for the same role, policy and region");
  run->add_flag("--no-cache", options.no_cache, "Never use the credential cache");
  run->add_flag("--scope-current", options.scope_current,
                "Narrow your own temporary credentials (sts:GetScopedCredentials) instead of "
                "assuming a role");
  run->add_flag("--broker", options.broker,
                "Give the command worthless placeholder credentials and sign its AWS calls in a "
                "loopback endpoint, recording each call in the audit log");
  run->add_flag("--dry-run", options.dry_run, "Print the plan and stop");
  run->add_flag("--json", options.json, "With --dry-run: print the plan as JSON");
}

Result<int> RunRun(const RunOptions& options, const CliContext& context) {
  if (options.command.empty()) {
    return UsageError(
        "no command to run: put it after --, e.g. tryaudex run --allow s3:ListBucket -- aws s3 "
        "ls");
  }
  if (options.scope_current && options.role_arn) {
    return UsageError(kScopeCurrentWithRole);
  }
  // Flags that would otherwise be silently ignored.
  if (options.json && !options.dry_run) {
    return UsageError(
        "--json only prints the plan of --dry-run (a run's output is the command's own); add "
        "--dry-run or drop --json");
  }
  if (options.cache && options.no_cache) {
    return UsageError(
        "--cache and --no-cache contradict each other; give one (--no-cache alone also overrides "
        "cache = true in config.toml)");
  }
  auto planned = PlanRunRequest(options, context);
  if (!planned) return tl::unexpected(planned.error());
  const UserConfig& config = planned->loaded.config;
  const Provider provider = planned->plan.request.provider;
  if (provider != Provider::kAws && (options.serve || options.max_duration)) {
    return UsageError(fmt::format(
        "--serve and --max-duration are for AWS (they renew AWS credentials from a loopback "
        "endpoint); this {} session ends at its TTL: drop {}",
        provider == Provider::kGcp ? "GCP" : "Azure",
        options.serve && options.max_duration ? "both"
        : options.serve                       ? "--serve"
                                              : "--max-duration"));
  }
  if (options.broker && provider != Provider::kAws) {
    return UsageError(
        "--broker signs AWS calls for the command; this session is not AWS: drop --broker");
  }
  if (options.broker && options.serve) {
    return UsageError(
        "--broker and --serve are two ways to hand out credentials (placeholders with an "
        "endpoint that signs, or renewed real ones): give one");
  }
  // serve = true in config.toml applies to AWS runs only.
  const bool serve = provider == Provider::kAws && !options.broker &&
                     (options.serve || config.serve.value_or(false));
  if (options.max_duration && !serve) {
    return UsageError("--max-duration only applies with --serve; add --serve or drop it");
  }
  std::optional<ServeSettings> serve_settings;
  if (serve) {
    auto settings = ParseServeSettings(options.max_duration, context);
    if (!settings) return tl::unexpected(settings.error());
    serve_settings = *settings;
    planned->plan.child_variables = ServedChildVariableNames(planned->plan.child_variables);
  }
  // --dry-run needs no role, but one given must be a role ARN.
  if (options.role_arn && provider == Provider::kAws) {
    if (auto role = ChooseRole(options.role_arn, std::nullopt, std::nullopt, ""); !role) {
      return tl::unexpected(role.error());
    }
  }
  const SessionPlan& plan = planned->plan;

  if (options.dry_run) {
    if (options.json) {
      PrintPlanJson(plan, context);
    } else {
      PrintPlanText(plan, context);
    }
    return kExitOk;
  }
  for (const RemovedAction& item : plan.request.dropped) {
    context.err << fmt::format("tryaudex: note: dropped {} from {}: not an IAM action ({})\n",
                               item.action, item.origin, item.reason);
  }
  if (plan.request.provider == Provider::kGcp) {
    auto target = ResolveGcpTarget(options.role_arn, context, planned->loaded.config);
    if (!target) return tl::unexpected(target.error());
    auto session = GcpSession::Start(context, *planned, *target);
    if (!session) return tl::unexpected(session.error());
    return (*session)->RunChild(plan.command);
  }
  if (plan.request.provider == Provider::kAzure) {
    auto target = ResolveAzureTarget(context, planned->loaded.config);
    if (!target) return tl::unexpected(target.error());
    auto session = AzureSession::Start(context, *planned, *target);
    if (!session) return tl::unexpected(session.error());
    return (*session)->RunChild(plan.command);
  }
  AwsIssueOptions issue;
  issue.use_cache = !options.no_cache && (options.cache || config.cache.value_or(false));
  issue.scope_current = options.scope_current;
  // --scope-current assumes no role, so none needs to be configured.
  auto target =
      ResolveAwsTarget(options.role_arn, options.region, context, config, !options.scope_current);
  if (!target) return tl::unexpected(target.error());
  auto session = AwsSession::Start(context, *planned, *target, options.source_identity, issue);
  if (!session) return tl::unexpected(session.error());
  if (options.broker) return RunChildBrokered(**session, plan.command, context);
  if (serve_settings) return RunChildServed(**session, plan.command, *serve_settings, context);
  return (*session)->RunChild(plan.command, (*session)->ChildEnvironment());
}

}  // namespace audex
