// The credential cache on disk (docs/credential-cache.md): one sealed file
// per entry in STATE/cache/, under a 32-byte key in STATE/cache.key (mode
// 0600, created on first use). Nothing in the directory is readable
// without the key, and the key never leaves the state directory.
#pragma once

#include <chrono>
#include <filesystem>
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
  std::filesystem::path state_dir_;
};

}  // namespace audex
