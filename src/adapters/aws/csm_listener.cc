#include "adapters/aws/csm_listener.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace audex {

Result<std::unique_ptr<CsmListener>> CsmListener::Start(Observer observer) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return StateError(fmt::format("cannot open a UDP socket for client-side monitoring: {}",
                                  std::strerror(errno)));
  }
  // A burst of calls must not overflow the queue while the thread is busy;
  // the kernel caps this at net.core.rmem_max.
  const int buffer = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string cause = std::strerror(errno);
    ::close(fd);
    return StateError(
        fmt::format("cannot bind a UDP socket on 127.0.0.1 for client-side monitoring: {}", cause));
  }
  std::unique_ptr<CsmListener> listener(
      new CsmListener(fd, ntohs(address.sin_port), std::move(observer)));
  listener->thread_ = std::thread([raw = listener.get()] { raw->ReadLoop(); });
  return listener;
}

CsmListener::CsmListener(int socket, uint16_t port, Observer observer)
    : socket_(socket), port_(port), observer_(std::move(observer)) {}

CsmListener::~CsmListener() {
  if (thread_.joinable()) {
    stopping_ = true;
    quiet_ms_ = 0;
    thread_.join();
  }
  ::close(socket_);
}

size_t CsmListener::ReadQueued() {
  // The largest UDP payload; the SDKs send a few hundred bytes.
  static thread_local std::vector<char> buffer(65536);
  size_t count = 0;
  for (;;) {
    const ssize_t got = ::recv(socket_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR) continue;
      return count;  // EAGAIN: the queue is empty
    }
    ++count;
    const std::string_view datagram(buffer.data(), static_cast<size_t>(got));
    if (observer_) observer_(datagram);
    std::lock_guard<std::mutex> lock(mutex_);
    if (datagrams_.size() < kMaxDatagrams) {
      datagrams_.emplace_back(datagram);
    } else {
      ++dropped_;
    }
  }
}

void CsmListener::ReadLoop() {
  pollfd waiting{socket_, POLLIN, 0};
  // Poll with a short timeout so that Stop is noticed within 50 ms.
  while (!stopping_) {
    waiting.revents = 0;
    if (::poll(&waiting, 1, 50) > 0) ReadQueued();
  }
  // Drain: read until the socket stays quiet for quiet_ms_.
  for (;;) {
    ReadQueued();
    waiting.revents = 0;
    const int ready = ::poll(&waiting, 1, static_cast<int>(quiet_ms_.load()));
    if (ready <= 0 && !(ready < 0 && errno == EINTR)) break;
  }
}

std::vector<std::string> CsmListener::Stop(std::chrono::milliseconds quiet) {
  quiet_ms_ = static_cast<long>(quiet.count());
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  return std::move(datagrams_);
}

}  // namespace audex
