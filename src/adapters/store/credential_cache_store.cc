// Cache files in the state directory (credential_cache_store.h).
#include "adapters/store/credential_cache_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "adapters/files/files.h"
#include "adapters/store/random_bytes.h"

namespace audex {

CredentialCacheStore::CredentialCacheStore(std::filesystem::path state_dir)
    : state_dir_(std::move(state_dir)) {}

namespace {

// Whoever can read the key can read every cached secret.
Result<void> CheckKeyFile(int fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return tl::unexpected(SystemError("look at", path, errno));
  if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 077) != 0) {
    return StateError(fmt::format(
        "{} must be a regular file of your own with mode 0600 (it is mode {:04o}, owned by uid "
        "{}): it unlocks every cached credential, so those may no longer be secret; run "
        "tryaudex cache clear to replace the key and drop the entries, or --no-cache",
        path.string(), info.st_mode & 07777, info.st_uid));
  }
  return {};
}

}  // namespace

Result<void> CredentialCacheStore::RefuseSharedKey() const {
  const std::filesystem::path path = key_path();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    // A symlink in the key's place is not the user's private key either.
    if (errno == ELOOP) {
      return StateError(fmt::format(
          "{} is a symbolic link, not the cache's own key file; run tryaudex cache clear",
          path.string()));
    }
    return {};
  }
  FileDescriptor file(fd);
  return CheckKeyFile(fd, path);
}

Result<std::string> CredentialCacheStore::LoadOrCreateKey() const {
  const std::filesystem::path path = key_path();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
      FileDescriptor file(fd);
      if (auto checked = CheckKeyFile(fd, path); !checked) return tl::unexpected(checked.error());
      auto key = ReadToEnd(fd, path);
      if (!key) return tl::unexpected(key.error());
      if (key->size() != kCacheKeyBytes) {
        return StateError(fmt::format("{} is damaged ({} bytes, not {}); run tryaudex cache clear",
                                      path.string(), key->size(), kCacheKeyBytes));
      }
      return key;
    }
    if (errno != ENOENT) return tl::unexpected(SystemError("open", path, errno));
    if (auto made = MakePrivateDirectory(state_dir_); !made) return tl::unexpected(made.error());
    auto key = RandomBytes(kCacheKeyBytes);
    if (!key) return tl::unexpected(key.error());
    // O_EXCL: two processes racing to create the key agree on the winner's.
    const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (created < 0) {
      if (errno == EEXIST) continue;
      return tl::unexpected(SystemError("create", path, errno));
    }
    FileDescriptor file(created);
    if (!WriteAll(created, *key) || ::fsync(created) != 0) {
      const int error_number = errno;
      ::unlink(path.c_str());
      return tl::unexpected(SystemError("write", path, error_number));
    }
    return key;
  }
  return StateError(fmt::format("cannot create {}", path.string()));
}

template <typename T>
Result<std::optional<T>> CredentialCacheStore::ReadSealed(const std::string& name,
                                                          Open<T> open) const {
  const std::filesystem::path path = directory() / name;
  auto sealed = ReadFileIfPresent(path);
  if (!sealed) return tl::unexpected(sealed.error());
  if (!*sealed) return std::optional<T>();
  auto key = LoadOrCreateKey();
  if (!key) return tl::unexpected(key.error());
  auto opened = open(**sealed, *key, name);
  if (!opened) {
    // Another key or damage: the cache is only ever an optimisation.
    ::unlink(path.c_str());
    return std::optional<T>();
  }
  return std::optional<T>(std::move(*opened));
}

Result<std::optional<std::string>> CredentialCacheStore::LookupEntry(
    const std::string& name) const {
  return ReadSealed<std::string>(name, &OpenCacheEntry);
}

Result<std::optional<CachedCredentials>> CredentialCacheStore::Lookup(
    const std::string& name) const {
  return ReadSealed<CachedCredentials>(name, &OpenCachedCredentials);
}

Result<void> CredentialCacheStore::WriteSealed(const std::string& name, const Seal& seal) const {
  auto key = LoadOrCreateKey();
  if (!key) return tl::unexpected(key.error());
  // A fresh random nonce per write: GCM must never reuse one under a key.
  auto nonce = RandomBytes(kCacheNonceBytes);
  if (!nonce) return tl::unexpected(nonce.error());
  auto sealed = seal(*key, *nonce);
  if (!sealed) return tl::unexpected(sealed.error());
  if (auto made = MakePrivateDirectory(directory()); !made) return tl::unexpected(made.error());
  return ReplaceFileAtomically(directory() / name, *sealed);
}

Result<void> CredentialCacheStore::StoreEntry(const std::string& name,
                                              std::string_view plaintext) const {
  return WriteSealed(name, [&](std::string_view key, std::string_view nonce) {
    return SealCacheEntry(plaintext, key, nonce, name);
  });
}

Result<void> CredentialCacheStore::Store(const std::string& name,
                                         const CachedCredentials& cached) const {
  return WriteSealed(name, [&](std::string_view key, std::string_view nonce) {
    return SealCachedCredentials(cached, key, nonce, name);
  });
}

Result<void> CredentialCacheStore::Remove(const std::string& name) const {
  const std::filesystem::path path = directory() / name;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return tl::unexpected(SystemError("remove", path, errno));
  }
  return {};
}

Result<size_t> CredentialCacheStore::Clear() const {
  size_t removed = 0;
  std::error_code error;
  if (std::filesystem::exists(directory(), error)) {
    for (const auto& entry : std::filesystem::directory_iterator(directory(), error)) {
      if (std::filesystem::remove(entry.path(), error)) ++removed;
    }
    if (error) {
      return StateError(fmt::format("cannot clear {}: {}{}", directory().string(), error.message(),
                                    SystemErrorFix(directory(), error.value())));
    }
  }
  std::filesystem::remove(key_path(), error);
  if (error) {
    return StateError(fmt::format("cannot remove {}: {}{}", key_path().string(), error.message(),
                                  SystemErrorFix(key_path(), error.value())));
  }
  return removed;
}

}  // namespace audex
