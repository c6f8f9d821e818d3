#include "adapters/teamclient/team_client.h"

#include <fmt/format.h>

#include <thread>

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

namespace {

// GET of a grant's credentials URL with its own bearer token (sent as is,
// as AWS_CONTAINER_AUTHORIZATION_TOKEN would be).
HttpResult GetCredentialsUrl(HttpClient& http, const std::string& url, const SecretString& token) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Authorization", token.Reveal()}};
  return http.Send(request);
}

// A grant the server holds for approval: where and with what its
// credentials are fetched once it is issued.
struct PendingGrant {
  std::string request_id;
  std::string grant_id;
  std::string url;  // the credentials endpoint, absolute
  SecretString token;
};

PendingGrant PendingGrantOf(const std::string& server, const Json& reply) {
  const std::string path = reply.value("credentials_url", "");
  return PendingGrant{reply.value("request_id", ""), reply.value("grant_id", ""),
                      path.starts_with("/") ? server + path : path,
                      SecretString(reply.value("credentials_token", ""))};
}

// Polls a pending grant's credentials endpoint (202 while it waits, 200
// once approved and issued): the 200 reply's JSON (the container
// credentials of an AWS grant, the token grant's reply of a GCP or Azure
// one).
Result<Json> AwaitApproval(HttpClient& http, const std::string& server, const Json& reply,
                           const PendingGrant& pending, const ApprovalWait& wait) {
  const std::string& request_id = pending.request_id;
  const std::string& url = pending.url;
  std::vector<std::string> groups;
  for (const auto& group : reply.value("approver_groups", Json::array())) {
    if (group.is_string()) groups.push_back(group.get<std::string>());
  }
  const std::string who = fmt::format("{} approval{} from {}", reply.value("required_approvals", 1),
                                      reply.value("required_approvals", 1) == 1 ? "" : "s",
                                      EscapeControl(Join(groups, ", ")));
  const std::string pending_message = fmt::format(
      "the team server {} holds request {} for {} (until {}); nothing was issued. An approver "
      "runs `tryaudex requests approve {}`; wait for it with --approval-wait DURATION, or see "
      "`tryaudex requests show {}`",
      server, EscapeControl(request_id), who, EscapeControl(reply.value("expires_at", "?")),
      EscapeControl(request_id), EscapeControl(request_id));
  if (wait.limit.count() <= 0 || url.empty()) return CredentialsError(pending_message);
  if (wait.notice) {
    wait.notice(fmt::format(
        "waiting up to {} s for approval of request {} ({}); approvers run: tryaudex requests "
        "approve {}",
        wait.limit.count(), EscapeControl(request_id), who, EscapeControl(request_id)));
  }
  std::function<void(std::chrono::milliseconds)> sleep = wait.sleep;
  if (!sleep) sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  const auto deadline = std::chrono::steady_clock::now() + wait.limit;
  for (;;) {
    auto result = GetCredentialsUrl(http, url, pending.token);
    if (!result) {
      return CredentialsError(
          fmt::format("cannot reach the team server while waiting for request {}: {}",
                      EscapeControl(request_id), result.error().message));
    }
    if (result->status == 200) {
      Json issued = Json::parse(result->body, nullptr, false);
      if (!issued.is_object()) {
        return CredentialsError(
            fmt::format("the team server {} answered request {} with no JSON", server, request_id));
      }
      return issued;
    }
    if (result->status != 202) {
      const Error refused = RefusalOf(*result, server);
      return tl::unexpected(Error{
          refused.kind, fmt::format("request {}: {}", EscapeControl(request_id), refused.message)});
    }
    if (std::chrono::steady_clock::now() + wait.poll > deadline) {
      return CredentialsError(
          fmt::format("still no approval after {} s: {}", wait.limit.count(), pending_message));
    }
    sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wait.poll));
  }
}

// POST of `body` as JSON to the server's `path`, with the caller's API
// token; any answer is returned, an unreachable server is kCredentials.
Result<HttpResponse> PostJson(HttpClient& http, const std::string& server,
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
  return std::move(*result);
}

// POST /v1/grants: the reply's status (201 issued, 202 awaiting approval)
// and its JSON object; any other answer is the server's refusal.
struct PostedGrant {
  int status = 0;
  Json reply;
};

Result<PostedGrant> PostGrant(HttpClient& http, const std::string& server,
                              const SecretString& token, const nlohmann::json& body) {
  auto result = PostJson(http, server, token, "/v1/grants", body);
  if (!result) return tl::unexpected(result.error());
  if (result->status != 201 && result->status != 202) {
    return tl::unexpected(RefusalOf(*result, server));
  }
  const Json reply = Json::parse(result->body, nullptr, false);
  if (!reply.is_object()) {
    return CredentialsError(fmt::format("the team server {} answered with no JSON", server));
  }
  return PostedGrant{result->status, reply};
}

// The reply that holds a grant once it is issued: the POST's own (201), or
// for a grant held for approval (202) its credentials endpoint's, waited
// for; `pending` says where that came from.
struct IssuedGrant {
  Json reply;
  std::optional<PendingGrant> pending;
  std::string source;  // "team server URL grant ID[ (approved request ID)]"
};

