#include "session/serve.h"

#include <fmt/format.h>

#include "adapters/credserver/credential_server.h"
#include "core/audit/audit_event.h"
#include "core/base/crypto.h"
#include "core/credentials/served_credentials.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

constexpr size_t kTokenBytes = 32;

std::string ErrorJson(std::string_view code, std::string_view message) {
  return fmt::format(R"({{"code":"{}","message":"{}"}})", code, message);
}

}  // namespace

Result<ServedChild> ServeCredentials(Session& session, const World& world, const ServePlan& plan,
                                     const Environment& usual) {
  auto random = world.random(kTokenBytes);
  if (!random) return tl::unexpected(random.error());
  SecretString token(HexEncode(*random));

  auto schedule = std::make_shared<ServeSchedule>();
  schedule->started = session.issued_at();
  schedule->max_duration = plan.max_duration;
  schedule->refresh_after = plan.refresh_after;
  auto refused_noted = std::make_shared<bool>(false);

  // Runs on the server's thread, one fetch at a time.
  auto respond = [&session, &world, schedule, refused_noted]() -> CredentialReply {
    const auto now = world.clock();
    AwsCredentials current = session.CurrentCredentials();
    switch (DecideServe(*schedule, current, session.issued_at(), now)) {
      case ServeAction::kRefuse: {
        const std::string reason =
            fmt::format("--max-duration {} reached; the endpoint no longer hands out credentials",
                        FormatTtl(schedule->max_duration));
        if (!*refused_noted) {
          *refused_noted = true;
          if (auto noted = session.Note(
                  [&](const SessionRecord& record) { return ServeRefusedEvent(record, reason); });
              !noted) {
            world.notify(NoticeLevel::kError, noted.error().message);
          }
          world.notify(NoticeLevel::kInfo, reason);
        }
        return {410, ErrorJson("MaxDurationReached", reason)};
      }
      case ServeAction::kRefresh: {
        auto refreshed = session.Refresh(RefreshDuration(*schedule, session.plan().ttl, now));
        if (!refreshed) {
          // The old credentials may still be good for a while: keep serving
          // them and say why they were not renewed.
          world.Warn("credentials not renewed: " + refreshed.error().message);
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
  std::shared_ptr<CredentialServer> endpoint = std::move(*server);
  if (auto noted = session.Note([&](const SessionRecord& record) {
        return ServeStartedEvent(record, endpoint->url(), schedule->max_duration.count());
      });
      !noted) {
    return tl::unexpected(noted.error());
  }
  return ServedChild{ServedChildEnvironment(usual, endpoint->url(), token), endpoint};
}

}  // namespace audex
