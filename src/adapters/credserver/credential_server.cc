// The endpoint's policy (the token check) and the loading of its transport.
//
// cpp-httplib is a shared library in Debian (0.11) built with OpenSSL, zlib
// and brotli; linked into tryaudex it added six shared libraries to every
// start: `tryaudex --version` went from 300 to 420 page faults and from a
// median of 12.0 ms to 22.4 ms (hyperfine, 200 runs, busy 2-core machine).
// Only `run --serve` and Azure sessions need a server, so the server lives in
// libaudex_credserver.so, opened with dlopen on first use, as libcurl is
// (adapters/http); with it, --version is back at 12.7 ms and 312 faults.
// (The Azure identity endpoint once linked cpp-httplib again: 11.9 M
// instructions for --version, median 5.4 ms; through this module, 7.0 M and
// 3.9 ms. The test build.no_server_libraries keeps it so.)
#include "adapters/credserver/credential_server.h"

#include <dlfcn.h>

#include <fmt/format.h>

#include "adapters/credserver/module_loader.h"
#include "core/credentials/served_credentials.h"

namespace audex {
namespace {

constexpr const char* kModuleName = "libaudex_credserver.so";

struct EndpointApi {
  decltype(&::AudexEndpointStart) start = nullptr;
  decltype(&::AudexEndpointStop) stop = nullptr;
};

// The module's entry points; null with `*error` (ending in a fix) when it
// cannot be loaded.
const EndpointApi* Endpoint(std::string* error) {
  static std::string load_error;
  static const EndpointApi* const api = []() -> const EndpointApi* {
#ifdef AUDEX_CREDSERVER_MODULE_PATH
    const char* built_path = AUDEX_CREDSERVER_MODULE_PATH;
#else
    const char* built_path = nullptr;
#endif
    ModuleEntryPoints found;
    if (!LoadAudexModule(kModuleName, built_path, "AudexEndpointStart", "AudexEndpointStop",
                         "endpoint module", &found, &load_error)) {
      return nullptr;
    }
    static const EndpointApi loaded{reinterpret_cast<decltype(EndpointApi::start)>(found.start),
                                    reinterpret_cast<decltype(EndpointApi::stop)>(found.stop)};
    return &loaded;
  }();
  if (api == nullptr && error != nullptr) *error = load_error;
  return api;
}

}  // namespace

Result<std::unique_ptr<LoopbackEndpoint>> LoopbackEndpoint::Start(EndpointHandler handler,
                                                                  std::string_view otherwise) {
  std::string error;
  const EndpointApi* api = Endpoint(&error);
  if (api == nullptr) return StateError(fmt::format("{}, or {}", error, otherwise));
  std::unique_ptr<LoopbackEndpoint> endpoint(new LoopbackEndpoint);
  endpoint->handler_ = std::move(handler);
  endpoint->handle_ = api->start(&endpoint->handler_, &endpoint->port_);
  if (endpoint->handle_ == nullptr) {
    return StateError(
        fmt::format("cannot listen on 127.0.0.1 (is the loopback interface up?); {}", otherwise));
  }
  return endpoint;
}

void LoopbackEndpoint::Stop() {
  if (handle_ == nullptr) return;
  Endpoint(nullptr)->stop(handle_);
  handle_ = nullptr;
}

LoopbackEndpoint::~LoopbackEndpoint() { Stop(); }

Result<std::unique_ptr<CredentialServer>> CredentialServer::Start(SecretString token,
                                                                  Responder respond) {
  std::unique_ptr<CredentialServer> server(new CredentialServer);
  server->token_ = std::move(token);
  server->respond_ = std::move(respond);
  CredentialServer* self = server.get();
  auto handler = [self](const EndpointRequest& request) -> CredentialReply {
    if (request.method != "GET" || request.path != "/credentials") {
      return {404, R"({"code":"NotFound","message":"only GET /credentials is served"})"};
    }
    // The SDKs send the token as the whole Authorization header value.
    if (!AuthorizationMatches(self->token_.Reveal(), request.authorization)) {
      return {
          403,
          R"({"code":"AccessDenied","message":"missing or wrong AWS_CONTAINER_AUTHORIZATION_TOKEN"})"};
    }
    return self->respond_();
  };
  auto endpoint = LoopbackEndpoint::Start(
      std::move(handler), "drop --serve to pass the credentials in the environment");
  if (!endpoint) {
    return StateError(fmt::format("the --serve credential endpoint: {}", endpoint.error().message));
  }
  server->endpoint_ = std::move(*endpoint);
  server->url_ = fmt::format("http://127.0.0.1:{}/credentials", server->endpoint_->port());
  return server;
}

void CredentialServer::Stop() {
  if (endpoint_) endpoint_->Stop();
}

CredentialServer::~CredentialServer() { Stop(); }

}  // namespace audex
