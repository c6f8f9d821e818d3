// The browser login of the team server's UI as values: the OAuth 2.0
// authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636, method
// S256) and OpenID Connect's nonce, i.e. the request the browser is sent
// to the provider with, and the secrets it binds, derived rather than
// stored (so replicas need to share nothing but their key).
#pragma once

#include <string>
#include <string_view>

#include "core/identity/jwt.h"  // Base64UrlEncode

namespace audex {

// RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(code_verifier))).
std::string PkceChallengeS256(std::string_view code_verifier);

// What one login attempt carries. `state` is 256 random bits (hex) that
// also sit in the browser's login cookie; the verifier and the nonce are
// HMACs of the state under the server's key, so any replica can recompute
// them at the callback and none has to store a secret. The verifier is 43
// base64url characters (RFC 7636 §4.1: 43 to 128 unreserved characters).
struct LoginBinding {
  std::string state;
  std::string code_verifier;
  std::string nonce;
};
LoginBinding DeriveLoginBinding(std::string_view key, std::string_view state);

struct AuthorizationRequest {
  std::string authorization_endpoint;
  std::string client_id;
  std::string redirect_uri;
  std::string scope;  // "openid email groups"
};
// The URL the browser is redirected to (RFC 6749 §4.1.1, RFC 7636 §4.3,
// OpenID Connect Core §3.1.2.1): response_type=code, the client, the
// redirect URI, the scope, the state, the nonce and the S256 challenge.
std::string AuthorizationUrl(const AuthorizationRequest& request, const LoginBinding& binding);

}  // namespace audex
