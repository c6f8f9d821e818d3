// The audit report (audit_report.h) as text for people and files for
// evidence folders: Markdown, CSV (RFC 4180, one table with a section
// column) and JSON. The CLI prints them; a dashboard can serve the same.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/audit/audit_report.h"
#include "core/base/result.h"

namespace audex {

enum class ReportFormat { kMarkdown, kCsv, kJson };

// "md" (or "markdown"), "csv", "json"; kUsage otherwise.
Result<ReportFormat> ParseReportFormat(std::string_view text);

std::string RenderReportMarkdown(const AuditReport& report);

// Columns: section, session_id, time, caller, provider, profile, subject,
// value. Sections: summary (subject = the figure), sessions_by_caller,
// sessions_by_provider, sessions_by_profile (subject = the name, value = the
// count), wildcard_grant (value = "everything" or ""), deny_list_removal,
// allow_unknown, failed (subject = the reason), abandoned (subject = when
// it expired), longest_ttl (value = seconds).
std::string RenderReportCsv(const AuditReport& report);

nlohmann::ordered_json ReportJson(const AuditReport& report);

// The report in `format`, ending in a newline.
std::string RenderReport(const AuditReport& report, ReportFormat format);

}  // namespace audex
