// The --serve endpoint over real loopback HTTP (CredentialServer with the
// libcurl client): the token check, what an authorised fetch gets, and the
// port closed after Stop().
#include "adapters/credserver/credential_server.h"

#include <gtest/gtest.h>

#include <atomic>

#include "adapters/http/curl_http_client.h"

namespace audex {
namespace {

const std::string kToken(64, 'a');

HttpResult Fetch(const std::string& url, std::optional<std::string> authorization) {
  CurlHttpClient http;
  HttpRequest request;
  request.url = url;
  if (authorization) request.headers.emplace_back("Authorization", *authorization);
  return http.Send(request);
}

TEST(CredentialServer, ListensOnLoopbackOnly) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_EQ((*server)->url().rfind("http://127.0.0.1:", 0), 0u) << (*server)->url();
}

TEST(CredentialServer, ServesOnlyWithTheToken) {
  std::atomic<int> calls{0};
  auto server = CredentialServer::Start(SecretString(kToken), [&calls] {
    ++calls;
    return CredentialReply{200, R"({"AccessKeyId":"ASIA"})"};
  });
  ASSERT_TRUE(server);
  const std::string url = (*server)->url();

  auto missing = Fetch(url, std::nullopt);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(missing->status, 403);
  auto wrong = Fetch(url, std::string(64, 'b'));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto prefix = Fetch(url, kToken.substr(0, 63));
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 403);
  EXPECT_EQ(calls, 0);  // refused before the owner is asked

  auto good = Fetch(url, kToken);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  EXPECT_EQ(good->body, R"({"AccessKeyId":"ASIA"})");
  EXPECT_EQ(calls, 1);
}

TEST(CredentialServer, OnlyTheCredentialsPath) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server);
  std::string other = (*server)->url();
  other.replace(other.rfind('/'), std::string::npos, "/other");
  auto reply = Fetch(other, kToken);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST(CredentialServer, PassesTheOwnersStatusThrough) {
  auto server = CredentialServer::Start(SecretString(kToken), [] {
    return CredentialReply{410, R"({"code":"MaxDurationReached"})"};
  });
  ASSERT_TRUE(server);
  auto reply = Fetch((*server)->url(), kToken);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 410);
}

TEST(CredentialServer, NothingListensAfterStop) {
  auto server = CredentialServer::Start(SecretString(kToken), [] { return CredentialReply{}; });
  ASSERT_TRUE(server);
  const std::string url = (*server)->url();
  (*server)->Stop();
  auto reply = Fetch(url, kToken);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, HttpFailureKind::kConnect);
}

}  // namespace
}  // namespace audex
