// The team store's schema as numbered migrations compiled into the binary
// (docs/team-mode.md, "Store and schema"). Each migration has one text per
// backend: SQLite gets STRICT tables and rowid keys, PostgreSQL BIGINT.
// A migration, once released, is never edited; a change is a new one.
#pragma once

#include <span>
#include <string_view>

namespace audex {

struct Migration {
  int version = 0;  // 1, 2, ...: applied in order, each in its own transaction
  std::string_view description;
  std::string_view sqlite;
  std::string_view postgres;
};

// Every migration this binary knows, oldest first, versions 1..N without gaps.
std::span<const Migration> TeamStoreMigrations();

// N: the schema version this binary works with.
int LatestSchemaVersion();

}  // namespace audex
