// A cpp-httplib server on 127.0.0.1 and a port the kernel picks, serving on
// its own thread: the stand-in for a service that has no local
// implementation, speaking its documented wire format (the routes are the
// test's). Every wait is bounded.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

namespace audex {

// Add routes to http(), then Start(). Stop() (or destruction) ends the
// serving thread; a class that owns one and whose routes use its other
// members declares it last, so that it stops before they are destroyed.
// Server is httplib::Server, or httplib::SSLServer for HTTPS.
template <typename Server = httplib::Server>
class LoopbackHttpServer {
 public:
  template <typename... Args>
  explicit LoopbackHttpServer(Args&&... args) : server_(std::forward<Args>(args)...) {}
  ~LoopbackHttpServer() { Stop(); }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  Server& http() { return server_; }

  // Binds and serves; returns once the server listens (at most 5 s).
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // cpp-httplib 0.11 has no wait_until_ready(): poll, bounded.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  // http://127.0.0.1:PORT (https:// for an SSLServer).
  std::string Url() const {
    constexpr bool kTls = !std::is_same_v<Server, httplib::Server>;
    return std::string(kTls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace audex
