#include "adapters/anthropic/messages_client.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using Json = nlohmann::json;

std::string Redact(std::string text, const SecretString& key) {
  return RedactSecrets(std::move(text), {&key}, false);
}

std::optional<std::string> Header(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// retry-after in whole seconds, as the Anthropic API sends it; an HTTP
// date or garbage counts as absent.
std::optional<std::chrono::seconds> RetryAfter(const HttpResponse& response) {
  const auto value = Header(response, "retry-after");
  if (!value) return std::nullopt;
  const std::string_view text = Trim(*value);
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::stol(std::string(text)));
}

// {"type":"error","error":{"type":"rate_limit_error","message":"..."}}
struct ApiError {
  std::string type;
  std::string message;
};

// The key is taken out of the message before it is cut: a cut through an
// echoed key would leave its beginning where no whole key is left to find.
ApiError ReadApiError(const HttpResponse& response, const SecretString& key) {
  ApiError error;
  try {
    const Json body = Json::parse(response.body);
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
      const Json& inner = body["error"];
      if (inner.contains("type") && inner["type"].is_string()) error.type = inner["type"];
      if (inner.contains("message") && inner["message"].is_string()) {
        error.message = inner["message"];
      }
    }
  } catch (const Json::exception&) {
  }
  if (error.type.empty()) error.type = fmt::format("HTTP {}", response.status);
  error.message = Redact(std::move(error.message), key);
  if (error.message.size() > 300) error.message = error.message.substr(0, 300) + "...";
  for (char& c : error.message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return error;
}

AttemptOutcome Classify(const HttpResult& result) {
  const AttemptOutcome outcome = ClassifyHttpResult(result);
  // A spend cap is a 429 too, but waiting does not lift it (it comes
  // without retry-after; Anthropic's "Errors" page). 529 "overloaded" is a
  // server error like 500 and 503.
  if (outcome == AttemptOutcome::kThrottled &&
      result->body.find("enforced_spend_limit_reached") != std::string::npos) {
    return AttemptOutcome::kClientError;
  }
  return outcome;
}

}  // namespace

HttpRequest BuildMessagesRequest(const AnthropicOptions& options, std::string_view system,
                                 std::string_view user_text) {
  HttpRequest request;
  request.method = "POST";
  std::string base = options.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + "/v1/messages";
  request.headers = {{"x-api-key", options.api_key.Reveal()},
                     {"anthropic-version", std::string(kAnthropicApiVersion)},
                     {"content-type", "application/json"}};
  Json body;
  body["model"] = options.model;
  body["max_tokens"] = options.max_tokens;
  body["system"] = system;
  body["messages"] = Json::array({{{"role", "user"}, {"content", user_text}}});
  // A sentence that is not UTF-8 is sent with U+FFFD for the bad bytes
  // rather than failing: JSON must be UTF-8.
  request.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return request;
}

Result<std::string> ParseMessagesReply(std::string_view body) {
  Json reply;
  try {
    reply = Json::parse(body);
  } catch (const Json::parse_error&) {
    return CredentialsError(
        "the Anthropic API answered with something that is not JSON; check ANTHROPIC_BASE_URL");
  }
  if (!reply.is_object() || !reply.contains("content") || !reply["content"].is_array()) {
    return CredentialsError(
        "the Anthropic API answered without a \"content\" list; check ANTHROPIC_BASE_URL");
  }
  std::string text;
  for (const Json& block : reply["content"]) {
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
        block["text"].is_string()) {
      text += block["text"].get<std::string>();
    }
  }
  if (Trim(text).empty()) {
    const std::string stop = reply.contains("stop_reason") && reply["stop_reason"].is_string()
                                 ? reply["stop_reason"].get<std::string>()
                                 : "none";
    return CredentialsError(fmt::format(
        "Claude's answer held no text (stop_reason {}); try again, or use --offline", stop));
  }
  return text;
}

AnthropicMessagesClient::AnthropicMessagesClient(HttpClient& http, AnthropicOptions options)
    : http_(http), options_(std::move(options)) {
  FillUnsetRetryHooks(options_.sleep, options_.random01);
}

Result<std::string> AnthropicMessagesClient::Ask(std::string_view system,
                                                 std::string_view user_text) {
  const HttpRequest request = BuildMessagesRequest(options_, system, user_text);
  const auto url = ParseUrl(request.url);
  if (!url) {
    return UsageError(fmt::format("ANTHROPIC_BASE_URL \"{}\" is not a URL: {}",
                                  Redact(options_.base_url, options_.api_key),
                                  url.error().message));
  }
  const std::string origin = Origin(*url);
  last_attempts_ = 0;
  for (int attempt = 1;; ++attempt) {
    last_attempts_ = attempt;
    HttpResult result = http_.Send(request);
    const AttemptOutcome outcome = Classify(result);
    if (outcome == AttemptOutcome::kSuccess) {
      auto text = ParseMessagesReply(result->body);
      if (!text) text.error().message = Redact(std::move(text.error().message), options_.api_key);
      return text;
    }
    std::optional<std::chrono::seconds> retry_after;
    if (result) retry_after = RetryAfter(*result);
    auto delay = NextRetryDelay(options_.retry, outcome, attempt, options_.random01());
    const bool waits_too_long = retry_after && *retry_after > options_.max_retry_after;
    if (delay && !waits_too_long) {
      if (retry_after) delay = std::max<std::chrono::milliseconds>(*delay, *retry_after);
      options_.sleep(*delay);
      continue;
    }

    std::string message;
    ErrorKind kind = ErrorKind::kCredentials;
    const std::string tries = attempt > 1 ? fmt::format(" after {} attempts", attempt) : "";
    if (!result) {
      message = fmt::format(
          "cannot reach the Anthropic API{}: {} ({}); check the network or ANTHROPIC_BASE_URL, "
          "or use --offline",
          tries, result.error().message, HttpFailureKindName(result.error().kind));
    } else {
      const ApiError error = ReadApiError(*result, options_.api_key);
      const std::string said =
          error.message.empty() ? error.type : fmt::format("{}: {}", error.type, error.message);
      if (result->status == 401 || result->status == 403) {
        message = fmt::format(
            "the Anthropic API refused ANTHROPIC_API_KEY ({} {}); check the key and its "
            "workspace, or use --offline",
            result->status, said);
      } else if (result->status == 404) {
        kind = ErrorKind::kUsage;
        message = fmt::format(
            "the Anthropic API at {} answered 404 ({}) for model \"{}\"; choose a model with "
            "--model or `model` in config.toml, or check ANTHROPIC_BASE_URL",
            origin, said, options_.model);
      } else if (outcome == AttemptOutcome::kThrottled) {
        message = waits_too_long
                      ? fmt::format(
                            "the Anthropic API is rate limiting this key ({}) and asks to wait "
                            "{} s; try again later, or use --offline",
                            said, retry_after->count())
                      : fmt::format(
                            "the Anthropic API is still rate limiting this key{} ({}); try again "
                            "later, or use --offline",
                            tries, said);
      } else if (outcome == AttemptOutcome::kServerError) {
        message = fmt::format(
            "the Anthropic API failed{} (HTTP {}, {}); try again later, or use --offline", tries,
            result->status, said);
      } else {
        message = fmt::format("the Anthropic API refused the request (HTTP {}, {}); {}",
                              result->status, said,
                              result->status == 400 ? "check --model, or use --offline"
                                                    : "check ANTHROPIC_BASE_URL, or use --offline");
      }
    }
    return tl::unexpected(Error{kind, Redact(std::move(message), options_.api_key)});
  }
}

}  // namespace audex
