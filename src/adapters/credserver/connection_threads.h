// Connection threads for a cpp-httplib server: a pool that grows with the
// open connections, from `core` threads up to `max`, and shrinks back to
// `core` once the extra ones have had no work for `idle_end`. cpp-httplib
// serves each open connection on one pool thread for as long as it stays
// open, idle keep-alive time included, so a fixed pool is held by as many
// idle clients, and a pool sized for the worst case costs its threads'
// start at every start (the forwarding endpoint's 96: 7 ms of `run
// --broker`). Header only, for the dlopen'ed modules (loopback_server.h)
// and the team server (http_frontend.cc).
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <system_error>
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

inline ConnectionThreads::ConnectionThreads(size_t core, size_t max,
                                            std::chrono::steady_clock::duration idle_end)
    : core_(core), max_(std::max(core, max)), idle_end_(idle_end) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < core_; ++i) StartThread();
}

inline void ConnectionThreads::Enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    JoinEnded();
    jobs_.push_back(std::move(job));
    if (idle_ < jobs_.size() && threads_.size() < max_) StartThread();
  }
  wake_.notify_one();
}

inline void ConnectionThreads::Shutdown() {
  std::list<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
    ended_.clear();
  }
  for (std::thread& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

inline size_t ConnectionThreads::Held() {
  std::lock_guard lock(mutex_);
  JoinEnded();
  return threads_.size();
}

inline void ConnectionThreads::StartThread() {
  try {
    threads_.emplace_back([this] { Work(); });
    ++idle_;
  } catch (const std::system_error&) {
    // No thread to be had (the process's or the user's limit): the job
    // waits in the queue for a running thread rather than ending the
    // server's accept loop.
  }
}

inline void ConnectionThreads::JoinEnded() {
  for (const std::thread::id id : ended_) {
    const auto thread = std::find_if(threads_.begin(), threads_.end(),
                                     [id](const std::thread& t) { return t.get_id() == id; });
    if (thread == threads_.end()) continue;
    // It has left Work and let go of the mutex: the join only waits for
    // the thread's own exit.
    thread->join();
    threads_.erase(thread);
  }
  ended_.clear();
}

inline void ConnectionThreads::Work() {
  std::unique_lock lock(mutex_);
  // Counted idle from StartThread on: jobs enqueued before this thread
  // first waits do not start more threads for themselves.
  for (;;) {
    const bool woken =
        wake_.wait_for(lock, idle_end_, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) {
      // Stopping, or idle for idle_end_: the threads above core end.
      if (stopping_ || (!woken && threads_.size() - ended_.size() > core_)) {
        ended_.push_back(std::this_thread::get_id());
        return;
      }
      ++idle_;
      continue;
    }
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
    ++idle_;
  }
}

}  // namespace audex
