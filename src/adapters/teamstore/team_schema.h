// The team store's schema as numbered migrations compiled into the binary
// (docs/team-mode.md, "Store and schema"). Each migration is one text
// for both backends, written with two words the backends spell apart.
// A migration, once released, is never edited; a change is a new one.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "adapters/teamstore/sql_connection.h"

namespace audex {

struct Migration {
  int version = 0;  // 1, 2, ...: applied in order, each in its own transaction
  std::string_view description;
  // `INT64` is a 64-bit integer column (SQLite's INTEGER, PostgreSQL's
  // BIGINT: a STRICT table takes no other spelling), and `) STRICT;` ends
  // a table that SQLite checks types of (PostgreSQL always does).
  std::string_view sql;
};

// The migration's text as `backend` takes it.
std::string MigrationSql(const Migration& migration, SqlBackend backend);

// Every migration this binary knows, oldest first, versions 1..N without gaps.
std::span<const Migration> TeamStoreMigrations();

// N: the schema version this binary works with.
int LatestSchemaVersion();

}  // namespace audex
