#include "core/wire/jsonrpc.h"

#include <gtest/gtest.h>

#include <string>

namespace audex::jsonrpc {
namespace {

using Json = nlohmann::json;

Json Parse(const std::optional<std::string>& line) {
  EXPECT_TRUE(line.has_value());
  return line ? Json::parse(*line) : Json();
}

Dispatcher EchoDispatcher(std::vector<std::string>* seen = nullptr) {
  Dispatcher dispatcher;
  dispatcher.Add("echo",
                 [](const Call& call) -> tl::expected<Json, RpcError> { return call.params; });
  dispatcher.Add("fail", [](const Call&) -> tl::expected<Json, RpcError> {
    return tl::unexpected(RpcError{kInvalidParams, "bad params", Json{{"field", "x"}}});
  });
  dispatcher.Add("throw", [](const Call&) -> tl::expected<Json, RpcError> {
    throw std::runtime_error("boom");
  });
  dispatcher.Add("note", [seen](const Call& call) -> tl::expected<Json, RpcError> {
    if (seen != nullptr) seen->push_back(call.method);
    return Json(nullptr);
  });
  return dispatcher;
}

TEST(ReadMessage, ReadsARequestWithItsIdAndParams) {
  const Message message =
      ReadMessage(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"a":1}})", false);
  ASSERT_EQ(message.calls.size(), 1u);
  EXPECT_TRUE(message.errors.empty());
  const Call& call = message.calls[0];
  EXPECT_EQ(call.id, 7);
  EXPECT_FALSE(call.notification);
  EXPECT_EQ(call.method, "tools/list");
  EXPECT_EQ(call.params, (Json{{"a", 1}}));
}

TEST(ReadMessage, ANotificationHasNoId) {
  const Message message =
      ReadMessage(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", false);
  ASSERT_EQ(message.calls.size(), 1u);
  EXPECT_TRUE(message.calls[0].notification);
  EXPECT_TRUE(message.calls[0].id.is_null());
}

TEST(ReadMessage, TextThatIsNotJsonIsAParseErrorWithNullId) {
  const Message message = ReadMessage(R"({"jsonrpc":"2.0","method":)", false);
  ASSERT_EQ(message.errors.size(), 1u);
  EXPECT_EQ(message.errors[0]["error"]["code"], kParseError);
  EXPECT_TRUE(message.errors[0]["id"].is_null());
  EXPECT_TRUE(message.calls.empty());
}

TEST(ReadMessage, InvalidRequestsKeepTheirIdWhenItIsUsable) {
  const Message wrong_version = ReadMessage(R"({"jsonrpc":"1.0","id":"a","method":"x"})", false);
  ASSERT_EQ(wrong_version.errors.size(), 1u);
  EXPECT_EQ(wrong_version.errors[0]["error"]["code"], kInvalidRequest);
  EXPECT_EQ(wrong_version.errors[0]["id"], "a");

  const Message method_not_string = ReadMessage(R"({"jsonrpc":"2.0","id":3,"method":5})", false);
  ASSERT_EQ(method_not_string.errors.size(), 1u);
  EXPECT_EQ(method_not_string.errors[0]["id"], 3);

  const Message bad_params =
      ReadMessage(R"({"jsonrpc":"2.0","id":4,"method":"m","params":1})", false);
  ASSERT_EQ(bad_params.errors.size(), 1u);
  EXPECT_EQ(bad_params.errors[0]["error"]["code"], kInvalidRequest);
}

TEST(ReadMessage, AnIdThatIsNeitherStringNorIntegerIsRefusedWithNullId) {
  for (const char* line : {R"({"jsonrpc":"2.0","id":1.5,"method":"m"})",
                           R"({"jsonrpc":"2.0","id":{"x":1},"method":"m"})",
                           R"({"jsonrpc":"2.0","id":null,"method":"m"})"}) {
    const Message message = ReadMessage(line, false);
    ASSERT_EQ(message.errors.size(), 1u) << line;
    EXPECT_EQ(message.errors[0]["error"]["code"], kInvalidRequest) << line;
    EXPECT_TRUE(message.errors[0]["id"].is_null()) << line;
    EXPECT_TRUE(message.calls.empty()) << line;
  }
}

TEST(ReadMessage, ScalarsAndArraysOfScalarsAreInvalidRequests) {
  EXPECT_EQ(ReadMessage("42", false).errors.at(0)["error"]["code"], kInvalidRequest);
  const Message batch = ReadMessage("[1,2,3]", true);
  EXPECT_TRUE(batch.batch);
  ASSERT_EQ(batch.errors.size(), 3u);
  for (const Json& error : batch.errors) EXPECT_EQ(error["error"]["code"], kInvalidRequest);
}

TEST(ReadMessage, BatchesOnlyWhenAllowed) {
  const std::string line =
      R"([{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"b"}])";
  const Message allowed = ReadMessage(line, true);
  EXPECT_TRUE(allowed.batch);
  EXPECT_EQ(allowed.calls.size(), 2u);
  const Message refused = ReadMessage(line, false);
  EXPECT_TRUE(refused.calls.empty());
  ASSERT_EQ(refused.errors.size(), 1u);
  EXPECT_EQ(refused.errors[0]["error"]["code"], kInvalidRequest);
  EXPECT_EQ(ReadMessage("[]", true).errors.at(0)["error"]["code"], kInvalidRequest);
}

TEST(ReadMessage, ResponsesFromThePeerAreCountedNotAnswered) {
  const Message message = ReadMessage(R"({"jsonrpc":"2.0","id":1,"result":{}})", false);
  EXPECT_EQ(message.responses, 1u);
  EXPECT_TRUE(message.calls.empty());
  EXPECT_TRUE(message.errors.empty());
}

TEST(ReadMessage, DeepNestingIsAParseErrorBeforeParsing) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const Message message = ReadMessage(deep, true);
  ASSERT_EQ(message.errors.size(), 1u);
  EXPECT_EQ(message.errors[0]["error"]["code"], kParseError);
}

