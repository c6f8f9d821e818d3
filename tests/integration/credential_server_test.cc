// The --serve endpoint over real loopback HTTP (CredentialServer with the
// libcurl client): the token check, what an authorised fetch gets, the port
// closed after Stop(), and that SDK clients holding keep-alive connections,
// or a local process holding idle or trickling ones, do not keep a fetch
// waiting (raw sockets, so the connections are held exactly as described).
#include "adapters/credserver/credential_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/http/curl_http_client.h"

namespace audex {
namespace {

const std::string kToken(64, 'a');

HttpResult Fetch(const std::string& url, std::optional<std::string> authorization) {
  CurlHttpClient http;
  HttpRequest request;
  request.url = url;
  if (authorization) request.headers.emplace_back("Authorization", *authorization);
  return http.Send(request);
}

TEST(CredentialServer, ListensOnLoopbackOnly) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_EQ((*server)->url().rfind("http://127.0.0.1:", 0), 0u) << (*server)->url();
}

TEST(CredentialServer, ServesOnlyWithTheToken) {
  std::atomic<int> calls{0};
  auto server = CredentialServer::Start(SecretString(kToken), [&calls] {
    ++calls;
    return CredentialReply{200, R"({"AccessKeyId":"ASIA"})"};
  });
  ASSERT_TRUE(server);
  const std::string url = (*server)->url();

  auto missing = Fetch(url, std::nullopt);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(missing->status, 403);
  auto wrong = Fetch(url, std::string(64, 'b'));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto prefix = Fetch(url, kToken.substr(0, 63));
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 403);
  EXPECT_EQ(calls, 0);  // refused before the owner is asked

  auto good = Fetch(url, kToken);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  EXPECT_EQ(good->body, R"({"AccessKeyId":"ASIA"})");
  EXPECT_EQ(calls, 1);
}

TEST(CredentialServer, OnlyTheCredentialsPath) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server);
  std::string other = (*server)->url();
  other.replace(other.rfind('/'), std::string::npos, "/other");
  auto reply = Fetch(other, kToken);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST(CredentialServer, PassesTheOwnersStatusThrough) {
  auto server = CredentialServer::Start(SecretString(kToken), [] {
    return CredentialReply{410, R"({"code":"MaxDurationReached"})"};
  });
  ASSERT_TRUE(server);
  auto reply = Fetch((*server)->url(), kToken);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 410);
}

TEST(CredentialServer, NothingListensAfterStop) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server);
  const std::string url = (*server)->url();
  (*server)->Stop();
  auto reply = Fetch(url, kToken);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, HttpFailureKind::kConnect);
}

// --- connections held open --------------------------------------------------

using SteadyClock = std::chrono::steady_clock;

int PortOf(const std::string& url) {
  return std::stoi(url.substr(url.rfind(':') + 1, url.rfind('/') - url.rfind(':') - 1));
}

// A TCP connection to 127.0.0.1:port, closed with the object.
class Connection {
 public:
  explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // A keep-alive GET /credentials as the SDKs send it.
  bool SendFetch() {
    return Send("GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kToken +
                "\r\nConnection: keep-alive\r\n\r\n");
  }

  // The status of one whole reply (headers and Content-Length body) read
  // by `deadline`, or nullopt when it has not come by then.
  std::optional<int> ReadReply(SteadyClock::time_point deadline) {
    for (;;) {
      const size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t length_at = buffer_.find("Content-Length: ");
        const size_t length =
            length_at < end ? std::stoul(buffer_.substr(length_at + 16)) : size_t{0};
        if (buffer_.size() >= end + 4 + length) {
          const int status = std::stoi(buffer_.substr(9, 3));
          buffer_.erase(0, end + 4 + length);
          return status;
        }
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(got));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

Result<std::unique_ptr<CredentialServer>> StartServing() {
  return CredentialServer::Start(SecretString(kToken), [] {
    return CredentialReply{200, R"({"AccessKeyId":"ASIA","Expiration":"2030-01-01T00:00:00Z"})"};
  });
}

// Six SDK clients (the aws CLI, boto3 threads, terraform's provider) each
// keep their connection open between fetches, as HTTP/1.1 clients do. Every
// one is answered before a one-second deadline, twice over the same
// connections; a pool smaller than the clients made the others wait out
// the first ones' keep-alive (5 s).
TEST(CredentialServerConnections, SixKeepAliveClientsAreAllAnsweredWithinASecond) {
  auto server = StartServing();
  ASSERT_TRUE(server) << server.error().message;
  const int port = PortOf((*server)->url());
  std::vector<std::unique_ptr<Connection>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<Connection>(port));
    ASSERT_TRUE(clients.back()->connected());
  }
  for (int round = 1; round <= 2; ++round) {
    for (auto& client : clients) ASSERT_TRUE(client->SendFetch());
    const auto deadline = SteadyClock::now() + std::chrono::seconds(1);
    for (size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(clients[i]->ReadReply(deadline), 200)
          << "client " << i + 1 << " not answered within a second in round " << round;
    }
  }
}

// Another local process holds connections it never finishes: one idle, one
// sending a request a byte at a time. A fetch on a new connection is still
// answered before a one-second deadline.
TEST(CredentialServerConnections, IdleAndTricklingConnectionsDoNotDelayAFetch) {
  auto server = StartServing();
  ASSERT_TRUE(server) << server.error().message;
  const int port = PortOf((*server)->url());
  Connection idle(port);
  Connection trickling(port);
  ASSERT_TRUE(idle.connected() && trickling.connected());
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    const std::string request = "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (size_t i = 0; !stop && i < request.size(); ++i) {
      if (!trickling.Send(request.substr(i, 1))) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Both are being held before the fetch starts.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Connection fetch(port);
  ASSERT_TRUE(fetch.connected());
  ASSERT_TRUE(fetch.SendFetch());
  EXPECT_EQ(fetch.ReadReply(SteadyClock::now() + std::chrono::seconds(1)), 200)
      << "a fetch waited behind an idle and a trickling connection";
  stop = true;
  trickle.join();
}

}  // namespace
}  // namespace audex
