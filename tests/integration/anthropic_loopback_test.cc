// AnthropicMessagesClient and CurlHttpClient against a loopback server that
// speaks the Messages API (POST /v1/messages, x-api-key, anthropic-version
// 2023-06-01; content blocks; {"type":"error","error":{...}} bodies; 429
// with retry-after; 529 overloaded): good answers, invented actions,
// malformed answers, throttling, timeouts. The server refuses any request
// whose shape is wrong, the way the real API does, so every test also
// checks the request.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "adapters/anthropic/messages_client.h"
#include "adapters/http/curl_http_client.h"
#include "catalog/intent_check.h"
#include "core/base/text.h"
#include "core/intent/intent.h"
#include "support/loopback_http_server.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

const std::string kKey = "sk-ant-loopback-SECRET-0123456789";

std::string ErrorBody(std::string_view type, std::string_view message) {
  return Json{{"type", "error"},
              {"error", {{"type", type}, {"message", message}}},
              {"request_id", "req_loopback"}}
      .dump();
}

std::string MessageBody(const std::string& text) {
  return Json{
      {"id", "msg_loopback"},
      {"type", "message"},
      {"role", "assistant"},
      {"model", "claude-sonnet-5-5"},
      {"content", Json::array({{{"type", "thinking"}, {"thinking", "IAM..."}, {"signature", "s"}},
                               {{"type", "text"}, {"text", text}}})},
      {"stop_reason", "end_turn"},
      {"usage", {{"input_tokens", 10}, {"output_tokens", 20}}}}
      .dump();
}

// What the real API would refuse about a request, or "" when it is well formed.
std::string ShapeProblem(const httplib::Request& request) {
  if (request.get_header_value("x-api-key") != kKey) return "x-api-key missing or wrong";
  if (request.get_header_value("anthropic-version") != "2023-06-01") {
    return "anthropic-version missing or wrong";
  }
  if (request.get_header_value("content-type").find("application/json") != 0) {
    return "content-type is not application/json";
  }
  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::exception&) {
    return "body is not JSON";
  }
  if (!body.contains("model") || !body["model"].is_string()) return "model: Field required";
  if (!body.contains("max_tokens") || !body["max_tokens"].is_number_integer() ||
      body["max_tokens"].get<int>() < 1) {
    return "max_tokens: Field required";
  }
  if (!body.contains("system") || !body["system"].is_string()) return "system must be a string";
  const Json& messages = body["messages"];
  if (!messages.is_array() || messages.size() != 1 || messages[0]["role"] != "user" ||
      !messages[0]["content"].is_string()) {
    return "messages: one user message expected";
  }
  return "";
}

class MessagesServer {
 public:
  using Responder = std::function<void(int attempt, const Json& body, httplib::Response&)>;

  explicit MessagesServer(Responder respond) : respond_(std::move(respond)) {
    loopback_.http().Post(
        "/v1/messages", [this](const httplib::Request& request, httplib::Response& response) {
          const int attempt = ++attempts_;
          if (const std::string problem = ShapeProblem(request); !problem.empty()) {
            response.status = problem.starts_with("x-api-key") ? 401 : 400;
            response.set_content(
                ErrorBody(response.status == 401 ? "authentication_error" : "invalid_request_error",
                          problem),
                "application/json");
            return;
          }
          const Json body = Json::parse(request.body);
          {
            std::lock_guard<std::mutex> lock(mutex_);
            last_body_ = body;
          }
          respond_(attempt, body, response);
        });
    loopback_.Start();
  }

  std::string Url() const { return loopback_.Url(); }
  int attempts() const { return attempts_; }
  Json last_body() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_body_;
  }

 private:
  Responder respond_;
  std::atomic<int> attempts_{0};
  std::mutex mutex_;
  Json last_body_;
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its route uses
};

struct Client {
  CurlHttpClient http;
  std::vector<milliseconds> sleeps;
  AnthropicMessagesClient client;

  explicit Client(const std::string& base_url,
                  HttpTimeouts timeouts = {milliseconds(1000), milliseconds(3000)})
      : http([&] {
          CurlHttpOptions options;
          options.timeouts = timeouts;
          return options;
        }()),
        client(http, [&] {
          AnthropicOptions options;
          options.base_url = base_url;
          options.api_key = SecretString(kKey);
          options.retry.max_attempts = 3;
          options.retry.base_delay = milliseconds(10);
          options.retry.max_delay = milliseconds(20);
          options.sleep = [this](milliseconds delay) { sleeps.push_back(delay); };
          options.random01 = [] { return 0.5; };
          return options;
        }()) {}
};

void ExpectNoKey(const std::string& text) {
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_EQ(text.find("SECRET-0123456789"), std::string::npos) << text;
}

