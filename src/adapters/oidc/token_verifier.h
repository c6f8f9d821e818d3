// OidcTokenVerifier: turns an OIDC ID token presented to the team server
// (a CI job's or a person's) into a Caller, or says which check refused it.
//
// Library choice: cjose (Debian 12 libcjose-dev 0.6.2.1) over libjwt
// (libjwt-dev 1.10.2). cjose imports a JWK straight from the issuer's JWKS
// JSON (RSA, and EC on P-256/384/521), verifies RS*, PS* and ES*, and its
// verify refuses a key of the wrong type for the header's algorithm (an
// RSA key never verifies HS256). libjwt 1.10 takes only PEM keys (no JWK
// or JWKS import until 1.16/3.x, so JWK-to-PEM conversion would be ours to
// write) and jwt_decode() trusts the token's own "alg": handed a PEM public
// key and an HS256 token, it MACs with the PEM text as the secret, which is
// the key-confusion forgery. Neither verifies EdDSA in Debian 12. cjose is
// maintained by OpenIDC for mod_auth_openidc and gets Debian security fixes
// (deb12u2). It pulls in libjansson; libcrypto is already Audex's.
//
// Whatever the library does, Audex checks the algorithm itself first
// (allow-list per issuer; none, HS* and unknown refused) and checks that
// the key fits it (core/identity/jwks.h), so the library is a second line.
//
// Thread safety: Verify may be called from many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "adapters/oidc/jwks_cache.h"
#include "core/base/result.h"
#include "core/identity/caller.h"
#include "core/identity/token_refusal.h"
#include "core/identity/trusted_issuer.h"

namespace audex {

// Where each jti is remembered until its token expires, shared by every
// replica (the server's store: RememberJti). Called only for a token whose
// signature and claims passed.
class JtiLedger {
 public:
  virtual ~JtiLedger() = default;
  // True when `jti` of `issuer` is new (and is now remembered until
  // `expires_at`), false when it was seen before: a replay. An error when
  // the store cannot answer; the token is then neither accepted nor refused.
  virtual Result<bool> RememberJti(const std::string& issuer, const std::string& jti,
                                   std::chrono::system_clock::time_point expires_at) = 0;
};

struct VerifyFailure {
  enum class Kind {
    kRefused,      // the token is not acceptable: HTTP 401
    kUnavailable,  // keys or the jti store could not be reached: HTTP 503
  };
  Kind kind = Kind::kRefused;
  // For kRefused the failed check and why; for kUnavailable check is "jwks"
  // or "jti" and the reason names what could not be reached.
  TokenRefusal refusal;
};

using VerifyResult = tl::expected<Caller, VerifyFailure>;

class OidcTokenVerifier {
 public:
  // `issuers` must have passed ValidateTrustedIssuers. `ledger` is called
  // for issuers with jti_once and must outlive the verifier; it may be null
  // only when no issuer has jti_once. `http` must outlive the verifier.
  // `clock` may be empty (the system clock).
  OidcTokenVerifier(std::vector<TrustedIssuer> issuers, HttpClient& http, JtiLedger* ledger,
                    ClockFunction clock = {});

  // In order: the compact form (core/identity/jwt.h), the issuer named by
  // "iss", the header (alg allow-list, kid, typ, crit), the issuer's key
  // for the kid (fetched or re-fetched by the cache; a kid found only among
  // another issuer's keys is refused as such), the key's fit for the
  // algorithm, the signature (cjose), the claims and bindings
  // (core/identity/token_checks.h), and last the jti, once.
  VerifyResult Verify(std::string_view token);

  const std::vector<TrustedIssuer>& issuers() const { return issuers_; }
  JwksCache& keys() { return *keys_; }

 private:
  std::vector<TrustedIssuer> issuers_;
  JtiLedger* ledger_;
  ClockFunction clock_;
  std::unique_ptr<JwksCache> keys_;
};

// Checks `token`'s signature with `key` through cjose, and that cjose read
// the same "alg" and "kid" as core/identity/jwt.h did (two JSON parsers must
// not disagree about a header with a repeated member). The verified payload
// bytes, or the refusal ("signature" or "format"). For the verifier and the
// fuzzer.
TokenResult<std::string> VerifySignature(std::string_view token, const VerificationKey& key,
                                         std::string_view alg, std::string_view kid);

}  // namespace audex
