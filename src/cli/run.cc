#include "cli/run.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "core/base/shell_quote.h"
#include "core/base/text.h"
#include "core/plan/plan_json.h"
#include "core/plan/ttl.h"
#include "session/session.h"

namespace audex {

namespace {

// Where an AWS session's credentials would come from: what "How a run goes
// (AWS)" says the plan resolves (the role, the region, the STS endpoint),
// each with the place it was taken from.
void PrintAwsIssue(const AwsIssuePlan& aws, std::ostream& out) {
  switch (aws.method) {
    case AwsIssueMethod::kAssumeRole:
      out << (aws.role.arn.empty()
                  ? std::string("Role:       none yet; a run needs --role-arn, AUDEX_ROLE_ARN or "
                                "role_arn in config.toml\n")
                  : fmt::format("Role:       {} ({})\n", aws.role.arn, aws.role.source));
      break;
    case AwsIssueMethod::kScopedCurrent:
      out << "Role:       none: your own session, narrowed (--scope-current, "
             "sts:GetScopedCredentials)\n";
      break;
    case AwsIssueMethod::kServer:
      if (aws.server) {
        out << fmt::format("Issuer:     the team server {} ({})\n", aws.server->url,
                           aws.server->source);
      }
      break;
  }
  out << fmt::format("Region:     {} ({})\n", aws.region.region, aws.region.source);
  if (aws.method != AwsIssueMethod::kServer) {
    out << fmt::format("STS:        {} ({})\n", aws.endpoint.url, aws.endpoint.source);
  }
}

}  // namespace

void PrintPlanText(const SessionPlan& plan, std::ostream& out) {
  const ResolvedRequest& request = plan.request;
  out << "Dry run: no credentials were requested and nothing was run.\n\n";
  out << fmt::format("Provider:   {}\n", ProviderName(request.provider));
  if (request.profile_name) {
    out << fmt::format("Profile:    {} ({})\n", *request.profile_name, request.profile_source);
  }
  std::vector<std::string> quoted;
  for (const std::string& arg : plan.command) quoted.push_back(ShellQuote(arg));
  out << fmt::format("Command:    {}\n", Join(quoted, " "));
  out << fmt::format("TTL:        {} ({} seconds)\n", FormatTtl(plan.ttl), plan.ttl.count());
  if (plan.aws) PrintAwsIssue(*plan.aws, out);
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
  for (const NetworkBinding& binding : plan.network) {
    out << fmt::format(
        "Network:    only from {} ({}); other requests are denied unless an AWS service makes "
        "them for you\n",
        DescribeNetworkBinding(binding), binding.source);
  }
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
  if (plan.server) {
    out << fmt::format("Issuer:     the team server {} ({})\n", plan.server->url,
                       plan.server->source);
  }
  if (plan.aws) {
    if (!plan.aws->role.arn.empty()) {
      out << fmt::format("Role:       {} ({})\n", plan.aws->role.arn, plan.aws->role.source);
    }
    for (size_t i = 0; i < plan.aws->chain.size(); ++i) {
      out << fmt::format("Chain {}:    {}{}\n", i + 1, plan.aws->chain[i].arn,
                         i + 1 == plan.aws->chain.size() ? " (the session policy goes here)" : "");
    }
    for (const PolicyArnChoice& choice : plan.aws->policy_arns) {
      out << fmt::format("Ceiling:    {} ({})\n", choice.arn, choice.source);
    }
  }
  if (plan.tagging) {
    out << fmt::format("Session tag: {} (AUDEX_SESSION_TAG)\n", plan.tagging->tag.Text());
    if (!plan.tagging->untaggable_creates.empty()) {
      out << fmt::format(
          "Cannot be tagged at creation ({}; cleanup will not find what they make):\n",
          plan.tagging->untaggable_creates.size());
      for (const std::string& action : plan.tagging->untaggable_creates) {
        out << fmt::format("  {}\n", action);
      }
    }
  }
  if (plan.aws && plan.aws->broker) {
    out << fmt::format(
        "Broker:     the command gets placeholder credentials; a loopback endpoint signs and "
        "records each AWS call; calls that return credentials are {}\n",
        plan.aws->broker->allow_credential_calls ? "forwarded (--allow-credential-calls)"
                                                 : "refused");
  }
  out << fmt::format("Child environment: {}\n", Join(plan.child_variables, ", "));
  out << fmt::format("Sandbox:    {}\n",
                     plan.sandbox ? "on: the cloud credential stores, Audex's files and tryaudex's "
                                    "/proc entries are hidden from the command"
                                  : "off (--no-sandbox or sandbox = false)");
}

CommandSpec RunCommand() {
  return {
      "run", "Run a command with scoped, short-lived credentials: tryaudex run [OPTIONS] -- CMD...",
      true, [](CLI::App& run) -> CommandRunner {
        auto options = std::make_shared<RunOptions>();
        SessionRequest& request = options->request;
        run.add_option("--provider", request.provider, "aws (default), gcp or azure")
            ->type_name("{aws,gcp,azure}");
        run.add_option(
            "--allow", request.allow,
            "Comma-separated actions, wildcards or universal names (s3:GetObject,storage:read)");
        run.add_option("--profile", request.profile, "A built-in or custom profile name")
            ->type_name("PROFILE");
        run.add_option("--resource", request.resource,
                       "Comma-separated resource ARNs (AWS) or Cloud Storage buckets (GCP)");
        run.add_option("--ttl", request.ttl,
                       "Session lifetime: 15m, 1h, 1h30m (default 15m; AWS: 15m to 12h)");
        run.add_option("--role-arn", request.role_arn,
                       "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
        run.add_option("--server", request.server,
                       "Ask this team server for the credentials instead of STS (else "
                       "AUDEX_SERVER, server_url)");
        run.add_option("--reason", request.reason,
                       "With --server: why access is needed (the server's audit log)");
        run.add_flag("--break-glass", request.break_glass,
                     "With --server: issue at once where the server's rule allows it, marked "
                     "for review (needs --reason)");
        run.add_option("--approval-wait", request.approval_wait,
                       "With --server: how long to wait for approvals (default 10m; 0: do not "
                       "wait)");
        run.add_option("--region", request.region,
                       "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, config, us-east-1)");
        run.add_option("--source-identity", request.source_identity,
                       "STS SourceIdentity to stamp on the session (needs sts:SetSourceIdentity)");
        run.add_option("--source-ip", request.source_ip,
                       "Comma-separated IPs/CIDRs the credentials may be used from (AWS; adds to "
                       "[network] in config.toml)");
        run.add_flag("--allow-unknown", request.allow_unknown,
                     "Send AWS actions the action catalog does not know yet (warned)");
        run.add_flag("--no-compress", request.no_compress,
                     "Never pack a large policy into wildcards the request did not contain");
        run.add_flag("--serve", options->serve,
                     "Serve the credentials from a loopback endpoint and renew them before "
                     "they expire");
        run.add_option("--max-duration", request.max_duration,
                       "With --serve: stop renewing after this long (default 12h)");
        run.add_flag("--cache", options->cache,
                     "Reuse cached credentials for the same role, policy and region");
        run.add_flag("--no-cache", options->no_cache, "Never use the credential cache");
        run.add_option("--chain", request.chain,
                       "Roles to assume after --role-arn, in order (AWS role chaining; TTL at "
                       "most 1h): --chain ARN[,ARN]");
        run.add_option("--policy-arn", request.policy_arns,
                       "A managed policy as a further session policy (a ceiling); repeat or "
                       "comma-separate, at most 10 with policy_arns from config and profile");
        run.add_flag("--tag-session", request.tag_session,
                     "Refuse creates that do not tag the new resource audex-session=<id> "
                     "($AUDEX_SESSION_TAG), so tryaudex cleanup can find them (AWS)");
        run.add_flag("--scope-current", request.scope_current,
                     "Narrow your own temporary credentials (sts:GetScopedCredentials) "
                     "instead of assuming a role");
        run.add_flag("--broker", request.broker,
                     "Give the command worthless placeholder credentials and sign its AWS calls "
                     "in a loopback endpoint, recording each call in the audit log");
        run.add_flag("--allow-credential-calls", request.allow_credential_calls,
                     "With --broker: forward calls that return credentials (sts:AssumeRole, ...) "
                     "instead of refusing them");
        run.add_flag_callback(
            "--no-sandbox", [options] { options->request.sandbox = false; },
            "Let the command see the cloud credential files, Audex's files and /proc as they "
            "are (README, Threat model)");
        run.add_flag("--dry-run", options->dry_run, "Print the plan and stop");
        run.add_flag("--json", options->json, "With --dry-run: print the plan as JSON");
        return [options](const Invocation& call) {
          options->request.command = call.command;
          return RunRun(*options, call.context);
        };
      }};
}

Result<SessionRequest> ValidateRunOptions(const RunOptions& options) {
  SessionRequest request = options.request;
  if (request.command.empty()) {
    return UsageError(
        "no command to run: put it after --, e.g. tryaudex run --allow s3:ListBucket -- aws s3 "
        "ls");
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
  // The encrypted credential cache (README, "Credential cache") is opt-in
  // for run, so each run is its own STS session in CloudTrail unless asked.
  request.cache = options.no_cache ? CacheChoice::kOff
                  : options.cache  ? CacheChoice::kOn
                                   : CacheChoice::kConfigDefault;
  // --serve, else `serve` in config.toml (AWS runs only).
  if (options.serve) request.serve = true;
  return request;
}

Result<int> RunRun(const RunOptions& options, const CliContext& context) {
  auto request = ValidateRunOptions(options);
  if (!request) return tl::unexpected(request.error());
  PlanSettings settings;
  settings.will_issue = !options.dry_run;
  auto planned = PlanRequest(*request, context.world, settings);
  if (!planned) return tl::unexpected(planned.error());
  const SessionPlan& plan = planned->plan;
  if (options.dry_run) {
    if (options.json) {
      nlohmann::ordered_json json = {{"dry_run", true}};
      json.update(SessionPlanJson(plan));
      context.out << json.dump(2) << '\n';
    } else {
      PrintPlanText(plan, context.out);
    }
    return kExitOk;
  }
  for (const RemovedAction& item : plan.request.dropped) {
    context.err << fmt::format("tryaudex: note: dropped {} from {}: not an IAM action ({})\n",
                               EscapeControl(item.action), item.origin, item.reason);
  }
  auto session = Session::Start(*planned, context.world);
  if (!session) return tl::unexpected(session.error());
  auto ran = (*session)->RunChild({plan.command, {}, std::nullopt, {}});
  if (!ran) return tl::unexpected(ran.error());
  return ran->status;
}

}  // namespace audex