Result<IssuedGrant> IssuedGrantOf(HttpClient& http, const std::string& server,
                                  const SecretString& token, const nlohmann::json& body,
                                  const ApprovalWait& wait) {
  auto posted = PostGrant(http, server, token, body);
  if (!posted) return tl::unexpected(posted.error());
  if (posted->status != 202) {
    return IssuedGrant{
        posted->reply, std::nullopt,
        fmt::format("team server {} grant {}", server, posted->reply.value("grant_id", ""))};
  }
  // Held for approval: what it grants comes from the grant's credentials
  // endpoint once the last approver has let the server ask for it.
  PendingGrant pending = PendingGrantOf(server, posted->reply);
  auto issued = AwaitApproval(http, server, posted->reply, pending, wait);
  if (!issued) return tl::unexpected(issued.error());
  std::string source = fmt::format("team server {} grant {} (approved request {})", server,
                                   pending.grant_id, pending.request_id);
  return IssuedGrant{std::move(*issued), std::move(pending), std::move(source)};
}

}  // namespace

Result<GrantReply> RequestGrant(HttpClient& http, const std::string& server,
                                const SecretString& token, const nlohmann::json& body,
                                const ApprovalWait& wait) {
  auto issued = IssuedGrantOf(http, server, token, body, wait);
  if (!issued) return tl::unexpected(issued.error());
  const Json& reply = issued->reply;
  const std::optional<PendingGrant>& pending = issued->pending;
  // The POST's reply names the session token as the AWS CLI's JSON does;
  // the credentials endpoint as the container-credentials JSON does.
  auto credentials = pending ? CredentialsFrom(reply, "Token", pending->url)
                             : CredentialsFrom(reply, "SessionToken", server);
  if (!credentials) return tl::unexpected(credentials.error());
  GrantReply grant;
  grant.credentials = std::move(*credentials);
  grant.credentials.source = issued->source;
  if (pending) {
    grant.grant_id = pending->grant_id;
    grant.credentials_url = pending->url;
    grant.credentials_token = pending->token;
    return grant;
  }
  grant.grant_id = reply.value("grant_id", "");
  const std::string path = reply.value("credentials_url", "");
  grant.credentials_url = path.starts_with("/") ? server + path : path;
  grant.credentials_token = SecretString(reply.value("credentials_token", ""));
  if (reply.contains("reused_from") && reply["reused_from"].is_string()) {
    grant.reused_from = reply["reused_from"].get<std::string>();
  }
  return grant;
}

namespace {

// A token grant's reply (the POST's 201, or an approved grant's
// credentials endpoint): the token and what the child needs besides.
// `source` says where it came from.
Result<TokenGrantReply> TokenGrantFrom(const Json& reply, const std::string& server,
                                       const std::string& source) {
  const auto text = [&](const char* key) -> std::string {
    return reply.contains(key) && reply[key].is_string() ? reply[key].get<std::string>() : "";
  };
  TokenGrantReply grant;
  grant.access_token = SecretString(text("access_token"));
  grant.grant_id = text("grant_id");
  if (grant.access_token.Reveal().empty() || grant.grant_id.empty()) {
    return CredentialsError(fmt::format(
        "the team server {} answered without a token grant (grant_id, access_token); is it an "
        "older server that issues AWS grants only?",
        server));
  }
  if (const std::string expires = text("expires_at"); !expires.empty()) {
    auto parsed = ParseRfc3339(expires);
    if (!parsed) {
      return CredentialsError(
          fmt::format("the team server {} sent an expires_at that is not RFC 3339", server));
    }
    grant.expires_at = *parsed;
  }
  if (reply.contains("ttl_seconds") && reply["ttl_seconds"].is_number_integer()) {
    grant.ttl = std::chrono::seconds(reply["ttl_seconds"].get<long>());
  }
  grant.service_account = text("service_account");
  grant.project = text("project");
  grant.resource = text("resource");
  grant.cloud = text("cloud");
  if (const std::string tenant = text("tenant_id"); !tenant.empty()) grant.tenant_id = tenant;
  if (const std::string sub = text("subscription_id"); !sub.empty()) grant.subscription_id = sub;
  for (const auto& warning : reply.value("warnings", Json::array())) {
    if (warning.is_string()) grant.warnings.push_back(EscapeControl(warning.get<std::string>()));
  }
  grant.source = source;
  return grant;
}

}  // namespace

Result<TokenGrantReply> RequestTokenGrant(HttpClient& http, const std::string& server,
                                          const SecretString& token, const nlohmann::json& body,
                                          const ApprovalWait& wait) {
  auto issued = IssuedGrantOf(http, server, token, body, wait);
  if (!issued) return tl::unexpected(issued.error());
  return TokenGrantFrom(issued->reply, server, issued->source);
}

Result<AwsCredentials> FetchGrantCredentials(HttpClient& http, const std::string& url,
                                             const SecretString& token) {
  auto result = GetCredentialsUrl(http, url, token);
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
  auto result = PostJson(http, server, token, path, body);
  if (!result) return tl::unexpected(result.error());
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

Result<nlohmann::json> CallTeamApi(HttpClient& http, const std::string& server,
                                   const SecretString& token, const std::string& method,
                                   const std::string& path,
                                   const std::optional<nlohmann::json>& body) {
  HttpRequest request;
  request.method = method;
  request.url = server + path;
  request.headers = {{"Authorization", "Bearer " + token.Reveal()}};
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  auto result = http.Send(request);
  if (!result) {
    return CredentialsError(
        fmt::format("cannot reach the team server: {}", result.error().message));
  }
  const Json reply = Json::parse(result->body, nullptr, false);
  if (result->status >= 200 && result->status < 300 && !reply.is_discarded()) return reply;
  if (result->status == 400 || result->status == 404 || result->status == 409 ||
      result->status == 410) {
    return UsageError(fmt::format("the team server {} refused: {}", server, ServerSays(*result)));
  }
  if (result->status == 403) {
    return CredentialsError(
        fmt::format("the team server {} refused: {}", server, ServerSays(*result)));
  }
  return tl::unexpected(RefusalOf(*result, server));
}

}  // namespace audex
