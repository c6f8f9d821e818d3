// The audit report of this machine's own log (core/audit/audit_report.h):
// the log read and verified, the session files read, the report built.
// The team server's report comes from its store (docs/team-mode.md) and
// is not built here yet.
#pragma once

#include <optional>
#include <string>

#include "core/audit/audit_report.h"
#include "session/world.h"

namespace audex {

// `since` as --since takes it (ParseSince). kState when the log or the
// session store cannot be read; a broken chain is not an error: the
// report states it.
Result<AuditReport> LocalAuditReport(const World& world, const std::optional<std::string>& since);

}  // namespace audex
