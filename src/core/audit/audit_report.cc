#include "core/audit/audit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using Json = nlohmann::json;

std::string StringField(const Json& fields, const char* name) {
  const auto it = fields.find(name);
  return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> StringsField(const Json& fields, const char* name) {
  std::vector<std::string> items;
  const auto it = fields.find(name);
  if (it == fields.end() || !it->is_array()) return items;
  for (const Json& item : *it) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return items;
}

std::vector<CountRow> Ranked(const std::map<std::string, size_t>& counts) {
  std::vector<CountRow> rows;
  for (const auto& [name, count] : counts) rows.push_back({name, count});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const CountRow& a, const CountRow& b) { return a.sessions > b.sessions; });
  return rows;
}

bool IsWildcard(std::string_view action) {
  return action.find_first_of("*?") != std::string_view::npos;
}

// What a session_created line says about its session.
struct Created {
  const AuditLine* line = nullptr;
  SessionItem item;
  std::optional<TimePoint> expires;
  bool has_command = false;
  bool ended = false;
  bool failed = false;
};

}  // namespace

AuditReport BuildAuditReport(const ReportInput& input) {
  AuditReport report;
  report.source = input.source;
  report.generated = input.now;
  report.since = input.since;
  report.verification = input.verification;
  report.damaged_lines = input.damaged_lines;
  std::map<std::string, const SessionRecord*> records;
  for (const SessionRecord& record : input.records) records[record.id] = &record;

  std::map<std::string, Created> sessions;
  std::vector<std::string> order;  // sessions in the order they were created
  std::map<std::string, size_t> by_caller, by_provider, by_profile;
  for (const AuditLine& line : input.lines) {
    const AuditEvent& event = line.event;
    if (input.since) {
      const auto ts = ParseRfc3339(event.ts);
      if (!ts || *ts < *input.since) continue;
    }
    ++report.events;
    if (!report.first_event) report.first_event = event.ts;
    report.last_event = event.ts;
    const Json& fields = event.fields;
    if (event.name == kSessionCreated) {
      Created created;
      created.line = &line;
      SessionItem& item = created.item;
      item.session_id = event.session_id;
      item.time = event.ts;
      item.caller = StringField(fields, "agent_id");
      if (item.caller.empty()) item.caller = std::string(kLocalCaller);
      item.provider = StringField(fields, "provider");
      item.profile = StringField(fields, "profile");
      if (const auto ttl = fields.find("ttl_seconds"); ttl != fields.end() && ttl->is_number()) {
        item.ttl_seconds = ttl->get<int64_t>();
      }
      created.expires = ParseRfc3339(StringField(fields, "expires"));
      std::vector<std::string> command = StringsField(fields, "command");
      if (command.empty()) {
        if (const auto record = records.find(event.session_id); record != records.end()) {
          command = record->second->command;
        }
      }
      created.has_command = !command.empty();
      sessions[event.session_id] = created;
      order.push_back(event.session_id);
      ++report.sessions;
      ++by_caller[item.caller];
      ++by_provider[item.provider];
      ++by_profile[item.profile.empty() ? "(none)" : item.profile];
      if (fields.contains("replay_of")) ++report.replays;
      if (fields.contains("session_tag")) ++report.tagged_sessions;
      const std::vector<std::string> actions = StringsField(fields, "actions");
      const auto with = [&item](std::string subject, bool everything = false) {
        SessionItem row = item;
        row.subject = std::move(subject);
        row.everything = everything;
        return row;
      };
      // No actions and no profile: an unscoped session (learn without
      // --allow), bounded only by the role and the deny list.
      if (actions.empty() && item.profile.empty() && item.provider == "aws") {
        report.wildcard_grants.push_back(with("* (unscoped: every action the role allows)", true));
      }
      for (const std::string& action : actions) {
        if (IsWildcard(action))
          report.wildcard_grants.push_back(with(action, action == "*" || action == "*:*"));
      }
      for (const std::string& action : StringsField(fields, "denied")) {
        report.deny_removals.push_back(with(action));
      }
      for (const std::string& action : StringsField(fields, "allow_unknown")) {
        report.unknown_overrides.push_back(with(action));
      }
    } else if (event.name == kSessionEnded) {
      if (auto it = sessions.find(event.session_id); it != sessions.end()) it->second.ended = true;
    } else if (event.name == kCredentialsFailed) {
      if (auto it = sessions.find(event.session_id); it != sessions.end()) {
        it->second.failed = true;
        SessionItem row = it->second.item;
        row.subject = StringField(fields, "reason");
        report.failed.push_back(std::move(row));
      }
    } else if (event.name == kCredentialsIssued || event.name == kCredentialsRefreshed ||
               event.name == kCredentialsCacheHit || event.name == kCredentialsScoped) {
      // The credentials' own expiry is the session's real end.
      if (auto it = sessions.find(event.session_id); it != sessions.end()) {
        if (const auto expires = ParseRfc3339(StringField(fields, "expires"))) {
          it->second.expires = expires;
        }
      }
    }
  }
  for (const std::string& id : order) {
    const Created& created = sessions[id];
    if (created.ended || created.failed || !created.has_command) continue;
    if (created.expires && *created.expires > input.now) {
      ++report.open_sessions;
      continue;
    }
    SessionItem row = created.item;
    row.subject = created.expires ? FormatRfc3339(*created.expires) : std::string("unknown");
    report.abandoned.push_back(std::move(row));
  }
  std::vector<SessionItem> ttls;
  for (const std::string& id : order) ttls.push_back(sessions[id].item);
  std::stable_sort(ttls.begin(), ttls.end(), [](const SessionItem& a, const SessionItem& b) {
    return a.ttl_seconds > b.ttl_seconds;
  });
  if (ttls.size() > kLongestTtlRows) ttls.resize(kLongestTtlRows);
  report.longest_ttls = std::move(ttls);
  report.by_caller = Ranked(by_caller);
  report.by_provider = Ranked(by_provider);
  report.by_profile = Ranked(by_profile);
  return report;
}

Result<TimePoint> ParseSince(std::string_view text, TimePoint now) {
  const auto fail = [&] {
    return UsageError(fmt::format(
        "--since \"{}\": give a span before now (30d, 12h, 2w, 90m) or a time (2026-05-01, "
        "2026-05-01T12:00:00Z)",
        text));
  };
  if (text.empty()) return fail();
  if (const auto time = ParseRfc3339(text)) return *time;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    if (const auto day = ParseRfc3339(std::string(text) + "T00:00:00Z")) return *day;
    return fail();
  }
  long long count = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [at, ec] = std::from_chars(text.data(), end, count);
  if (ec != std::errc() || at != end || count <= 0 || count > 100000) return fail();
  using std::chrono::hours;
  using std::chrono::minutes;
  switch (text.back()) {
    case 'm':
      return now - minutes(count);
    case 'h':
      return now - hours(count);
    case 'd':
      return now - hours(24 * count);
    case 'w':
      return now - hours(24 * 7 * count);
    default:
      return fail();
  }
}

}  // namespace audex
