// LocalIdentityEndpoint over real sockets: both protocols serve the token,
// a wrong secret gets nothing, and nothing is served after the TTL.
#include "adapters/azure/local_identity_endpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/http/curl_http_client.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;

HttpResponse Post(const std::string& url, bool metadata_header) {
  CurlHttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  if (metadata_header) request.headers.emplace_back("Metadata", "true");
  request.body = "resource=https%3A%2F%2Fmanagement.core.windows.net%2F";
  auto response = http.Send(request);
  EXPECT_TRUE(response) << (response ? "" : response.error().message);
  return response ? *response : HttpResponse{};
}

HttpResponse Get(const std::string& url, const std::string& header) {
  CurlHttpClient http;
  HttpRequest request;
  request.url = url + "?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";
  request.headers = {{"X-IDENTITY-HEADER", header}};
  auto response = http.Send(request);
  EXPECT_TRUE(response) << (response ? "" : response.error().message);
  return response ? *response : HttpResponse{};
}

TEST(LocalIdentityEndpoint, ServesTheTokenInBothProtocols) {
  const auto expiry = Clock::time_point(std::chrono::seconds(1900000000));
  auto endpoint = LocalIdentityEndpoint::Start(SecretString("session-token"), expiry,
                                               Clock::now() + std::chrono::minutes(5),
                                               SecretString("0123456789abcdef"));
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const HttpResponse msi = Post((*endpoint)->MsiEndpoint(), true);
  ASSERT_EQ(msi.status, 200) << msi.body;
  const auto body = nlohmann::json::parse(msi.body);
  EXPECT_EQ(body["access_token"], "session-token");
  EXPECT_EQ(body["expires_on"], "1900000000");
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["resource"], "https://management.core.windows.net/");
  const HttpResponse identity = Get((*endpoint)->IdentityEndpoint(), "0123456789abcdef");
  ASSERT_EQ(identity.status, 200) << identity.body;
  EXPECT_EQ(nlohmann::json::parse(identity.body)["access_token"], "session-token");
  EXPECT_EQ((*endpoint)->requests_served(), 2);
}

TEST(LocalIdentityEndpoint, RefusesWithoutTheSecretOrTheMetadataHeader) {
  auto endpoint = LocalIdentityEndpoint::Start(SecretString("session-token"), Clock::now(),
                                               Clock::now() + std::chrono::minutes(5),
                                               SecretString("0123456789abcdef"));
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(Get((*endpoint)->IdentityEndpoint(), "wrong").status, 401);
  EXPECT_EQ(Post((*endpoint)->MsiEndpoint(), false).status, 400);
  std::string guessed = (*endpoint)->MsiEndpoint();
  guessed.replace(guessed.find("0123456789abcdef"), 16, "fedcba9876543210");
  const HttpResponse wrong_path = Post(guessed, true);
  EXPECT_EQ(wrong_path.status, 404);
  EXPECT_EQ(wrong_path.body.find("session-token"), std::string::npos);
  EXPECT_EQ((*endpoint)->requests_served(), 0);
}

TEST(LocalIdentityEndpoint, StopsServingWhenTheTtlRunsOut) {
  auto endpoint = LocalIdentityEndpoint::Start(
      SecretString("session-token"), Clock::now() + std::chrono::hours(1),
      Clock::now() + std::chrono::milliseconds(300), SecretString("0123456789abcdef"));
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(Post((*endpoint)->MsiEndpoint(), true).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const HttpResponse late = Post((*endpoint)->MsiEndpoint(), true);
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(late.body.find("session-token"), std::string::npos);
}

}  // namespace
}  // namespace audex
