// The team store's SQLite connection (sql_connection.h): one database file
// in WAL mode, so that readers never wait for the writer and writers queue
// on the file's lock.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "adapters/teamstore/sql_connection.h"

namespace audex {
namespace {

// How long a writer waits for another connection's write transaction
// before giving up with kBusy (a write transaction lasts milliseconds).
constexpr int kBusyTimeoutMs = 10'000;

// PostgreSQL's $1 becomes SQLite's ?1 (same numbering); TeamStore's SQL
// has no '$' anywhere else.
std::string SqliteParameters(std::string_view sql) {
  std::string text(sql);
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '$' && text[i + 1] >= '0' && text[i + 1] <= '9') text[i] = '?';
  }
  return text;
}

SqlError::Code CodeFor(int result) {
  switch (result & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SqlError::Code::kBusy;
    case SQLITE_CONSTRAINT:
      return SqlError::Code::kConstraint;
    default:
      return SqlError::Code::kOther;
  }
}

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path,
                   std::shared_ptr<SqliteCheckpointer> checkpointer = nullptr)
      : db_(db), path_(std::move(path)), checkpointer_(std::move(checkpointer)) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  SqlResult<SqlRows> Exec(std::string_view sql, const SqlParams& params) override {
    auto statement = Prepare(sql);
    if (!statement) return tl::unexpected(statement.error());
    sqlite3_stmt* stmt = *statement;
    // Reset on every path, so that the statement holds no lock once done.
    struct Reset {
      sqlite3_stmt* stmt;
      ~Reset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } reset{stmt};
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int bound = SQLITE_OK;
      if (const auto* number = std::get_if<int64_t>(&params[i])) {
        bound = sqlite3_bind_int64(stmt, index, *number);
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        bound = sqlite3_bind_text(stmt, index, text->data(), static_cast<int>(text->size()),
                                  SQLITE_TRANSIENT);
      } else {
        bound = sqlite3_bind_null(stmt, index);
      }
      if (bound != SQLITE_OK) return Failure(bound);
    }
    SqlRows rows;
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
      const int step = sqlite3_step(stmt);
      if (step == SQLITE_DONE) break;
      if (step != SQLITE_ROW) return Failure(step);
      SqlRow row;
      row.cells.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.cells.emplace_back();
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row.cells.emplace_back(
            std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  SqlResult<void> ExecScript(std::string_view sql) override {
    char* message = nullptr;
    const int result = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (result == SQLITE_OK) return {};
    SqlError error{CodeFor(result), message ? message : sqlite3_errstr(result)};
    sqlite3_free(message);
    return tl::unexpected(std::move(error));
  }

  bool Broken() const override { return false; }
  SqlBackend backend() const override { return SqlBackend::kSqlite; }

  // SQLite's own busy handler (sqlite3_busy_timeout) sleeps 1, 2, 5, 10,
  // ... up to 100 ms between tries: a writer that finds the lock taken by a
  // commit lasting one fsync (milliseconds) would sleep many times longer
  // than it had to wait. This one polls every 0.2 to 1 ms instead, for up
  // to kBusyTimeoutMs in all.
  static int Busy(void* self, int count) {
    auto* connection = static_cast<SqliteConnection*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (count == 0) connection->busy_since_ = now;
    if (now - connection->busy_since_ >= std::chrono::milliseconds(kBusyTimeoutMs)) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(count < 4 ? 200 : 1000));
    return 1;
  }

 private:
  tl::unexpected<SqlError> Failure(int result) const {
    return tl::unexpected(SqlError{CodeFor(result), sqlite3_errmsg(db_)});
  }

  // Statements are prepared once per connection and kept: TeamStore runs
  // the same few dozen texts over and over.
  SqlResult<sqlite3_stmt*> Prepare(std::string_view sql) {
    const std::string key(sql);
    if (const auto it = statements_.find(key); it != statements_.end()) return it->second;
    const std::string text = SqliteParameters(sql);
    sqlite3_stmt* statement = nullptr;
    const int result = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                          SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (result != SQLITE_OK) return Failure(result);
    statements_.emplace(key, statement);
    return statement;
  }

  sqlite3* db_;
  std::string path_;
  std::shared_ptr<SqliteCheckpointer> checkpointer_;  // outlives the WAL hook pointing at it
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  std::chrono::steady_clock::time_point busy_since_;
};

}  // namespace

