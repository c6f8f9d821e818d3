// CsmListener: a UDP socket on 127.0.0.1 at a port the kernel chooses,
// where AWS SDKs send their client-side monitoring datagrams
// (AWS_CSM_PORT), read by a thread of its own while the child runs.
//
// Thread safety: Start, port and Stop are called from one thread; the
// observer runs on the listener's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/base/result.h"

namespace audex {

class CsmListener {
 public:
  // Called on the listener thread for each datagram as it arrives.
  using Observer = std::function<void(std::string_view datagram)>;

  // At most this many datagrams are kept (about 1 GB of the SDKs' ~300-byte
  // datagrams would be a runaway child); the rest are counted in dropped().
  static constexpr size_t kMaxDatagrams = 2'000'000;

  // Binds 127.0.0.1:0 and starts reading. Errors are kState (no socket).
  static Result<std::unique_ptr<CsmListener>> Start(Observer observer = {});

  uint16_t port() const { return port_; }

  // Drains what is queued, waiting until nothing has arrived for `quiet`
  // (a datagram the child sent just before exiting is already in the
  // socket's queue on loopback; the wait covers grandchildren still
  // finishing), stops the thread and returns every datagram in arrival
  // order. Call once.
  std::vector<std::string> Stop(std::chrono::milliseconds quiet = std::chrono::milliseconds(100));

  size_t dropped() const { return dropped_.load(); }

  ~CsmListener();
  CsmListener(const CsmListener&) = delete;
  CsmListener& operator=(const CsmListener&) = delete;

 private:
  CsmListener(int socket, uint16_t port, Observer observer);
  void ReadLoop();
  // Reads every queued datagram without blocking; returns how many.
  size_t ReadQueued();

  int socket_;
  uint16_t port_;
  Observer observer_;
  std::atomic<bool> stopping_{false};
  std::atomic<long> quiet_ms_{100};
  std::atomic<size_t> dropped_{0};
  std::mutex mutex_;
  std::vector<std::string> datagrams_;
  std::thread thread_;
};

}  // namespace audex
