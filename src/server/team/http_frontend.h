// The team server's socket: cpp-httplib (Debian's libcpp-httplib) serving
// TeamServer::Handle on config.listen, over TLS when tls_cert and tls_key
// are set. Kept to this file so that nothing else sees the HTTP library.
#pragma once

#include <memory>
#include <string>

#include "core/base/result.h"
#include "core/team/server_config.h"
#include "server/team/team_server.h"

namespace audex {

class HttpFrontend {
 public:
  // Binds config.listen ("HOST:PORT"; port 0 picks a free one). kUsage for
  // a malformed address, kState when the port cannot be bound or the TLS
  // files cannot be loaded.
  static Result<std::unique_ptr<HttpFrontend>> Bind(const ServerConfig& config, TeamServer& server);

  int port() const { return port_; }
  const std::string& host() const { return host_; }

  // Serves until Stop; returns once every in-flight request is answered.
  void Run();
  // From any thread (a signal handler's thread): stop accepting; requests
  // already read are answered.
  void Stop();

  ~HttpFrontend();
  HttpFrontend(const HttpFrontend&) = delete;
  HttpFrontend& operator=(const HttpFrontend&) = delete;

 private:
  HttpFrontend() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
};

}  // namespace audex
