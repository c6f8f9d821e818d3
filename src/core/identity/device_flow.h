// The OAuth 2.0 device authorization grant (RFC 8628) as messages: the
// device authorization response the CLI shows to its user, the token
// endpoint's answers while it polls, and the tokens it finally gets (also
// what a refresh returns, RFC 6749 §5.1 and §6). Pure parsing and the
// polling rules; adapters/oidc sends the requests and sleeps.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

inline constexpr size_t kMaxTokenResponseBytes = 64 * 1024;
// RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
inline constexpr std::chrono::seconds kDefaultPollInterval{5};
// RFC 8628 §3.5: on slow_down "the interval MUST be increased by 5 seconds".
inline constexpr std::chrono::seconds kSlowDownStep{5};

// What the CLI prints: open verification_uri and type user_code (or open
// verification_uri_complete, which carries the code). The device_code is
// the CLI's secret for polling.
struct DeviceAuthorization {
  SecretString device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // empty when the provider sends none
  std::chrono::seconds expires_in{0};
  std::chrono::seconds interval = kDefaultPollInterval;
};

// An OAuth 2.0 token response with OpenID Connect's id_token.
struct TokenSet {
  SecretString access_token;
  SecretString id_token;       // empty when the provider sent none
  SecretString refresh_token;  // empty when the provider sent none
  std::string token_type;
  std::string scope;
  std::optional<std::chrono::system_clock::time_point> access_token_expires_at;
};

// RFC 8628 §3.2. kCredentials when a required member is missing.
Result<DeviceAuthorization> ParseDeviceAuthorizationResponse(int status, std::string_view body);

// One answer of the token endpoint while polling (RFC 8628 §3.5).
enum class PollVerdict {
  kPending,   // authorization_pending: ask again after the interval
  kSlowDown,  // slow_down: ask again, the interval 5 s longer from now on
  kDenied,    // access_denied: the user said no
  kExpired,   // expired_token: the device code ran out; start again
  kFailed,    // any other error: stop, and say what the provider said
};
struct PollAnswer {
  PollVerdict verdict = PollVerdict::kFailed;
  std::string error;  // the provider's error (and description), for kFailed
};

// The token endpoint's reply, classified: tokens (a 200 with an
// access_token), or what to do next. `now` turns expires_in into a time.
std::variant<TokenSet, PollAnswer> ParseTokenPollResponse(
    int status, std::string_view body, std::chrono::system_clock::time_point now);

// A refresh (RFC 6749 §6): the new tokens, with the refresh token carried
// over from `previous` when the provider did not rotate it. kCredentials
// with the provider's error otherwise (invalid_grant: log in again).
Result<TokenSet> ParseRefreshResponse(int status, std::string_view body, const TokenSet& previous,
                                      std::chrono::system_clock::time_point now);

// The token endpoint's answer to an authorization code (RFC 6749 §4.1.4,
// the team server's browser login): the tokens, or kCredentials with the
// provider's error.
Result<TokenSet> ParseAuthorizationCodeResponse(int status, std::string_view body,
                                                std::chrono::system_clock::time_point now);

}  // namespace audex
