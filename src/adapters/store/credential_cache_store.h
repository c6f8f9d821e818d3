// The credential cache on disk (docs/credential-cache.md): one sealed file
// per entry in STATE/cache/, under a 32-byte key in STATE/cache.key (mode
// 0600, created on first use). Nothing in the directory is readable
// without the key, and the key never leaves the state directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/credentials/credential_cache.h"

namespace audex {

class CredentialCacheStore {
 public:
  explicit CredentialCacheStore(std::filesystem::path state_dir);

  // Fails (kState, naming the key and `tryaudex cache clear`) when the key
  // exists but is not a regular file of the user's own that only the user
  // can read or write (docs/credential-cache.md): a session must refuse
  // such a cache rather than use it or quietly go around it. A key that is
  // absent or cannot be opened at all passes; Lookup and Store report those.
  Result<void> RefuseSharedKey() const;

  // The entry named `name`, or nullopt when there is none. An entry that
  // does not open (another key, damage) is removed and reported as absent:
  // the cache is only ever an optimisation.
  Result<std::optional<CachedCredentials>> Lookup(const std::string& name) const;

  // Writes (or replaces) the entry atomically, mode 0600.
  Result<void> Store(const std::string& name, const CachedCredentials& cached) const;

  // The same for any secret kept beside the cache under its key (the login
  // tokens of `tryaudex login`): the opened plaintext, which the caller
  // wipes when done, or nullopt. An entry that does not open is removed.
  Result<std::optional<std::string>> LookupEntry(const std::string& name) const;
  Result<void> StoreEntry(const std::string& name, std::string_view plaintext) const;

  // Removes one entry; an absent entry is not an error.
  Result<void> Remove(const std::string& name) const;

  // Removes every entry and the key; returns how many entries there were.
  Result<size_t> Clear() const;

  std::filesystem::path directory() const { return state_dir_ / "cache"; }
  std::filesystem::path key_path() const { return state_dir_ / "cache.key"; }

 private:
  Result<std::string> LoadOrCreateKey() const;

  // What every write shares: the key, a fresh random nonce for `seal` (GCM
  // must never reuse one under a key), the private directory, an atomic
  // replace.
  using Seal = std::function<Result<std::string>(std::string_view key, std::string_view nonce)>;
  Result<void> WriteSealed(const std::string& name, const Seal& seal) const;

  // What every read shares: nullopt when there is no entry; an entry that
  // `open` rejects is removed and reads as absent.
  template <typename T>
  using Open = Result<T> (*)(std::string_view sealed, std::string_view key,
                             std::string_view entry_name);
  template <typename T>
  Result<std::optional<T>> ReadSealed(const std::string& name, Open<T> open) const;

  std::filesystem::path state_dir_;
};

}  // namespace audex
