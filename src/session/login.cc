// A person's login to a team server (login.h).
#include "session/login.h"

#include <fmt/format.h>

#include "adapters/http/curl_http_client.h"
#include "adapters/oidc/device_flow_client.h"
#include "adapters/oidc/login_token_store.h"
#include "adapters/oidc/provider_client.h"
#include "adapters/store/credential_cache_store.h"
#include "adapters/teamclient/login_client.h"
#include "core/identity/jwt.h"

namespace audex {
namespace {

// The ID token's "exp", read without verifying it: the client only decides
// when to refresh; the server verifies.
Result<std::chrono::system_clock::time_point> IdTokenExpiry(const SecretString& id_token,
                                                            const std::string& issuer) {
  if (id_token.Reveal().empty()) {
    return CredentialsError(fmt::format(
        "the provider {} sent no ID token; it must allow the scope \"openid\" for this client",
        issuer));
  }
  auto decoded = DecodeJwt(id_token.Reveal());
  if (!decoded || !decoded->claims.contains("exp") || !decoded->claims["exp"].is_number_integer()) {
    return CredentialsError(
        fmt::format("the provider {} sent an ID token without a readable \"exp\"", issuer));
  }
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(decoded->claims["exp"].get<int64_t>()));
}

Result<DeviceFlowClient> ClientFor(HttpClient& http, const std::string& issuer,
                                   const std::string& client_id, const std::string& scope,
                                   const World& world, SleepFunction sleep) {
  auto metadata = FetchProviderMetadata(http, issuer);
  if (!metadata) return tl::unexpected(metadata.error());
  if (metadata->device_authorization_endpoint.empty() || metadata->token_endpoint.empty()) {
    return CredentialsError(fmt::format(
        "the provider {} publishes no device_authorization_endpoint or token_endpoint; enable "
        "the device authorization grant (RFC 8628) for client {}",
        issuer, client_id));
  }
  DeviceFlowOptions options;
  options.client_id = client_id;
  options.scope = scope;
  options.sleep = std::move(sleep);
  options.clock = world.clock;
  return DeviceFlowClient(http, std::move(*metadata), std::move(options));
}

}  // namespace

std::string NormalizeServerUrl(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

Result<LoginTokens> LoginToServer(const World& world, const std::string& server_url,
                                  const LoginPromptSink& show, SleepFunction sleep) {
  const std::string server = NormalizeServerUrl(server_url);
  if (!server.starts_with("https://") && !server.starts_with("http://")) {
    return UsageError(
        fmt::format("--server \"{}\" is not a URL; give https://HOST[:PORT]", server_url));
  }
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  auto config = FetchLoginConfig(*http, server);
  if (!config) return tl::unexpected(config.error());
  auto client =
      ClientFor(*http, config->issuer, config->client_id, config->scope, world, std::move(sleep));
  if (!client) return tl::unexpected(client.error());
  auto authorization = client->Start();
  if (!authorization) return tl::unexpected(authorization.error());
  show(LoginPrompt{authorization->verification_uri, authorization->verification_uri_complete,
                   authorization->user_code, config->issuer, authorization->expires_in});
  auto tokens = client->WaitForTokens(*authorization);
  if (!tokens) return tl::unexpected(tokens.error());
  auto expires = IdTokenExpiry(tokens->id_token, config->issuer);
  if (!expires) return tl::unexpected(expires.error());
  LoginTokens login;
  login.server_url = server;
  login.issuer = config->issuer;
  login.client_id = config->client_id;
  login.tokens = std::move(*tokens);
  login.id_token_expires_at = *expires;
  if (auto saved = SaveLoginTokens(CredentialCacheStore(world.paths.state_dir), login); !saved) {
    return tl::unexpected(saved.error());
  }
  return login;
}

Result<std::optional<SecretString>> CurrentLoginToken(const World& world,
                                                      const std::string& server_url) {
  const std::string server = NormalizeServerUrl(server_url);
  const CredentialCacheStore store(world.paths.state_dir);
  auto kept = LoadLoginTokens(store, server);
  if (!kept) return tl::unexpected(kept.error());
  if (!*kept) return std::optional<SecretString>();
  LoginTokens login = std::move(**kept);
  if (login.id_token_expires_at - world.clock() > kLoginRefreshMargin) {
    return std::optional<SecretString>(login.tokens.id_token);
  }
  if (login.tokens.refresh_token.Reveal().empty()) {
    return CredentialsError(fmt::format(
        "your login to {} has expired and the provider gave no refresh token; run `tryaudex "
        "login --server {}` again",
        server, server));
  }
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  auto client = ClientFor(*http, login.issuer, login.client_id, "", world, {});
  if (!client) return tl::unexpected(client.error());
  auto refreshed = client->Refresh(login.tokens);
  if (!refreshed) {
    return CredentialsError(
        fmt::format("your login to {} could not be refreshed ({}); run "
                    "`tryaudex login --server {}` again",
                    server, refreshed.error().message, server));
  }
  auto expires = IdTokenExpiry(refreshed->id_token, login.issuer);
  if (!expires) return tl::unexpected(expires.error());
  login.tokens = std::move(*refreshed);
  login.id_token_expires_at = *expires;
  if (auto saved = SaveLoginTokens(store, login); !saved) return tl::unexpected(saved.error());
  return std::optional<SecretString>(login.tokens.id_token);
}

Result<bool> Logout(const World& world, const std::string& server_url) {
  const std::string server = NormalizeServerUrl(server_url);
  const CredentialCacheStore store(world.paths.state_dir);
  auto kept = LoadLoginTokens(store, server);
  if (!kept) return tl::unexpected(kept.error());
  if (auto removed = ForgetLoginTokens(store, server); !removed) {
    return tl::unexpected(removed.error());
  }
  return kept->has_value();
}

}  // namespace audex
