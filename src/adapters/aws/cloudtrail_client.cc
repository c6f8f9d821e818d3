#include "adapters/aws/cloudtrail_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "core/base/secret.h"
#include "core/wire/sigv4.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kTarget =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

std::string StringAt(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The error code of a JSON 1.1 reply: "__type" (possibly
// "prefix#ThrottlingException"), else the x-amzn-errortype header.
std::string ErrorType(const HttpResponse& response) {
  std::string type;
  const Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_discarded()) type = StringAt(body, "__type");
  if (type.empty()) {
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-errortype") type = value;
    }
  }
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (const size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  return type;
}

std::string ErrorMessage(const HttpResponse& response) {
  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return "";
  std::string message = StringAt(body, "message");
  return message.empty() ? StringAt(body, "Message") : message;
}

bool IsThrottling(std::string_view type) {
  return type == "ThrottlingException" || type == "Throttling" ||
         type == "TooManyRequestsException" || type == "RequestLimitExceeded";
}

}  // namespace

ObservedCall CloudTrailEvent::ToObservedCall() const {
  ObservedCall call;
  call.naming = ServiceNaming::kEventSource;
  call.service = event_source;
  call.operation = event_name;
  call.error_code = error_code;
  call.denied = IsPermissionDenied(error_code, std::nullopt);
  call.resources = resources;
  return call;
}

std::string BuildLookupEventsBody(std::string_view access_key_id,
                                  std::chrono::system_clock::time_point start_time,
                                  const std::optional<std::string>& next_token) {
  Json body;
  body["LookupAttributes"] = Json::array(
      {{{"AttributeKey", "AccessKeyId"}, {"AttributeValue", std::string(access_key_id)}}});
  // JSON 1.1 timestamps are epoch seconds.
  body["StartTime"] =
      std::chrono::duration_cast<std::chrono::seconds>(start_time.time_since_epoch()).count();
  body["MaxResults"] = 50;
  if (next_token) body["NextToken"] = *next_token;
  return body.dump();
}

Result<LookupEventsPage> ParseLookupEventsReply(std::string_view body) {
  const Json json = Json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return CredentialsError("CloudTrail LookupEvents replied with something that is not JSON");
  }
  const auto events = json.find("Events");
  if (events == json.end() || !events->is_array()) {
    return CredentialsError("CloudTrail LookupEvents replied without an Events list");
  }
  LookupEventsPage page;
  for (const Json& item : *events) {
    if (!item.is_object()) continue;
    CloudTrailEvent event;
    event.event_id = StringAt(item, "EventId");
    event.event_source = StringAt(item, "EventSource");
    event.event_name = StringAt(item, "EventName");
    std::set<std::string> resources;
    if (const auto listed = item.find("Resources"); listed != item.end() && listed->is_array()) {
      for (const Json& resource : *listed) {
        const std::string name = StringAt(resource, "ResourceName");
        if (name.starts_with("arn:")) resources.insert(name);
      }
    }
    const std::string record_text = StringAt(item, "CloudTrailEvent");
    const Json record = Json::parse(record_text, nullptr, false);
    if (!record.is_discarded() && record.is_object()) {
      if (auto source = StringAt(record, "eventSource"); !source.empty()) {
        event.event_source = source;
      }
      if (auto name = StringAt(record, "eventName"); !name.empty()) event.event_name = name;
      if (event.event_id.empty()) event.event_id = StringAt(record, "eventID");
      event.error_code = StringAt(record, "errorCode");
      // EC2 prefixes its codes: "Client.UnauthorizedOperation".
      if (event.error_code.starts_with("Client.")) event.error_code.erase(0, 7);
      if (const auto listed = record.find("resources");
          listed != record.end() && listed->is_array()) {
        for (const Json& resource : *listed) {
          const std::string arn = StringAt(resource, "ARN");
          if (arn.starts_with("arn:")) resources.insert(arn);
        }
      }
      if (const auto parameters = record.find("requestParameters");
          parameters != record.end() && parameters->is_object()) {
        const std::string bucket = StringAt(*parameters, "bucketName");
        if (!bucket.empty()) {
          const std::string key = StringAt(*parameters, "key");
          resources.insert("arn:aws:s3:::" + bucket + (key.empty() ? "" : "/" + key));
        }
      }
    }
    if (event.event_source.empty() || event.event_name.empty()) continue;
    event.resources.assign(resources.begin(), resources.end());
    page.events.push_back(std::move(event));
  }
  const std::string token = StringAt(json, "NextToken");
  if (!token.empty()) page.next_token = token;
  return page;
}

Result<std::string> ResolveCloudTrailEndpoint(const EnvLookup& env, std::string_view region) {
  for (const char* variable : {"AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL"}) {
    const auto value = env(variable);
    if (!value || value->empty()) continue;
    if (auto url = ParseUrl(*value); !url) {
      return UsageError(fmt::format("{} is not usable as the CloudTrail endpoint: {}", variable,
                                    url.error().message));
    }
    return *value;
  }
  const std::string_view domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return fmt::format("https://cloudtrail.{}.{}", region, domain);
}

CloudTrailClient::CloudTrailClient(HttpClient& http, CloudTrailClientOptions options)
    : http_(http), options_(std::move(options)) {
  FillUnsetRetryHooks(options_.sleep, options_.random01, &options_.clock);
}

