// `tryaudex audit verify|show` (audit.h).
#include "cli/audit.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "adapters/store/audit_log.h"
#include "core/audit/audit_chain.h"
#include "core/audit/session_id.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string Where(const ChainBreak& broken, const AuditLog& log) {
  if (broken.line == 0) return log.LogPath().parent_path().string();
  return fmt::format("line {} of {}", broken.line, log.LogPath().string());
}

Result<int> Verify(const CliContext& context, const AuditLog& log) {
  auto files = log.Read();
  if (!files) return tl::unexpected(files.error());
  const auto verdict = VerifyAuditChain(*files);
  if (verdict) {
    context.out << fmt::format("OK: {} event{}, chain intact\n", *verdict,
                               *verdict == 1 ? "" : "s");
    return kExitOk;
  }
  const ChainBreak& broken = verdict.error();
  context.out << fmt::format("BROKEN: {}: {}", Where(broken, log), broken.problem);
  if (broken.intact_events > 0) {
    context.out << (broken.intact_events == 1 ? std::string(" (line 1 before it is intact)")
                                              : fmt::format(" (lines 1 to {} before it are intact)",
                                                            broken.intact_events));
  }
  context.out << '\n';
  context.err << fmt::format(
      "tryaudex: note: keep {} as evidence; to start a new log, move audit.jsonl, audit.head and "
      "audit.key aside together (docs/audit-log-format.md, \"Starting over\")\n",
      log.LogPath().string());
  return kExitCheckFailed;
}

// A field's value for the text listing: strings bare, the rest as JSON.
std::string FieldText(const std::string& name, const nlohmann::json& value) {
  if (name == "policy" && value.is_string()) {
    return fmt::format("({} characters; --json shows it)",
                       value.get_ref<const std::string&>().size());
  }
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The events whose session id is `wanted` or, failing that, starts with it;
// it must pick out one session.
Result<std::string> ResolveSession(const std::vector<NumberedLine>& lines,
                                   const std::string& wanted) {
  if (!IsSessionIdPrefix(wanted)) {
    return UsageError(
        fmt::format("--session \"{}\" is not a session id; tryaudex sessions list "
                    "--all shows them",
                    wanted));
  }
  const std::string prefix = ToLower(wanted);
  std::set<std::string> matches;
  for (const NumberedLine& numbered : lines) {
    if (!numbered.line) continue;
    const std::string& id = numbered.line->event.session_id;
    if (id == prefix) return id;
    if (id.compare(0, prefix.size(), prefix) == 0) matches.insert(id);
  }
  if (matches.empty()) {
    return UsageError(fmt::format(
        "no audit events for session \"{}\"; tryaudex sessions list --all shows the sessions",
        wanted));
  }
  if (matches.size() > 1) {
    return UsageError(
        fmt::format("--session \"{}\" is the beginning of {} sessions ({}); type "
                    "more of the id",
                    wanted, matches.size(), Join({matches.begin(), matches.end()}, ", ")));
  }
  return *matches.begin();
}

Result<int> Show(const AuditOptions& options, const CliContext& context, const AuditLog& log) {
  auto files = log.Read();
  if (!files) return tl::unexpected(files.error());
  const std::vector<NumberedLine> lines = ParseAuditLog(files->log.value_or(""));
  std::optional<std::string> session;
  if (options.session) {
    auto resolved = ResolveSession(lines, *options.session);
    if (!resolved) return tl::unexpected(resolved.error());
    session = *resolved;
  }
  OrderedJson list = OrderedJson::array();
  for (const NumberedLine& numbered : lines) {
    if (!numbered.line) {
      context.err << fmt::format("tryaudex: warning: line {} of {} is damaged ({})\n",
                                 numbered.number, log.LogPath().string(),
                                 EscapeControl(numbered.line.error().message));
      continue;
    }
    const AuditLine& line = *numbered.line;
    if (session && line.event.session_id != *session) continue;
    if (options.json) {
      list.push_back({{"seq", line.seq},
                      {"ts", line.event.ts},
                      {"session_id", line.event.session_id},
                      {"event", line.event.name},
                      {"fields", line.event.fields},
                      {"prev", line.prev},
                      {"mac", line.mac}});
      continue;
    }
    std::vector<std::string> fields;
    for (const auto& [name, value] : line.event.fields.items()) {
      fields.push_back(fmt::format("{}={}", name, FieldText(name, value)));
    }
    context.out << fmt::format("{:>6}  {}  {}  {:<18}  {}\n", line.seq, line.event.ts,
                               line.event.session_id, line.event.name, Join(fields, " "));
  }
  if (options.json) {
    context.out << list.dump(2) << '\n';
  } else if (lines.empty()) {
    context.out << "No audit events recorded yet.\n";
  }
  // Showing is not verifying, but a reader should not take a broken log at
  // its word.
  if (const auto verdict = VerifyAuditChain(*files); !verdict) {
    context.err << fmt::format(
        "tryaudex: warning: the audit chain is broken at {}: {}; tryaudex audit verify checks it\n",
        Where(verdict.error(), log), verdict.error().problem);
  }
  return kExitOk;
}

}  // namespace

CommandSpec AuditCommand() {
  return {"audit", "Check and print the tamper-evident audit log", false,
          [](CLI::App& audit_command) -> CommandRunner {
            auto options = std::make_shared<AuditOptions>();
            CLI::App* audit = &audit_command;
            audit->require_subcommand(1);
            CLI::App* verify = audit->add_subcommand(
                "verify", "Check the HMAC chain: exit 0 if intact, 1 naming the first bad line");
            verify->callback([options] { options->subcommand = "verify"; });
            CLI::App* show = audit->add_subcommand("show", "Print the audit events, oldest first");
            show->add_option("--session", options->session,
                             "Only this session's events (id or prefix)");
            show->add_flag("--json", options->json, "Print JSON");
            show->callback([options] { options->subcommand = "show"; });
            return [options](const Invocation& call) { return RunAudit(*options, call.context); };
          }};
}

Result<int> RunAudit(const AuditOptions& options, const CliContext& context) {
  const AuditLog log(context.paths.state_dir);
  if (options.subcommand == "show") return Show(options, context, log);
  return Verify(context, log);
}

}  // namespace audex
