#include "adapters/aws/aws_call.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "adapters/aws/aws_xml.h"
#include "adapters/aws/sts_errors.h"
#include "core/base/secret.h"

namespace audex {
namespace {

constexpr size_t kMaxQuoted = 300;

std::string JsonString(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" and
// "ResourceNotFoundException:http://..." both name ResourceNotFoundException.
std::string BareType(std::string type) {
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  if (const size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  return type;
}

}  // namespace

AwsErrorReply ParseAwsErrorReply(const HttpResponse& response) {
  AwsErrorReply reply;
  const std::string_view body = response.body;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_discarded() && json.is_object()) {
      reply.code = BareType(JsonString(json, "__type"));
      if (reply.code.empty()) reply.code = BareType(JsonString(json, "code"));
      reply.message = JsonString(json, "message");
      if (reply.message.empty()) reply.message = JsonString(json, "Message");
    }
  } else if (first != std::string_view::npos && body[first] == '<') {
    pugi::xml_document document;
    if (document.load_buffer(body.data(), body.size())) {
      const pugi::xml_node error = aws_xml::Find(document, "Error");
      if (error) {
        reply.code = aws_xml::ChildText(error, "Code");
        reply.message = aws_xml::ChildText(error, "Message");
      }
    }
  }
  if (reply.code.empty()) {
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-errortype") reply.code = BareType(value);
    }
  }
  return reply;
}

Result<HttpResponse> SendAwsRequest(HttpClient& http, const HttpRequest& request,
                                    const AwsCredentials& credentials, AwsCallOptions& options) {
  FillUnsetRetryHooks(options.sleep, options.random01, &options.clock);
  SigV4Options sign;
  sign.content_sha256_header = options.content_sha256;
  for (int attempt = 1;; ++attempt) {
    // Signed for every attempt, so X-Amz-Date stays close to the sending.
    auto signed_request = SignV4(request, credentials, options.scope, options.clock(), sign);
    if (!signed_request) {
      return UsageError(fmt::format("the {} endpoint in {} cannot be used: {}",
                                    options.scope.service, request.url,
                                    signed_request.error().message));
    }
    HttpResult result = http.Send(*signed_request);
    AttemptOutcome outcome = ClassifyHttpResult(result);
    if (result && result->status >= 400 && IsThrottlingCode(ParseAwsErrorReply(*result).code)) {
      outcome = AttemptOutcome::kThrottled;
    }
    const auto delay = NextRetryDelay(options.retry, outcome, attempt, options.random01());
    if (result && (outcome == AttemptOutcome::kSuccess || !delay)) return std::move(*result);
    if (!delay) {
      return CredentialsError(fmt::format("{} {} failed after {} attempt{}: {} {}", request.method,
                                          options.scope.service, attempt, attempt == 1 ? "" : "s",
                                          HttpFailureKindName(result.error().kind),
                                          result.error().message));
    }
    options.sleep(*delay);
  }
}

std::string DescribeAwsReply(const HttpResponse& response, const AwsCredentials& credentials) {
  const AwsErrorReply reply = ParseAwsErrorReply(response);
  std::string text = fmt::format("HTTP {}", response.status);
  if (!reply.code.empty()) text += " " + reply.code;
  if (!reply.message.empty()) text += ": " + reply.message;
  text = RedactSecrets(std::move(text), credentials);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "...";
  return text;
}

}  // namespace audex
