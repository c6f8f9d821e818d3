#include "core/audit/report_render.h"

#include <fmt/format.h>

#include "core/base/rfc3339.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string Period(const AuditReport& report) {
  if (!report.first_event) return "no events";
  return fmt::format("{} to {}", *report.first_event, *report.last_event);
}

std::string Verdict(const ChainVerdict& verdict) {
  if (verdict.intact) return fmt::format("intact ({} events)", verdict.events);
  if (verdict.break_line == 0) return fmt::format("BROKEN: {}", verdict.problem);
  return fmt::format("BROKEN at line {}: {} ({} events intact before it)", verdict.break_line,
                     verdict.problem, verdict.events);
}

std::string Ttl(int64_t seconds) {
  return seconds > 0 ? FormatTtl(std::chrono::seconds(seconds)) : std::string("0s");
}

// A Markdown table cell: pipes escaped, one line.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? "-" : out;
}

void CountTable(std::string& out, const char* title, const char* what,
                const std::vector<CountRow>& rows) {
  out += fmt::format("\n## {}\n\n", title);
  if (rows.empty()) {
    out += "None.\n";
    return;
  }
  out += fmt::format("| {} | sessions |\n|---|---:|\n", what);
  for (const CountRow& row : rows)
    out += fmt::format("| {} | {} |\n", Cell(row.name), row.sessions);
}

void ItemTable(std::string& out, const char* title, const char* subject,
               const std::vector<SessionItem>& items, const char* none) {
  out += fmt::format("\n## {} ({})\n\n", title, items.size());
  if (items.empty()) {
    out += fmt::format("{}\n", none);
    return;
  }
  out += fmt::format("| session | time | caller | provider | profile | {} |\n", subject);
  out += "|---|---|---|---|---|---|\n";
  for (const SessionItem& item : items) {
    out += fmt::format("| {} | {} | {} | {} | {} | {}{} |\n", item.session_id, item.time,
                       Cell(item.caller), Cell(item.provider), Cell(item.profile),
                       Cell(item.subject), item.everything ? " **(every action)**" : "");
  }
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(std::initializer_list<std::string_view> fields) {
  std::string row;
  bool first = true;
  for (std::string_view field : fields) {
    if (!first) row += ',';
    row += CsvField(field);
    first = false;
  }
  return row + "\r\n";
}

OrderedJson ItemsJson(const std::vector<SessionItem>& items, const char* subject) {
  OrderedJson list = OrderedJson::array();
  for (const SessionItem& item : items) {
    OrderedJson row = {
        {"session_id", item.session_id},
        {"time", item.time},
        {"caller", item.caller},
        {"provider", item.provider},
        {"profile", item.profile.empty() ? OrderedJson() : OrderedJson(item.profile)},
        {subject, item.subject}};
    list.push_back(std::move(row));
  }
  return list;
}

OrderedJson CountsJson(const std::vector<CountRow>& rows) {
  OrderedJson object = OrderedJson::object();
  for (const CountRow& row : rows) object[row.name] = row.sessions;
  return object;
}

}  // namespace

Result<ReportFormat> ParseReportFormat(std::string_view text) {
  if (text == "md" || text == "markdown") return ReportFormat::kMarkdown;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "json") return ReportFormat::kJson;
  return UsageError(fmt::format("--format \"{}\": use md, csv or json", text));
}

std::string RenderReportMarkdown(const AuditReport& report) {
  std::string out = "# Audex audit report\n\n";
  out += fmt::format("- Source: {}\n", report.source);
  out += fmt::format("- Generated: {}\n", FormatRfc3339(report.generated));
  out += fmt::format("- Since: {}\n",
                     report.since ? FormatRfc3339(*report.since) : std::string("the beginning"));
  out += fmt::format("- Covered period: {}\n", Period(report));
  out += fmt::format("- Audit chain: {}\n", Verdict(report.verification));
  if (report.damaged_lines > 0) {
    out += fmt::format("- Damaged lines left out: {}\n", report.damaged_lines);
  }
  out += fmt::format(
      "- Events: {}; sessions: {} ({} failed, {} abandoned, {} still open, {} replays, {} with "
      "--tag-session)\n",
      report.events, report.sessions, report.failed.size(), report.abandoned.size(),
      report.open_sessions, report.replays, report.tagged_sessions);
  CountTable(out, "Sessions by caller", "caller", report.by_caller);
  CountTable(out, "Sessions by provider", "provider", report.by_provider);
  CountTable(out, "Sessions by profile", "profile", report.by_profile);
  ItemTable(out, "Wildcard grants", "action", report.wildcard_grants, "No wildcard was granted.");
  ItemTable(out, "Deny-list removals", "action", report.deny_removals,
            "The deny list removed nothing.");
  ItemTable(out, "--allow-unknown overrides", "action", report.unknown_overrides,
            "No action outside the catalog was sent.");
  ItemTable(out, "Failed sessions", "reason", report.failed, "None.");
  ItemTable(out, "Abandoned sessions (no recorded end, expired)", "expired", report.abandoned,
            "None.");
  out += fmt::format("\n## Longest TTLs\n\n");
  if (report.longest_ttls.empty()) {
    out += "None.\n";
  } else {
    out += "| session | time | caller | provider | profile | TTL |\n";
    out += "|---|---|---|---|---|---:|\n";
    for (const SessionItem& item : report.longest_ttls) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", item.session_id, item.time,
                         Cell(item.caller), Cell(item.provider), Cell(item.profile),
                         Ttl(item.ttl_seconds));
    }
  }
  return out;
}

