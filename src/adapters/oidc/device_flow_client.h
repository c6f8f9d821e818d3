// DeviceFlowClient: `tryaudex login`'s side of the OAuth 2.0 device
// authorization grant (RFC 8628) against the company's OpenID provider:
// start the flow, poll the token endpoint while the user confirms the code
// in a browser, and refresh the tokens later (RFC 6749 §6). The client is
// public (no secret) unless the provider insists on one.
#pragma once

#include <optional>
#include <string>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/identity/device_flow.h"
#include "core/identity/provider_metadata.h"

namespace audex {

struct DeviceFlowOptions {
  std::string client_id;
  // Sent as client_secret (RFC 6749 §2.3.1) when set; some providers
  // (Google) give even device clients one. It is not a secret there, but
  // it is treated as one.
  std::optional<SecretString> client_secret;
  // offline_access asks for a refresh token (OpenID Connect Core §11).
  std::string scope = "openid offline_access";
  SleepFunction sleep;  // empty: the real sleep
  ClockFunction clock;  // empty: the system clock
};

class DeviceFlowClient {
 public:
  // `metadata` must name a device_authorization_endpoint and token_endpoint.
  DeviceFlowClient(HttpClient& http, ProviderMetadata metadata, DeviceFlowOptions options);

  // Asks the provider for a device code (RFC 8628 §3.1); the CLI prints
  // verification_uri(_complete) and user_code from the answer.
  Result<DeviceAuthorization> Start();

  // Polls the token endpoint every interval (RFC 8628 §3.4-3.5): on
  // authorization_pending it waits, on slow_down it waits 5 s longer from
  // then on, and stops with tokens, or with an error on access_denied,
  // expired_token, any other error, or when expires_in has passed. A poll
  // that gets no HTTP answer (connection refused, timeout) counts as
  // pending; the next poll follows after the interval.
  Result<TokenSet> WaitForTokens(const DeviceAuthorization& authorization);

  // Exchanges `current.refresh_token` for new tokens (RFC 6749 §6).
  Result<TokenSet> Refresh(const TokenSet& current);

 private:
  HttpResult PostForm(const std::string& url, std::string body);
  std::string ClientParameters() const;

  HttpClient& http_;
  ProviderMetadata metadata_;
  DeviceFlowOptions options_;
};

}  // namespace audex
