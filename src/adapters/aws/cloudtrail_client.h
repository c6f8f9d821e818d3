// CloudTrailClient: LookupEvents (JSON 1.1, SigV4 service "cloudtrail") for
// the calls one access key made, and the polling that waits for CloudTrail
// to deliver them (about 5 minutes, not guaranteed; 2 requests per second;
// 50 events a page: spec/cloud-facts.md, "Seeing which API calls a child
// made").
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/config/paths.h"
#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/http_message.h"
#include "core/wire/observed_call.h"

namespace audex {

struct CloudTrailEvent {
  std::string event_id;
  std::string event_source;            // "s3.amazonaws.com"
  std::string event_name;              // "ListBuckets", "CreateFunction20150331"
  std::string error_code;              // empty on success; "Client." prefix removed
  std::vector<std::string> resources;  // ARNs the event names

  ObservedCall ToObservedCall() const;
};

struct LookupEventsPage {
  std::vector<CloudTrailEvent> events;
  std::optional<std::string> next_token;
};

// The LookupEvents request body: one AccessKeyId attribute, StartTime in
// epoch seconds, MaxResults 50, and the NextToken of the previous page.
std::string BuildLookupEventsBody(std::string_view access_key_id,
                                  std::chrono::system_clock::time_point start_time,
                                  const std::optional<std::string>& next_token);

// Parses a LookupEvents reply. Events whose CloudTrailEvent is not JSON
// keep the top-level EventSource and EventName. Errors (kCredentials) for a
// body that is not a JSON object with an Events list.
Result<LookupEventsPage> ParseLookupEventsReply(std::string_view body);

// AWS_ENDPOINT_URL_CLOUDTRAIL, else AWS_ENDPOINT_URL, else
// https://cloudtrail.<region>.amazonaws.com. kUsage for an override that is
// not an http(s) URL.
Result<std::string> ResolveCloudTrailEndpoint(const EnvLookup& env, std::string_view region);

struct CloudTrailClientOptions {
  std::string endpoint;
  std::string region = "us-east-1";
  // Throttling is expected at 2 requests per second: many patient retries.
  RetryPolicy retry{8, std::chrono::milliseconds(500), std::chrono::milliseconds(8000)};
  SleepFunction sleep;
  Random01Function random01;
  ClockFunction clock;
};

// Not thread-safe. Errors: kCredentials for refusals and unreachable
// endpoints (naming the access key id, never a secret).
class CloudTrailClient {
 public:
  CloudTrailClient(HttpClient& http, CloudTrailClientOptions options);

  // One page; ThrottlingException, 5xx and connection failures retried with
  // backoff.
  Result<LookupEventsPage> LookupEvents(const AwsCredentials& credentials,
                                        std::string_view access_key_id,
                                        std::chrono::system_clock::time_point start_time,
                                        const std::optional<std::string>& next_token);

  int throttled() const { return throttled_; }  // throttling replies seen so far
  int requests() const { return requests_; }

 private:
  HttpClient& http_;
  CloudTrailClientOptions options_;
  int throttled_ = 0;
  int requests_ = 0;
};

// How long to wait for CloudTrail. From `wait` (--wait): expected delivery
// min(5 min, wait/2), quiet period min(60 s, wait/4), a round every
// clamp(wait/20, 1 s, 15 s).
struct CloudTrailPollOptions {
  std::chrono::milliseconds wait{std::chrono::minutes(10)};
  std::chrono::milliseconds expected_delivery{std::chrono::minutes(5)};
  std::chrono::milliseconds quiet{std::chrono::seconds(60)};
  std::chrono::milliseconds round_interval{std::chrono::seconds(15)};
  std::chrono::milliseconds request_gap{500};  // 2 requests per second
  static CloudTrailPollOptions ForWait(std::chrono::milliseconds wait);
};

struct CloudTrailProgress {
  size_t events = 0;
  size_t rounds = 0;
  std::chrono::milliseconds elapsed{0};
  std::chrono::milliseconds wait{0};
};

struct CloudTrailPollResult {
  std::vector<CloudTrailEvent> events;  // de-duplicated by EventId, oldest round first
  bool stopped_early = false;           // quiet after the expected delivery time
  size_t rounds = 0;
};

// Polls until `wait` has passed, or stops early when no new event has come
// for `quiet` after `expected_delivery`. Every page of every round is read
// (NextToken), requests at least `request_gap` apart. `progress` is called
// after each round. `steady_now` and `sleep` are injected for tests.
Result<CloudTrailPollResult> PollCloudTrail(
    CloudTrailClient& client, const AwsCredentials& credentials, std::string_view access_key_id,
    std::chrono::system_clock::time_point start_time, const CloudTrailPollOptions& options,
    const std::function<void(const CloudTrailProgress&)>& progress,
    std::function<std::chrono::steady_clock::time_point()> steady_now = {},
    std::function<void(std::chrono::milliseconds)> sleep = {});

}  // namespace audex
