#include "adapters/credserver/connection_threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace audex {
namespace {

using std::chrono::milliseconds;

// Jobs that stay busy until Release(), like connections held open.
class Held {
 public:
  std::function<void()> Job() {
    return [this] {
      std::unique_lock lock(mutex_);
      ++running_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
      --running_;
    };
  }
  bool WaitRunning(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return running_ == count; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int running_ = 0;
  bool released_ = false;
};

// Polls `held()` until it equals `want` (bounded: 10 s).
bool HeldBecomes(ConnectionThreads& pool, size_t want) {
  for (int i = 0; i < 1000; ++i) {
    if (pool.Held() == want) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

TEST(ConnectionThreads, GrowsPastCoreWhileEveryThreadIsBusy) {
  ConnectionThreads pool(2, 8);
  Held held;
  for (int i = 0; i < 6; ++i) pool.Enqueue(held.Job());
  EXPECT_TRUE(held.WaitRunning(6));  // a fixed pool of 2 would run 2
  EXPECT_EQ(pool.Held(), 6u);
  held.Release();
}

TEST(ConnectionThreads, QueuesBeyondMaxAndRunsTheRestOnceThreadsAreFree) {
  ConnectionThreads pool(1, 3);
  Held held;
  std::atomic<int> later = 0;
  for (int i = 0; i < 3; ++i) pool.Enqueue(held.Job());
  ASSERT_TRUE(held.WaitRunning(3));
  pool.Enqueue([&] { ++later; });
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(later.load(), 0);
  EXPECT_EQ(pool.Held(), 3u);
  held.Release();
  for (int i = 0; i < 1000 && later.load() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(later.load(), 1);
}

TEST(ConnectionThreads, ShrinksBackToCoreAndLetsTheEndedThreadsGo) {
  ConnectionThreads pool(2, 16, milliseconds(50));
  // Three bursts: the extra threads of each end after the idle time and are
  // joined, so the pool holds `core` threads again, not every thread it
  // ever started.
  for (int burst = 0; burst < 3; ++burst) {
    Held held;
    for (int i = 0; i < 10; ++i) pool.Enqueue(held.Job());
    ASSERT_TRUE(held.WaitRunning(10));
    held.Release();
    EXPECT_TRUE(HeldBecomes(pool, 2)) << "burst " << burst << ": " << pool.Held() << " held";
  }
}

TEST(ConnectionThreads, ShutdownRunsWhatIsQueuedThenJoins) {
  std::atomic<int> ran = 0;
  {
    ConnectionThreads pool(1, 1);
    Held held;
    pool.Enqueue(held.Job());
    ASSERT_TRUE(held.WaitRunning(1));
    for (int i = 0; i < 5; ++i) pool.Enqueue([&] { ++ran; });
    std::thread releaser([&] {
      std::this_thread::sleep_for(milliseconds(50));
      held.Release();
    });
    pool.Shutdown();
    releaser.join();
  }
  EXPECT_EQ(ran.load(), 5);
}

}  // namespace
}  // namespace audex
