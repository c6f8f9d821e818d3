// The client of a team server's identity endpoints (docs/oidc-identity.md):
// which OpenID provider the server's people log in with (GET
// /v1/login-config), and who the server thinks a token's bearer is (GET
// /v1/whoami). What `tryaudex login` and `tryaudex whoami` call.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

struct LoginConfig {
  std::string issuer;     // the provider's issuer URL (discovery base)
  std::string client_id;  // the CLI's client id there (the server's audience for it)
  std::string scope;      // what to ask for, "openid offline_access ..."
};

// kCredentials when the server cannot be reached or names no provider
// (its reason: mark an issuer login = true), never echoing a token.
Result<LoginConfig> FetchLoginConfig(HttpClient& http, const std::string& server);

// The server's view of the bearer of `token`: caller, via, policy, groups,
// admin, token_expires_at. kCredentials with the server's reason on 401.
Result<nlohmann::json> FetchWhoAmI(HttpClient& http, const std::string& server,
                                   const SecretString& token);

}  // namespace audex
