// libaudex_credserver.so: cpp-httplib's server behind the two entry points
// of endpoint_module.h. It knows nothing of tokens, paths or credentials:
// the handler in tryaudex decides every reply.
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "adapters/credserver/endpoint_module.h"

namespace {

struct Endpoint {
  const audex::EndpointHandler* handler = nullptr;
  std::mutex handler_mutex;
  httplib::Server server;
  std::thread thread;
};

}  // namespace

// Built with hidden visibility: only the two entry points are exported.
extern "C" __attribute__((visibility("default"))) void* AudexEndpointStart(
    const audex::EndpointHandler* handler, int* port) {
  auto* endpoint = new Endpoint;
  endpoint->handler = handler;
  // A child makes one or two fetches at a time; a small pool keeps the
  // thread count low.
  endpoint->server.new_task_queue = [] { return new httplib::ThreadPool(2); };
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
  const int bound = endpoint->server.bind_to_any_port("127.0.0.1");
  if (bound <= 0) {
    delete endpoint;
    return nullptr;
  }
  *port = bound;
  endpoint->thread = std::thread([endpoint] { endpoint->server.listen_after_bind(); });
  // The socket already listens (bind_to_any_port), so an early fetch waits
  // in the backlog; this bounded wait only makes a quick Stop() reliable.
  for (int i = 0; i < 200 && !endpoint->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return endpoint;
}

extern "C" __attribute__((visibility("default"))) void AudexEndpointStop(void* handle) {
  auto* endpoint = static_cast<Endpoint*>(handle);
  if (endpoint == nullptr) return;
  endpoint->server.stop();
  if (endpoint->thread.joinable()) endpoint->thread.join();
  delete endpoint;
}
