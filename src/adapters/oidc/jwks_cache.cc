// The key cache (jwks_cache.h). cjose 0.6.2 (Debian 12) imports RSA and EC
// JWKs straight from their JSON (cjose_jwk_import); the key's own fields
// (kid, kty, crv, alg, use) are read by core/identity/jwks.h beforehand.
#include "adapters/oidc/jwks_cache.h"

#include <cjose/cjose.h>
#include <fmt/format.h>

#include "adapters/oidc/provider_client.h"

namespace audex {

using Clock = std::chrono::system_clock;

struct JwksCache::Entry {
  const TrustedIssuer* issuer = nullptr;
  // Held while fetching: one fetch per issuer at a time.
  std::mutex fetch_mutex;
  // Guards the fields below; held only to read or swap them.
  mutable std::mutex state_mutex;
  std::shared_ptr<const IssuerKeySet> keys;
  std::optional<Clock::time_point> last_attempt;
  size_t fetches = 0;
};

Result<IssuerKeySet> ImportKeySet(std::string_view text, std::string_view source) {
  auto parsed = ParseJwks(text, source);
  if (!parsed) return tl::unexpected(parsed.error());
  IssuerKeySet set;
  set.skipped = std::move(parsed->skipped);
  for (JwkEntry& entry : parsed->keys) {
    cjose_err error{};
    cjose_jwk_t* jwk = cjose_jwk_import(entry.json.c_str(), entry.json.size(), &error);
    if (jwk == nullptr) {
      set.skipped.push_back(fmt::format("key {}: cjose cannot import a {} key ({})", entry.kid,
                                        entry.kty, error.message ? error.message : "no reason"));
      continue;
    }
    auto key = std::make_shared<VerificationKey>();
    key->jwk = std::shared_ptr<cjose_jwk_t>(jwk, [](cjose_jwk_t* k) { cjose_jwk_release(k); });
    // A JWK with private members is not what an issuer should publish;
    // only the public half is ever used here, so it is still a public key.
    key->bits = static_cast<long>(cjose_jwk_get_keysize(jwk, &error));
    std::string kid = entry.kid;
    key->entry = std::move(entry);
    set.by_kid.emplace(std::move(kid), std::move(key));
  }
  return set;
}

JwksCache::JwksCache(const std::vector<TrustedIssuer>& issuers, HttpClient& http,
                     ClockFunction clock)
    : http_(http), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return Clock::now(); };
  for (const TrustedIssuer& issuer : issuers) {
    auto entry = std::make_unique<Entry>();
    entry->issuer = &issuer;
    entries_.emplace(issuer.name, std::move(entry));
  }
}

JwksCache::~JwksCache() = default;

Result<void> JwksCache::Refresh(Entry& entry) {
  const TrustedIssuer& issuer = *entry.issuer;
  {
    std::lock_guard state(entry.state_mutex);
    entry.last_attempt = clock_();
    ++entry.fetches;
  }
  Result<IssuerKeySet> fetched = [&]() -> Result<IssuerKeySet> {
    // CurlHttpClient is one instance per thread; fetches are rare, so the
    // cache's fetches take turns on the one client it was given.
    std::lock_guard http(http_mutex_);
    auto metadata = FetchProviderMetadata(http_, issuer.issuer);
    if (!metadata) return tl::unexpected(metadata.error());
    auto body = FetchJsonDocument(http_, metadata->jwks_uri, "key set (JWKS)");
    if (!body) return tl::unexpected(body.error());
    return ImportKeySet(*body, metadata->jwks_uri);
  }();
  if (!fetched) return tl::unexpected(fetched.error());
  fetched->fetched_at = clock_();
  auto keys = std::make_shared<const IssuerKeySet>(std::move(*fetched));
  std::lock_guard state(entry.state_mutex);
  entry.keys = std::move(keys);
  return {};
}

Result<std::shared_ptr<const VerificationKey>> JwksCache::Find(const TrustedIssuer& issuer,
                                                               std::string_view kid) {
  const auto found = entries_.find(issuer.name);
  if (found == entries_.end()) {
    return CredentialsError(fmt::format("issuer \"{}\" is not configured", issuer.name));
  }
  Entry& entry = *found->second;
  const auto snapshot = [&entry] {
    std::lock_guard state(entry.state_mutex);
    return std::make_pair(entry.keys, entry.last_attempt);
  };
  const auto lookup = [kid](const std::shared_ptr<const IssuerKeySet>& keys) {
    std::shared_ptr<const VerificationKey> key;
    if (keys) {
      const auto it = keys->by_kid.find(kid);
      if (it != keys->by_kid.end()) key = it->second;
    }
    return key;
  };
  // Fetch when the set is missing or older than the TTL, or when it lacks
  // the kid; but never sooner than the refetch interval after the last
  // attempt, whatever its outcome.
  const auto should_fetch = [&](const std::shared_ptr<const IssuerKeySet>& keys,
                                const std::optional<Clock::time_point>& last_attempt) {
    const Clock::time_point now = clock_();
    const bool stale = !keys || now - keys->fetched_at >= issuer.jwks_ttl;
    const bool missing = !lookup(keys);
    if (!stale && !missing) return false;
    return !last_attempt || now - *last_attempt >= issuer.jwks_refetch_interval;
  };

  auto [keys, last_attempt] = snapshot();
  if (should_fetch(keys, last_attempt)) {
    std::lock_guard fetching(entry.fetch_mutex);
    // Another thread may have fetched while this one waited for the lock.
    std::tie(keys, last_attempt) = snapshot();
    if (should_fetch(keys, last_attempt)) {
      auto refreshed = Refresh(entry);
      std::tie(keys, last_attempt) = snapshot();
      if (!refreshed && !keys) return tl::unexpected(refreshed.error());
    }
  }
  if (!keys) {
    return CredentialsError(
        fmt::format("no keys for issuer \"{}\" yet (the last fetch failed; retried after {} s)",
                    issuer.name, issuer.jwks_refetch_interval.count()));
  }
  return lookup(keys);
}

std::optional<std::string> JwksCache::OtherIssuerWithKid(const TrustedIssuer& issuer,
                                                         std::string_view kid) const {
  for (const auto& [name, entry] : entries_) {
    if (name == issuer.name) continue;
    std::shared_ptr<const IssuerKeySet> keys;
    {
      std::lock_guard state(entry->state_mutex);
      keys = entry->keys;
    }
    if (keys && keys->by_kid.find(kid) != keys->by_kid.end()) return name;
  }
  return std::nullopt;
}

size_t JwksCache::FetchCount(std::string_view issuer_name) const {
  const auto found = entries_.find(issuer_name);
  if (found == entries_.end()) return 0;
  std::lock_guard state(found->second->state_mutex);
  return found->second->fetches;
}

}  // namespace audex
