// RFC 8628 messages (device_flow.h).
#include "core/identity/device_flow.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/text.h"
#include "core/identity/token_refusal.h"

namespace audex {
namespace {

nlohmann::json ParseObject(std::string_view body) {
  if (body.size() > kMaxTokenResponseBytes || JsonNestingDepth(body) > 8) return nullptr;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return json.is_object() ? json : nlohmann::json(nullptr);
}

std::string Text(const nlohmann::json& json, const char* name) {
  if (!json.is_object()) return {};
  const auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> Seconds(const nlohmann::json& json, const char* name) {
  if (!json.is_object()) return std::nullopt;
  const auto it = json.find(name);
  if (it == json.end() || !it->is_number_integer()) return std::nullopt;
  const int64_t value = it->get<int64_t>();
  if (value < 0 || value > 10 * 365 * 24 * 3600LL) return std::nullopt;
  return value;
}

// "invalid_client: client is invalid" from an OAuth error reply (RFC 6749
// §5.2), quoted since it comes from the provider. Error replies carry no
// secrets; the request's device code or refresh token is never echoed here.
std::string OAuthError(int status, const nlohmann::json& json) {
  const std::string error = Text(json, "error");
  if (error.empty()) return fmt::format("HTTP {} without an OAuth error", status);
  const std::string description = Text(json, "error_description");
  return description.empty() ? QuoteUntrusted(error)
                             : QuoteUntrusted(error) + " (" + QuoteUntrusted(description) + ")";
}

Result<TokenSet> ParseTokens(const nlohmann::json& json,
                             std::chrono::system_clock::time_point now) {
  TokenSet tokens;
  tokens.access_token = SecretString(Text(json, "access_token"));
  if (tokens.access_token.empty()) {
    return CredentialsError("the token endpoint answered 200 without an access_token");
  }
  tokens.id_token = SecretString(Text(json, "id_token"));
  tokens.refresh_token = SecretString(Text(json, "refresh_token"));
  tokens.token_type = Text(json, "token_type");
  tokens.scope = Text(json, "scope");
  if (auto expires_in = Seconds(json, "expires_in")) {
    tokens.access_token_expires_at = now + std::chrono::seconds(*expires_in);
  }
  return tokens;
}

}  // namespace

Result<DeviceAuthorization> ParseDeviceAuthorizationResponse(int status, std::string_view body) {
  const nlohmann::json json = ParseObject(body);
  if (status != 200) {
    return CredentialsError(fmt::format(
        "the provider refused to start the device login: {}; check the client id and that the "
        "client may use the device flow",
        OAuthError(status, json)));
  }
  DeviceAuthorization authorization;
  authorization.device_code = SecretString(Text(json, "device_code"));
  authorization.user_code = Text(json, "user_code");
  authorization.verification_uri = Text(json, "verification_uri");
  // Google's device endpoint spells it verification_url (an early draft's name).
  if (authorization.verification_uri.empty()) {
    authorization.verification_uri = Text(json, "verification_url");
  }
  authorization.verification_uri_complete = Text(json, "verification_uri_complete");
  const auto expires_in = Seconds(json, "expires_in");
  if (authorization.device_code.empty() || authorization.user_code.empty() ||
      authorization.verification_uri.empty() || !expires_in) {
    return CredentialsError(
        "the device authorization response lacks device_code, user_code, verification_uri or "
        "expires_in (RFC 8628 §3.2)");
  }
  authorization.expires_in = std::chrono::seconds(*expires_in);
  if (auto interval = Seconds(json, "interval"); interval && *interval > 0) {
    authorization.interval = std::chrono::seconds(*interval);
  }
  return authorization;
}

std::variant<TokenSet, PollAnswer> ParseTokenPollResponse(
    int status, std::string_view body, std::chrono::system_clock::time_point now) {
  const nlohmann::json json = ParseObject(body);
  if (status == 200) {
    auto tokens = ParseTokens(json, now);
    if (tokens) return std::move(*tokens);
    return PollAnswer{PollVerdict::kFailed, tokens.error().message};
  }
  const std::string error = Text(json, "error");
  if (error == "authorization_pending") return PollAnswer{PollVerdict::kPending, error};
  if (error == "slow_down") return PollAnswer{PollVerdict::kSlowDown, error};
  if (error == "access_denied") return PollAnswer{PollVerdict::kDenied, error};
  if (error == "expired_token") return PollAnswer{PollVerdict::kExpired, error};
  return PollAnswer{PollVerdict::kFailed, OAuthError(status, json)};
}

Result<TokenSet> ParseRefreshResponse(int status, std::string_view body, const TokenSet& previous,
                                      std::chrono::system_clock::time_point now) {
  const nlohmann::json json = ParseObject(body);
  if (status != 200) {
    return CredentialsError(
        fmt::format("the provider refused to refresh the login: {}; run tryaudex login again",
                    OAuthError(status, json)));
  }
  auto tokens = ParseTokens(json, now);
  if (!tokens) return tokens;
  // RFC 6749 §6: the provider "MAY issue a new refresh token"; if it does
  // not, the old one stays valid.
  if (tokens->refresh_token.empty()) tokens->refresh_token = previous.refresh_token;
  return tokens;
}

Result<TokenSet> ParseAuthorizationCodeResponse(int status, std::string_view body,
                                                std::chrono::system_clock::time_point now) {
  const nlohmann::json json = ParseObject(body);
  if (status != 200) {
    return CredentialsError(fmt::format("the provider refused the login code: {}; sign in again",
                                        OAuthError(status, json)));
  }
  return ParseTokens(json, now);
}

}  // namespace audex
