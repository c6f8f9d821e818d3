// Fetching an OpenID provider's metadata (OpenID Connect Discovery 1.0)
// over the HttpClient seam: the first request of both the key cache and the
// device login.
#pragma once

#include <string_view>

#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/identity/provider_metadata.h"

namespace audex {

// GETs DiscoveryUrl(issuer) and parses it (core/identity/provider_metadata.h).
// kCredentials when the provider cannot be reached, answers other than
// 200, or the document is not this issuer's; the message names the URL.
Result<ProviderMetadata> FetchProviderMetadata(HttpClient& http, std::string_view issuer);

// GETs `url` expecting 200 and JSON; the body, or kCredentials naming `what`.
Result<std::string> FetchJsonDocument(HttpClient& http, const std::string& url,
                                      std::string_view what);

}  // namespace audex
