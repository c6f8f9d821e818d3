// LoginTokens' JSON form (login_tokens.h).
#include "core/identity/login_tokens.h"

#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/rfc3339.h"

namespace audex {

std::string LoginEntryName(std::string_view server_url) { return "login-" + Sha256Hex(server_url); }

SecretString LoginTokensToJson(const LoginTokens& login) {
  nlohmann::json json = {
      {"server_url", login.server_url},
      {"issuer", login.issuer},
      {"client_id", login.client_id},
      {"access_token", login.tokens.access_token.Reveal()},
      {"id_token", login.tokens.id_token.Reveal()},
      {"refresh_token", login.tokens.refresh_token.Reveal()},
      {"token_type", login.tokens.token_type},
      {"scope", login.tokens.scope},
      {"id_token_expires_at", FormatRfc3339(login.id_token_expires_at)},
  };
  if (login.tokens.access_token_expires_at) {
    json["access_token_expires_at"] = FormatRfc3339(*login.tokens.access_token_expires_at);
  }
  return SecretString(json.dump());
}

Result<LoginTokens> LoginTokensFromJson(std::string_view text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const auto member = [&json](const char* name) -> std::optional<std::string> {
    if (!json.is_object()) return std::nullopt;
    const auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto server_url = member("server_url");
  auto issuer = member("issuer");
  auto client_id = member("client_id");
  auto access_token = member("access_token");
  auto id_token = member("id_token");
  auto refresh_token = member("refresh_token");
  auto expires = member("id_token_expires_at");
  if (!server_url || !issuer || !client_id || !access_token || !id_token || !refresh_token ||
      !expires) {
    return StateError("login entry lacks a field; run tryaudex login again");
  }
  LoginTokens login;
  login.server_url = std::move(*server_url);
  login.issuer = std::move(*issuer);
  login.client_id = std::move(*client_id);
  login.tokens.access_token = SecretString(std::move(*access_token));
  login.tokens.id_token = SecretString(std::move(*id_token));
  login.tokens.refresh_token = SecretString(std::move(*refresh_token));
  login.tokens.token_type = member("token_type").value_or("");
  login.tokens.scope = member("scope").value_or("");
  auto id_expiry = ParseRfc3339(*expires);
  if (!id_expiry) return StateError("login entry has a bad expiry; run tryaudex login again");
  login.id_token_expires_at = *id_expiry;
  if (auto access_expiry = member("access_token_expires_at")) {
    login.tokens.access_token_expires_at = ParseRfc3339(*access_expiry);
  }
  return login;
}

}  // namespace audex
