// The endpoint's rules; the HTTP server is the loopback endpoint module's
// (adapters/credserver), loaded only when an Azure session starts, so other
// commands do not load cpp-httplib and its OpenSSL, zlib and brotli.
#include "adapters/azure/local_identity_endpoint.h"

#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "adapters/credserver/credential_server.h"
#include "core/credentials/served_credentials.h"

namespace audex {

struct LocalIdentityEndpoint::State {
  SecretString token;
  std::chrono::system_clock::time_point token_expiry;
  std::chrono::system_clock::time_point serve_until;
  SecretString secret;
  std::unique_ptr<LoopbackEndpoint> endpoint;
  std::atomic<int> served{0};

  CredentialReply Handle(const EndpointRequest& request) {
    const std::string prefix = "/" + secret.Reveal();
    if (request.method == "POST" && request.path == prefix + "/msi/token") {
      if (request.metadata != "true") {
        return {400,
                R"({"error":"invalid_request","error_description":"Metadata: true is required"})"};
      }
      return Serve(request.resource);
    }
    if (request.method == "GET" && request.path == prefix + "/identity/token") {
      if (!AuthorizationMatches(secret.Reveal(), request.identity_header)) {
        return {401, R"({"error":"unauthorized","error_description":"wrong X-IDENTITY-HEADER"})"};
      }
      return Serve(request.resource);
    }
    return {404, R"({"error":"not_found","error_description":"no such endpoint"})"};
  }

  // The reply both protocols share (App Service 2019-08-01 and the
  // Cloud Shell style MSI_ENDPOINT): expires_on as epoch seconds in a string.
  CredentialReply Serve(const std::string& resource) {
    const auto now = std::chrono::system_clock::now();
    if (now >= serve_until) {
      return {
          403,
          R"({"error":"session_expired","error_description":"the Audex session's TTL has run out"})"};
    }
    const long long expires_on =
        std::chrono::duration_cast<std::chrono::seconds>(token_expiry.time_since_epoch()).count();
    const long long expires_in =
        std::chrono::duration_cast<std::chrono::seconds>(token_expiry - now).count();
    const nlohmann::json body = {{"access_token", token.Reveal()},
                                 {"expires_on", std::to_string(expires_on)},
                                 {"expires_in", std::to_string(std::max(0LL, expires_in))},
                                 {"resource", resource},
                                 {"token_type", "Bearer"}};
    ++served;
    return {200, body.dump()};
  }
};

LocalIdentityEndpoint::LocalIdentityEndpoint(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

LocalIdentityEndpoint::~LocalIdentityEndpoint() {
  if (state_->endpoint) state_->endpoint->Stop();
}

Result<std::unique_ptr<LocalIdentityEndpoint>> LocalIdentityEndpoint::Start(
    SecretString token, std::chrono::system_clock::time_point token_expiry,
    std::chrono::system_clock::time_point serve_until, SecretString secret) {
  auto state = std::make_unique<State>();
  state->token = std::move(token);
  state->token_expiry = token_expiry;
  state->serve_until = serve_until;
  state->secret = std::move(secret);
  State* raw = state.get();
  auto endpoint = LoopbackEndpoint::Start(
      [raw](const EndpointRequest& request) { return raw->Handle(request); },
      "an Azure session needs it to hand the token to the command");
  if (!endpoint) {
    return StateError(fmt::format("the session's identity endpoint: {}", endpoint.error().message));
  }
  raw->endpoint = std::move(*endpoint);
  return std::unique_ptr<LocalIdentityEndpoint>(new LocalIdentityEndpoint(std::move(state)));
}

std::string LocalIdentityEndpoint::MsiEndpoint() const {
  return fmt::format("http://127.0.0.1:{}/{}/msi/token", state_->endpoint->port(),
                     state_->secret.Reveal());
}

std::string LocalIdentityEndpoint::IdentityEndpoint() const {
  return fmt::format("http://127.0.0.1:{}/{}/identity/token", state_->endpoint->port(),
                     state_->secret.Reveal());
}

int LocalIdentityEndpoint::requests_served() const { return state_->served.load(); }

}  // namespace audex
