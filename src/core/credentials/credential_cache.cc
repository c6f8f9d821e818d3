// AES-256-GCM through OpenSSL's EVP interface; the plaintext is a small
// JSON object that never leaves this file unsealed.
#include "core/credentials/credential_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

constexpr std::string_view kMagic = "AXC1";
constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Overwrites a buffer that held secrets before it is freed.
void Wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

}  // namespace

std::string CacheEntryName(const CacheRequest& request) {
  // Length-prefixed fields: no value can be shifted into its neighbour.
  // (The policy's hash is a named local: a temporary inside the loop's
  // range initialiser would be gone before the loop body runs.)
  const std::string policy_hash = Sha256Hex(request.policy_json);
  const std::string_view fields[] = {request.method, request.role_arn, policy_hash,
                                     request.region, request.endpoint, request.source_identity};
  std::string material;
  for (std::string_view field : fields) {
    material += std::to_string(field.size());
    material += ':';
    material += field;
    material += ';';
  }
  // Added after the first release: requests without ceilings keep the
  // names their entries were stored under.
  if (!request.policy_arns.empty()) {
    material += "policy_arns:" + std::to_string(request.policy_arns.size()) + ':' +
                request.policy_arns + ';';
  }
  return Sha256Hex(material);
}

bool ReusableAt(const CachedCredentials& cached, std::chrono::system_clock::time_point now,
                std::chrono::seconds margin, std::chrono::seconds ttl) {
  if (!cached.credentials.expiration) return false;
  const auto left = *cached.credentials.expiration - now;
  return left > margin && left <= ttl + kCacheClockSlack;
}

Result<std::string> SealCachedCredentials(const CachedCredentials& cached, std::string_view key,
                                          std::string_view nonce, std::string_view entry_name) {
  if (key.size() != kCacheKeyBytes || nonce.size() != kCacheNonceBytes) {
    return StateError("credential cache: key or nonce of the wrong size");
  }
  if (!cached.credentials.expiration) {
    return StateError("credential cache: credentials without an expiry are never cached");
  }
  nlohmann::json json{{"access_key_id", cached.credentials.access_key_id},
                      {"secret_access_key", cached.credentials.secret_access_key.Reveal()},
                      {"session_token", cached.credentials.session_token.Reveal()},
                      {"expiration", FormatRfc3339(*cached.credentials.expiration)},
                      {"source", cached.credentials.source},
                      {"session_id", cached.session_id}};
  if (cached.token_grant) json["token_grant"] = cached.token_grant->Reveal();
  std::string plain = json.dump();
  auto sealed = SealCacheEntry(plain, key, nonce, entry_name);
  Wipe(plain);
  return sealed;
}

Result<std::string> SealCacheEntry(std::string_view plain, std::string_view key,
                                   std::string_view nonce, std::string_view entry_name) {
  if (key.size() != kCacheKeyBytes || nonce.size() != kCacheNonceBytes) {
    return StateError("credential cache: key or nonce of the wrong size");
  }
  CipherContext context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string sealed(kMagic);
  sealed += nonce;
  const size_t header = sealed.size();
  sealed.resize(header + plain.size() + kTagBytes);
  auto* out = reinterpret_cast<unsigned char*>(sealed.data() + header);
  int written = 0;
  int final_written = 0;
  const bool ok =
      context &&
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kCacheNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(context.get(), nullptr, &written, Bytes(entry_name),
                        static_cast<int>(entry_name.size())) == 1 &&
      EVP_EncryptUpdate(context.get(), out, &written, Bytes(plain),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(context.get(), out + written, &final_written) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out + written + final_written) == 1;
  if (!ok) return StateError("credential cache: encryption failed (OpenSSL)");
  return sealed;
}

Result<std::string> OpenCacheEntry(std::string_view sealed, std::string_view key,
                                   std::string_view entry_name) {
  if (key.size() != kCacheKeyBytes) return StateError("credential cache: key of the wrong size");
  const size_t header = kMagic.size() + kCacheNonceBytes;
  if (sealed.size() < header + kTagBytes || sealed.substr(0, kMagic.size()) != kMagic) {
    return StateError("credential cache: entry is not in the AXC1 format");
  }
  const std::string_view nonce = sealed.substr(kMagic.size(), kCacheNonceBytes);
  const std::string_view body = sealed.substr(header, sealed.size() - header - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));

  CipherContext context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string plain(body.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  int written = 0;
  int final_written = 0;
  const bool ok =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kCacheNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &written, Bytes(entry_name),
                        static_cast<int>(entry_name.size())) == 1 &&
      EVP_DecryptUpdate(context.get(), out, &written, Bytes(body), static_cast<int>(body.size())) ==
          1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(context.get(), out + written, &final_written) == 1;
  if (!ok) {
    Wipe(plain);
    return StateError(
        "credential cache: entry does not open with the cache key (changed, or written under "
        "another key)");
  }
  plain.resize(static_cast<size_t>(written + final_written));
  return plain;
}

Result<CachedCredentials> OpenCachedCredentials(std::string_view sealed, std::string_view key,
                                                std::string_view entry_name) {
  auto opened = OpenCacheEntry(sealed, key, entry_name);
  if (!opened) return tl::unexpected(opened.error());
  std::string plain = std::move(*opened);
  nlohmann::json json = nlohmann::json::parse(plain, nullptr, /*allow_exceptions=*/false);
  Wipe(plain);
  CachedCredentials cached;
  const auto text = [&json](const char* name) -> std::optional<std::string> {
    if (!json.is_object() || !json.contains(name) || !json[name].is_string()) return std::nullopt;
    return json[name].get<std::string>();
  };
  auto key_id = text("access_key_id");
  auto secret = text("secret_access_key");
  auto token = text("session_token");
  auto expiration = text("expiration");
  auto session = text("session_id");
  if (!key_id || !secret || !token || !expiration || !session) {
    return StateError("credential cache: entry opened but lacks a field");
  }
  cached.credentials.access_key_id = std::move(*key_id);
  cached.credentials.secret_access_key = SecretString(std::move(*secret));
  cached.credentials.session_token = SecretString(std::move(*token));
  cached.credentials.expiration = ParseRfc3339(*expiration);
  cached.credentials.source = text("source").value_or("cache");
  cached.session_id = std::move(*session);
  if (auto token_grant = text("token_grant")) cached.token_grant = SecretString(*token_grant);
  if (!cached.credentials.expiration) return StateError("credential cache: bad expiration");
  return cached;
}

}  // namespace audex
