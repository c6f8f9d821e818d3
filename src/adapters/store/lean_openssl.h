// A lean start of OpenSSL's libcrypto: for a process whose only use of it
// is a credential cache hit (SHA-256 of the request, AES-256-GCM of the
// entry, HMAC-SHA256 of the audit chain), none of what OpenSSL's full start
// sets up (docs/credential-cache.md, "What a cache hit does not load").
#pragma once

#include "core/base/env.h"

namespace audex {

// Set in the environment of a process that must start OpenSSL in full: the
// credential-process that a cache miss starts again (ExecSelf).
inline constexpr char kOpenSslFullStartVariable[] = "AUDEX_OPENSSL_FULL_START";

// Starts libcrypto without reading openssl.cnf, without its error texts
// and without its legacy cipher and digest name tables
// (OPENSSL_init_crypto(3): OPENSSL_INIT_NO_LOAD_CONFIG,
// OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, OPENSSL_INIT_NO_ADD_ALL_CIPHERS,
// OPENSSL_INIT_NO_ADD_ALL_DIGESTS), and returns true; unless `env` names a
// configuration in OPENSSL_CONF (it is always read) or sets
// kOpenSslFullStartVariable: then it changes nothing and returns false.
// Both choices are once per process and must come before libcrypto's first
// use; a process that goes on to TLS (libcurl's libssl shares this
// libcrypto) must not have taken the lean start.
bool StartOpenSslLean(const EnvLookup& env);

}  // namespace audex
