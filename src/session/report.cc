#include "session/report.h"

#include <fmt/format.h>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "core/audit/audit_chain.h"

namespace audex {

Result<AuditReport> LocalAuditReport(const World& world, const std::optional<std::string>& since) {
  ReportInput input;
  input.now = world.clock();
  if (since) {
    auto parsed = ParseSince(*since, input.now);
    if (!parsed) return tl::unexpected(parsed.error());
    input.since = *parsed;
  }
  const AuditLog log(world.paths.state_dir, world.clock);
  input.source = fmt::format("audit log {}", log.LogPath().string());
  auto files = log.Read();
  if (!files) return tl::unexpected(files.error());
  for (NumberedLine& numbered : ParseAuditLog(files->log.value_or(""))) {
    if (numbered.line) {
      input.lines.push_back(std::move(*numbered.line));
    } else {
      ++input.damaged_lines;
    }
  }
  if (const auto verdict = VerifyAuditChain(*files)) {
    input.verification = {true, *verdict, 0, ""};
  } else {
    input.verification = {false, verdict.error().intact_events, verdict.error().line,
                          verdict.error().problem};
  }
  const SessionStore store(world.paths.state_dir);
  auto listing = store.List();
  if (!listing) return tl::unexpected(listing.error());
  for (const std::string& warning : listing->warnings) world.Warn(warning);
  input.records = std::move(listing->sessions);
  return BuildAuditReport(input);
}

}  // namespace audex
