// Compact JWT decoding: base64url through OpenSSL's EVP_DecodeBlock, JSON
// through nlohmann; no signature is looked at here.
#include "core/identity/jwt.h"

#include <openssl/evp.h>

#include <algorithm>

#include "core/base/text.h"

namespace audex {
namespace {

TokenResult<nlohmann::json> DecodeJsonObject(std::string_view part, std::string_view what) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return Refuse("format", std::string(what) + " is not base64url (RFC 7515 §2)");
  if (JsonNestingDepth(*bytes) > kMaxJwtJsonDepth) {
    return Refuse("format", std::string(what) + " nests deeper than " +
                                std::to_string(kMaxJwtJsonDepth) + " levels");
  }
  nlohmann::json json = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Refuse("format", std::string(what) + " is not a JSON object");
  return json;
}

// A header member that must be a string when present.
TokenResult<std::string> OptionalHeaderString(const nlohmann::json& header, const char* name) {
  const auto it = header.find(name);
  if (it == header.end()) return std::string();
  if (!it->is_string())
    return Refuse("format", std::string("header member \"") + name + "\" is not a string");
  return it->get<std::string>();
}

}  // namespace

std::string QuoteUntrusted(std::string_view value) {
  constexpr size_t kLimit = 80;
  std::string quoted = "\"";
  for (size_t i = 0; i < value.size() && i < kLimit; ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    quoted.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '?');
  }
  if (value.size() > kLimit) quoted += "...";
  quoted += '"';
  return quoted;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  // A length of 4n+1 characters cannot come from any byte string.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard;
  standard.reserve(text.size() + 3);
  for (char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      standard.push_back(c);
    } else if (c == '-') {
      standard.push_back('+');
    } else if (c == '_') {
      standard.push_back('/');
    } else {
      return std::nullopt;  // padding, whitespace, the standard alphabet's + and /
    }
  }
  const size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::string bytes(standard.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                      reinterpret_cast<const unsigned char*>(standard.data()),
                                      static_cast<int>(standard.size()));
  if (written < 0 || static_cast<size_t>(written) < padding) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that stand for the padding.
  bytes.resize(static_cast<size_t>(written) - padding);
  return bytes;
}

TokenResult<DecodedJwt> DecodeJwt(std::string_view token) {
  if (token.size() > kMaxJwtBytes) {
    return Refuse("format", "the token is longer than " + std::to_string(kMaxJwtBytes) + " bytes");
  }
  const size_t dots = static_cast<size_t>(std::count(token.begin(), token.end(), '.'));
  if (dots != 2) {
    return Refuse("format", dots == 4 ? "the token is encrypted (JWE); send a signed ID token"
                                      : "the token is not three base64url parts joined by dots");
  }
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  auto header = DecodeJsonObject(token.substr(0, first), "the header");
  if (!header) return tl::unexpected(header.error());
  auto claims = DecodeJsonObject(token.substr(first + 1, second - first - 1), "the payload");
  if (!claims) return tl::unexpected(claims.error());
  if (!Base64UrlDecode(token.substr(second + 1))) {
    return Refuse("format", "the signature is not base64url (RFC 7515 §2)");
  }

  DecodedJwt decoded;
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) {
    return Refuse("format", "the header has no \"alg\" string (RFC 7515 §4.1.1)");
  }
  decoded.header.alg = alg->get<std::string>();
  auto kid = OptionalHeaderString(*header, "kid");
  if (!kid) return tl::unexpected(kid.error());
  decoded.header.kid = std::move(*kid);
  auto typ = OptionalHeaderString(*header, "typ");
  if (!typ) return tl::unexpected(typ.error());
  decoded.header.typ = std::move(*typ);
  decoded.header.has_crit = header->contains("crit");
  decoded.claims = std::move(*claims);
  return decoded;
}

}  // namespace audex
