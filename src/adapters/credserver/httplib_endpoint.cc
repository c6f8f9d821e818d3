// libaudex_credserver.so: cpp-httplib's server behind the two entry points
// of endpoint_module.h. It knows nothing of tokens, paths or credentials:
// the handler in tryaudex decides every reply.
#include <httplib.h>

#include <mutex>

#include "adapters/credserver/endpoint_module.h"
#include "adapters/credserver/loopback_server.h"

namespace {

// Connections served at once (threads start as they are needed): a
// child's SDK clients (one per process or thread pool) with room for held
// connections.
constexpr size_t kPoolThreads = 16;

struct Endpoint : audex::LoopbackServer {
  const audex::EndpointHandler* handler = nullptr;
  std::mutex handler_mutex;
};

}  // namespace

// Built with hidden visibility: only the two entry points are exported.
extern "C" __attribute__((visibility("default"))) void* AudexEndpointStart(
    const audex::EndpointHandler* handler, int* port) {
  auto* endpoint = new Endpoint;
  endpoint->handler = handler;
  // cpp-httplib gives each connection a pool thread for as long as it stays
  // open: while a request trickles in (up to the read timeout per read) and
  // between requests (up to the keep-alive timeout). With 2 threads and 5 s,
  // two SDK clients' kept-alive connections, or two idle or trickling ones
  // from any local process, kept every other fetch waiting 5-12 s. So: more
  // threads than a child's SDK clients plus a few held connections, and
  // short timeouts so a held connection lets go within a second (the child
  // is on loopback; a fetch is one small request).
  endpoint->server.new_task_queue = [] { return new audex::ConnectionQueue(2, kPoolThreads); };
  endpoint->server.set_keep_alive_timeout(1);
  endpoint->server.set_read_timeout(1, 0);
  endpoint->server.set_write_timeout(1, 0);
  const auto handle = [endpoint](const httplib::Request& request, httplib::Response& response) {
    audex::EndpointRequest asked;
    asked.method = request.method;
    asked.path = request.path;
    asked.authorization = request.get_header_value("Authorization");
    asked.metadata = request.get_header_value("Metadata");
    asked.identity_header = request.get_header_value("X-IDENTITY-HEADER");
    asked.resource = request.get_param_value("resource");
    audex::CredentialReply reply;
    {
      std::lock_guard lock(endpoint->handler_mutex);
      reply = (*endpoint->handler)(asked);
    }
    response.status = reply.status;
    response.set_content(reply.body, "application/json");
  };
  endpoint->server.Get(".*", handle);
  endpoint->server.Post(".*", handle);
  const int bound = endpoint->Start();
  if (bound <= 0) {
    delete endpoint;
    return nullptr;
  }
  *port = bound;
  return endpoint;
}

extern "C" __attribute__((visibility("default"))) void AudexEndpointStop(void* handle) {
  auto* endpoint = static_cast<Endpoint*>(handle);
  if (endpoint == nullptr) return;
  endpoint->Stop();
  delete endpoint;
}
