// The UI's browser sessions in the team store (team_store.h, WebSession):
// one row each, keyed by the SHA-256 of the cookie, so every replica finds
// a session another opened, and logout on one ends it on all.
#include <nlohmann/json.hpp>

#include "adapters/teamstore/team_store.h"

namespace audex {
namespace {

constexpr const char* kColumns =
    "id_sha256, caller, policy, via, groups, api_token_sha256, created_at, expires_at";

WebSession SessionFromRow(const SqlRow& row) {
  WebSession session;
  session.id_sha256 = row.Text(0);
  session.caller = row.Text(1);
  session.policy = row.Text(2);
  session.via = row.Text(3);
  const nlohmann::json groups = nlohmann::json::parse(row.Text(4), nullptr, false);
  if (groups.is_array()) {
    for (const nlohmann::json& group : groups) {
      if (group.is_string()) session.groups.push_back(group.get<std::string>());
    }
  }
  session.api_token_sha256 = row.OptionalText(5);
  session.created_at = FromUnixSeconds(row.Int(6));
  session.expires_at = FromUnixSeconds(row.Int(7));
  return session;
}

}  // namespace

Result<void> TeamStore::InsertWebSession(const WebSession& session) {
  auto rows = Write("record a UI session",
                    std::string("INSERT INTO web_sessions (") + kColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    {session.id_sha256, session.caller, session.policy, session.via,
                     nlohmann::json(session.groups).dump(), SqlOptional(session.api_token_sha256),
                     UnixSeconds(session.created_at), UnixSeconds(session.expires_at)});
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

Result<std::optional<WebSession>> TeamStore::FindWebSession(std::string_view id_sha256,
                                                            TimePoint now) {
  auto rows = Read("look up a UI session",
                   std::string("SELECT ") + kColumns +
                       " FROM web_sessions WHERE id_sha256 = $1 AND expires_at > $2",
                   {std::string(id_sha256), UnixSeconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<WebSession>();
  return std::optional<WebSession>(SessionFromRow(rows->front()));
}

Result<bool> TeamStore::DeleteWebSession(std::string_view id_sha256) {
  auto rows =
      Write("end a UI session", "DELETE FROM web_sessions WHERE id_sha256 = $1 RETURNING id_sha256",
            {std::string(id_sha256)});
  if (!rows) return tl::unexpected(rows.error());
  return !rows->empty();
}

Result<size_t> TeamStore::PurgeExpiredWebSessions(TimePoint now) {
  auto rows = Write("forget expired UI sessions",
                    "DELETE FROM web_sessions WHERE expires_at <= $1 RETURNING id_sha256",
                    {UnixSeconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  return rows->size();
}

}  // namespace audex
