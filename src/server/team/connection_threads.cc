#include "server/team/connection_threads.h"

#include <algorithm>
#include <system_error>

namespace audex {

ConnectionThreads::ConnectionThreads(size_t core, size_t max,
                                     std::chrono::steady_clock::duration idle_end)
    : core_(core), max_(std::max(core, max)), idle_end_(idle_end) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < core_; ++i) StartThread();
}

void ConnectionThreads::Enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    JoinEnded();
    jobs_.push_back(std::move(job));
    if (idle_ < jobs_.size() && threads_.size() < max_) StartThread();
  }
  wake_.notify_one();
}

void ConnectionThreads::Shutdown() {
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

size_t ConnectionThreads::Held() {
  std::lock_guard lock(mutex_);
  JoinEnded();
  return threads_.size();
}

void ConnectionThreads::StartThread() {
  try {
    threads_.emplace_back([this] { Work(); });
    ++idle_;
  } catch (const std::system_error&) {
    // No thread to be had (the process's or the user's limit): the job
    // waits in the queue for a running thread rather than ending the
    // server's accept loop.
  }
}

void ConnectionThreads::JoinEnded() {
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

void ConnectionThreads::Work() {
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
