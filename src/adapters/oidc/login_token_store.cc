// Login tokens in the credential cache's sealed form (login_token_store.h).
#include "adapters/oidc/login_token_store.h"

#include <openssl/crypto.h>

namespace audex {

Result<void> SaveLoginTokens(const CredentialCacheStore& store, const LoginTokens& login) {
  const SecretString plaintext = LoginTokensToJson(login);
  return store.StoreEntry(LoginEntryName(login.server_url), plaintext.Reveal());
}

Result<std::optional<LoginTokens>> LoadLoginTokens(const CredentialCacheStore& store,
                                                   std::string_view server_url) {
  auto opened = store.LookupEntry(LoginEntryName(server_url));
  if (!opened) return tl::unexpected(opened.error());
  if (!*opened) return std::optional<LoginTokens>();
  std::string plaintext = std::move(**opened);
  auto login = LoginTokensFromJson(plaintext);
  OPENSSL_cleanse(plaintext.data(), plaintext.size());
  if (!login) return tl::unexpected(login.error());
  return std::optional<LoginTokens>(std::move(*login));
}

Result<void> ForgetLoginTokens(const CredentialCacheStore& store, std::string_view server_url) {
  return store.Remove(LoginEntryName(server_url));
}

}  // namespace audex
