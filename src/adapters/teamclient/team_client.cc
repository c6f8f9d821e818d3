#include "adapters/teamclient/team_client.h"

#include <fmt/format.h>

#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

using Json = nlohmann::json;

std::string ServerSays(const HttpResponse& response) {
  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const Json& error = body["error"];
    std::string message = error.value("message", "");
    if (error.contains("rule") && error["rule"].is_string()) {
      message += fmt::format(" (rule {})", error["rule"].get<std::string>());
    }
    if (!message.empty()) return EscapeControl(message.substr(0, 2000));
  }
  return fmt::format("HTTP {}", response.status);
}

std::optional<std::string> HeaderOf(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Error RefusalOf(const HttpResponse& response, const std::string& server) {
  const std::string says = ServerSays(response);
  switch (response.status) {
    case 400:
      return Error{ErrorKind::kPolicy,
                   fmt::format("the team server {} refused the request: {}", server, says)};
    case 401:
      return Error{ErrorKind::kCredentials,
                   fmt::format("the team server {} did not accept the token: {}; check "
                               "AUDEX_SERVER_TOKEN (or server_token), or log in again with "
                               "`tryaudex login`",
                               server, says)};
    case 403:
      return Error{ErrorKind::kCredentials,
                   fmt::format("the team server {} refused the grant: {}", server, says)};
    case 429:
      return Error{
          ErrorKind::kCredentials,
          fmt::format("the team server {} limits how often you may ask: {}{}", server, says,
                      HeaderOf(response, "retry-after")
                          ? fmt::format(" (retry after {} s)", *HeaderOf(response, "retry-after"))
                          : "")};
    default:
      return Error{ErrorKind::kCredentials,
                   fmt::format("the team server {} failed: {}", server, says)};
  }
}

Result<AwsCredentials> CredentialsFrom(const Json& body, const char* token_key,
                                       const std::string& server) {
  AwsCredentials credentials;
  const auto text = [&](const char* key) -> std::optional<std::string> {
    if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  auto key = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  auto token = text(token_key);
  auto expiration = text("Expiration");
  if (!key || !secret || !token || !expiration) {
    return CredentialsError(fmt::format(
        "the team server {} answered without credentials (AccessKeyId, SecretAccessKey, {}, "
        "Expiration)",
        server, token_key));
  }
  auto expires = ParseRfc3339(*expiration);
  if (!expires) {
    return CredentialsError(
        fmt::format("the team server {} sent an Expiration that is not RFC 3339", server));
  }
  credentials.access_key_id = *key;
  credentials.secret_access_key = SecretString(*secret);
  credentials.session_token = SecretString(*token);
  credentials.expiration = *expires;
  credentials.source = "team server " + server;
  return credentials;
}

}  // namespace

Result<GrantReply> RequestGrant(HttpClient& http, const std::string& server,
                                const SecretString& token, const nlohmann::json& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = server + "/v1/grants";
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", "Bearer " + token.Reveal()}};
  request.body = body.dump();
  auto result = http.Send(request);
  if (!result) {
    return CredentialsError(
        fmt::format("cannot reach the team server: {}", result.error().message));
  }
  if (result->status != 201) return tl::unexpected(RefusalOf(*result, server));
  const Json reply = Json::parse(result->body, nullptr, false);
  if (!reply.is_object()) {
    return CredentialsError(fmt::format("the team server {} answered with no JSON", server));
  }
  auto credentials = CredentialsFrom(reply, "SessionToken", server);
  if (!credentials) return tl::unexpected(credentials.error());
  GrantReply grant;
  grant.credentials = std::move(*credentials);
  grant.grant_id = reply.value("grant_id", "");
  grant.credentials.source = fmt::format("team server {} grant {}", server, grant.grant_id);
  const std::string path = reply.value("credentials_url", "");
  grant.credentials_url = path.starts_with("/") ? server + path : path;
  grant.credentials_token = SecretString(reply.value("credentials_token", ""));
  if (reply.contains("reused_from") && reply["reused_from"].is_string()) {
    grant.reused_from = reply["reused_from"].get<std::string>();
  }
  return grant;
}

Result<AwsCredentials> FetchGrantCredentials(HttpClient& http, const std::string& url,
                                             const SecretString& token) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Authorization", token.Reveal()}};
  auto result = http.Send(request);
  if (!result) {
    return CredentialsError(
        fmt::format("cannot reach the team server: {}", result.error().message));
  }
  if (result->status != 200) return tl::unexpected(RefusalOf(*result, url));
  const Json reply = Json::parse(result->body, nullptr, false);
  return CredentialsFrom(reply, "Token", url);
}

Result<nlohmann::json> PostRevocation(HttpClient& http, const std::string& server,
                                      const SecretString& token, const std::string& path,
                                      const nlohmann::json& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = server + path;
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", "Bearer " + token.Reveal()}};
  request.body = body.dump();
  auto result = http.Send(request);
  if (!result) {
    return CredentialsError(
        fmt::format("cannot reach the team server: {}", result.error().message));
  }
  const Json reply = Json::parse(result->body, nullptr, false);
  if (result->status == 200 && reply.is_object()) return reply;
  if (result->status == 404 || result->status == 409) {
    return UsageError(fmt::format("the team server {} refused: {}", server, ServerSays(*result)));
  }
  if (result->status == 403) {
    return CredentialsError(
        fmt::format("the team server {} refused the revocation: {}", server, ServerSays(*result)));
  }
  return tl::unexpected(RefusalOf(*result, server));
}

}  // namespace audex
