// RFC 8628 over HTTP (device_flow_client.h).
#include "adapters/oidc/device_flow_client.h"

#include <fmt/format.h>

#include <thread>
#include <variant>

#include "core/wire/url.h"

namespace audex {

DeviceFlowClient::DeviceFlowClient(HttpClient& http, ProviderMetadata metadata,
                                   DeviceFlowOptions options)
    : http_(http), metadata_(std::move(metadata)), options_(std::move(options)) {
  Random01Function unused_random;
  FillUnsetRetryHooks(options_.sleep, unused_random, &options_.clock);
}

std::string DeviceFlowClient::ClientParameters() const {
  QueryParameters parameters = {{"client_id", options_.client_id}};
  if (options_.client_secret) {
    parameters.emplace_back("client_secret", options_.client_secret->Reveal());
  }
  return FormEncode(parameters);
}

HttpResult DeviceFlowClient::PostForm(const std::string& url, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = std::move(body);
  return http_.Send(request);
}

Result<DeviceAuthorization> DeviceFlowClient::Start() {
  if (metadata_.device_authorization_endpoint.empty() || metadata_.token_endpoint.empty()) {
    return CredentialsError(fmt::format(
        "the provider {} publishes no device_authorization_endpoint (RFC 8628 §4); enable the "
        "device flow for this client at the provider",
        metadata_.issuer));
  }
  auto response = PostForm(metadata_.device_authorization_endpoint,
                           ClientParameters() + "&" + FormEncode({{"scope", options_.scope}}));
  if (!response) {
    return CredentialsError(
        fmt::format("cannot reach the provider's device endpoint: {}", response.error().message));
  }
  return ParseDeviceAuthorizationResponse(response->status, response->body);
}

Result<TokenSet> DeviceFlowClient::WaitForTokens(const DeviceAuthorization& authorization) {
  const auto deadline = options_.clock() + authorization.expires_in;
  std::chrono::seconds interval = authorization.interval;
  // RFC 8628 §3.4: the device code travels only to the token endpoint.
  const std::string body =
      FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                  {"device_code", authorization.device_code.Reveal()}}) +
      "&" + ClientParameters();
  for (;;) {
    options_.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(interval));
    if (options_.clock() >= deadline) {
      return CredentialsError(
          "the login code expired before it was confirmed; run tryaudex login again");
    }
    auto response = PostForm(metadata_.token_endpoint, body);
    if (!response) {
      if (response.error().kind == HttpFailureKind::kConnect ||
          response.error().kind == HttpFailureKind::kTimeout) {
        continue;
      }
      return CredentialsError(
          fmt::format("cannot reach the provider's token endpoint: {}", response.error().message));
    }
    auto answer = ParseTokenPollResponse(response->status, response->body, options_.clock());
    if (auto* tokens = std::get_if<TokenSet>(&answer)) return std::move(*tokens);
    const PollAnswer& poll = std::get<PollAnswer>(answer);
    switch (poll.verdict) {
      case PollVerdict::kPending:
        break;
      case PollVerdict::kSlowDown:
        interval += kSlowDownStep;
        break;
      case PollVerdict::kDenied:
        return CredentialsError(
            "the login was denied at the provider (access_denied); run tryaudex login again and "
            "confirm the code");
      case PollVerdict::kExpired:
        return CredentialsError(
            "the login code expired before it was confirmed (expired_token); run tryaudex login "
            "again");
      case PollVerdict::kFailed:
        return CredentialsError(fmt::format("the provider refused the login: {}", poll.error));
    }
  }
}

Result<TokenSet> DeviceFlowClient::Refresh(const TokenSet& current) {
  if (current.refresh_token.empty()) {
    return CredentialsError(
        "the login has no refresh token (the provider gave none); run tryaudex login again");
  }
  if (metadata_.token_endpoint.empty()) {
    return CredentialsError(
        fmt::format("the provider {} publishes no token_endpoint", metadata_.issuer));
  }
  auto response = PostForm(metadata_.token_endpoint,
                           FormEncode({{"grant_type", "refresh_token"},
                                       {"refresh_token", current.refresh_token.Reveal()}}) +
                               "&" + ClientParameters());
  if (!response) {
    return CredentialsError(
        fmt::format("cannot reach the provider's token endpoint: {}", response.error().message));
  }
  return ParseRefreshResponse(response->status, response->body, current, options_.clock());
}

}  // namespace audex
