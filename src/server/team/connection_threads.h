// The team server's connection threads: a pool that grows with the open
// connections, from `core` threads up to `max`, and shrinks back to `core`
// once the extra ones have had no work for `idle_end`. http_frontend.cc
// explains why cpp-httplib's fixed pool does not fit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace audex {

class ConnectionThreads {
 public:
  static constexpr std::chrono::seconds kIdleEnd{30};

  ConnectionThreads(size_t core, size_t max,
                    std::chrono::steady_clock::duration idle_end = kIdleEnd);
  ~ConnectionThreads() { Shutdown(); }
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;

  // Runs `job` on an idle thread, on a new one when none is idle and fewer
  // than `max` run, or else once a thread is free.
  void Enqueue(std::function<void()> job);
  // Lets the queued jobs run, then ends and joins every thread.
  void Shutdown();

  // Threads this pool holds, running or waiting: the ones that ended are
  // joined and let go (each unjoined thread keeps its stack mapped, so a
  // server that saw many bursts would otherwise run out of address space).
  size_t Held();

 private:
  // Under mutex_.
  void StartThread();
  void JoinEnded();
  void Work();

  const size_t core_;
  const size_t max_;
  const std::chrono::steady_clock::duration idle_end_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> threads_;
  std::vector<std::thread::id> ended_;  // returned from Work, not joined yet
  size_t idle_ = 0;                     // threads waiting for a job
  bool stopping_ = false;
};

}  // namespace audex
