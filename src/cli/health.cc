#include "cli/health.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "core/base/exit_codes.h"

namespace audex {

CommandSpec HealthCommand() {
  return {"health", "Check the credentials, identity, region and role Audex would use", false,
          [](CLI::App& health_command) -> CommandRunner {
            auto options = std::make_shared<HealthOptions>();
            CLI::App* health = &health_command;
            health
                ->add_option("--check", options->request.check,
                             "The provider to check (aws, gcp, azure)")
                ->check(CLI::IsMember({"aws", "gcp", "azure"}));
            health->add_option("--role-arn", options->request.role_arn,
                               "Role to report (else AUDEX_ROLE_ARN, config)");
            health->add_option("--region", options->request.region, "AWS region");
            health->add_flag("--json", options->json, "Print JSON");
            return [options](const Invocation& call) { return RunHealth(*options, call.context); };
          }};
}

Result<int> RunHealth(const HealthOptions& options, const CliContext& context) {
  auto report = CheckHealth(options.request, context.world);
  if (!report) return tl::unexpected(report.error());
  if (options.json) {
    context.out << HealthReportJson(*report).dump(2) << '\n';
  } else {
    for (const HealthItem& item : report->items) {
      context.out << fmt::format("{:<17} {} {}\n", item.key, item.ok ? "ok  " : "FAIL",
                                 item.detail);
    }
  }
  return report->healthy() ? kExitOk : kExitCredentials;
}

}  // namespace audex