const std::string kSentence = "Read only from my-bucket in S3";

TEST(AnthropicLoopback, GoodAnswerInAFenceBecomesTheCheckedPolicy) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(
        MessageBody("```json\n{\"allow\": \"s3:GetObject\", \"resource\": "
                    "\"arn:aws:s3:::my-bucket/*\", \"description\": \"Read objects from a "
                    "specific S3 bucket\"}\n```"),
        "application/json");
  });
  Client client(server.Url() + "/");  // a trailing '/' on the base is fine
  auto text = client.client.Ask(IntentSystemPrompt(Provider::kAws), kSentence);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(server.attempts(), 1);

  const Json sent = server.last_body();
  EXPECT_EQ(sent["model"], std::string(kAnthropicDefaultModel));
  EXPECT_EQ(sent["system"], IntentSystemPrompt(Provider::kAws));
  EXPECT_EQ(sent["messages"][0]["content"], kSentence);
  ExpectNoKey(sent.dump());

  auto policy = ParseIntentReply(*text);
  ASSERT_TRUE(policy) << policy.error().message;
  auto checked = CheckIntent(*policy, Provider::kAws, ActionCatalog::Builtin(), "Claude's answer");
  ASSERT_TRUE(checked);
  EXPECT_EQ(RenderIntentJson(checked->policy, IntentSource::kClaude),
            "{\n  \"allow\": \"s3:GetObject\",\n  \"resource\": \"arn:aws:s3:::my-bucket/*\",\n  "
            "\"description\": \"Read objects from a specific S3 bucket\",\n  \"source\": "
            "\"claude\"\n}");
  EXPECT_TRUE(checked->warnings.empty());
}

TEST(AnthropicLoopback, InventedActionsAreRemovedBeforeAnyoneSeesThem) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(
        MessageBody("{\"allow\": \"s3:GetObject,s3:ReadBucketFast,lambda:InvokeFunktion\", "
                    "\"resource\": null, \"description\": \"Read and invoke\"}"),
        "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask(IntentSystemPrompt(Provider::kAws), "x");
  ASSERT_TRUE(text);
  auto policy = ParseIntentReply(*text);
  ASSERT_TRUE(policy);
  auto checked = CheckIntent(*policy, Provider::kAws, ActionCatalog::Builtin(), "Claude's answer");
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->policy.actions, std::vector<std::string>{"s3:GetObject"});
  const std::string warnings = Join(checked->warnings, "\n");
  EXPECT_NE(warnings.find("removed \"s3:ReadBucketFast\""), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("did you mean lambda:InvokeFunction"), std::string::npos) << warnings;
}

TEST(AnthropicLoopback, OnlyInventedActionsIsAPolicyError) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(MessageBody("{\"allow\": \"s3:TeleportObject\", \"resource\": null, "
                                     "\"description\": \"x\"}"),
                         "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_TRUE(text);
  auto policy = ParseIntentReply(*text);
  ASSERT_TRUE(policy);
  auto checked = CheckIntent(*policy, Provider::kAws, ActionCatalog::Builtin(), "Claude's answer");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().kind, ErrorKind::kPolicy);
}

TEST(AnthropicLoopback, MalformedJsonInTheAnswerIsACloudError) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(MessageBody("{\"allow\": \"s3:GetObject\", \"resource\": }"),
                         "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_TRUE(text);
  auto policy = ParseIntentReply(*text);
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(policy.error().message.find("not valid JSON"), std::string::npos);
}

TEST(AnthropicLoopback, ReplyThatIsNotTheMessagesFormatIsACloudError) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content("<html>proxy login</html>", "text/html");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(text.error().message.find("ANTHROPIC_BASE_URL"), std::string::npos);
}

TEST(AnthropicLoopback, AnswerCutOffWithoutTextSaysWhy) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(
        Json{{"type", "message"}, {"content", Json::array()}, {"stop_reason", "max_tokens"}}.dump(),
        "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("max_tokens"), std::string::npos);
}

