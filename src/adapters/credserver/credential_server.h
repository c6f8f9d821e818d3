// CredentialServer: the loopback HTTP endpoint `run --serve` hands to the
// child as AWS_CONTAINER_CREDENTIALS_FULL_URI (README, "--serve"). It
// listens on 127.0.0.1 only, on a port the kernel picks, answers GET
// /credentials for callers that present the per-run token in the
// Authorization header (403 otherwise, compared in constant time) and
// asks its owner what to serve.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/credserver/endpoint_module.h"
#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

// A loopback HTTP server from the endpoint module: 127.0.0.1 on a port the
// kernel picks, a thread of its own, every request to `handler`. Used by
// CredentialServer and by the Azure session's identity endpoint.
class LoopbackEndpoint {
 public:
  // Loads the module and starts serving. kState if the module cannot be
  // loaded or no port can be bound; the message ends with `otherwise`, the
  // user's way around it ("drop --serve to ...").
  static Result<std::unique_ptr<LoopbackEndpoint>> Start(EndpointHandler handler,
                                                         std::string_view otherwise);

  int port() const { return port_; }

  // Stops listening and joins the thread. Idempotent; the destructor calls it.
  void Stop();

  ~LoopbackEndpoint();
  LoopbackEndpoint(const LoopbackEndpoint&) = delete;
  LoopbackEndpoint& operator=(const LoopbackEndpoint&) = delete;

 private:
  LoopbackEndpoint() = default;
  EndpointHandler handler_;
  void* handle_ = nullptr;
  int port_ = 0;
};

class CredentialServer {
 public:
  // Called once per authorised fetch, one call at a time (so a refresh is
  // never started twice at once).
  using Responder = std::function<CredentialReply()>;

  // Loads the endpoint module, binds 127.0.0.1:0 and starts serving on a
  // thread of its own. kState if the module cannot be loaded or no port
  // can be bound.
  static Result<std::unique_ptr<CredentialServer>> Start(SecretString token, Responder respond);

  // "http://127.0.0.1:PORT/credentials"
  const std::string& url() const { return url_; }

  // Stops listening and joins the thread; later fetches are refused by the
  // kernel (nothing listens). Idempotent; the destructor calls it.
  void Stop();

  ~CredentialServer();
  CredentialServer(const CredentialServer&) = delete;
  CredentialServer& operator=(const CredentialServer&) = delete;

 private:
  CredentialServer() = default;
  SecretString token_;
  Responder respond_;
  std::unique_ptr<LoopbackEndpoint> endpoint_;
  std::string url_;
};

}  // namespace audex
