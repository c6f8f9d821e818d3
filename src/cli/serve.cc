#include "cli/serve.h"

#include <fmt/format.h>

#include <charconv>
#include <ostream>

#include "adapters/credserver/credential_server.h"
#include "adapters/store/random_bytes.h"
#include "core/audit_event.h"
#include "core/crypto.h"
#include "core/ttl.h"

namespace audex {
namespace {

constexpr size_t kTokenBytes = 32;

std::string ErrorJson(std::string_view code, std::string_view message) {
  return fmt::format(R"({{"code":"{}","message":"{}"}})", code, message);
}

}  // namespace

Result<ServeSettings> ParseServeSettings(const std::optional<std::string>& max_duration,
                                         const CliContext& context) {
  ServeSettings settings;
  if (max_duration) {
    auto parsed = ParseTtl(*max_duration);
    if (!parsed) return UsageError("--max-duration: " + parsed.error().message);
    settings.max_duration = *parsed;
  }
  if (auto text = context.env("AUDEX_SERVE_REFRESH_SECONDS"); text && !text->empty()) {
    int seconds = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (ec != std::errc() || end != text->data() + text->size() || seconds < 1) {
      return UsageError(fmt::format(
          "AUDEX_SERVE_REFRESH_SECONDS=\"{}\" is not a whole number of seconds above 0; unset it",
          *text));
    }
    settings.refresh_after = std::chrono::seconds(seconds);
  }
  return settings;
}

Result<int> RunChildServed(AwsSession& session, const std::vector<std::string>& command,
                           const ServeSettings& settings, const CliContext& context) {
  auto random = RandomBytes(kTokenBytes);
  if (!random) return tl::unexpected(random.error());
  SecretString token(HexEncode(*random));

  ServeSchedule schedule;
  schedule.started = session.issued_at();
  schedule.max_duration = settings.max_duration;
  schedule.refresh_after = settings.refresh_after;
  bool refused_noted = false;

  // Runs on the server's thread, one fetch at a time.
  auto respond = [&]() -> CredentialReply {
    const auto now = std::chrono::system_clock::now();
    AwsCredentials current = session.CurrentCredentials();
    switch (DecideServe(schedule, current, session.issued_at(), now)) {
      case ServeAction::kRefuse: {
        const std::string reason =
            fmt::format("--max-duration {} reached; the endpoint no longer hands out credentials",
                        FormatTtl(schedule.max_duration));
        if (!refused_noted) {
          refused_noted = true;
          if (auto noted = session.Note(
                  [&](const SessionRecord& record) { return ServeRefusedEvent(record, reason); });
              !noted) {
            context.err << "tryaudex: error: " << noted.error().message << '\n';
          }
          context.err << "tryaudex: " << reason << '\n';
        }
        return {410, ErrorJson("MaxDurationReached", reason)};
      }
      case ServeAction::kRefresh: {
        auto refreshed = session.Refresh(RefreshDuration(schedule, session.ttl(), now));
        if (!refreshed) {
          // The old credentials may still be good for a while: keep serving
          // them and say why they were not renewed.
          context.err << "tryaudex: warning: credentials not renewed: " << refreshed.error().message
                      << '\n';
          if (!current.expiration || *current.expiration <= now) {
            return {503,
                    ErrorJson("RefreshFailed", "credentials expired and could not be renewed")};
          }
          break;
        }
        current = session.CurrentCredentials();
        break;
      }
      case ServeAction::kServe:
        break;
    }
    return {200, ContainerCredentialsJson(current)};
  };

  auto server = CredentialServer::Start(token, respond);
  if (!server) return tl::unexpected(server.error());
  if (auto noted = session.Note([&](const SessionRecord& record) {
        return ServeStartedEvent(record, (*server)->url(), schedule.max_duration.count());
      });
      !noted) {
    return tl::unexpected(noted.error());
  }
  const Environment environment =
      ServedChildEnvironment(session.ChildEnvironment(), (*server)->url(), token);
  // The endpoint stops with the child: RunChild waits for it, and Stop()
  // follows before anything else. session_ended is written in RunChild;
  // a fetch racing it is refused by Refresh() (the session has ended).
  auto status = session.RunChild(command, environment);
  (*server)->Stop();
  return status;
}

}  // namespace audex
