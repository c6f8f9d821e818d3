// The credential cache's pure parts (docs/credential-cache.md): which
// request an entry answers, when an entry may be reused, and the sealed
// (AES-256-GCM) form in which an entry is kept on disk. The key, the nonce
// and the clock reading are handed in; the files are adapters/store's.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

inline constexpr size_t kCacheKeyBytes = 32;    // AES-256
inline constexpr size_t kCacheNonceBytes = 12;  // GCM's recommended IV size
inline constexpr std::chrono::seconds kDefaultCacheMargin{300};

// What an entry answers. Two requests share an entry only when all of
// these match: the role (every role of a chain, comma-separated), the exact
// session policy text, the managed-policy ceilings, the region and the STS
// endpoint (so moto's credentials never answer for AWS), and how they were
// issued ("assume-role" or "scoped").
struct CacheRequest {
  std::string role_arn;
  std::string policy_json;
  std::string region;
  std::string endpoint;
  std::string method = "assume-role";
  std::string source_identity;
  std::string policy_arns;  // the managed-policy ceilings, comma-separated; empty for none
};

// 64 hex digits naming the entry: SHA-256 over the fields, the policy
// itself first hashed, so the name reveals nothing a reader could use.
std::string CacheEntryName(const CacheRequest& request);

// A cached issue: the credentials and the session that asked STS for them.
struct CachedCredentials {
  AwsCredentials credentials;  // expiration always set
  std::string session_id;
  // An approved GCP or Azure grant of the team server (docs/team-mode.md,
  // "Approvals"): the grant's reply with its access token, as a direct
  // grant's reply carries it, kept sealed until the requester fetches it.
  // `credentials` then holds no keys, only when the entry ends.
  std::optional<SecretString> token_grant = std::nullopt;
};

// STS's clock and ours differ; an issuer may also round the expiry up
// (moto adds a second). Allowed on top of the requested TTL.
inline constexpr std::chrono::seconds kCacheClockSlack{60};

// An entry is reused only while it has more than `margin` left, and only
// when it lives no longer than the caller asked for (`ttl`, plus
// kCacheClockSlack): a cache must not hand out credentials that outlast
// the requested TTL.
bool ReusableAt(const CachedCredentials& cached, std::chrono::system_clock::time_point now,
                std::chrono::seconds margin, std::chrono::seconds ttl);

// "AXC1" | nonce (12) | ciphertext | GCM tag (16) around any plaintext.
// The entry name is the additional authenticated data, so an entry copied
// under another name does not open. `key` must be kCacheKeyBytes and
// `nonce` kCacheNonceBytes (kState otherwise). Other secrets that live
// beside the cache (the login tokens of `tryaudex login`) use this too.
Result<std::string> SealCacheEntry(std::string_view plaintext, std::string_view key,
                                   std::string_view nonce, std::string_view entry_name);

// The plaintext of what SealCacheEntry wrote; kState when the key is wrong,
// the bytes were changed or the name differs. The caller wipes the result
// (OPENSSL_cleanse) when done with it.
Result<std::string> OpenCacheEntry(std::string_view sealed, std::string_view key,
                                   std::string_view entry_name);

// A cached issue sealed with SealCacheEntry (its JSON form).
Result<std::string> SealCachedCredentials(const CachedCredentials& cached, std::string_view key,
                                          std::string_view nonce, std::string_view entry_name);

// Opens what SealCachedCredentials wrote. kState when the key is wrong, the
// bytes were changed, the name differs, or the contents are not an entry;
// the message never holds the plaintext.
Result<CachedCredentials> OpenCachedCredentials(std::string_view sealed, std::string_view key,
                                                std::string_view entry_name);

}  // namespace audex
