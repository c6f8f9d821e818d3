// A JSON Web Token in compact form (RFC 7519, RFC 7515 §7.1) split and
// decoded, not verified: the header says which key and algorithm to verify
// with, the claims are read only once the signature has been checked (by
// adapters/oidc, with the JOSE library). Parsing takes text from anyone, so
// every size and depth is bounded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/identity/token_refusal.h"

namespace audex {

// GitHub's Actions tokens are about 1.5 KB, a person's ID token with groups a
// few KB; 16 KiB leaves room and bounds what an anonymous caller makes us parse.
inline constexpr size_t kMaxJwtBytes = 16 * 1024;
// Claims nest shallowly (GitLab's deepest is two); refuse deeper documents
// before nlohmann's recursive parser sees them.
inline constexpr int kMaxJwtJsonDepth = 8;

// The JOSE header members Audex acts on (RFC 7515 §4.1).
struct JwtHeader {
  std::string alg;
  std::string kid;  // empty when absent
  std::string typ;  // empty when absent
  bool has_crit = false;
};

struct DecodedJwt {
  JwtHeader header;
  nlohmann::json claims;  // always an object
};

// Splits `token` at its two dots and decodes header and payload. Refused
// (check "format") when it is longer than kMaxJwtBytes, has not exactly
// three parts (a JWE has five), a part is not unpadded base64url, header or
// payload is not a JSON object, or "alg"/"kid"/"typ" are not strings.
TokenResult<DecodedJwt> DecodeJwt(std::string_view token);

// RFC 4648 §5 base64url without padding, as JWS uses it (RFC 7515 §2).
// nullopt for any other character, for padding, or for an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);
// The encoder: base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace audex
