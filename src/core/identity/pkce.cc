#include "core/identity/pkce.h"

#include <openssl/sha.h>

#include "core/base/crypto.h"
#include "core/wire/url.h"

namespace audex {

std::string PkceChallengeS256(std::string_view code_verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(code_verifier.data()), code_verifier.size(),
         digest);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

LoginBinding DeriveLoginBinding(std::string_view key, std::string_view state) {
  LoginBinding binding;
  binding.state = std::string(state);
  // Two labels under one key: the verifier and the nonce are independent
  // values, and neither reveals the key or the other.
  binding.code_verifier =
      Base64UrlEncode(HmacSha256(key, std::string("audex-ui-pkce-verifier\n") + binding.state));
  binding.nonce =
      Base64UrlEncode(HmacSha256(key, std::string("audex-ui-oidc-nonce\n") + binding.state));
  return binding;
}

std::string AuthorizationUrl(const AuthorizationRequest& request, const LoginBinding& binding) {
  const char separator = request.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  return request.authorization_endpoint + separator +
         FormEncode({{"response_type", "code"},
                     {"client_id", request.client_id},
                     {"redirect_uri", request.redirect_uri},
                     {"scope", request.scope},
                     {"state", binding.state},
                     {"nonce", binding.nonce},
                     {"code_challenge", PkceChallengeS256(binding.code_verifier)},
                     {"code_challenge_method", "S256"}});
}

}  // namespace audex