Result<LookupEventsPage> CloudTrailClient::LookupEvents(
    const AwsCredentials& credentials, std::string_view access_key_id,
    std::chrono::system_clock::time_point start_time,
    const std::optional<std::string>& next_token) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.endpoint;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) request.url += "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", std::string(kTarget)}};
  request.body = BuildLookupEventsBody(access_key_id, start_time, next_token);
  for (int attempt = 1;; ++attempt) {
    auto signed_request =
        SignV4(request, credentials, SigV4Scope{options_.region, "cloudtrail"}, options_.clock());
    if (!signed_request) {
      return UsageError(fmt::format("the CloudTrail endpoint {} cannot be used: {}",
                                    options_.endpoint, signed_request.error().message));
    }
    ++requests_;
    HttpResult result = http_.Send(*signed_request);
    AttemptOutcome outcome = ClassifyHttpResult(result);
    std::string type;
    if (result && result->status >= 400) {
      // CloudTrail throttles with an error type, on a 400 or a 5xx.
      type = ErrorType(*result);
      if (IsThrottling(type)) outcome = AttemptOutcome::kThrottled;
    }
    if (outcome == AttemptOutcome::kThrottled) ++throttled_;
    if (outcome == AttemptOutcome::kSuccess) return ParseLookupEventsReply(result->body);
    const auto delay = NextRetryDelay(options_.retry, outcome, attempt, options_.random01());
    if (delay) {
      options_.sleep(*delay);
      continue;
    }
    if (!result) {
      return CredentialsError(
          fmt::format("CloudTrail LookupEvents at {} failed after {} attempts: {}",
                      options_.endpoint, attempt, result.error().message));
    }
    std::string advice;
    if (type.starts_with("AccessDenied") || type == "UnrecognizedClientException" ||
        result->status == 403) {
      advice = fmt::format(
          "; the base credentials (access key {}) need cloudtrail:LookupEvents, or use the "
          "default --source csm",
          credentials.access_key_id);
    }
    // The reply is quoted: a server (or a proxy) echoing the request's
    // X-Amz-Security-Token must not pass it on.
    const std::vector<const SecretString*> secrets = {&credentials.secret_access_key,
                                                      &credentials.session_token};
    const std::string message = RedactSecrets(ErrorMessage(*result), secrets, false);
    type = RedactSecrets(std::move(type), secrets, false);
    return CredentialsError(fmt::format("CloudTrail LookupEvents at {} failed with HTTP {}{}{}{}",
                                        options_.endpoint, result->status,
                                        type.empty() ? "" : " " + type,
                                        message.empty() ? "" : ": " + message, advice));
  }
}

CloudTrailPollOptions CloudTrailPollOptions::ForWait(std::chrono::milliseconds wait) {
  using std::chrono::milliseconds;
  CloudTrailPollOptions options;
  options.wait = wait;
  options.expected_delivery = std::min<milliseconds>(std::chrono::minutes(5), wait / 2);
  options.quiet = std::min<milliseconds>(std::chrono::seconds(60), wait / 4);
  options.round_interval =
      std::clamp<milliseconds>(wait / 20, std::chrono::seconds(1), std::chrono::seconds(15));
  return options;
}

Result<CloudTrailPollResult> PollCloudTrail(
    CloudTrailClient& client, const AwsCredentials& credentials, std::string_view access_key_id,
    std::chrono::system_clock::time_point start_time, const CloudTrailPollOptions& options,
    const std::function<void(const CloudTrailProgress&)>& progress,
    std::function<std::chrono::steady_clock::time_point()> steady_now,
    std::function<void(std::chrono::milliseconds)> sleep) {
  using std::chrono::milliseconds;
  if (!steady_now) steady_now = [] { return std::chrono::steady_clock::now(); };
  if (!sleep) sleep = [](milliseconds delay) { std::this_thread::sleep_for(delay); };
  const auto begin = steady_now();
  const auto deadline = begin + options.wait;
  const auto expected = begin + options.expected_delivery;
  auto last_new = begin;
  std::optional<std::chrono::steady_clock::time_point> last_request;
  std::set<std::string> seen;
  CloudTrailPollResult result;
  for (;;) {
    ++result.rounds;
    std::optional<std::string> token;
    do {
      if (last_request) {
        const auto gap = std::chrono::duration_cast<milliseconds>(steady_now() - *last_request);
        if (gap < options.request_gap) sleep(options.request_gap - gap);
      }
      last_request = steady_now();
      auto page = client.LookupEvents(credentials, access_key_id, start_time, token);
      if (!page) return tl::unexpected(page.error());
      for (CloudTrailEvent& event : page->events) {
        // Events without an id cannot be told apart across rounds; keep them once per round 1.
        const std::string key = event.event_id.empty()
                                    ? fmt::format("{}/{}#{}", event.event_source, event.event_name,
                                                  result.events.size())
                                    : event.event_id;
        if (event.event_id.empty() && result.rounds > 1) continue;
        if (seen.insert(key).second) {
          result.events.push_back(std::move(event));
          last_new = steady_now();
        }
      }
      token = page->next_token;
    } while (token);
    const auto now = steady_now();
    if (progress) {
      progress({result.events.size(), result.rounds,
                std::chrono::duration_cast<milliseconds>(now - begin), options.wait});
    }
    if (now >= deadline) return result;
    if (now >= expected && now - std::max(last_new, expected - options.quiet) >= options.quiet) {
      result.stopped_early = now < deadline;
      return result;
    }
    sleep(std::min<milliseconds>(options.round_interval,
                                 std::chrono::duration_cast<milliseconds>(deadline - now)));
  }
}

}  // namespace audex
