// libFuzzer target: arbitrary bytes as what strangers and identity
// providers send the team server and `tryaudex login`: compact JWTs (the
// decoder, then the header and claim rules), JWKS documents (parsed, then
// imported by cjose), a key set and a token together through the signature
// check, provider metadata, device-flow and token replies, and server.toml's
// [[oidc.issuers]]. Besides "no crash", it checks that what passes is
// consistent: an accepted caller is the configured issuer's, a verified
// payload is the one the decoder read, and an accepted configuration binds
// a GitHub issuer to an id.
//
// Input: the first byte picks the parser; the rest is the text. For the
// signature check (selector 2) the text is a JWKS, a NUL byte, then a token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/config/oidc_issuers_toml.h"
#include "adapters/oidc/jwks_cache.h"
#include "adapters/oidc/token_verifier.h"
#include "core/identity/device_flow.h"
#include "core/identity/jwt.h"
#include "core/identity/provider_metadata.h"
#include "core/identity/token_checks.h"

namespace {

using audex::TrustedIssuer;

void Check(bool condition) {
  if (!condition) std::abort();
}

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'800'000'000)};

const TrustedIssuer& Issuer() {
  static const TrustedIssuer issuer = [] {
    TrustedIssuer made;
    made.name = "gh";
    made.kind = audex::IssuerKind::kGithub;
    made.issuer = "https://token.actions.githubusercontent.com";
    made.audience = "https://audex.example.com";
    made.algorithms = {"RS256", "ES256"};
    made.require = {{"repository_owner_id", {"2020"}}, {"ref", {"refs/heads/*"}}};
    return made;
  }();
  return issuer;
}

void FuzzToken(std::string_view text) {
  auto decoded = audex::DecodeJwt(text);
  if (!decoded) {
    Check(decoded.error().check == "format");
    return;
  }
  Check(decoded->claims.is_object());
  const bool header_ok = !audex::CheckHeader(decoded->header, Issuer());
  if (header_ok) {
    Check(audex::IsSupportedAlgorithm(decoded->header.alg));
    Check(!decoded->header.kid.empty());
  }
  auto caller = audex::CheckClaims(decoded->claims, Issuer(), kNow);
  if (caller) {
    Check(caller->name.rfind("gh:", 0) == 0);
    Check(caller->issuer == Issuer().issuer);
    Check(caller->expires_at + Issuer().clock_skew > kNow);
    Check(!caller->jti.empty());
    Check(caller->claims.at("repository_owner_id") == "2020");
  } else {
    Check(!caller.error().check.empty());
  }
}

void FuzzKeySet(std::string_view text) {
  auto imported = audex::ImportKeySet(text, "https://fuzz.example/keys");
  if (!imported) return;
  for (const auto& [kid, key] : imported->by_kid) {
    Check(!kid.empty() && key->entry.kid == kid);
    Check(key->jwk != nullptr);
    for (const char* alg : {"RS256", "PS384", "ES256", "ES512", "HS256", "none"}) {
      auto refused = audex::CheckKeyFitsAlgorithm(key->entry, key->bits, alg);
      if (!refused) Check(alg[0] != 'H' && alg[0] != 'n');
    }
  }
}

void FuzzSignature(std::string_view text) {
  const size_t split = text.find('\0');
  if (split == std::string_view::npos) return;
  auto imported = audex::ImportKeySet(text.substr(0, split), "https://fuzz.example/keys");
  const std::string_view token = text.substr(split + 1);
  auto decoded = audex::DecodeJwt(token);
  if (!imported || !decoded) return;
  const auto found = imported->by_kid.find(decoded->header.kid);
  if (found == imported->by_kid.end()) return;
  const auto& key = *found->second;
  const bool allowed = !audex::CheckHeader(decoded->header, Issuer()) &&
                       !audex::CheckKeyFitsAlgorithm(key.entry, key.bits, decoded->header.alg);
  auto payload = audex::VerifySignature(token, key, decoded->header.alg, decoded->header.kid);
  if (payload) {
    // What cjose verified is what the decoder read: one payload, two parsers.
    Check(nlohmann::json::parse(*payload, nullptr, false) == decoded->claims);
    Check(allowed || key.entry.kty == "oct");
  }
}

void FuzzProviderReplies(std::string_view text, uint8_t selector) {
  switch (selector % 4) {
    case 0: {
      auto metadata = audex::ParseProviderMetadata(text, "https://login.example.com",
                                                   "https://login.example.com/.well-known");
      if (metadata) {
        Check(metadata->issuer == "https://login.example.com");
        Check(audex::IsTrustworthyKeyUrl(metadata->jwks_uri));
      }
      break;
    }
    case 1: {
      auto authorization = audex::ParseDeviceAuthorizationResponse(200, text);
      if (authorization) {
        Check(!authorization->device_code.empty() && !authorization->user_code.empty());
        Check(authorization->interval.count() > 0);
      }
      break;
    }
    case 2: {
      auto answer = audex::ParseTokenPollResponse(400, text, kNow);
      Check(std::holds_alternative<audex::PollAnswer>(answer));
      auto tokens = audex::ParseTokenPollResponse(200, text, kNow);
      if (auto* set = std::get_if<audex::TokenSet>(&tokens)) Check(!set->access_token.empty());
      break;
    }
    default: {
      audex::TokenSet previous;
      previous.refresh_token = audex::SecretString("previous");
      auto refreshed = audex::ParseRefreshResponse(200, text, previous, kNow);
      if (refreshed) Check(!refreshed->refresh_token.empty());
      break;
    }
  }
}

void FuzzIssuerConfig(std::string_view text) {
  auto issuers = audex::ParseOidcIssuersToml(text, "server.toml");
  if (!issuers) {
    Check(issuers.error().kind == audex::ErrorKind::kUsage);
    return;
  }
  Check(static_cast<bool>(audex::ValidateTrustedIssuers(*issuers)));
  for (const TrustedIssuer& issuer : *issuers) {
    if (issuer.kind != audex::IssuerKind::kGithub) continue;
    bool bound = false;
    for (const auto& binding : issuer.require) {
      bound = bound || binding.claim == "repository_owner_id" || binding.claim == "repository_id";
    }
    Check(bound);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0:
      FuzzToken(text);
      break;
    case 1:
      FuzzKeySet(text);
      break;
    case 2:
      FuzzSignature(text);
      break;
    case 3:
      FuzzProviderReplies(text, static_cast<uint8_t>(data[0] / 5));
      break;
    default:
      FuzzIssuerConfig(text);
      break;
  }
  return 0;
}
