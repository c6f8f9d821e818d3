// A minimal TCP relay on 127.0.0.1, for measurement only: the ceiling any
// forwarding endpoint can reach on this machine. bench/endpoint_overhead.sh
// downloads through it beside direct and through Audex's endpoint: it does
// what a relay cannot avoid (a recv and a send of every byte, in 512 KiB
// pieces, a blocking thread per direction) and nothing else (no HTTP, no
// signing, no libcurl).
//
//   audex_loopback_relay UPSTREAM_PORT   prints the port it listens on
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Copies `from` to `to` until `from` ends, then ends `to`'s sending side.
void Copy(int from, int to) {
  std::vector<char> buffer(512 * 1024);
  while (true) {
    const ssize_t got = recv(from, buffer.data(), buffer.size(), 0);
    if (got <= 0) break;
    for (ssize_t sent = 0; sent < got;) {
      const ssize_t n =
          send(to, buffer.data() + sent, static_cast<size_t>(got - sent), MSG_NOSIGNAL);
      if (n <= 0) {
        shutdown(to, SHUT_WR);
        return;
      }
      sent += n;
    }
  }
  shutdown(to, SHUT_WR);
}

void Relay(int client, int upstream_port) {
  const int upstream = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = Loopback(upstream_port);
  if (connect(upstream, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    const int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread up(Copy, client, upstream);
    Copy(upstream, client);
    up.join();
  }
  close(upstream);
  close(client);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: audex_loopback_relay UPSTREAM_PORT\n");
    return 2;
  }
  const int upstream_port = std::atoi(argv[1]);
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof address;
  if (bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("audex_loopback_relay: listen on 127.0.0.1");
    return 1;
  }
  std::printf("%d\n", ntohs(address.sin_port));
  std::fflush(stdout);
  while (true) {
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    std::thread(Relay, client, upstream_port).detach();
  }
}
