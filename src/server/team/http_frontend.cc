#include "server/team/http_frontend.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <functional>

#include "adapters/credserver/listen_backlog.h"
#include "adapters/credserver/loopback_server.h"

namespace audex {

struct HttpFrontend::Impl {
  std::unique_ptr<httplib::Server> server;
};

namespace {

// cpp-httplib serves each connection on one pool thread for as long as it
// stays open, idle keep-alive time included (up to the keep-alive timeout,
// restarted by every request). A fixed pool of `threads` was therefore held
// by as many open connections: two browser tabs on /ui (each polling every
// 2 s over kept-alive connections) or a handful of idle SDK clients left
// every other caller waiting, grants included. So: `core` threads wait for
// connections, a new thread starts whenever every thread is busy, up to
// `max` (beyond that connections queue), and a thread above `core` ends
// after kIdleEnd without work (ConnectionThreads). The store's connection
// pool still bounds what reaches the database (config.threads).

Result<std::pair<std::string, int>> SplitListen(const std::string& listen,
                                                const std::string& source) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const std::string_view digits = std::string_view(listen).substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size()) port = -1;
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return UsageError(fmt::format(
        "{}: listen = \"{}\" is not HOST:PORT, e.g. \"127.0.0.1:8700\" or \"[::1]:8700\"", source,
        listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

}  // namespace

Result<std::unique_ptr<HttpFrontend>> HttpFrontend::Bind(const ServerConfig& config,
                                                         TeamServer& server) {
  auto address = SplitListen(config.listen, config.source);
  if (!address) return tl::unexpected(address.error());
  std::unique_ptr<HttpFrontend> frontend(new HttpFrontend());
  frontend->impl_ = std::make_unique<Impl>();
  if (config.tls_cert) {
    auto tls =
        std::make_unique<httplib::SSLServer>(config.tls_cert->c_str(), config.tls_key->c_str());
    if (!tls->is_valid()) {
      return StateError(fmt::format(
          "cannot load the TLS certificate {} and key {}: check that both are PEM files this "
          "user can read and that the key matches the certificate",
          *config.tls_cert, *config.tls_key));
    }
    frontend->impl_->server = std::move(tls);
  } else {
    frontend->impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *frontend->impl_->server;
  const size_t threads = config.threads;
  const size_t connections = config.max_connections;
  http.new_task_queue = [threads, connections] {
    return new ConnectionQueue(threads, connections);
  };
  http.set_payload_max_length(config.max_body_bytes);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_keep_alive_timeout(5);
  // cpp-httplib closes a connection after 5 requests by default: a client
  // asking for grants back to back paid a new connection (and, with TLS, a
  // handshake) every fifth one. A connection has its own thread now, so it
  // may stay as long as it is used.
  http.set_keep_alive_max_count(1000);
  // httplib writes a reply's headers and body in separate writes; with
  // Nagle's algorithm on, the body then waits for the client's delayed ACK
  // (40 ms on Linux) on every kept-alive connection: most of a warm
  // grant's latency.
  http.set_tcp_nodelay(true);
  const size_t max_body = config.max_body_bytes;
  const auto handle = [&server](const httplib::Request& request, httplib::Response& response) {
    ApiRequest api;
    api.method = request.method;
    api.path = request.path;
    for (const auto& [key, value] : request.params) api.query.emplace(key, value);
    for (const auto& [key, value] : request.headers) {
      std::string name = key;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      api.headers.emplace(std::move(name), value);
    }
    api.body = request.body;
    api.remote = request.remote_addr;
    ApiResponse answer = server.Handle(api);
    response.status = answer.status;
    for (const auto& [key, value] : answer.headers) response.set_header(key, value);
    response.set_content(std::move(answer.body), answer.content_type);
  };
  http.Get(".*", handle);
  http.Post(".*", handle);
  http.Put(".*", handle);
  http.Delete(".*", handle);
  http.Patch(".*", handle);
  // What httplib refuses by itself (a body over max_body_bytes, a request
  // it cannot read) gets the API's error shape too.
  http.set_error_handler([max_body](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    const bool too_large = response.status == 413;
    ApiResponse error =
        too_large
            ? ApiError(413, "too_large", fmt::format("the body is larger than {} bytes", max_body))
            : ApiError(response.status, "bad_request",
                       fmt::format("HTTP {}: the request could not be read", response.status));
    response.set_content(error.body, error.content_type);
  });
  frontend->host_ = address->first;
  const ListenBacklog backlog(http);
  if (address->second == 0) {
    frontend->port_ = http.bind_to_any_port(frontend->host_);
  } else {
    frontend->port_ = http.bind_to_port(frontend->host_, address->second) ? address->second : -1;
  }
  if (frontend->port_ <= 0) {
    return StateError(
        fmt::format("cannot listen on {} (in use, or not an address of this host)", config.listen));
  }
  backlog.Widen();
  return frontend;
}

void HttpFrontend::Run() { impl_->server->listen_after_bind(); }

void HttpFrontend::Stop() { impl_->server->stop(); }

HttpFrontend::~HttpFrontend() = default;

}  // namespace audex
