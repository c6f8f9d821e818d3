// CurlHttpClient against a loopback server that answers with a body far
// larger than any reply Audex reads: declared as 2 GiB, or without a length
// (read until the server closes), or chunked without end. The client
// refuses it with a message naming the limit and the origin, and the
// process's peak memory (VmHWM) stays bounded. The server gives up after
// 512 MiB, so a client without the limit fails the memory check rather than
// the machine.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include "adapters/http/curl_http_client.h"

namespace audex {
namespace {

constexpr size_t kServerGivesUpAfter = size_t{512} << 20;

enum class Framing { kDeclared2GiB, kUntilClose, kChunked };

// One connection at a time on 127.0.0.1: reads a request, then streams 'x'.
class FloodServer {
 public:
  explicit FloodServer(Framing framing) : framing_(framing) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FloodServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  size_t sent() const { return sent_; }

 private:
  void Serve() {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      request.append(buffer, static_cast<size_t>(got));
    }
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    if (framing_ == Framing::kDeclared2GiB) head += "Content-Length: 2147483648\r\n";
    if (framing_ == Framing::kChunked) head += "Transfer-Encoding: chunked\r\n";
    if (framing_ == Framing::kUntilClose) head += "Connection: close\r\n";
    head += "\r\n";
    std::string chunk(64 * 1024, 'x');
    if (framing_ == Framing::kChunked) chunk = "10000\r\n" + chunk + "\r\n";
    bool open = Send(client, head);
    while (open && sent_ < kServerGivesUpAfter) {
      open = Send(client, chunk);
      if (open) sent_ += chunk.size();
    }
    ::close(client);
  }

  static bool Send(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t wrote = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (wrote <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(wrote));
    }
    return true;
  }

  Framing framing_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<size_t> sent_{0};
};

// The process's peak resident memory in KiB (/proc/self/status VmHWM).
long PeakResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class HttpReplyLimit : public ::testing::TestWithParam<Framing> {};

TEST_P(HttpReplyLimit, AHugeReplyIsRefusedAndMemoryStaysBounded) {
  const long before = PeakResidentKib();
  ASSERT_GT(before, 0);
  FloodServer server(GetParam());
  CurlHttpOptions options;
  options.timeouts.total = std::chrono::seconds(60);  // the limit ends it, not the clock
  CurlHttpClient http(options);
  HttpRequest request;
  request.url = server.url();
  const HttpResult result = http.Send(request);

  ASSERT_FALSE(result) << "a " << server.sent() << "-byte reply was accepted";
  EXPECT_EQ(result.error().kind, HttpFailureKind::kOther);
  EXPECT_NE(result.error().message.find("127.0.0.1"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("larger than 16 MiB"), std::string::npos)
      << result.error().message;
  const long grown_mib = (PeakResidentKib() - before) / 1024;
  EXPECT_LT(grown_mib, 64) << "peak memory grew by " << grown_mib << " MiB";
  EXPECT_LT(server.sent(), kServerGivesUpAfter) << "the client read everything the server sent";
}

INSTANTIATE_TEST_SUITE_P(Framings, HttpReplyLimit,
                         ::testing::Values(Framing::kDeclared2GiB, Framing::kUntilClose,
                                           Framing::kChunked));

TEST(HttpReplyLimit, ALimitOfTheClientsOwnApplies) {
  FloodServer server(Framing::kUntilClose);
  CurlHttpOptions options;
  options.max_reply_bytes = 1024 * 1024;
  CurlHttpClient http(options);
  HttpRequest request;
  request.url = server.url();
  const HttpResult result = http.Send(request);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("larger than 1 MiB"), std::string::npos)
      << result.error().message;
}

}  // namespace
}  // namespace audex
