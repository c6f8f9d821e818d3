// The Resource Groups Tagging API client against a scripted HTTP client:
// the JSON 1.1 request it signs, pages followed to the end, and the tags
// of named resources read again.
#include "adapters/aws/tagging_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

HttpResult Reply(int status, std::string body) { return HttpResponse{status, {}, std::move(body)}; }

AwsCredentials Base() {
  AwsCredentials base;
  base.access_key_id = "AKIABASEEXAMPLE";
  base.secret_access_key = SecretString("BASE/SECRET+KEY/0123456789");
  base.source = "environment";
  return base;
}

AwsCallOptions Options() {
  AwsCallOptions options;
  options.scope = {"eu-west-1", "tagging"};
  options.sleep = [](std::chrono::milliseconds) {};
  options.random01 = [] { return 0.5; };
  options.clock = [] { return *ParseRfc3339("2026-05-01T12:00:00Z"); };
  return options;
}

std::string Page(std::vector<std::pair<std::string, std::string>> arns_and_values,
                 std::string token) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [arn, value] : arns_and_values) {
    list.push_back(
        {{"ResourceARN", arn},
         {"Tags", {{{"Key", "audex-session"}, {"Value", value}}, {{"Key", "x"}, {"Value", "y"}}}}});
  }
  return nlohmann::json({{"ResourceTagMappingList", list}, {"PaginationToken", token}}).dump();
}

TEST(TaggingClient, FindsEveryPageOfATagFilter) {
  ScriptedHttpClient http;
  http.script = {Reply(200, Page({{"arn:aws:s3:::a", "v"}}, "t1")),
                 Reply(200, Page({{"arn:aws:s3:::b", "v"}}, ""))};
  TaggingClient client(http, "https://tagging.eu-west-1.amazonaws.com", Options());
  auto found = client.FindByTag(Base(), "audex-session", "v");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[1].arn, "arn:aws:s3:::b");
  EXPECT_EQ((*found)[0].Tag("audex-session"), "v");
  EXPECT_EQ((*found)[0].Tag("missing"), std::nullopt);
  ASSERT_EQ(http.sent.size(), 2u);
  const HttpRequest& first = http.sent[0];
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.url, "https://tagging.eu-west-1.amazonaws.com/");
  bool target = false, content = false, signed_for_tagging = false;
  for (const auto& [name, value] : first.headers) {
    target = target ||
             (name == "X-Amz-Target" && value == "ResourceGroupsTaggingAPI_20170126.GetResources");
    content = content || (name == "Content-Type" && value == "application/x-amz-json-1.1");
    signed_for_tagging =
        signed_for_tagging || (name == "Authorization" &&
                               value.find("/eu-west-1/tagging/aws4_request") != std::string::npos);
  }
  EXPECT_TRUE(target && content && signed_for_tagging);
  EXPECT_EQ(first.body,
            R"({"ResourcesPerPage":100,"TagFilters":[{"Key":"audex-session","Values":["v"]}]})");
  EXPECT_EQ(nlohmann::json::parse(http.sent[1].body)["PaginationToken"], "t1");
}

TEST(TaggingClient, TagsOfKeepsOnlyTheArnsAskedAbout) {
  ScriptedHttpClient http;
  // A server that ignores ResourceARNList answers with everything.
  http.script = {Reply(200, Page({{"arn:aws:s3:::a", "v"}, {"arn:aws:s3:::other", "v"}}, ""))};
  TaggingClient client(http, "http://127.0.0.1:5000", Options());
  auto tags = client.TagsOf(Base(), {"arn:aws:s3:::a"});
  ASSERT_TRUE(tags);
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ((*tags)[0].arn, "arn:aws:s3:::a");
  EXPECT_EQ(http.sent[0].body, R"({"ResourceARNList":["arn:aws:s3:::a"]})");
}

TEST(TaggingClient, ARefusalNamesThePermissionAndNoSecret) {
  ScriptedHttpClient http;
  http.script = {Reply(400, R"({"__type":"AccessDeniedException","Message":"no"})")};
  TaggingClient client(http, "http://127.0.0.1:5000", Options());
  auto found = client.FindByTag(Base(), "audex-session", "v");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(found.error().message.find("AccessDeniedException"), std::string::npos);
  EXPECT_NE(found.error().message.find("tag:GetResources"), std::string::npos);
  EXPECT_EQ(found.error().message.find("BASE/SECRET"), std::string::npos);
}

TEST(TaggingClient, ThrottlingIsRetried) {
  ScriptedHttpClient http;
  http.script = {Reply(400, R"({"__type":"ThrottlingException"})"), Reply(200, Page({}, ""))};
  TaggingClient client(http, "http://127.0.0.1:5000", Options());
  auto found = client.FindByTag(Base(), "audex-session", "v");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(http.sent.size(), 2u);
}

TEST(TaggingClient, RepliesThatAreNotDocumentsAreErrors) {
  EXPECT_FALSE(ParseGetResourcesReply("<html>"));
  EXPECT_FALSE(ParseGetResourcesReply("{}"));
  auto empty = ParseGetResourcesReply(R"({"ResourceTagMappingList":[]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->pagination_token.empty());
}

}  // namespace
}  // namespace audex
