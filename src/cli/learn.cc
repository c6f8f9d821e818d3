#include "cli/learn.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/command.h"
#include "core/base/text.h"

namespace audex {
namespace {

std::string Plural(size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

void PrintText(const LearnReport& report, std::ostream& out) {
  const LearnedPolicy& learned = report.learned;
  const std::vector<std::string>& resources = report.resources;
  if (learned.total_calls == 0) {
    out << fmt::format("No AWS API calls observed ({}); nothing to recommend.\n",
                       report.source_name);
    if (report.endpoint) {
      out << "If the command does call AWS, it ignored AWS_ENDPOINT_URL and client-side "
             "monitoring: try --source cloudtrail.\n";
    } else if (report.csm) {
      out << "If the command does call AWS, its SDK may not support client-side monitoring (Go "
             "v2, JavaScript v3 and Rust do not): try --source endpoint.\n";
    }
    return;
  }
  out << fmt::format("Observed {} ({}); the command exited with {}.\n",
                     Plural(learned.total_calls, "AWS API call"), report.source_name,
                     report.child.status);
  if (report.endpoint_refused > 0) {
    out << fmt::format(
        "The forwarding endpoint refused {} it could not route or verify (not forwarded, not "
        "counted).\n",
        Plural(report.endpoint_refused, "request"));
  }
  if (!learned.actions.empty()) out << "Observed actions:\n";
  for (const LearnedAction& action : learned.actions) {
    std::string detail = Plural(action.calls, "call");
    if (action.denied > 0) detail += fmt::format(", {} denied", action.denied);
    if (action.failed > 0) detail += fmt::format(", {} failed", action.failed);
    out << fmt::format("  {} ({})\n", action.action, detail);
  }
  if (!learned.no_permission.empty()) {
    out << "Calls that need no permission:\n";
    for (const UnmappedOperation& call : learned.no_permission) {
      out << fmt::format("  {} {} ({})\n", call.service, call.operation,
                         Plural(call.calls, "call"));
    }
  }
  if (!learned.unknown.empty()) {
    out << "Calls with no known IAM action (see the Service Authorization Reference; not in the "
           "recommendation):\n";
    for (const UnmappedOperation& call : learned.unknown) {
      out << fmt::format("  {} {} ({})\n", call.service, call.operation,
                         Plural(call.calls, "call"));
    }
  }
  if (!learned.conditional.empty()) {
    out << "May also need, depending on parameters the observation cannot see:\n";
    for (const LearnedConditional& extra : learned.conditional) {
      out << fmt::format("  {} for {}, {}\n", extra.action, extra.operation, extra.when);
    }
  }
  size_t denied = 0;
  for (const LearnedAction& action : learned.actions) denied += action.denied;
  if (denied > 0) {
    out << "Denied calls are included: the command asked for them and was refused by the role "
           "or the --allow bound.\n";
  }
  if (learned.actions.empty()) {
    out << "Recommended policy: none (every call needs no permission)\n";
    return;
  }
  out << fmt::format("Recommended policy: {}\n", learned.AllowList());
  if (!resources.empty()) {
    out << fmt::format("Recommended --resource: {}\n", Join(resources, ","));
  }
}

}  // namespace

CommandSpec LearnCommand() {
  return {"learn",
          "Run a command, watch which AWS APIs it calls and print the least privilege it needs: "
          "tryaudex learn [OPTIONS] -- CMD...",
          true, [](CLI::App& learn) -> CommandRunner {
            auto options = std::make_shared<LearnOptions>();
            SessionRequest& run = options->request.session;
            learn.add_option("--allow", run.allow,
                             "Upper bound for the session (default: the role's own permissions)");
            learn.add_option("--profile", run.profile, "Upper bound as a profile")
                ->type_name("PROFILE");
            learn.add_option("--resource", run.resource, "Resource ARNs for the upper bound");
            learn.add_option("--ttl", run.ttl, "Session lifetime (default 15m)");
            learn.add_option("--role-arn", run.role_arn,
                             "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
            learn.add_option("--region", run.region, "AWS region");
            learn
                .add_option("--source", options->source,
                            "auto (default: the forwarding endpoint and client-side monitoring, "
                            "in real time), endpoint, csm, or cloudtrail (LookupEvents after the "
                            "command ends)")
                ->type_name("{auto,endpoint,csm,cloudtrail}");
            learn.add_option("--wait", options->request.wait,
                             "With --source cloudtrail: wait at most this long for events (default "
                             "10m)");
            learn.add_option("--save-profile", options->request.save_profile,
                             "Write the result into profiles.toml as this profile");
            learn.add_flag("--allow-unknown", run.allow_unknown,
                           "Accept --allow actions the catalog does not know");
            learn.add_flag_callback(
                "--no-sandbox", [options] { options->request.session.sandbox = false; },
                "Let the command see the cloud credential files, Audex's files and /proc as they "
                "are (README, Threat model)");
            learn.add_flag("--json", options->json, "Print the result as JSON");
            learn.add_flag("--quiet", options->quiet,
                           "No progress line on the terminal while CloudTrail is polled");
            return [options](const Invocation& call) {
              if (options->quiet) DropProgress(call.context.world);
              options->request.session.command = call.command;
              return RunLearn(*options, call.context);
            };
          }};
}

Result<int> RunLearn(const LearnOptions& options, const CliContext& context) {
  LearnRequest request = options.request;
  auto source = ParseLearnSource(options.source);
  if (!source) return tl::unexpected(source.error());
  request.source = *source;
  auto report = Learn(request, context.world);
  if (!report) return tl::unexpected(report.error());
  if (options.json) {
    context.out << LearnReportJson(*report).dump(2) << '\n';
  } else {
    PrintText(*report, context.out);
  }
  return LearnExitStatus(*report);
}

}  // namespace audex
