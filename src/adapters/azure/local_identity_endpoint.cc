#include "adapters/azure/local_identity_endpoint.h"

#include <httplib.h>

#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

namespace audex {

struct LocalIdentityEndpoint::State {
  SecretString token;
  std::chrono::system_clock::time_point token_expiry;
  std::chrono::system_clock::time_point serve_until;
  SecretString secret;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<int> served{0};

  // The reply both protocols share (App Service 2019-08-01 and the
  // Cloud Shell style MSI_ENDPOINT): expires_on as epoch seconds in a string.
  void Serve(const std::string& resource, httplib::Response& response) {
    const auto now = std::chrono::system_clock::now();
    if (now >= serve_until) {
      response.status = 403;
      response.set_content(
          R"({"error":"session_expired","error_description":"the Audex session's TTL has run out"})",
          "application/json");
      return;
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
    response.set_content(body.dump(), "application/json");
  }
};

LocalIdentityEndpoint::LocalIdentityEndpoint(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

LocalIdentityEndpoint::~LocalIdentityEndpoint() {
  state_->server.stop();
  if (state_->thread.joinable()) state_->thread.join();
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
  const std::string prefix = "/" + raw->secret.Reveal();
  raw->server.Post(
      prefix + "/msi/token", [raw](const httplib::Request& request, httplib::Response& response) {
        if (request.get_header_value("Metadata") != "true") {
          response.status = 400;
          response.set_content(
              R"({"error":"invalid_request","error_description":"Metadata: true is required"})",
              "application/json");
          return;
        }
        raw->Serve(request.get_param_value("resource"), response);
      });
  raw->server.Get(prefix + "/identity/token", [raw](const httplib::Request& request,
                                                    httplib::Response& response) {
    if (request.get_header_value("X-IDENTITY-HEADER") != raw->secret.Reveal()) {
      response.status = 401;
      response.set_content(
          R"({"error":"unauthorized","error_description":"wrong X-IDENTITY-HEADER"})",
          "application/json");
      return;
    }
    raw->Serve(request.get_param_value("resource"), response);
  });
  raw->port = raw->server.bind_to_any_port("127.0.0.1");
  if (raw->port <= 0) {
    return StateError(
        "cannot open a loopback port for the session's identity endpoint; is 127.0.0.1 "
        "available?");
  }
  raw->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(): poll, bounded.
  for (int i = 0; i < 500 && !raw->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::unique_ptr<LocalIdentityEndpoint>(new LocalIdentityEndpoint(std::move(state)));
}

std::string LocalIdentityEndpoint::MsiEndpoint() const {
  return fmt::format("http://127.0.0.1:{}/{}/msi/token", state_->port, state_->secret.Reveal());
}

std::string LocalIdentityEndpoint::IdentityEndpoint() const {
  return fmt::format("http://127.0.0.1:{}/{}/identity/token", state_->port,
                     state_->secret.Reveal());
}

int LocalIdentityEndpoint::requests_served() const { return state_->served.load(); }

}  // namespace audex
