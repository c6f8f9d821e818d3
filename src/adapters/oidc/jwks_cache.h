// JwksCache: the signing keys of every trusted issuer, fetched through the
// issuer's discovery document and kept for its jwks_ttl; a key id it does
// not know makes it fetch again, at most once per jwks_refetch_interval, so
// rotated keys are found at once and a flood of invented kids costs the
// issuer one request per interval. Keys are imported with cjose.
//
// Thread safety: all methods may be called from many threads. Fetches for
// one issuer are serialised (one thread fetches, the others wait and use
// its result); lookups of cached keys do not wait for another issuer's fetch.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/identity/jwks.h"
#include "core/identity/trusted_issuer.h"

struct _cjose_jwk_int;  // cjose's cjose_jwk_t, kept out of this header

namespace audex {

// One public key as cjose imported it, with what the JWKS said about it.
struct VerificationKey {
  JwkEntry entry;
  long bits = 0;  // the key's size as cjose measures it (RSA modulus, EC curve)
  std::shared_ptr<_cjose_jwk_int> jwk;
};

// The keys of one issuer at one fetch.
struct IssuerKeySet {
  std::map<std::string, std::shared_ptr<const VerificationKey>, std::less<>> by_kid;
  std::vector<std::string> skipped;  // keys left out, and why (for the log)
  std::chrono::system_clock::time_point fetched_at;
};

class JwksCache {
 public:
  // `issuers` must outlive the cache (the verifier owns both). `http` is
  // shared: the cache serialises its own use of it. `clock` may be empty
  // (the system clock).
  JwksCache(const std::vector<TrustedIssuer>& issuers, HttpClient& http, ClockFunction clock);
  ~JwksCache();

  // The key `kid` of `issuer` (which must be one of the constructor's), or
  // nullptr when the issuer has no such key even after the allowed
  // re-fetch. kCredentials when the keys cannot be fetched and none are
  // cached; with a cached set, a failed refresh keeps using it (an issuer's
  // outage should not lock out every CI job) and is retried after the
  // refetch interval.
  Result<std::shared_ptr<const VerificationKey>> Find(const TrustedIssuer& issuer,
                                                      std::string_view kid);

  // The name of another configured issuer whose cached keys include `kid`
  // (a token signed with another issuer's key), or nullopt. No fetching.
  std::optional<std::string> OtherIssuerWithKid(const TrustedIssuer& issuer,
                                                std::string_view kid) const;

  // How many key-set fetches have been made for `issuer_name` (for tests
  // and metrics).
  size_t FetchCount(std::string_view issuer_name) const;

 private:
  struct Entry;
  Result<void> Refresh(Entry& entry);

  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;  // by issuer name
  HttpClient& http_;
  std::mutex http_mutex_;
  ClockFunction clock_;
};

// Parses a JWKS document and imports each key with cjose; keys cjose cannot
// import (an unknown kty such as OKP) are skipped with the reason. For the
// cache and the fuzzer.
Result<IssuerKeySet> ImportKeySet(std::string_view text, std::string_view source);

}  // namespace audex