TEST(Dispatcher, RepliesWithTheHandlersResultUnderTheSameId) {
  const Json reply = Parse(EchoDispatcher().Handle(
      R"({"jsonrpc":"2.0","id":"q1","method":"echo","params":{"v":[1,2]}})", false));
  EXPECT_EQ(reply, (Json{{"jsonrpc", "2.0"}, {"id", "q1"}, {"result", {{"v", {1, 2}}}}}));
}

TEST(Dispatcher, UnknownMethodIsMethodNotFound) {
  const Json reply =
      Parse(EchoDispatcher().Handle(R"({"jsonrpc":"2.0","id":2,"method":"nope"})", false));
  EXPECT_EQ(reply["error"]["code"], kMethodNotFound);
  EXPECT_EQ(reply["id"], 2);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("nope"), std::string::npos);
}

TEST(Dispatcher, HandlerErrorsAndExceptionsBecomeErrorReplies) {
  const Dispatcher dispatcher = EchoDispatcher();
  const Json failed =
      Parse(dispatcher.Handle(R"({"jsonrpc":"2.0","id":1,"method":"fail"})", false));
  EXPECT_EQ(failed["error"]["code"], kInvalidParams);
  EXPECT_EQ(failed["error"]["data"]["field"], "x");
  const Json thrown =
      Parse(dispatcher.Handle(R"({"jsonrpc":"2.0","id":1,"method":"throw"})", false));
  EXPECT_EQ(thrown["error"]["code"], kInternalError);
  EXPECT_EQ(thrown["error"]["message"], "boom");
}

TEST(Dispatcher, NotificationsRunButGetNoReplyEvenWhenUnknown) {
  std::vector<std::string> seen;
  const Dispatcher dispatcher = EchoDispatcher(&seen);
  EXPECT_FALSE(dispatcher.Handle(R"({"jsonrpc":"2.0","method":"note"})", false).has_value());
  EXPECT_EQ(seen, std::vector<std::string>{"note"});
  EXPECT_FALSE(dispatcher.Handle(R"({"jsonrpc":"2.0","method":"unknown"})", false).has_value());
  EXPECT_FALSE(dispatcher.Handle(R"({"jsonrpc":"2.0","method":"throw"})", false).has_value());
}