TEST(AnthropicLoopback, ThrottledThenAnsweredHonoursRetryAfter) {
  MessagesServer server([](int attempt, const Json&, httplib::Response& response) {
    if (attempt == 1) {
      response.status = 429;
      response.set_header("retry-after", "2");
      response.set_content(ErrorBody("rate_limit_error", "Number of requests has exceeded"),
                           "application/json");
      return;
    }
    response.set_content(MessageBody("{\"allow\": \"s3:GetObject\"}"), "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(server.attempts(), 2);
  ASSERT_EQ(client.sleeps.size(), 1u);
  EXPECT_GE(client.sleeps[0], milliseconds(2000));  // retry-after, not the 10 ms backoff
}

TEST(AnthropicLoopback, RetryAfterBeyondTheBoundIsReportedNotWaited) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.status = 429;
    response.set_header("retry-after", "600");
    response.set_content(ErrorBody("rate_limit_error", "slow down"), "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(server.attempts(), 1);
  EXPECT_TRUE(client.sleeps.empty());
  EXPECT_EQ(text.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(text.error().message.find("asks to wait 600 s"), std::string::npos)
      << text.error().message;
}

TEST(AnthropicLoopback, SpendLimitIsNotRetried) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.status = 429;
    response.set_content(Json{{"type", "error"},
                              {"error",
                               {{"type", "rate_limit_error"},
                                {"message", "spend limit reached"},
                                {"details", {{"error_code", "enforced_spend_limit_reached"}}}}}}
                             .dump(),
                         "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(server.attempts(), 1);
}

TEST(AnthropicLoopback, OverloadedIsRetriedAndBounded) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.status = 529;
    response.set_content(ErrorBody("overloaded_error", "Overloaded"), "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(server.attempts(), 3);
  EXPECT_EQ(client.sleeps.size(), 2u);
  EXPECT_NE(text.error().message.find("after 3 attempts (HTTP 529, overloaded_error: Overloaded)"),
            std::string::npos)
      << text.error().message;
}

TEST(AnthropicLoopback, ServerErrorThenSuccess) {
  MessagesServer server([](int attempt, const Json&, httplib::Response& response) {
    if (attempt < 3) {
      response.status = 500;
      response.set_content(ErrorBody("api_error", "Internal server error"), "application/json");
      return;
    }
    response.set_content(MessageBody("{\"allow\": \"sqs:SendMessage\"}"), "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(client.client.last_attempts(), 3);
}

TEST(AnthropicLoopback, RefusedKeyIsNotRetriedAndNeverEchoed) {
  // A server that quotes the key back must not make Audex print it.
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.status = 401;
    response.set_content(ErrorBody("authentication_error", "invalid x-api-key " + kKey),
                         "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(server.attempts(), 1);
  EXPECT_EQ(text.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(text.error().message.find("refused ANTHROPIC_API_KEY"), std::string::npos);
  EXPECT_NE(text.error().message.find("****"), std::string::npos);
  ExpectNoKey(text.error().message);
}

TEST(AnthropicLoopback, UnknownModelIsAUsageErrorNamingIt) {
  MessagesServer server([](int, const Json& body, httplib::Response& response) {
    response.status = 404;
    response.set_content(ErrorBody("not_found_error", "model: " + body["model"].get<std::string>()),
                         "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kUsage);
  EXPECT_NE(text.error().message.find("--model"), std::string::npos);
  EXPECT_NE(text.error().message.find(std::string(kAnthropicDefaultModel)), std::string::npos);
}

TEST(AnthropicLoopback, TimeoutsAreBoundedAndRetried) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    std::this_thread::sleep_for(milliseconds(1500));
    response.set_content(MessageBody("{\"allow\": \"s3:GetObject\"}"), "application/json");
  });
  Client client(server.Url(), {milliseconds(500), milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  auto text = client.client.Ask("s", "x");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(text);
  EXPECT_EQ(client.client.last_attempts(), 3);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_NE(text.error().message.find("timeout"), std::string::npos) << text.error().message;
}

TEST(AnthropicLoopback, ClosedPortIsAConnectionFailure) {
  std::string url;
  {
    MessagesServer server([](int, const Json&, httplib::Response&) {});
    url = server.Url();
  }
  Client client(url);
  auto text = client.client.Ask("s", "x");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(text.error().message.find("cannot reach the Anthropic API"), std::string::npos);
  ExpectNoKey(text.error().message);
}

TEST(AnthropicLoopback, SentenceThatIsNotUtf8IsStillValidJson) {
  MessagesServer server([](int, const Json&, httplib::Response& response) {
    response.set_content(MessageBody("{\"allow\": \"s3:GetObject\"}"), "application/json");
  });
  Client client(server.Url());
  auto text = client.client.Ask("s", "Read from caf\xe9 in S3");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(server.last_body()["messages"][0]["content"], "Read from caf\xef\xbf\xbd in S3");
}

TEST(AnthropicLoopback, BadRequestShapeWouldBeRefused) {
  // The server's own checks work: a request without the version header is
  // refused with the API's error body (so the passing tests mean something).
  MessagesServer server([](int, const Json&, httplib::Response&) {});
  httplib::Client raw("127.0.0.1", std::stoi(server.Url().substr(server.Url().rfind(':') + 1)));
  auto response = raw.Post("/v1/messages", httplib::Headers{{"x-api-key", kKey}},
                           "{\"model\":\"m\"}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("anthropic-version"), std::string::npos);
}

}  // namespace
}  // namespace audex
