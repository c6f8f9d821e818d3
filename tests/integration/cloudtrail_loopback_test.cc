// CloudTrail LookupEvents polling against a loopback server that speaks the
// documented JSON 1.1 protocol (there is no local CloudTrail: moto answers
// LookupEvents with HTTP 500). The server behaves like CloudTrail does for
// a learn session: events become visible only after a delivery delay, in
// pages of at most 50 with NextToken, and requests faster than 2 per second
// are refused with ThrottlingException.
#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/aws/cloudtrail_client.h"
#include "adapters/http/curl_http_client.h"
#include "support/loopback_http_server.h"

namespace audex {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kSessionKey = "ASIALEARNSESSION";

struct Delivered {
  milliseconds after;  // visible this long after the server starts
  std::string source;
  std::string name;
  std::string error;
};

class LookupEventsServer {
 public:
  explicit LookupEventsServer(std::vector<Delivered> events) : events_(std::move(events)) {
    start_ = steady_clock::now();
    loopback_.http().Post("/", [this](const httplib::Request& request,
                                      httplib::Response& response) { Handle(request, response); });
    loopback_.Start();
  }

  std::string Url() const { return loopback_.Url(); }
  int requests() const { return requests_; }
  int throttled() const { return throttled_; }
  int malformed() const { return malformed_; }
  int max_page() const { return max_page_; }

 private:
  void Fail(httplib::Response& response, int status, const std::string& type) {
    response.status = status;
    response.set_content(nlohmann::json{{"__type", type}, {"message", type}}.dump(),
                         "application/x-amz-json-1.1");
  }

  void Handle(const httplib::Request& request, httplib::Response& response) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_;
    const auto now = steady_clock::now();
    // The documented contract: JSON 1.1, this target, SigV4 for cloudtrail.
    if (request.get_header_value("X-Amz-Target") !=
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents" ||
        request.get_header_value("Content-Type") != "application/x-amz-json-1.1" ||
        request.get_header_value("Authorization").find("/cloudtrail/aws4_request") ==
            std::string::npos) {
      ++malformed_;
      return Fail(response, 400, "UnknownOperationException");
    }
    // 2 requests per second per account and region.
    if (last_ && now - *last_ < milliseconds(450)) {
      ++throttled_;
      last_ = now;
      return Fail(response, 400, "ThrottlingException");
    }
    last_ = now;
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("LookupAttributes") ||
        body["LookupAttributes"].size() != 1 ||
        body["LookupAttributes"][0]["AttributeKey"] != "AccessKeyId" ||
        !body["StartTime"].is_number()) {
      ++malformed_;
      return Fail(response, 400, "InvalidLookupAttributesException");
    }
    const std::string key = body["LookupAttributes"][0]["AttributeValue"];
    const int max_results = body.value("MaxResults", 50);
    if (max_results > 50) return Fail(response, 400, "InvalidMaxResultsException");
    size_t offset = 0;
    if (body.contains("NextToken")) offset = std::stoul(body["NextToken"].get<std::string>());
    // Newest first, as CloudTrail lists them; only the delivered ones.
    std::vector<size_t> visible;
    for (size_t i = events_.size(); i-- > 0;) {
      if (key == kSessionKey && now - start_ >= events_[i].after) visible.push_back(i);
    }
    nlohmann::json page = {{"Events", nlohmann::json::array()}};
    for (size_t i = offset; i < visible.size() && i < offset + max_results; ++i) {
      const Delivered& event = events_[visible[i]];
      nlohmann::json record = {{"eventVersion", "1.09"},
                               {"eventSource", event.source},
                               {"eventName", event.name},
                               {"awsRegion", "us-east-1"},
                               {"eventID", "id-" + std::to_string(visible[i])},
                               {"userIdentity", {{"accessKeyId", key}}}};
      if (!event.error.empty()) record["errorCode"] = event.error;
      page["Events"].push_back({{"EventId", "id-" + std::to_string(visible[i])},
                                {"EventName", event.name},
                                {"ReadOnly", "true"},
                                {"AccessKeyId", key},
                                {"EventTime", 1795888000 + visible[i]},
                                {"EventSource", event.source},
                                {"Resources", nlohmann::json::array()},
                                {"CloudTrailEvent", record.dump()}});
    }
    max_page_ = std::max<int>(max_page_, static_cast<int>(page["Events"].size()));
    if (offset + max_results < visible.size()) {
      page["NextToken"] = std::to_string(offset + max_results);
    }
    response.set_content(page.dump(), "application/x-amz-json-1.1");
  }

  std::vector<Delivered> events_;
  steady_clock::time_point start_;
  std::optional<steady_clock::time_point> last_;
  std::mutex mutex_;
  std::atomic<int> requests_{0}, throttled_{0}, malformed_{0}, max_page_{0};
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its routes use
};

