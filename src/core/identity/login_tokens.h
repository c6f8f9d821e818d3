// LoginTokens: what `tryaudex login --server URL` keeps for one team
// server, so later commands can present the ID token and refresh it: the
// provider's tokens and where they came from. Kept sealed beside the
// credential cache (docs/credential-cache.md, adapters/oidc/login_token_store.h);
// this is the plaintext form, which holds secrets.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/identity/device_flow.h"

namespace audex {

struct LoginTokens {
  std::string server_url;  // the team server these tokens are presented to
  std::string issuer;      // the OpenID provider that issued them
  std::string client_id;   // the provider's client id for the CLI
  TokenSet tokens;
  // The ID token's "exp" (read without verifying: the server verifies it);
  // the CLI refreshes shortly before.
  std::chrono::system_clock::time_point id_token_expires_at;
};

// The cache entry name for `server_url`: "login-" and 64 hex digits of
// SHA-256, so it never collides with a credential entry (64 hex digits) and
// the file name reveals no URL.
std::string LoginEntryName(std::string_view server_url);

// The JSON plaintext (secrets included) and back. kState when the text is
// not a login entry.
SecretString LoginTokensToJson(const LoginTokens& login);
Result<LoginTokens> LoginTokensFromJson(std::string_view json);

}  // namespace audex
