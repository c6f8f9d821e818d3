// Provider metadata over HTTP (provider_client.h).
#include "adapters/oidc/provider_client.h"

#include <fmt/format.h>

namespace audex {

Result<std::string> FetchJsonDocument(HttpClient& http, const std::string& url,
                                      std::string_view what) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  auto response = http.Send(request);
  if (!response) {
    return CredentialsError(
        fmt::format("cannot fetch the {} ({}): {}", what, url, response.error().message));
  }
  if (response->status != 200) {
    return CredentialsError(fmt::format("the {} at {} answered HTTP {}; check the issuer URL", what,
                                        url, response->status));
  }
  return std::move(response->body);
}

Result<ProviderMetadata> FetchProviderMetadata(HttpClient& http, std::string_view issuer) {
  const std::string url = DiscoveryUrl(issuer);
  auto body = FetchJsonDocument(http, url, "OpenID provider metadata");
  if (!body) return tl::unexpected(body.error());
  return ParseProviderMetadata(*body, issuer, url);
}

}  // namespace audex
