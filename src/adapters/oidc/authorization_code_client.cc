// RFC 6749 §4.1.3 over HTTP (authorization_code_client.h).
#include "adapters/oidc/authorization_code_client.h"

#include <fmt/format.h>

#include "core/wire/url.h"

namespace audex {

Result<TokenSet> RedeemAuthorizationCode(HttpClient& http, const ProviderMetadata& metadata,
                                         const CodeRedemption& redemption,
                                         std::chrono::system_clock::time_point now) {
  if (metadata.token_endpoint.empty()) {
    return CredentialsError(
        fmt::format("the provider {} publishes no token_endpoint", metadata.issuer));
  }
  HttpRequest request;
  request.method = "POST";
  request.url = metadata.token_endpoint;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = FormEncode({{"grant_type", "authorization_code"},
                             {"code", redemption.code.Reveal()},
                             {"redirect_uri", redemption.redirect_uri},
                             {"client_id", redemption.client_id},
                             {"code_verifier", redemption.code_verifier.Reveal()}});
  auto response = http.Send(request);
  if (!response) {
    return CredentialsError(
        fmt::format("cannot reach the provider's token endpoint: {}", response.error().message));
  }
  return ParseAuthorizationCodeResponse(response->status, response->body, now);
}

}  // namespace audex
