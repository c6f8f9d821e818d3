// StoreUrl: where the team server keeps its state, as `store = "..."` in
// server.toml spells it: an SQLite file (one node) or a PostgreSQL URL
// (replicas sharing one database).
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

enum class StoreBackend { kSqlite, kPostgres };

struct StoreUrl {
  StoreBackend backend = StoreBackend::kSqlite;
  std::string sqlite_path;    // kSqlite: the database file
  SecretString postgres_url;  // kPostgres: the libpq URI, which may hold a password
  std::string display;        // for messages and logs: the URL with any password as ****
};

// "sqlite:///ABSOLUTE/PATH", a plain path ("state/audex.db"), or
// "postgresql://..." / "postgres://..." (libpq's URI form, passed to libpq
// as written). kUsage for anything else, naming the accepted forms.
Result<StoreUrl> ParseStoreUrl(std::string_view text);

// `url` with the password of its user info and any `password=` query
// parameter replaced by "****".
std::string RedactStoreUrl(std::string_view url);

}  // namespace audex
