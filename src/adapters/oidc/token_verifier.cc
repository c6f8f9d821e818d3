// ID token verification (token_verifier.h): core's rules around cjose's
// signature check.
#include "adapters/oidc/token_verifier.h"

#include <cjose/cjose.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"
#include "core/identity/jwt.h"
#include "core/identity/token_checks.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;

tl::unexpected<VerifyFailure> Refused(TokenRefusal refusal) {
  return tl::unexpected(VerifyFailure{VerifyFailure::Kind::kRefused, std::move(refusal)});
}

tl::unexpected<VerifyFailure> Unavailable(std::string check, std::string reason) {
  return tl::unexpected(VerifyFailure{VerifyFailure::Kind::kUnavailable,
                                      TokenRefusal{std::move(check), std::move(reason)}});
}

std::string HeaderMember(cjose_jws_t* jws, const char* name) {
  cjose_err error{};
  const char* value = cjose_header_get(cjose_jws_get_protected(jws), name, &error);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

TokenResult<std::string> VerifySignature(std::string_view token, const VerificationKey& key,
                                         std::string_view alg, std::string_view kid) {
  // cjose verifies with any key whose material fits the algorithm; the
  // key's own `use` and `alg` and its size are ours to hold it to, here, so
  // that no caller can skip them (found by jwt_fuzzer: a key marked for
  // another alg verified).
  if (auto refused = CheckKeyFitsAlgorithm(key.entry, key.bits, alg))
    return tl::unexpected(*refused);
  cjose_err error{};
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_import(token.data(), token.size(), &error), cjose_jws_release);
  if (!jws) return Refuse("format", "the JOSE library cannot read the token");
  if (HeaderMember(jws.get(), CJOSE_HDR_ALG) != alg ||
      HeaderMember(jws.get(), CJOSE_HDR_KID) != kid) {
    return Refuse("format",
                  "the header reads differently to two JSON parsers (a repeated "
                  "member?)");
  }
  if (!cjose_jws_verify(jws.get(), key.jwk.get(), &error)) {
    return Refuse("signature", fmt::format("the signature does not verify with key {} of the "
                                           "issuer (changed token, or signed by someone else)",
                                           QuoteUntrusted(key.entry.kid)));
  }
  uint8_t* plaintext = nullptr;
  size_t plaintext_size = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &plaintext_size, &error)) {
    return Refuse("format", "the JOSE library has no payload for the token");
  }
  return std::string(reinterpret_cast<const char*>(plaintext), plaintext_size);
}

OidcTokenVerifier::OidcTokenVerifier(std::vector<TrustedIssuer> issuers, HttpClient& http,
                                     JtiLedger* ledger, ClockFunction clock)
    : issuers_(std::move(issuers)), ledger_(ledger), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return Clock::now(); };
  keys_ = std::make_unique<JwksCache>(issuers_, http, clock_);
}

VerifyResult OidcTokenVerifier::Verify(std::string_view token) {
  auto decoded = DecodeJwt(token);
  if (!decoded) return Refused(decoded.error());
  // "iss" is read before the signature only to pick whose keys to check it
  // with; CheckClaims reads it again from the verified payload.
  auto selected = SelectIssuer(decoded->claims, issuers_);
  if (!selected) return Refused(selected.error());
  const TrustedIssuer& issuer = **selected;
  if (auto refused = CheckHeader(decoded->header, issuer)) return Refused(*refused);

  const std::string& kid = decoded->header.kid;
  auto key = keys_->Find(issuer, kid);
  if (!key) return Unavailable("jwks", key.error().message);
  if (!*key) {
    if (auto other = keys_->OtherIssuerWithKid(issuer, kid)) {
      return Refused({"key", fmt::format("key {} belongs to issuer \"{}\", not to \"{}\" that the "
                                         "token names",
                                         QuoteUntrusted(kid), *other, issuer.name)});
    }
    return Refused({"kid", fmt::format("issuer \"{}\" publishes no key {} (checked its key set "
                                       "again at most {} s ago)",
                                       issuer.name, QuoteUntrusted(kid),
                                       issuer.jwks_refetch_interval.count())});
  }
  const VerificationKey& verification_key = **key;
  if (auto refused = CheckKeyFitsAlgorithm(verification_key.entry, verification_key.bits,
                                           decoded->header.alg)) {
    return Refused(*refused);
  }
  auto payload = VerifySignature(token, verification_key, decoded->header.alg, kid);
  if (!payload) return Refused(payload.error());
  const nlohmann::json claims =
      nlohmann::json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Refused({"format", "the signed payload is not a JSON object"});

  auto caller = CheckClaims(claims, issuer, clock_());
  if (!caller) return Refused(caller.error());
  if (issuer.jti_once) {
    if (ledger_ == nullptr) return Unavailable("jti", "no jti store is configured");
    auto first = ledger_->RememberJti(issuer.issuer, caller->jti, caller->expires_at);
    if (!first) return Unavailable("jti", first.error().message);
    if (!*first) {
      return Refused({"replay", fmt::format("jti {} was already used; each token is accepted "
                                            "once (ask for a new one)",
                                            QuoteUntrusted(caller->jti))});
    }
  }
  return std::move(*caller);
}

}  // namespace audex