std::string RenderReportCsv(const AuditReport& report) {
  std::string out = CsvRow(
      {"section", "session_id", "time", "caller", "provider", "profile", "subject", "value"});
  const auto summary = [&](std::string_view subject, const std::string& value) {
    out += CsvRow({"summary", "", "", "", "", "", subject, value});
  };
  summary("source", report.source);
  summary("generated", FormatRfc3339(report.generated));
  summary("since", report.since ? FormatRfc3339(*report.since) : std::string());
  summary("first_event", report.first_event.value_or(""));
  summary("last_event", report.last_event.value_or(""));
  summary("chain", Verdict(report.verification));
  summary("events", std::to_string(report.events));
  summary("sessions", std::to_string(report.sessions));
  summary("open_sessions", std::to_string(report.open_sessions));
  summary("replays", std::to_string(report.replays));
  summary("tagged_sessions", std::to_string(report.tagged_sessions));
  summary("damaged_lines", std::to_string(report.damaged_lines));
  for (const auto& [section, rows] : {std::pair<const char*, const std::vector<CountRow>*>{
                                          "sessions_by_caller", &report.by_caller},
                                      {"sessions_by_provider", &report.by_provider},
                                      {"sessions_by_profile", &report.by_profile}}) {
    for (const CountRow& row : *rows) {
      out += CsvRow({section, "", "", "", "", "", row.name, std::to_string(row.sessions)});
    }
  }
  const auto items = [&](const char* section, const std::vector<SessionItem>& list,
                         bool ttl_value) {
    for (const SessionItem& item : list) {
      const std::string value = ttl_value         ? std::to_string(item.ttl_seconds)
                                : item.everything ? std::string("everything")
                                                  : std::string();
      out += CsvRow({section, item.session_id, item.time, item.caller, item.provider, item.profile,
                     item.subject, value});
    }
  };
  items("wildcard_grant", report.wildcard_grants, false);
  items("deny_list_removal", report.deny_removals, false);
  items("allow_unknown", report.unknown_overrides, false);
  items("failed", report.failed, false);
  items("abandoned", report.abandoned, false);
  items("longest_ttl", report.longest_ttls, true);
  return out;
}

nlohmann::ordered_json ReportJson(const AuditReport& report) {
  OrderedJson json;
  json["source"] = report.source;
  json["generated"] = FormatRfc3339(report.generated);
  json["since"] = report.since ? OrderedJson(FormatRfc3339(*report.since)) : OrderedJson();
  json["period"] = {
      {"first_event", report.first_event ? OrderedJson(*report.first_event) : OrderedJson()},
      {"last_event", report.last_event ? OrderedJson(*report.last_event) : OrderedJson()}};
  OrderedJson chain = {{"intact", report.verification.intact},
                       {"events", report.verification.events}};
  if (!report.verification.intact) {
    chain["break_line"] = report.verification.break_line;
    chain["problem"] = report.verification.problem;
  }
  json["chain"] = std::move(chain);
  json["events"] = report.events;
  json["sessions"] = report.sessions;
  json["open_sessions"] = report.open_sessions;
  json["replays"] = report.replays;
  json["tagged_sessions"] = report.tagged_sessions;
  json["damaged_lines"] = report.damaged_lines;
  json["sessions_by_caller"] = CountsJson(report.by_caller);
  json["sessions_by_provider"] = CountsJson(report.by_provider);
  json["sessions_by_profile"] = CountsJson(report.by_profile);
  OrderedJson grants = ItemsJson(report.wildcard_grants, "action");
  for (size_t i = 0; i < report.wildcard_grants.size(); ++i) {
    grants[i]["everything"] = report.wildcard_grants[i].everything;
  }
  json["wildcard_grants"] = std::move(grants);
  json["deny_list_removals"] = ItemsJson(report.deny_removals, "action");
  json["allow_unknown"] = ItemsJson(report.unknown_overrides, "action");
  json["failed"] = ItemsJson(report.failed, "reason");
  json["abandoned"] = ItemsJson(report.abandoned, "expired");
  OrderedJson ttls = ItemsJson(report.longest_ttls, "subject");
  for (size_t i = 0; i < report.longest_ttls.size(); ++i) {
    ttls[i].erase("subject");
    ttls[i]["ttl_seconds"] = report.longest_ttls[i].ttl_seconds;
  }
  json["longest_ttls"] = std::move(ttls);
  return json;
}

std::string RenderReport(const AuditReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return RenderReportMarkdown(report);
    case ReportFormat::kCsv:
      return RenderReportCsv(report);
    case ReportFormat::kJson:
      return ReportJson(report).dump(2) + "\n";
  }
  return "";
}

}  // namespace audex
