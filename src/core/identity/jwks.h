// A JSON Web Key Set (RFC 7517 §5) as an issuer publishes it at its
// jwks_uri: each signing key's identity and type, and its JSON text for the
// JOSE library to import. Pure parsing of text fetched by adapters/oidc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/identity/token_refusal.h"

namespace audex {

// GitHub publishes a handful of keys; more than this is not a key set.
inline constexpr size_t kMaxJwksKeys = 100;
inline constexpr size_t kMaxJwksBytes = 256 * 1024;

struct JwkEntry {
  std::string kid;
  std::string kty;   // "RSA", "EC", ...
  std::string crv;   // EC only: "P-256", "P-384", "P-521"
  std::string alg;   // optional: the one algorithm the key is for
  std::string use;   // optional: "sig" or "enc"
  std::string json;  // the key object, serialised again, for the JOSE library
};

struct JsonWebKeySet {
  std::vector<JwkEntry> keys;        // signing keys with a kid, first of each kid
  std::vector<std::string> skipped;  // one line per key left out, and why
};

// Parses a JWKS document. Keys for encryption ("use": "enc"), without a
// "kid", or repeating an earlier kid are left out and listed in `skipped`
// (a kid must pick one key). kCredentials when the text is not a JSON
// object with a "keys" array, or is larger than kMaxJwksBytes; the message
// names `source` (the URL).
Result<JsonWebKeySet> ParseJwks(std::string_view text, std::string_view source);

// The key of `kid`, or nullptr.
const JwkEntry* FindKey(const JsonWebKeySet& set, std::string_view kid);

// Whether `key` may verify a signature made with `alg` (RFC 7518 §3.1):
// RS* and PS* need an RSA key of at least 2048 bits (RFC 7518 §3.3; `bits`
// is the key's size as the JOSE library measured it), ES256/384/512 an EC
// key on P-256/P-384/P-521; a key that names its own "alg" is used for that
// one only, and a key marked for encryption never. Refusal check "key".
std::optional<TokenRefusal> CheckKeyFitsAlgorithm(const JwkEntry& key, long bits,
                                                  std::string_view alg);

}  // namespace audex
