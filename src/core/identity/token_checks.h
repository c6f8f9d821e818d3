// The rules an OIDC ID token must pass before its bearer becomes a Caller
// (RFC 7519 §4.1, OpenID Connect Core §3.1.3.7, RFC 8725): the header's
// algorithm and key id, the issuer, the audience, the validity times with a
// small clock skew, the jti, and the issuer's required claim values. Pure:
// the clock reading is handed in; the signature is checked in between by
// adapters/oidc with the JOSE library.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/identity/caller.h"
#include "core/identity/jwt.h"
#include "core/identity/token_refusal.h"
#include "core/identity/trusted_issuer.h"

namespace audex {

// The trusted issuer whose "iss" the (not yet verified) claims name,
// exactly: "https://a.example" and "https://a.example/" are two issuers.
// Refusal check "iss".
TokenResult<const TrustedIssuer*> SelectIssuer(const nlohmann::json& claims,
                                               const std::vector<TrustedIssuer>& issuers);

// Header rules, before any key is fetched: "alg" is neither "none" nor an
// HMAC (HS256 keyed with the issuer's public key is the key-confusion
// forgery of RFC 8725 §2.1) nor unknown, and is one the issuer allows; the
// token names its key ("kid"); "typ", when present, is JWT (RFC 8725 §3.11:
// an access token or logout token is not an ID token); no "crit" extension
// (RFC 7515 §4.1.11: Audex understands none).
std::optional<TokenRefusal> CheckHeader(const JwtHeader& header, const TrustedIssuer& issuer);

// Claim rules, once the signature verified: "iss" is the issuer's exactly,
// "aud" (a string or a list) contains the issuer's audience, "exp" is
// after `now` and "nbf" (when present) before it, "iat" is not in the
// future, each with issuer.clock_skew of slack (RFC 7519 §4.1.4-6); "sub"
// is present; "jti" is present when the issuer accepts each jti once; the
// name claim is present, the groups claim (if any) is a string or a list
// of strings; and every `require` binding matches. Then the Caller.
TokenResult<Caller> CheckClaims(const nlohmann::json& claims, const TrustedIssuer& issuer,
                                std::chrono::system_clock::time_point now);

// Whether the claims satisfy every binding (each claim present and equal
// to, or matching the pattern of, one of its allowed values). The refusal's
// check is "bind:<claim>". Server policy rules use the same bindings.
std::optional<TokenRefusal> MatchBindings(const std::map<std::string, std::string>& claims,
                                          const std::vector<ClaimBinding>& bindings);

// The claims the audit records for `kind`, in order (those present only).
const std::vector<std::string>& RecordedClaims(IssuerKind kind);

}  // namespace audex
