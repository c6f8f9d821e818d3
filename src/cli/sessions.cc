// `tryaudex sessions list|show` (sessions.h).
#include "cli/sessions.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/store/session_store.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The command as a user would type it again: arguments with spaces or
// shell characters in single quotes.
std::string CommandLine(const std::vector<std::string>& command) {
  std::vector<std::string> words;
  for (const std::string& arg : command) {
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-_./:=@%+,") == std::string::npos;
    if (plain) {
      words.push_back(arg);
      continue;
    }
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    words.push_back(quoted + "'");
  }
  return Join(words, " ");
}

// A session with no command of its own is one `tryaudex credential-process`
// started for an AWS profile (the only face that runs none).
std::string ShownCommand(const SessionRecord& record) {
  return record.command.empty() ? "(credential-process: no command)" : CommandLine(record.command);
}

// A failed session's RESULT: the cloud's error code when the cloud refused
// ("refused (MalformedPolicyDocument)": the failure reads "... failed with
// CODE (...): advice", sts_errors.cc), else "no credentials"; `sessions
// show` has the whole reason.
std::string FailureOutcome(const SessionRecord& record) {
  constexpr std::string_view kRefused = " failed with ";
  const std::string_view failure = record.failure ? *record.failure : std::string_view();
  const size_t at = failure.find(kRefused);
  if (at == std::string_view::npos) return "no credentials";
  std::string_view code = failure.substr(at + kRefused.size());
  code = code.substr(0, code.find_first_of(" :("));
  return code.empty() ? "no credentials" : fmt::format("refused ({})", code);
}

std::string Outcome(const SessionRecord& record) {
  if (record.exit_code) return fmt::format("exit {}", *record.exit_code);
  if (record.signal) return fmt::format("signal {}", *record.signal);
  if (record.status == SessionStatus::kFailed) return FailureOutcome(record);
  return "-";
}

// "12m left", "expired 3h ago": how far `expires` is from now, roughly.
std::string Remaining(TimePoint expires, TimePoint now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
      expires > now ? expires - now : now - expires);
  const std::string span = seconds.count() == 0 ? "0s" : FormatTtl(seconds);
  return expires > now ? span + " left" : "expired " + span + " ago";
}

Result<int> List(const SessionsOptions& options, const CliContext& context,
                 const SessionStore& store, TimePoint now) {
  auto listing = store.List();
  if (!listing) return tl::unexpected(listing.error());
  for (const std::string& warning : listing->warnings) {
    context.err << "tryaudex: warning: " << EscapeControl(warning) << '\n';
  }
  std::vector<const SessionRecord*> shown;
  for (const SessionRecord& record : listing->sessions) {
    if (options.all || StateAt(record, now, context.world.running) == SessionState::kActive)
      shown.push_back(&record);
  }
  if (options.json) {
    OrderedJson list = OrderedJson::array();
    for (const SessionRecord* record : shown)
      list.push_back(SessionStateJson(*record, now, context.world.running));
    context.out << list.dump(2) << '\n';
    return kExitOk;
  }
  if (shown.empty()) {
    context.out << (options.all ? "No sessions recorded yet.\n"
                                : "No active sessions; tryaudex sessions list --all shows ended, "
                                  "failed, expired and abandoned ones.\n");
    return kExitOk;
  }
  context.out << fmt::format("{:<16}  {:<9}  {:<20}  {:<20}  {:<14}  {}\n", "ID", "STATE",
                             "CREATED", "EXPIRES", "RESULT", "COMMAND");
  for (const SessionRecord* record : shown) {
    context.out << fmt::format("{:<16}  {:<9}  {:<20}  {:<20}  {:<14}  {}\n", record->id,
                               SessionStateName(StateAt(*record, now, context.world.running)),
                               FormatRfc3339(record->created), FormatRfc3339(record->expires),
                               Outcome(*record), ShownCommand(*record));
  }
  return kExitOk;
}

