// Where `tryaudex login` keeps its tokens: one sealed entry per team server
// beside the credential cache, under the cache's key (AES-256-GCM, the AXC1
// format of docs/credential-cache.md). `tryaudex cache clear` removes the
// key and so logs out of every server too.
#pragma once

#include <optional>
#include <string_view>

#include "adapters/store/credential_cache_store.h"
#include "core/base/result.h"
#include "core/identity/login_tokens.h"

namespace audex {

Result<void> SaveLoginTokens(const CredentialCacheStore& store, const LoginTokens& login);

// The tokens kept for `server_url`, or nullopt when there are none (or the
// entry did not open, which the store then removes).
Result<std::optional<LoginTokens>> LoadLoginTokens(const CredentialCacheStore& store,
                                                   std::string_view server_url);

// `tryaudex logout`: removes the entry; none is not an error.
Result<void> ForgetLoginTokens(const CredentialCacheStore& store, std::string_view server_url);

}  // namespace audex
