// Key files: a secret key of a fixed size kept in a file only its owner can
// read (0600), created once and never replaced — the team server's audit
// key and STS-cache key.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

// The key in `path`; nullopt when there is none. kState when the file is not
// the owner's, others can read or write it (with the chmod that fixes it),
// or it is not `size` bytes. `what` names the key in messages.
Result<std::optional<SecretString>> ReadKeyFile(const std::filesystem::path& path, size_t size,
                                                std::string_view what);

// Writes `key` to `path` (0600 from the start, synced) unless a key is
// there already, which is kept: returns the key now in the file.
Result<SecretString> CreateKeyFile(const std::filesystem::path& path, const SecretString& key,
                                   std::string_view what);

}  // namespace audex
