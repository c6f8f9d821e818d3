// CloudTrail LookupEvents against a scripted HttpClient: the request on the
// wire, reply parsing, throttling backoff, pagination, and the polling
// loop's stopping rules under a fake clock.
#include "adapters/aws/cloudtrail_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "support/scripted_http.h"

namespace audex {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Header(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

nlohmann::json Event(const std::string& id, const std::string& source, const std::string& name,
                     const std::string& error = "") {
  nlohmann::json record = {{"eventVersion", "1.08"},   {"eventSource", source}, {"eventName", name},
                           {"awsRegion", "us-east-1"}, {"eventID", id},         {"readOnly", true}};
  if (!error.empty()) record["errorCode"] = error;
  if (source == "s3.amazonaws.com") record["requestParameters"] = {{"bucketName", "logs-bucket"}};
  return {{"EventId", id},
          {"EventName", name},
          {"ReadOnly", "true"},
          {"AccessKeyId", "ASIASESSION"},
          {"EventTime", 1.7958e9},
          {"EventSource", source},
          {"Username", "audex-x"},
          {"Resources", nlohmann::json::array()},
          {"CloudTrailEvent", record.dump()}};
}

HttpResult Page(std::vector<nlohmann::json> events, std::optional<std::string> token = {}) {
  nlohmann::json body = {{"Events", events}};
  if (token) body["NextToken"] = *token;
  return HttpResponse{200, {}, body.dump()};
}

HttpResult Throttled() {
  return HttpResponse{400, {}, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"};
}

AwsCredentials Base() {
  AwsCredentials base;
  base.access_key_id = "AKIABASE";
  base.secret_access_key = SecretString("BASE/SECRET/KEY");
  return base;
}

CloudTrailClientOptions Options(std::vector<milliseconds>* slept) {
  CloudTrailClientOptions options;
  options.endpoint = "http://127.0.0.1:9";
  options.sleep = [slept](milliseconds delay) { slept->push_back(delay); };
  options.random01 = [] { return 0.5; };
  options.clock = [] { return std::chrono::system_clock::time_point(seconds(1795888000)); };
  return options;
}

TEST(CloudTrailClient, SendsASignedJson11LookupForTheAccessKey) {
  ScriptedHttpClient http;
  http.script.push_back(Page({}));
  std::vector<milliseconds> slept;
  CloudTrailClient client(http, Options(&slept));
  auto page =
      client.LookupEvents(Base(), "ASIASESSION",
                          std::chrono::system_clock::time_point(seconds(1795887000)), std::nullopt);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(http.sent.size(), 1u);
  const HttpRequest& request = http.sent[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:9/");
  EXPECT_EQ(Header(request, "X-Amz-Target"),
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents");
  EXPECT_EQ(Header(request, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(Header(request, "Authorization").find("/us-east-1/cloudtrail/aws4_request"),
            std::string::npos);
  const auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["LookupAttributes"][0]["AttributeKey"], "AccessKeyId");
  EXPECT_EQ(body["LookupAttributes"][0]["AttributeValue"], "ASIASESSION");
  EXPECT_EQ(body["StartTime"], 1795887000);
  EXPECT_EQ(body["MaxResults"], 50);
  EXPECT_FALSE(body.contains("NextToken"));
}

TEST(CloudTrailClient, ParsesEventsFromTheCloudTrailEventRecord) {
  auto page = ParseLookupEventsReply(
      Page({Event("e1", "s3.amazonaws.com", "ListObjects"),
            Event("e2", "ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation"),
            Event("e3", "lambda.amazonaws.com", "CreateFunction20150331")},
           "tok")
          ->body);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 3u);
  EXPECT_EQ(page->next_token, "tok");
  EXPECT_EQ(page->events[0].resources, std::vector<std::string>{"arn:aws:s3:::logs-bucket"});
  EXPECT_EQ(page->events[1].error_code, "UnauthorizedOperation");
  EXPECT_TRUE(page->events[1].ToObservedCall().denied);
  EXPECT_EQ(page->events[2].event_name, "CreateFunction20150331");
  EXPECT_FALSE(ParseLookupEventsReply("{}"));
  EXPECT_FALSE(ParseLookupEventsReply("<xml/>"));
}

TEST(CloudTrailClient, RetriesThrottlingWithGrowingBackoff) {
  ScriptedHttpClient http;
  http.script = {Throttled(), Throttled(), Throttled(),
                 Page({Event("e1", "s3.amazonaws.com", "ListBuckets")})};
  std::vector<milliseconds> slept;
  CloudTrailClient client(http, Options(&slept));
  auto page = client.LookupEvents(Base(), "ASIASESSION", {}, std::nullopt);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->events.size(), 1u);
  EXPECT_EQ(client.throttled(), 3);
  ASSERT_EQ(slept.size(), 3u);
  EXPECT_LT(slept[0], slept[1]);
  EXPECT_LT(slept[1], slept[2]);
}

TEST(CloudTrailClient, AccessDeniedNamesThePermissionAndNoSecret) {
  ScriptedHttpClient http;
  http.script.push_back(
      HttpResponse{400, {}, R"({"__type":"AccessDeniedException","message":"not authorized"})"});
  std::vector<milliseconds> slept;
  CloudTrailClient client(http, Options(&slept));
  auto page = client.LookupEvents(Base(), "ASIASESSION", {}, std::nullopt);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(page.error().message.find("cloudtrail:LookupEvents"), std::string::npos);
  EXPECT_NE(page.error().message.find("AKIABASE"), std::string::npos);
  EXPECT_EQ(page.error().message.find("BASE/SECRET/KEY"), std::string::npos);
  EXPECT_TRUE(slept.empty());
}

TEST(CloudTrailClient, EndpointOverrides) {
  const auto env = [](const std::map<std::string, std::string>& values) { return MapEnv(values); };
  EXPECT_EQ(*ResolveCloudTrailEndpoint(env({}), "eu-west-1"),
            "https://cloudtrail.eu-west-1.amazonaws.com");
  EXPECT_EQ(*ResolveCloudTrailEndpoint(env({{"AWS_ENDPOINT_URL", "http://a:1"}}), "us-east-1"),
            "http://a:1");
  EXPECT_EQ(*ResolveCloudTrailEndpoint(env({{"AWS_ENDPOINT_URL", "http://a:1"},
                                            {"AWS_ENDPOINT_URL_CLOUDTRAIL", "http://b:2"}}),
                                       "us-east-1"),
            "http://b:2");
  EXPECT_FALSE(ResolveCloudTrailEndpoint(env({{"AWS_ENDPOINT_URL_CLOUDTRAIL", "ftp://x"}}), "r"));
}

// A fake steady clock that sleeping advances.
struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  std::vector<milliseconds> sleeps;
};

TEST(PollCloudTrail, ReadsEveryPageAndStopsWhenQuietAfterExpectedDelivery) {
  ScriptedHttpClient http;
  FakeTime time;
  // Round 1: nothing yet. Round 2: two pages. Later rounds: the same events.
  http.script = {Page({})};
  http.script.push_back(Page({Event("e1", "s3.amazonaws.com", "ListBuckets")}, "p2"));
  http.script.push_back(Page({Event("e2", "dynamodb.amazonaws.com", "ListTables")}));
  http.fallback = [](const HttpRequest& request) {
    const auto body = nlohmann::json::parse(request.body);
    if (!body.contains("NextToken")) {
      return Page({Event("e1", "s3.amazonaws.com", "ListBuckets")}, "p2");
    }
    return Page({Event("e2", "dynamodb.amazonaws.com", "ListTables")});
  };
  std::vector<milliseconds> client_sleeps;
  CloudTrailClient client(http, Options(&client_sleeps));
  const CloudTrailPollOptions options = CloudTrailPollOptions::ForWait(std::chrono::minutes(10));
  EXPECT_EQ(options.expected_delivery, std::chrono::minutes(5));
  EXPECT_EQ(options.quiet, seconds(60));
  EXPECT_EQ(options.round_interval, seconds(15));
  std::vector<size_t> progress;
  auto result = PollCloudTrail(
      client, Base(), "ASIASESSION", {}, options,
      [&](const CloudTrailProgress& p) { progress.push_back(p.events); }, [&] { return time.now; },
      [&](milliseconds delay) {
        time.sleeps.push_back(delay);
        time.now += delay;
      });
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->stopped_early);
  ASSERT_EQ(result->events.size(), 2u);  // de-duplicated across rounds
  EXPECT_EQ(result->events[0].event_id, "e1");
  EXPECT_EQ(progress.front(), 0u);
  EXPECT_EQ(progress.back(), 2u);
  // Stopped at about 5 minutes, well before the 10-minute bound.
  EXPECT_GE(time.now - std::chrono::steady_clock::time_point{}, std::chrono::minutes(5));
  EXPECT_LT(time.now - std::chrono::steady_clock::time_point{}, std::chrono::minutes(7));
  // Page requests of one round keep 2 per second: a 500 ms gap.
  for (milliseconds delay : time.sleeps) EXPECT_GT(delay.count(), 0);
  EXPECT_NE(std::find(time.sleeps.begin(), time.sleeps.end(), milliseconds(500)),
            time.sleeps.end());
}

TEST(PollCloudTrail, EventsArrivingLateKeepItWaitingUntilTheBound) {
  ScriptedHttpClient http;
  FakeTime time;
  int round = 0;
  http.fallback = [&](const HttpRequest&) {
    // A new event every round: never quiet.
    ++round;
    return Page({Event("e" + std::to_string(round), "s3.amazonaws.com", "ListBuckets")});
  };
  std::vector<milliseconds> client_sleeps;
  CloudTrailClient client(http, Options(&client_sleeps));
  auto result = PollCloudTrail(
      client, Base(), "ASIASESSION", {}, CloudTrailPollOptions::ForWait(seconds(40)), {},
      [&] { return time.now; }, [&](milliseconds delay) { time.now += delay; });
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->stopped_early);
  EXPECT_EQ(time.now - std::chrono::steady_clock::time_point{}, seconds(40));
  EXPECT_EQ(result->events.size(), result->rounds);
}

}  // namespace
}  // namespace audex
