// An OpenID provider's metadata (OpenID Connect Discovery 1.0 §3, served at
// ISSUER/.well-known/openid-configuration): where its keys are, and the
// endpoints of the device authorization grant (RFC 8628) and token requests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

inline constexpr size_t kMaxProviderMetadataBytes = 256 * 1024;

struct ProviderMetadata {
  std::string issuer;
  std::string jwks_uri;
  std::string token_endpoint;                 // empty when not published
  std::string device_authorization_endpoint;  // empty when not published
  std::string authorization_endpoint;         // the browser login's (empty when not published)
  std::vector<std::string> id_token_signing_alg_values_supported;
};

// ISSUER + "/.well-known/openid-configuration" (Discovery §4.1: the path is
// appended to the issuer, whose trailing slash is dropped first).
std::string DiscoveryUrl(std::string_view issuer);

// Parses the metadata document. The "issuer" it names must be exactly
// `expected_issuer` (Discovery §4.3: otherwise another provider's document
// could stand in, and with it another provider's keys), and every endpoint
// must be https or loopback http. kCredentials otherwise, naming `source`.
Result<ProviderMetadata> ParseProviderMetadata(std::string_view text,
                                               std::string_view expected_issuer,
                                               std::string_view source);

}  // namespace audex
