// ConnectionPool: the team store's connections to its database, lent to one
// caller at a time, so that a replica's request threads share a bounded
// number of them. Internal to adapters/teamstore.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/teamstore/sql_connection.h"
#include "core/base/result.h"

namespace audex {

class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  // At most `max` connections open at once; Acquire waits up to `wait` for
  // one to come back. `display` names the store in messages.
  ConnectionPool(Opener open, size_t max, std::chrono::milliseconds wait, std::string display);

  // A connection on loan; it goes back to the pool when the lease ends,
  // unless it is broken, in which case it is closed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SqlConnection& operator*() const { return *connection_; }
    SqlConnection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> connection_;
  };

  // An idle connection, or a new one while fewer than `max` are open.
  // kState when a new one cannot be opened, or none comes back in time.
  Result<Lease> Acquire();

  // Closes every idle connection: after one turned out dead, the others
  // (opened before the same database restart) most likely are too.
  void DropIdle();

 private:
  void Release(std::unique_ptr<SqlConnection> connection);

  Opener open_;
  size_t max_;
  std::chrono::milliseconds wait_;
  std::string display_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
  size_t lent_ = 0;  // on loan or being opened
};

}  // namespace audex
