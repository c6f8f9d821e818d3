// AnthropicMessagesClient: one question to Claude through the Anthropic
// Messages API (POST {base}/v1/messages, API version 2023-06-01), with
// bounded retries on throttling (429, honouring retry-after), overload and
// server errors (5xx, 529) and connection failures. The API key goes only
// into the x-api-key header; every message this client makes is scrubbed of
// it.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/base/secret.h"
#include "core/wire/http_message.h"

namespace audex {

inline constexpr std::string_view kAnthropicDefaultBaseUrl = "https://api.anthropic.com";
inline constexpr std::string_view kAnthropicApiVersion = "2023-06-01";
// The current Sonnet on the Claude API (platform.claude.com, "Models
// overview"): fast enough for one short answer, and able to name IAM
// actions exactly. --model or `model` in config.toml choose another.
inline constexpr std::string_view kAnthropicDefaultModel = "claude-sonnet-5-5";

struct AnthropicOptions {
  std::string base_url = std::string(kAnthropicDefaultBaseUrl);  // ANTHROPIC_BASE_URL
  SecretString api_key;
  std::string model = std::string(kAnthropicDefaultModel);
  int max_tokens = 4096;  // room for adaptive thinking before the short JSON answer
  RetryPolicy retry{4, std::chrono::milliseconds(500), std::chrono::milliseconds(8000)};
  // A retry-after longer than this is reported rather than waited out.
  std::chrono::seconds max_retry_after{30};
  // Injected so that tests neither wait nor depend on chance.
  SleepFunction sleep;
  Random01Function random01;
};

// The request as sent: headers x-api-key, anthropic-version, content-type;
// body {model, max_tokens, system, messages: [{role: user, content}]}.
HttpRequest BuildMessagesRequest(const AnthropicOptions& options, std::string_view system,
                                 std::string_view user_text);

// The text of a 200 reply: the "text" content blocks joined (other blocks,
// such as thinking, are skipped). Errors (kCredentials) for a body that is
// not a Messages API reply, or one without text.
Result<std::string> ParseMessagesReply(std::string_view body);

// Not thread-safe (one per thread).
class AnthropicMessagesClient {
 public:
  AnthropicMessagesClient(HttpClient& http, AnthropicOptions options);

  // Claude's text answer to `user_text` under `system`. Errors: kCredentials
  // for a refused key, an unreachable or failing API, throttling that
  // outlasts the retries; kUsage for an unknown model.
  Result<std::string> Ask(std::string_view system, std::string_view user_text);

  int last_attempts() const { return last_attempts_; }

 private:
  HttpClient& http_;
  AnthropicOptions options_;
  int last_attempts_ = 0;
};

}  // namespace audex