TEST(Dispatcher, ABatchGetsAnArrayOfRepliesForItsRequestsOnly) {
  std::vector<std::string> seen;
  const Json reply = Parse(EchoDispatcher(&seen).Handle(
      R"([{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","id":2,"method":"missing"},5])",
      true));
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 3u);
  std::map<std::string, Json> by_id;
  for (const Json& item : reply) by_id[item["id"].dump()] = item;
  EXPECT_EQ(by_id["1"]["result"], Json::array({1}));
  EXPECT_EQ(by_id["2"]["error"]["code"], kMethodNotFound);
  EXPECT_EQ(by_id["null"]["error"]["code"], kInvalidRequest);
  EXPECT_EQ(seen, std::vector<std::string>{"note"});
}

TEST(Dispatcher, ABatchOfNotificationsGetsNoReply) {
  EXPECT_FALSE(
      EchoDispatcher()
          .Handle(R"([{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","method":"x"}])", true)
          .has_value());
}

// A 2.3 MB batch of "1" entries used to draw one error reply per entry:
// 173 MB. A batch of more than kMaxBatchEntries is refused with one reply.
TEST(Dispatcher, AHugeBatchGetsOneShortErrorNotAReplyPerEntry) {
  std::string line = "[";
  for (size_t i = 0; i < 1'150'000; ++i) line += i == 0 ? "1" : ",1";
  line += "]";
  ASSERT_GT(line.size(), 2'000'000u);
  const std::optional<std::string> reply = EchoDispatcher().Handle(line, true);
  ASSERT_TRUE(reply.has_value());
  EXPECT_LT(reply->size(), 1024u) << reply->substr(0, 200);
  const Json parsed = Json::parse(*reply);
  EXPECT_EQ(parsed["error"]["code"], kInvalidRequest);
  EXPECT_NE(parsed["error"]["message"].get<std::string>().find("1150000 entries"),
            std::string::npos)
      << parsed;
}

// Replies that are large each (a tool's output, a tool list) stop the batch
// at kMaxBatchReplyBytes: the calls after it are not run and say so.
TEST(Dispatcher, ABatchStopsRunningCallsOnceItsReplyReachesTheBound) {
  const std::string big(256 * 1024, 'x');
  size_t runs = 0;
  Dispatcher dispatcher;
  dispatcher.Add("big", [&](const Call&) -> tl::expected<Json, RpcError> {
    ++runs;
    return Json(big);
  });
  Json batch = Json::array();
  for (size_t i = 0; i < kMaxBatchEntries; ++i) {
    batch.push_back(Json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "big"}});
  }
  const std::optional<std::string> reply = dispatcher.Handle(batch.dump(), true);
  ASSERT_TRUE(reply.has_value());
  EXPECT_LT(reply->size(), kMaxBatchReplyBytes + big.size() + kMaxBatchEntries * 512);
  const Json parsed = Json::parse(*reply);
  ASSERT_EQ(parsed.size(), kMaxBatchEntries) << "every request gets its reply";
  size_t answered = 0;
  for (const Json& item : parsed) {
    if (item.contains("result")) {
      ++answered;
    } else {
      EXPECT_EQ(item["error"]["code"], kReplyLimit) << item;
    }
  }
  // Each reply is a little over 256 KiB: the 16th takes the batch past 4 MiB.
  EXPECT_EQ(answered, kMaxBatchReplyBytes / big.size());
  EXPECT_EQ(runs, answered) << "calls after the bound were run";
}

// A method name is echoed in "not found": its control characters arrive
// escaped, not as a terminal escape sequence.
TEST(Dispatcher, AnUnknownMethodIsQuotedWithControlCharactersEscaped) {
  const Json reply = Parse(EchoDispatcher().Handle(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\\u001b[2J\\ny\"}", false));
  const std::string message = reply["error"]["message"];
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("x\\x1b[2J\\x0ay"), std::string::npos) << message;
}

TEST(WriteLine, IsOneLineAndSurvivesBytesThatAreNotUtf8) {
  const std::string line =
      WriteLine(ResultReply(1, Json{{"text", std::string("a\nb\xff\xfe") + "c"}}));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const Json back = Json::parse(line);
  EXPECT_EQ(back["result"]["text"],
            "a\nb\xEF\xBF\xBD\xEF\xBF\xBD"
            "c");
}

}  // namespace
}  // namespace audex::jsonrpc
