// AuditReport: what reviewers ask of the audit log, computed from its
// parsed lines and the session files — sessions by caller (agent),
// provider and profile; every wildcard grant, `*` ones marked; deny-list
// removals; --allow-unknown overrides; failed and abandoned sessions; the
// longest TTLs; the chain's verification and the period covered. Pure
// aggregation: the caller reads and verifies the files; renderers
// (report_render.h) turn the value into Markdown, CSV or JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_event.h"
#include "core/audit/session_record.h"
#include "core/base/result.h"

namespace audex {

// The chain check's result, as the report states it.
struct ChainVerdict {
  bool intact = false;
  uint64_t events = 0;  // verified events (before the break, when broken)
  size_t break_line = 0;
  std::string problem;
};

struct ReportInput {
  std::string source;            // "audit log /home/u/.local/state/audex/audit.jsonl"
  std::vector<AuditLine> lines;  // the log's lines that parse, in order
  size_t damaged_lines = 0;      // lines that did not parse (not counted otherwise)
  std::vector<SessionRecord> records;
  std::optional<TimePoint> since;  // --since: events before it are left out
  TimePoint now;
  ChainVerdict verification;
};

struct CountRow {
  std::string name;
  size_t sessions = 0;
};

// One row of a per-session list: the session, when its session_created was
// written, who ran it, and what the row is about.
struct SessionItem {
  std::string session_id;
  std::string time;  // RFC 3339, from the audit line
  std::string caller;
  std::string provider;
  std::string profile;  // "" when none
  std::string subject;  // the action, the reason, the expiry, ...
  int64_t ttl_seconds = 0;
  bool everything = false;  // a wildcard grant of every action ("*", "*:*", unscoped)
};

inline constexpr size_t kLongestTtlRows = 10;

struct AuditReport {
  std::string source;
  TimePoint generated;
  std::optional<TimePoint> since;
  std::optional<std::string> first_event;  // the covered period: first and last
  std::optional<std::string> last_event;   // event in range (RFC 3339)
  ChainVerdict verification;
  size_t events = 0;    // events in range
  size_t sessions = 0;  // sessions created in range
  size_t damaged_lines = 0;
  size_t replays = 0;
  size_t tagged_sessions = 0;       // --tag-session
  size_t open_sessions = 0;         // not ended and not yet expired
  std::vector<CountRow> by_caller;  // most sessions first, then by name
  std::vector<CountRow> by_provider;
  std::vector<CountRow> by_profile;  // "(none)" for sessions without a profile
  std::vector<SessionItem> wildcard_grants;
  std::vector<SessionItem> deny_removals;
  std::vector<SessionItem> unknown_overrides;
  std::vector<SessionItem> failed;        // subject: the reason
  std::vector<SessionItem> abandoned;     // subject: when it expired
  std::vector<SessionItem> longest_ttls;  // at most kLongestTtlRows, longest first
};

// The caller a session is counted under: its agent id (AUDEX_AGENT_ID, an
// MCP client's name), else "local user".
inline constexpr std::string_view kLocalCaller = "local user";

// Sessions are those whose session_created is in range; a session is
// failed with credentials_failed, abandoned when it has neither that nor
// session_ended, ran a command, and has expired by `now` (a
// credential-process session has no end by design). Records fill in what
// older lines lack (the command).
AuditReport BuildAuditReport(const ReportInput& input);

// --since: "30d", "12h", "2w", "90m" before `now`, or an RFC 3339 time, or
// a date (YYYY-MM-DD, midnight UTC). kUsage otherwise.
Result<TimePoint> ParseSince(std::string_view text, TimePoint now);

}  // namespace audex
