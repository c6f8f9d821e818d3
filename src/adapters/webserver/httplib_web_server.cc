// libaudex_webserver.so: cpp-httplib's server behind the two entry points of
// web_module.h. It decides nothing: every status, header and byte of a
// reply comes from the handler in tryaudex.
#include <httplib.h>

#include <cctype>

#include "adapters/credserver/loopback_server.h"
#include "adapters/webserver/web_module.h"

namespace {

// A dashboard is one person's browser: a handful of parallel fetches.
constexpr size_t kPoolThreads = 8;

struct WebServer : audex::LoopbackServer {
  const audex::WebHandler* handler = nullptr;
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

// Built with hidden visibility: only the two entry points are exported.
extern "C" __attribute__((visibility("default"))) void* AudexWebServerStart(
    const audex::WebHandler* handler, int* port) {
  auto* web = new WebServer;
  web->handler = handler;
  web->server.new_task_queue = [] { return new audex::ConnectionQueue(2, kPoolThreads); };
  web->server.set_keep_alive_timeout(5);
  web->server.set_read_timeout(5, 0);
  web->server.set_write_timeout(5, 0);
  // Nothing the dashboard accepts has a body; a large one is refused unread.
  web->server.set_payload_max_length(64 * 1024);
  const auto handle = [web](const httplib::Request& request, httplib::Response& response) {
    audex::WebRequest asked;
    asked.method = request.method;
    asked.path = request.path;
    for (const auto& [name, value] : request.params) asked.query.emplace(name, value);
    for (const auto& [name, value] : request.headers) asked.headers.emplace(Lower(name), value);
    asked.body_size = request.body.size();
    const audex::WebResponse reply = (*web->handler)(asked);
    response.status = reply.status;
    std::string content_type = "text/plain; charset=utf-8";
    for (const auto& [name, value] : reply.headers) {
      if (Lower(name) == "content-type") {
        content_type = value;
      } else {
        response.set_header(name, value);
      }
    }
    response.set_content(reply.body, content_type);
  };
  web->server.Get(".*", handle);
  web->server.Post(".*", handle);
  web->server.Put(".*", handle);
  web->server.Patch(".*", handle);
  web->server.Delete(".*", handle);
  web->server.Options(".*", handle);
  const int bound = web->Start();
  if (bound <= 0) {
    delete web;
    return nullptr;
  }
  *port = bound;
  return web;
}

extern "C" __attribute__((visibility("default"))) void AudexWebServerStop(void* handle) {
  auto* web = static_cast<WebServer*>(handle);
  if (web == nullptr) return;
  web->Stop();
  delete web;
}
