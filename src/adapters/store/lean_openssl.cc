// The lean start through OPENSSL_init_crypto's options (lean_openssl.h).
#include "adapters/store/lean_openssl.h"

#include <openssl/crypto.h>

namespace audex {

bool StartOpenSslLean(const EnvLookup& env) {
  // An explicit configuration may select other providers or default
  // properties (a FIPS set-up): the cache's algorithms must then come from
  // what it selects.
  if (NonEmptyVariable(env, "OPENSSL_CONF") || NonEmptyVariable(env, kOpenSslFullStartVariable)) {
    return false;
  }
  // Each option takes the place of a step of OpenSSL's start for the rest
  // of the process (a RUN_ONCE in crypto/init.c): reading openssl.cnf, 0.9 M
  // instructions; loading the text of every error code, which the first
  // error mark (any fetch sets one) does, 0.9 M; registering every legacy
  // cipher and digest name, which the first fetch then copies into the
  // name map, 3.1 M (docs/performance.md). SHA-256, AES-256-GCM and HMAC
  // are fetched by name from the default provider without them, and
  // Audex's own messages never quote OpenSSL's error texts.
  // OPENSSL_INIT_NO_ATEXIT as libcrypto_on_demand.cc asks it, for the
  // builds that link libcrypto.
  return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_CONFIG |
                                 OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
                                 OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                             nullptr) == 1;
}

}  // namespace audex
