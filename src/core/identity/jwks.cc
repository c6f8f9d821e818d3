// JWKS parsing and the key-versus-algorithm rule (jwks.h).
#include "core/identity/jwks.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/text.h"
#include "core/identity/jwt.h"

namespace audex {
namespace {

// The base64url members of RSA, EC and symmetric JWKs (RFC 7518 §6).
constexpr const char* kKeyMaterial[] = {"n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "k"};

// The first key-material member that is not unpadded base64url, if any.
// cjose 0.6.2's decoder assert()s (aborting the process) on some malformed
// base64, such as a '=' after 4n+1 characters (found by fuzz/jwt_fuzzer),
// so nothing it would choke on is handed to it.
std::string BadKeyMaterial(const nlohmann::json& key) {
  for (const char* member : kKeyMaterial) {
    const auto it = key.find(member);
    if (it == key.end()) continue;
    if (!it->is_string() || !Base64UrlDecode(it->get_ref<const std::string&>())) return member;
  }
  return {};
}

std::string MemberText(const nlohmann::json& key, const char* name) {
  const auto it = key.find(name);
  return it != key.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<JsonWebKeySet> ParseJwks(std::string_view text, std::string_view source) {
  if (text.size() > kMaxJwksBytes) {
    return CredentialsError(
        fmt::format("the key set at {} is larger than {} bytes", source, kMaxJwksBytes));
  }
  if (JsonNestingDepth(text) > 8) {
    return CredentialsError(fmt::format("the key set at {} nests too deeply", source));
  }
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const auto keys = json.is_object() ? json.find("keys") : json.end();
  if (!json.is_object() || keys == json.end() || !keys->is_array()) {
    return CredentialsError(fmt::format(
        "{} is not a JSON Web Key Set (no \"keys\" array, RFC 7517 §5); check the issuer's "
        "jwks_uri",
        source));
  }
  if (keys->size() > kMaxJwksKeys) {
    return CredentialsError(fmt::format("the key set at {} holds {} keys, more than {}", source,
                                        keys->size(), kMaxJwksKeys));
  }
  JsonWebKeySet set;
  for (const nlohmann::json& key : *keys) {
    if (!key.is_object()) {
      set.skipped.push_back("an entry that is not a JSON object");
      continue;
    }
    JwkEntry entry;
    entry.kid = MemberText(key, "kid");
    entry.kty = MemberText(key, "kty");
    entry.crv = MemberText(key, "crv");
    entry.alg = MemberText(key, "alg");
    entry.use = MemberText(key, "use");
    if (entry.kid.empty()) {
      set.skipped.push_back(fmt::format("a {} key without a kid", entry.kty));
      continue;
    }
    if (!entry.use.empty() && entry.use != "sig") {
      set.skipped.push_back(
          fmt::format("key {}: for use \"{}\", not signatures", entry.kid, entry.use));
      continue;
    }
    if (const std::string member = BadKeyMaterial(key); !member.empty()) {
      set.skipped.push_back(
          fmt::format("key {}: \"{}\" is not unpadded base64url (RFC 7517)", entry.kid, member));
      continue;
    }
    if (FindKey(set, entry.kid) != nullptr) {
      set.skipped.push_back(fmt::format("key {}: a second key with the same kid", entry.kid));
      continue;
    }
    entry.json = key.dump();
    set.keys.push_back(std::move(entry));
  }
  return set;
}

const JwkEntry* FindKey(const JsonWebKeySet& set, std::string_view kid) {
  for (const JwkEntry& key : set.keys) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

std::optional<TokenRefusal> CheckKeyFitsAlgorithm(const JwkEntry& key, long bits,
                                                  std::string_view alg) {
  if (!key.use.empty() && key.use != "sig") {
    return TokenRefusal{"key", fmt::format("key {} is for \"{}\", not signatures",
                                           QuoteUntrusted(key.kid), QuoteUntrusted(key.use))};
  }
  if (!key.alg.empty() && key.alg != alg) {
    return TokenRefusal{"key",
                        fmt::format("key {} is for {}, the token says {}", QuoteUntrusted(key.kid),
                                    QuoteUntrusted(key.alg), QuoteUntrusted(alg))};
  }
  const std::string_view family = alg.substr(0, 2);
  if (family == "RS" || family == "PS") {
    if (key.kty != "RSA") {
      return TokenRefusal{"key",
                          fmt::format("{} needs an RSA key; key {} is {}", QuoteUntrusted(alg),
                                      QuoteUntrusted(key.kid), QuoteUntrusted(key.kty))};
    }
    if (bits < 2048) {
      return TokenRefusal{"key", fmt::format("key {} has {} bits; RSA keys need at least 2048 "
                                             "(RFC 7518 §3.3)",
                                             QuoteUntrusted(key.kid), bits)};
    }
    return std::nullopt;
  }
  if (family == "ES") {
    const std::string_view curve = alg == "ES256"   ? "P-256"
                                   : alg == "ES384" ? "P-384"
                                   : alg == "ES512" ? "P-521"
                                                    : "";
    if (key.kty != "EC" || curve.empty() || key.crv != curve) {
      return TokenRefusal{"key", fmt::format("{} needs an EC key on {}; key {} is {} {}",
                                             QuoteUntrusted(alg), curve, QuoteUntrusted(key.kid),
                                             QuoteUntrusted(key.kty), QuoteUntrusted(key.crv))};
    }
    return std::nullopt;
  }
  return TokenRefusal{"key", fmt::format("no key type verifies {}", QuoteUntrusted(alg))};
}

}  // namespace audex
