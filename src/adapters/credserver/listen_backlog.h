// A cpp-httplib server's listening socket with the system's full backlog.
// cpp-httplib 0.11 (Debian 12's) listens with a backlog of 5: when more
// clients connect at once than the accept loop has taken (16 CI jobs, an
// SDK opening its pool, a load balancer's health checks), Linux answers
// with SYN cookies and drops what overflows, and a cookie that no longer
// checks out when the client's request arrives is answered with a reset —
// the client's first request fails with no reply (seen as "Read" errors
// at request 0 of a connection under 16 clients in bench/team_server_bench.sh,
// with TcpExtSyncookiesFailed rising). Listening again on the bound socket
// sets its backlog; the kernel caps it at net.core.somaxconn.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <memory>

namespace audex {

class ListenBacklog {
 public:
  // Before server.bind_to_*: notes the listening socket when httplib
  // makes it (with httplib's own socket options).
  explicit ListenBacklog(httplib::Server& server) : socket_(std::make_shared<int>(-1)) {
    server.set_socket_options([socket = socket_](socket_t sock) {
      httplib::default_socket_options(sock);
      *socket = sock;
    });
  }

  // After a successful bind: the full backlog. False when it cannot be set
  // (the server still listens, with httplib's 5).
  bool Widen() const { return *socket_ >= 0 && ::listen(*socket_, SOMAXCONN) == 0; }

 private:
  std::shared_ptr<int> socket_;
};

}  // namespace audex
