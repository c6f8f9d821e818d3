// A cpp-httplib server on a free loopback port, serving from its own
// thread: how each dlopen'ed module (the credential endpoint, the
// forwarding endpoint, the dashboard) serves. Header only, for the modules:
// tryaudex itself never includes httplib (credential_server.cc says why).
#pragma once

#include <httplib.h>

#include <chrono>
#include <thread>

#include "adapters/credserver/connection_threads.h"
#include "adapters/credserver/listen_backlog.h"

namespace audex {

// cpp-httplib's task queue on ConnectionThreads.
class ConnectionQueue final : public httplib::TaskQueue {
 public:
  ConnectionQueue(size_t core, size_t max) : threads_(core, max) {}
  void enqueue(std::function<void()> job) override { threads_.Enqueue(std::move(job)); }
  void shutdown() override { threads_.Shutdown(); }

 private:
  ConnectionThreads threads_;
};

struct LoopbackServer {
  httplib::Server server;
  std::thread thread;

  // Binds 127.0.0.1 on a port the kernel picks and serves from `thread`.
  // The port, or 0 when none could be bound.
  int Start() {
    const ListenBacklog backlog(server);
    const int bound = server.bind_to_any_port("127.0.0.1");
    if (bound <= 0) return 0;
    backlog.Widen();
    thread = std::thread([this] { server.listen_after_bind(); });
    // The socket already listens, so an early request waits in the
    // backlog; this bounded wait only makes a quick Stop() reliable.
    for (int i = 0; i < 200 && !server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return bound;
  }

  // Stops accepting, lets the requests in flight end, joins the thread.
  void Stop() {
    server.stop();
    if (thread.joinable()) thread.join();
  }
};

}  // namespace audex
