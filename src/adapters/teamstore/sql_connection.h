// SqlConnection: one connection to the team store's database, SQLite or
// PostgreSQL, reduced to what TeamStore needs: run a statement with
// parameters and read its rows as text. TeamStore's SQL is written once with
// PostgreSQL's $1..$n placeholders; the SQLite side maps them to ?1..?n.
// TeamStore's own plumbing, visible in team_store.h only for its private
// helpers, and used by the tests to inspect and tamper with rows; the
// server needs none of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

using SqlValue = std::variant<std::monostate, int64_t, std::string>;  // NULL, integer, text
using SqlParams = std::vector<SqlValue>;

inline SqlValue SqlNull() { return std::monostate{}; }
template <typename T>
SqlValue SqlOptional(const std::optional<T>& value) {
  return value ? SqlValue(*value) : SqlNull();
}

// One result row; every value as text (integers in decimal), NULL as nullopt.
struct SqlRow {
  std::vector<std::optional<std::string>> cells;

  bool IsNull(size_t column) const { return !cells.at(column); }
  const std::string& Text(size_t column) const;  // "" for NULL
  int64_t Int(size_t column) const;              // 0 for NULL or non-numbers
  std::optional<std::string> OptionalText(size_t column) const { return cells.at(column); }
  std::optional<int64_t> OptionalInt(size_t column) const;
};
using SqlRows = std::vector<SqlRow>;

struct SqlError {
  enum class Code {
    kConnection,  // the server cannot be reached or the connection dropped
    kConstraint,  // a UNIQUE, CHECK, NOT NULL or foreign-key constraint refused the row
    kBusy,        // SQLite: the database stayed locked past the busy timeout
    kOther,
  };
  Code code = Code::kOther;
  std::string message;  // the database's primary message; never parameter values
};

template <typename T>
using SqlResult = tl::expected<T, SqlError>;

enum class SqlBackend { kSqlite, kPostgres };

// The few statements whose text differs between the backends.
struct SqlDialect {
  std::string_view begin_write;     // a transaction that will write
  std::string_view begin_snapshot;  // a read-only transaction over one snapshot
  std::string_view lock_suffix;     // appended to a SELECT of the row a writer locks
  std::string_view migration_lock;  // first statement of a migration transaction ("" if none)
  std::string_view schema_version_exists;  // one row iff schema_version exists
};

const SqlDialect& DialectFor(SqlBackend backend);

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // One statement, with $1..$n bound to `params`; the rows it returns.
  virtual SqlResult<SqlRows> Exec(std::string_view sql, const SqlParams& params) = 0;
  // Several statements without parameters (a migration).
  virtual SqlResult<void> ExecScript(std::string_view sql) = 0;
  // True once the connection is lost: the pool drops it instead of reusing it.
  virtual bool Broken() const = 0;
  virtual SqlBackend backend() const = 0;
};

// Copies an SQLite database's write-ahead log into the database from a
// thread of its own. Without it the commit that takes the WAL past 1,000
// pages does that copy (and its fsyncs) before its caller hears back
// (wal_autocheckpoint): under a steady load of grants about one request in
// a hundred waited for a checkpoint, which was the tail of the latency.
// Connections opened with one tell it after each commit how large the WAL
// is; it checkpoints (PASSIVE: never waiting for readers or the writer)
// once the WAL reaches 1,000 pages, and every second anyway. Stopped when
// the last connection using it is gone.
class SqliteCheckpointer;

// Starts a checkpointer for the SQLite file at `path` (the file must exist:
// open a connection first).
Result<std::shared_ptr<SqliteCheckpointer>> StartSqliteCheckpointer(const std::string& path);

// Opens the SQLite file at `path` (created with mode 0600 if absent) in WAL
// mode with synchronous=FULL, a busy timeout and foreign keys on. With a
// `checkpointer`, its commits leave checkpoints to it.
Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(
    const std::string& path, std::shared_ptr<SqliteCheckpointer> checkpointer = nullptr);

// Connects to PostgreSQL at `url` (libpq URI). A kState error names the
// server (never the password) and what libpq said.
Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const SecretString& url,
                                                              const std::string& display);

}  // namespace audex
