// LoopbackWebServer: a browser-facing HTTP server on 127.0.0.1 (a port the
// kernel picks) whose every reply comes from a WebHandler; the transport is
// libaudex_webserver.so, loaded with dlopen on first use so that tryaudex
// itself never links cpp-httplib (adapters/credserver/credential_server.cc
// says why).
#pragma once

#include <memory>
#include <string_view>

#include "adapters/webserver/web_module.h"
#include "core/base/result.h"

namespace audex {

class LoopbackWebServer {
 public:
  // kState when the module cannot be loaded or no port can be bound.
  static Result<std::unique_ptr<LoopbackWebServer>> Start(WebHandler handler);
  ~LoopbackWebServer();
  LoopbackWebServer(const LoopbackWebServer&) = delete;
  LoopbackWebServer& operator=(const LoopbackWebServer&) = delete;

  int port() const { return port_; }
  // Stops serving and waits for the requests in flight; idempotent.
  void Stop();

 private:
  LoopbackWebServer() = default;
  WebHandler handler_;
  void* handle_ = nullptr;
  int port_ = 0;
};

}  // namespace audex
