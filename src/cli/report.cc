// `tryaudex report` (report.h).
#include "cli/report.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/command.h"
#include "core/audit/report_render.h"
#include "core/base/exit_codes.h"
#include "session/report.h"

namespace audex {

CommandSpec ReportCommand() {
  return {"report", "Summarise the audit log for reviewers: tryaudex report [--since 30d]", false,
          [](CLI::App& report) -> CommandRunner {
            auto options = std::make_shared<ReportOptions>();
            report.add_option("--since", options->since,
                              "Only events from this long ago (30d, 12h, 2w) or this time on");
            report.add_option("--format", options->format, "md (default), csv or json")
                ->type_name("{md,csv,json}");
            report.add_option("--server", options->server,
                              "The team server's log instead of this machine's (not yet)");
            return [options](const Invocation& call) { return RunReport(*options, call.context); };
          }};
}

Result<void> ValidateReportOptions(const ReportOptions& options) {
  if (options.server) {
    return UsageError(fmt::format(
        "--server {}: report does not read the team server's log yet (`tryaudex server audit "
        "export --to DIR` writes its chain for review); drop --server to report on this "
        "machine's audit log",
        *options.server));
  }
  if (auto format = ParseReportFormat(options.format); !format) {
    return tl::unexpected(format.error());
  }
  return {};
}

Result<int> RunReport(const ReportOptions& options, const CliContext& context) {
  if (auto valid = ValidateReportOptions(options); !valid) return tl::unexpected(valid.error());
  auto report = LocalAuditReport(context.world, options.since);
  if (!report) return tl::unexpected(report.error());
  context.out << RenderReport(*report, *ParseReportFormat(options.format));
  return report->verification.intact ? kExitOk : kExitCheckFailed;
}

}  // namespace audex
