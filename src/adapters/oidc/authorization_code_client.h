// The team server's side of the browser login (authorization code grant
// with PKCE, RFC 6749 §4.1 and RFC 7636): redeeming the code the provider
// sent the browser back with for tokens at the token endpoint. The client
// is public (no secret), like the CLI's device-flow client.
#pragma once

#include <string>

#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/identity/device_flow.h"
#include "core/identity/provider_metadata.h"

namespace audex {

struct CodeRedemption {
  std::string client_id;
  std::string redirect_uri;  // exactly as in the authorization request (§4.1.3)
  SecretString code;
  SecretString code_verifier;  // RFC 7636 §4.5
};

// POSTs grant_type=authorization_code to metadata.token_endpoint; the
// tokens, or kCredentials naming what failed (never the code or verifier).
Result<TokenSet> RedeemAuthorizationCode(HttpClient& http, const ProviderMetadata& metadata,
                                         const CodeRedemption& redemption,
                                         std::chrono::system_clock::time_point now);

}  // namespace audex
