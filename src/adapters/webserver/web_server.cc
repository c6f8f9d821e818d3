// Loading libaudex_webserver.so and the WebRequest helpers.
#include "adapters/webserver/web_server.h"

#include <dlfcn.h>

#include <fmt/format.h>

#include "adapters/credserver/module_loader.h"

namespace audex {
namespace {

constexpr const char* kModuleName = "libaudex_webserver.so";

struct WebServerApi {
  decltype(&::AudexWebServerStart) start = nullptr;
  decltype(&::AudexWebServerStop) stop = nullptr;
};

// The module's entry points; null with `*error` (ending in a fix) when it
// cannot be loaded.
const WebServerApi* Api(std::string* error) {
  static std::string load_error;
  static const WebServerApi* const api = []() -> const WebServerApi* {
#ifdef AUDEX_WEBSERVER_MODULE_PATH
    const char* built_path = AUDEX_WEBSERVER_MODULE_PATH;
#else
    const char* built_path = nullptr;
#endif
    ModuleEntryPoints found;
    if (!LoadAudexModule(kModuleName, built_path, "AudexWebServerStart", "AudexWebServerStop",
                         "web server module", &found, &load_error)) {
      return nullptr;
    }
    static const WebServerApi loaded{reinterpret_cast<decltype(WebServerApi::start)>(found.start),
                                     reinterpret_cast<decltype(WebServerApi::stop)>(found.stop)};
    return &loaded;
  }();
  if (api == nullptr && error != nullptr) *error = load_error;
  return api;
}

}  // namespace

std::string WebRequest::Param(const std::string& name) const {
  const auto found = query.find(name);
  return found == query.end() ? std::string() : found->second;
}

std::string WebRequest::Header(const std::string& lower_case_name) const {
  const auto found = headers.find(lower_case_name);
  return found == headers.end() ? std::string() : found->second;
}

Result<std::unique_ptr<LoopbackWebServer>> LoopbackWebServer::Start(WebHandler handler) {
  std::string error;
  const WebServerApi* api = Api(&error);
  if (api == nullptr) return StateError(error);
  std::unique_ptr<LoopbackWebServer> server(new LoopbackWebServer);
  server->handler_ = std::move(handler);
  server->handle_ = api->start(&server->handler_, &server->port_);
  if (server->handle_ == nullptr) {
    return StateError("cannot listen on 127.0.0.1: is the loopback interface up?");
  }
  return server;
}

void LoopbackWebServer::Stop() {
  if (handle_ == nullptr) return;
  Api(nullptr)->stop(handle_);
  handle_ = nullptr;
}

LoopbackWebServer::~LoopbackWebServer() { Stop(); }

}  // namespace audex
