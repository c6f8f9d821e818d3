// Provider metadata parsing (provider_metadata.h).
#include "core/identity/provider_metadata.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/text.h"
#include "core/identity/token_refusal.h"
#include "core/identity/trusted_issuer.h"

namespace audex {

std::string DiscoveryUrl(std::string_view issuer) {
  std::string base(issuer);
  if (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/.well-known/openid-configuration";
}

Result<ProviderMetadata> ParseProviderMetadata(std::string_view text,
                                               std::string_view expected_issuer,
                                               std::string_view source) {
  if (text.size() > kMaxProviderMetadataBytes || JsonNestingDepth(text) > 8) {
    return CredentialsError(fmt::format("the provider metadata at {} is too large", source));
  }
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return CredentialsError(fmt::format(
        "{} is not OpenID provider metadata (not a JSON object); check the issuer URL", source));
  }
  const auto text_member = [&json](const char* name) -> std::string {
    const auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ProviderMetadata metadata;
  metadata.issuer = text_member("issuer");
  if (metadata.issuer != expected_issuer) {
    return CredentialsError(fmt::format(
        "{} names issuer {}, not \"{}\" (OpenID Connect Discovery §4.3); write the issuer "
        "exactly as its tokens carry it in \"iss\"",
        source, QuoteUntrusted(metadata.issuer), expected_issuer));
  }
  metadata.jwks_uri = text_member("jwks_uri");
  metadata.token_endpoint = text_member("token_endpoint");
  metadata.device_authorization_endpoint = text_member("device_authorization_endpoint");
  metadata.authorization_endpoint = text_member("authorization_endpoint");
  if (metadata.jwks_uri.empty()) {
    return CredentialsError(fmt::format("{} has no jwks_uri", source));
  }
  for (const std::string* url :
       {&metadata.jwks_uri, &metadata.token_endpoint, &metadata.device_authorization_endpoint,
        &metadata.authorization_endpoint}) {
    if (!url->empty() && !IsTrustworthyKeyUrl(*url)) {
      return CredentialsError(fmt::format("{} names {}, which is neither https nor loopback http",
                                          source, QuoteUntrusted(*url)));
    }
  }
  const auto algs = json.find("id_token_signing_alg_values_supported");
  if (algs != json.end() && algs->is_array()) {
    for (const nlohmann::json& alg : *algs) {
      if (alg.is_string()) metadata.id_token_signing_alg_values_supported.push_back(alg);
    }
  }
  return metadata;
}

}  // namespace audex
