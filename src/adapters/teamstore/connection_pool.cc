// Lending the team store's connections (connection_pool.h).
#include "adapters/teamstore/connection_pool.h"

#include <fmt/format.h>

namespace audex {

ConnectionPool::ConnectionPool(Opener open, size_t max, std::chrono::milliseconds wait,
                               std::string display)
    : open_(std::move(open)),
      max_(std::max<size_t>(max, 1)),
      wait_(wait),
      display_(std::move(display)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Release(std::move(connection_));
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  const bool available = returned_.wait_for(
      lock, wait_, [this] { return !idle_.empty() || idle_.size() + lent_ < max_; });
  if (!available) {
    return StateError(fmt::format(
        "all {} connections to the store {} stayed busy for {} ms; the database is slow or "
        "requests hold their connections too long",
        max_, display_, wait_.count()));
  }
  ++lent_;
  if (!idle_.empty()) {
    std::unique_ptr<SqlConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  // Opened outside the lock: a connection to PostgreSQL takes a round trip
  // or, to a server that is down, up to connect_timeout.
  lock.unlock();
  auto opened = open_();
  if (!opened) {
    lock.lock();
    --lent_;
    returned_.notify_one();
    return tl::unexpected(opened.error());
  }
  return Lease(this, std::move(*opened));
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    --lent_;
    if (!connection->Broken()) idle_.push_back(std::move(connection));
  }
  // A broken connection is closed here, outside the lock.
  connection.reset();
  returned_.notify_one();
}

void ConnectionPool::DropIdle() {
  std::vector<std::unique_ptr<SqlConnection>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(idle_);
  }
  returned_.notify_all();
}

}  // namespace audex
