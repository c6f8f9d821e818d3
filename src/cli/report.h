// `tryaudex report [--since 30d] [--format md|csv|json]`: what reviewers
// ask of the audit log — sessions by caller, provider and profile, every
// wildcard grant, deny-list removals, --allow-unknown overrides, failed and
// abandoned sessions, the longest TTLs, the chain's verification and the
// period covered (core/audit/audit_report.h). Exit 0, or 1 when the chain
// is broken (the report says where); --server (the team server's log) is
// not available yet (exit 2).
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace audex {

struct ReportOptions {
  std::optional<std::string> since;   // --since
  std::string format = "md";          // --format
  std::optional<std::string> server;  // --server URL (not yet)
};

// kUsage for --server and an unknown --format.
Result<void> ValidateReportOptions(const ReportOptions& options);

Result<int> RunReport(const ReportOptions& options, const CliContext& context);

}  // namespace audex