Result<int> Show(const SessionsOptions& options, const CliContext& context,
                 const SessionStore& store, TimePoint now) {
  auto loaded = store.Load(options.id);
  if (!loaded) return tl::unexpected(loaded.error());
  const SessionRecord& record = *loaded;
  if (options.json) {
    context.out << SessionStateJson(record, now, context.world.running).dump(2) << '\n';
    return kExitOk;
  }
  const SessionState state = StateAt(record, now, context.world.running);
  std::ostream& out = context.out;
  const auto line = [&out](std::string_view label, const std::string& value) {
    out << fmt::format("{:<15} {}\n", std::string(label) + ":", value);
  };
  line("Session", record.id);
  line("State", state == SessionState::kActive
                    ? fmt::format("active ({})", Remaining(record.expires, now))
                    : std::string(SessionStateName(state)));
  line("Created", FormatRfc3339(record.created));
  line("Expires", FormatRfc3339(record.expires));
  if (record.ended) line("Ended", FormatRfc3339(*record.ended));
  line("TTL", FormatTtl(record.ttl));
  line("Provider", std::string(ProviderName(record.provider)));
  if (record.profile) line("Profile", *record.profile);
  if (!record.role.empty()) line("Role", record.role);
  if (!record.requested_actions.empty()) line("Requested", Join(record.requested_actions, ","));
  line("Actions", Join(record.actions, ","));
  line("Resources", record.resources.empty() ? "* (every resource)" : Join(record.resources, ","));
  line("Command", ShownCommand(record));
  if (record.access_key_id) line("Access key id", *record.access_key_id);
  if (record.token_prefix) line("Token prefix", *record.token_prefix + "...");
  if (record.agent_id) line("Agent", *record.agent_id);
  if (record.exit_code) line("Exit code", std::to_string(*record.exit_code));
  if (record.signal) line("Signal", std::to_string(*record.signal));
  if (record.failure) line("Failure", *record.failure);
  if (record.policy) out << fmt::format("Session policy:\n{}\n", *record.policy);
  return kExitOk;
}

}  // namespace

CommandSpec SessionsCommand() {
  return {"sessions", "List, show and revoke recorded sessions", false,
          [](CLI::App& sessions_command) -> CommandRunner {
            auto options = std::make_shared<SessionsOptions>();
            CLI::App* sessions = &sessions_command;
            sessions->require_subcommand(1);
            CLI::App* list = sessions->add_subcommand("list", "List sessions, newest first");
            list->add_flag("--all", options->all, "Ended, failed and expired sessions too");
            list->add_flag("--json", options->json, "Print JSON");
            list->callback([options] { options->subcommand = "list"; });
            CLI::App* show = sessions->add_subcommand("show", "Show one session");
            show->add_option("id", options->id, "Session id, or its unique beginning")->required();
            show->add_flag("--json", options->json, "Print JSON");
            show->callback([options] { options->subcommand = "show"; });
            CLI::App* revoke = sessions->add_subcommand(
                "revoke",
                "Deny a run session's credentials on its role (IAM inline policy "
                "AudexRevocations), with your base credentials");
            revoke->add_option("id", options->id, "Session id, or its unique beginning");
            revoke->add_option("--reason", options->reason, "Why (recorded in the audit log)");
            revoke->add_flag("--prune", options->prune,
                             "Only remove the Denies whose sessions have all expired");
            revoke->add_flag("--json", options->json, "Print JSON");
            revoke->callback([options] { options->subcommand = "revoke"; });
            return
                [options](const Invocation& call) { return RunSessions(*options, call.context); };
          }};
}

Result<int> RunSessions(const SessionsOptions& options, const CliContext& context) {
  const SessionStore store(context.paths.state_dir);
  const TimePoint now = std::chrono::system_clock::now();
  if (options.subcommand == "show") return Show(options, context, store, now);
  if (options.subcommand == "revoke") return RevokeSessions(options, context);
  return List(options, context, store, now);
}

}  // namespace audex
