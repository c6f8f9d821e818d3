// A team server's identity endpoints (login_client.h).
#include "adapters/teamclient/login_client.h"

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex {
namespace {

using Json = nlohmann::json;

// The server's {"error": {"message", "rule"}} in one line, or the status.
std::string ServerSays(const HttpResponse& response) {
  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object() &&
      body["error"].contains("message") && body["error"]["message"].is_string()) {
    return EscapeControl(body["error"]["message"].get<std::string>().substr(0, 2000));
  }
  return fmt::format("HTTP {}", response.status);
}

Result<Json> GetJson(HttpClient& http, const std::string& server, const std::string& path,
                     const SecretString* token) {
  HttpRequest request;
  request.url = server + path;
  request.headers = {{"Accept", "application/json"}};
  if (token != nullptr) request.headers.emplace_back("Authorization", "Bearer " + token->Reveal());
  auto result = http.Send(request);
  if (!result) {
    return CredentialsError(
        fmt::format("cannot reach the team server {}: {}", server, result.error().message));
  }
  if (result->status == 401) {
    return CredentialsError(fmt::format(
        "the team server {} did not accept the token: {}; log in again with `tryaudex login "
        "--server {}`, or check AUDEX_SERVER_TOKEN",
        server, ServerSays(*result), server));
  }
  if (result->status != 200) {
    return CredentialsError(fmt::format("the team server {} answered {} {}: {}", server,
                                        result->status, path, ServerSays(*result)));
  }
  Json body = Json::parse(result->body, nullptr, false);
  if (!body.is_object()) {
    return CredentialsError(
        fmt::format("the team server {} answered {} with no JSON object", server, path));
  }
  return body;
}

}  // namespace

Result<LoginConfig> FetchLoginConfig(HttpClient& http, const std::string& server) {
  auto body = GetJson(http, server, "/v1/login-config", nullptr);
  if (!body) return tl::unexpected(body.error());
  LoginConfig config;
  config.issuer = body->value("issuer", "");
  config.client_id = body->value("client_id", "");
  config.scope = body->value("scope", "openid offline_access");
  if (config.issuer.empty() || config.client_id.empty()) {
    return CredentialsError(
        fmt::format("the team server {} named no issuer or client id in /v1/login-config", server));
  }
  return config;
}

Result<nlohmann::json> FetchWhoAmI(HttpClient& http, const std::string& server,
                                   const SecretString& token) {
  return GetJson(http, server, "/v1/whoami", &token);
}

}  // namespace audex