AwsCredentials Base() {
  AwsCredentials base;
  base.access_key_id = "AKIALOOPBACK";
  base.secret_access_key = SecretString("LOOPBACK/BASE/SECRET");
  return base;
}

TEST(CloudTrailLoopback, WaitsForDelayedEventsReadsEveryPageAndStopsEarly) {
  std::vector<Delivered> events;
  // 120 S3 list calls delivered after 1.5 s, then a few more after 2.5 s.
  for (int i = 0; i < 120; ++i)
    events.push_back({milliseconds(1500), "s3.amazonaws.com", "ListBuckets", ""});
  events.push_back({milliseconds(2500), "lambda.amazonaws.com", "CreateFunction20150331", ""});
  events.push_back(
      {milliseconds(2500), "ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation"});
  LookupEventsServer server(events);

  CurlHttpClient http;
  CloudTrailClientOptions options;
  options.endpoint = server.Url();
  CloudTrailClient client(http, options);
  // --wait 16s: expected delivery 8 s, quiet 4 s, a round every second.
  const CloudTrailPollOptions poll = CloudTrailPollOptions::ForWait(std::chrono::seconds(16));
  size_t rounds_reported = 0;
  const auto began = steady_clock::now();
  auto result = PollCloudTrail(client, Base(), kSessionKey, std::chrono::system_clock::now(), poll,
                               [&](const CloudTrailProgress&) { ++rounds_reported; });
  const auto took = steady_clock::now() - began;
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->events.size(), 122u);
  EXPECT_TRUE(result->stopped_early);
  EXPECT_GE(took, std::chrono::seconds(8));   // not before the expected delivery time
  EXPECT_LT(took, std::chrono::seconds(15));  // and before the bound
  EXPECT_EQ(rounds_reported, result->rounds);
  EXPECT_EQ(server.malformed(), 0);
  EXPECT_LE(server.max_page(), 50);
  size_t denied = 0, lambda = 0;
  for (const CloudTrailEvent& event : result->events) {
    const ObservedCall call = event.ToObservedCall();
    denied += call.denied;
    lambda += event.event_source == "lambda.amazonaws.com";
  }
  EXPECT_EQ(denied, 1u);
  EXPECT_EQ(lambda, 1u);
}

TEST(CloudTrailLoopback, ThrottlingIsRetriedUntilThePageComes) {
  std::vector<Delivered> events(60, {milliseconds(0), "dynamodb.amazonaws.com", "ListTables", ""});
  LookupEventsServer server(events);
  CurlHttpClient http;
  CloudTrailClientOptions options;
  options.endpoint = server.Url();
  CloudTrailClient client(http, options);
  // Two pages back to back without the poller's spacing: the second is
  // throttled and must be retried with backoff.
  auto first = client.LookupEvents(Base(), kSessionKey, {}, std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->next_token);
  auto second = client.LookupEvents(Base(), kSessionKey, {}, first->next_token);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(first->events.size() + second->events.size(), 60u);
  EXPECT_GE(server.throttled(), 1);
  EXPECT_EQ(client.throttled(), server.throttled());
}

TEST(CloudTrailLoopback, OtherAccessKeysSeeNothing) {
  LookupEventsServer server({{milliseconds(0), "s3.amazonaws.com", "ListBuckets", ""}});
  CurlHttpClient http;
  CloudTrailClientOptions options;
  options.endpoint = server.Url();
  CloudTrailClient client(http, options);
  auto page = client.LookupEvents(Base(), "ASIASOMEONEELSE", {}, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->events.empty());
}

}  // namespace
}  // namespace audex
