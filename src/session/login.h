// Login: a person's identity for a team server (docs/oidc-identity.md,
// "People"). `tryaudex login` runs the device authorization grant against
// the provider the server names and keeps the tokens sealed beside the
// credential cache; `run --server` and `whoami` present the kept ID token,
// refreshed when it is about to expire; `logout` forgets it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/identity/login_tokens.h"
#include "session/world.h"

namespace audex {

// What the person must do: open the URI and type the code (or open the
// complete URI, which carries it).
struct LoginPrompt {
  std::string verification_uri;
  std::string verification_uri_complete;  // empty when the provider sends none
  std::string user_code;
  std::string issuer;
  std::chrono::seconds expires_in{0};
};
using LoginPromptSink = std::function<void(const LoginPrompt&)>;

// An ID token is refreshed when it has less than this left.
inline constexpr std::chrono::seconds kLoginRefreshMargin{60};

// "https://audex.example.com" from "https://audex.example.com/": one name
// per server for the kept tokens.
std::string NormalizeServerUrl(std::string url);

// Asks `server_url` which provider to log in with (GET /v1/login-config),
// runs the device flow there (`show` is called once with the code; polling
// sleeps with `sleep`, empty: the real sleep), and keeps the tokens. The
// kept tokens (no secret is in them that the caller should print).
Result<LoginTokens> LoginToServer(const World& world, const std::string& server_url,
                                  const LoginPromptSink& show, SleepFunction sleep = {});

// The ID token to present to `server_url`: the kept one, refreshed (and
// kept again) when it expires within kLoginRefreshMargin. nullopt when not
// logged in there. kCredentials when the refresh is refused (log in again).
Result<std::optional<SecretString>> CurrentLoginToken(const World& world,
                                                      const std::string& server_url);

// Forgets the tokens kept for `server_url`; true when there were some.
Result<bool> Logout(const World& world, const std::string& server_url);

}  // namespace audex