class SqliteCheckpointer {
 public:
  // What SQLite's own wal_autocheckpoint would wait for.
  static constexpr int kPages = 1000;
  static constexpr std::chrono::seconds kEvery{1};

  explicit SqliteCheckpointer(sqlite3* db) : db_(db), thread_([this] { Run(); }) {}
  ~SqliteCheckpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close_v2(db_);
  }

  // sqlite3_wal_hook's callback, after each commit of a connection using
  // this checkpointer (registering it turns off wal_autocheckpoint).
  static int Committed(void* self, sqlite3*, const char*, int pages) {
    auto* checkpointer = static_cast<SqliteCheckpointer*>(self);
    if (pages >= kPages) {
      {
        std::lock_guard lock(checkpointer->mutex_);
        checkpointer->due_ = true;
      }
      checkpointer->wake_.notify_one();
    }
    return SQLITE_OK;
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, kEvery, [this] { return due_ || stopping_; });
      if (stopping_) break;
      due_ = false;
      lock.unlock();
      // A failure (SQLITE_BUSY while another process checkpoints, I/O) is
      // tried again on the next wake; commits go on meanwhile.
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
  }

  sqlite3* db_;  // the checkpointer's own connection, used by its thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

Result<std::shared_ptr<SqliteCheckpointer>> StartSqliteCheckpointer(const std::string& path) {
  sqlite3* db = nullptr;
  const int opened =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (opened != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(opened);
    sqlite3_close_v2(db);
    return StateError(fmt::format("cannot open the store {}: {}", path, message));
  }
  // A connection learns that the file is in WAL mode on its first read;
  // until then a checkpoint does nothing.
  char* message = nullptr;
  if (sqlite3_exec(db, "PRAGMA journal_mode", nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    sqlite3_close_v2(db);
    return StateError(fmt::format("cannot read the store {}: {}", path, why));
  }
  return std::make_shared<SqliteCheckpointer>(db);
}

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(
    const std::string& path, std::shared_ptr<SqliteCheckpointer> checkpointer) {
  // Create the file private before SQLite does (it would use the umask);
  // SQLite gives the -wal and -shm files the database file's mode. Only
  // when it is absent: POSIX advisory locks belong to the process, and
  // closing any descriptor of the file drops every lock the process's
  // other connections hold on it ("How To Corrupt An SQLite Database
  // File", 2.2). Without them, another process closing its last connection
  // takes the database as unused, checkpoints and deletes the WAL, and
  // this process's connections go on reading the deleted WAL: a replica
  // served a grant another replica had revoked.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) != 0) {
    if (errno != ENOENT) {
      return StateError(fmt::format("cannot open the store {}: {}", path, std::strerror(errno)));
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);                 // a new file: no connection holds a lock on it yet
    } else if (errno != EEXIST) {  // EEXIST: another process created it just now
      return StateError(
          fmt::format("cannot open the store {}: {}; check that its directory exists "
                      "and is writable",
                      path, std::strerror(errno)));
    }
  }
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (TeamStore's pool).
  const int opened = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (opened != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(opened);
    sqlite3_close_v2(db);
    return StateError(fmt::format("cannot open the store {}: {}", path, message));
  }
  SqliteCheckpointer* hook = checkpointer.get();
  auto connection = std::make_unique<SqliteConnection>(db, path, std::move(checkpointer));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, &SqliteConnection::Busy, connection.get());
  // WAL: readers and one writer at a time without blocking each other.
  // synchronous=FULL: a committed transaction survives a power loss, which
  // NORMAL does not promise in WAL mode; the audit chain is the record that
  // credentials were issued, so it must not lose a commit the server acted on.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto done = connection->ExecScript(pragma); !done) {
      return StateError(
          fmt::format("cannot set up the store {} ({}): {}", path, pragma, done.error().message));
    }
  }
  if (hook != nullptr) sqlite3_wal_hook(db, &SqliteCheckpointer::Committed, hook);
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

}  // namespace audex
