// The GCP base-token chain and the service-account JWT, with a scripted
// HTTP client (adapters/gcp/gcp_credentials.h).
#include "adapters/gcp/gcp_credentials.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/gcp/gcp_iam_client.h"
#include "core/wire/url.h"
#include "support/form_body.h"
#include "support/scripted_http.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

// Off the script, a refused connection (as from an unreachable server).
struct ScriptedHttp : ScriptedHttpClient {
  ScriptedHttp() { when_done = {HttpFailureKind::kConnect, "refused"}; }
};

EnvLookup Env(std::map<std::string, std::string> values) { return MapEnv(std::move(values)); }

std::string Base64UrlDecode(std::string text) {
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4 != 0) text += '=';
  std::string out(text.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(length));
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(out.size() - pad);
  return out;
}

struct RsaKey {
  std::string private_pem;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
};

RsaKey MakeKey() {
  RsaKey out;
  out.key.reset(EVP_RSA_gen(2048));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), out.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  out.private_pem.assign(data, static_cast<size_t>(length));
  return out;
}

TEST(SignServiceAccountJwt, VerifiesWithTheKeysPublicHalf) {
  const RsaKey key = MakeKey();
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  auto jwt =
      SignServiceAccountJwt(SecretString(key.private_pem), "sa@p.iam.gserviceaccount.com", "kid1",
                            "https://oauth2.googleapis.com/token", kCloudPlatformScope, now);
  ASSERT_TRUE(jwt) << jwt.error().message;
  const std::string text = jwt->Reveal();
  const size_t first = text.find('.'), second = text.rfind('.');
  ASSERT_NE(first, second);
  const auto header = nlohmann::json::parse(Base64UrlDecode(text.substr(0, first)));
  const auto claims =
      nlohmann::json::parse(Base64UrlDecode(text.substr(first + 1, second - first - 1)));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["kid"], "kid1");
  EXPECT_EQ(claims["iss"], "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(claims["aud"], "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims["iat"], 1800000000);
  EXPECT_EQ(claims["exp"], 1800003600);
  const std::string signed_part = text.substr(0, second);
  const std::string signature = Base64UrlDecode(text.substr(second + 1));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()), 1);
  EXPECT_EQ(
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()),
      1);
}

TEST(SignServiceAccountJwt, RejectsAKeyThatIsNotPem) {
  auto jwt = SignServiceAccountJwt(SecretString("not a key"), "a@b", "", "aud", "s",
                                   std::chrono::system_clock::now());
  ASSERT_FALSE(jwt);
  EXPECT_EQ(jwt.error().kind, ErrorKind::kCredentials);
}

class GcpTokenChain : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty());
    std::filesystem::create_directories(dir_ / "gcloud");
  }
  void Write(const std::string& text) {
    std::ofstream(dir_ / "gcloud" / "application_default_credentials.json") << text;
  }
  TempDir temp_{"audex-gcp-test"};
  std::filesystem::path dir_ = temp_.path();
};

TEST_F(GcpTokenChain, EnvironmentTokenComesFirst) {
  ScriptedHttp http, metadata;
  Write(R"({"type":"authorized_user"})");
  auto token = ResolveGcpBaseToken(Env({{"CLOUDSDK_AUTH_ACCESS_TOKEN", "ya29.env"},
                                        {"CLOUDSDK_CONFIG", (dir_ / "gcloud").string()}}),
                                   http, metadata);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "ya29.env");
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(GcpTokenChain, AuthorizedUserRefreshesAtTheOverriddenTokenUrl) {
  ScriptedHttp http, metadata;
  Write(
      R"({"type":"authorized_user","client_id":"cid","client_secret":"csecret","refresh_token":"1//refresh"})");
  http.script.push_back(HttpResponse{
      200, {}, R"({"access_token":"ya29.user","expires_in":3599,"token_type":"Bearer"})"});
  auto token = ResolveGcpBaseToken(Env({{"CLOUDSDK_CONFIG", (dir_ / "gcloud").string()},
                                        {"AUDEX_GCP_OAUTH_TOKEN_URL", "http://127.0.0.1:9/token"}}),
                                   http, metadata);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "ya29.user");
  EXPECT_TRUE(token->expiration.has_value());
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.sent[0].url, "http://127.0.0.1:9/token");
  const auto form = DecodeForm(http.sent[0].body);
  EXPECT_EQ(form.at("grant_type"), "refresh_token");
  EXPECT_EQ(form.at("refresh_token"), "1//refresh");
  EXPECT_EQ(form.at("client_id"), "cid");
  EXPECT_EQ(token->source.find("refresh"), std::string::npos);
}

TEST_F(GcpTokenChain, ServiceAccountKeySendsASignedJwt) {
  ScriptedHttp http, metadata;
  const RsaKey key = MakeKey();
  nlohmann::json file = {{"type", "service_account"},
                         {"client_email", "sa@p.iam.gserviceaccount.com"},
                         {"private_key_id", "k1"},
                         {"private_key", key.private_pem},
                         {"token_uri", "http://127.0.0.1:8/token"}};
  std::ofstream(dir_ / "key.json") << file.dump();
  http.script.push_back(HttpResponse{200, {}, R"({"access_token":"ya29.sa","expires_in":3600})"});
  auto token = ResolveGcpBaseToken(
      Env({{"GOOGLE_APPLICATION_CREDENTIALS", (dir_ / "key.json").string()}}), http, metadata);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "ya29.sa");
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.sent[0].url, "http://127.0.0.1:8/token");
  const auto form = DecodeForm(http.sent[0].body);
  EXPECT_EQ(form.at("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
  EXPECT_EQ(std::count(form.at("assertion").begin(), form.at("assertion").end(), '.'), 2);
}

TEST_F(GcpTokenChain, RefusedRefreshSaysToLogInAgainWithoutTheSecret) {
  ScriptedHttp http, metadata;
  Write(
      R"({"type":"authorized_user","client_id":"cid","client_secret":"csecret","refresh_token":"1//refresh"})");
  http.script.push_back(HttpResponse{
      400,
      {},
      R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})"});
  auto token =
      ResolveGcpBaseToken(Env({{"CLOUDSDK_CONFIG", (dir_ / "gcloud").string()}}), http, metadata);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(token.error().message.find("application-default login"), std::string::npos);
  EXPECT_EQ(token.error().message.find("1//refresh"), std::string::npos);
  EXPECT_EQ(token.error().message.find("csecret"), std::string::npos);
}

TEST_F(GcpTokenChain, FallsBackToTheMetadataServer) {
  ScriptedHttp http, metadata;
  metadata.script.push_back(HttpResponse{
      200, {}, R"({"access_token":"ya29.gce","expires_in":3000,"token_type":"Bearer"})"});
  auto token = ResolveGcpBaseToken(
      Env({{"CLOUDSDK_CONFIG", (dir_ / "gcloud").string()}, {"GCE_METADATA_HOST", "127.0.0.1:7"}}),
      http, metadata);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "ya29.gce");
  ASSERT_EQ(metadata.sent.size(), 1u);
  EXPECT_EQ(metadata.sent[0].url,
            "http://127.0.0.1:7/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_EQ(metadata.sent[0].headers.at(0).first, "Metadata-Flavor");
  EXPECT_EQ(metadata.sent[0].headers.at(0).second, "Google");
}

TEST_F(GcpTokenChain, NothingFoundListsWhereItLooked) {
  ScriptedHttp http, metadata;
  auto token =
      ResolveGcpBaseToken(Env({{"CLOUDSDK_CONFIG", (dir_ / "gcloud").string()}}), http, metadata);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("application_default_credentials.json"), std::string::npos);
  EXPECT_NE(token.error().message.find("metadata"), std::string::npos);
}

TEST(GenerateAccessToken, SendsTheBaseTokenAndLifetime) {
  ScriptedHttp http;
  http.script.push_back(HttpResponse{
      200, {}, R"({"accessToken":"ya29.minted","expireTime":"2030-01-01T00:15:00Z"})"});
  GcpEndpoints endpoints;
  endpoints.iamcredentials_url = "http://127.0.0.1:5/";
  GcpAccessToken base{SecretString("ya29.base"), std::nullopt, "test"};
  auto token = GenerateAccessToken(http, endpoints, base, "sa@p.iam.gserviceaccount.com",
                                   std::chrono::seconds(900));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token.Reveal(), "ya29.minted");
  ASSERT_TRUE(token->expiration);
  EXPECT_EQ(http.sent[0].url,
            "http://127.0.0.1:5/v1/projects/-/serviceAccounts/"
            "sa@p.iam.gserviceaccount.com:generateAccessToken");
  const auto body = nlohmann::json::parse(http.sent[0].body);
  EXPECT_EQ(body["lifetime"], "900s");
  EXPECT_EQ(body["scope"][0], kCloudPlatformScope);
}

TEST(GenerateAccessToken, PermissionDeniedNamesTheRoleToGrant) {
  ScriptedHttp http;
  http.script.push_back(HttpResponse{
      403,
      {},
      R"({"error":{"code":403,"message":"Permission 'iam.serviceAccounts.getAccessToken' denied","status":"PERMISSION_DENIED"}})"});
  GcpEndpoints endpoints;
  endpoints.iamcredentials_url = "http://127.0.0.1:5";
  auto token =
      GenerateAccessToken(http, endpoints, {SecretString("ya29.base"), std::nullopt, "env"},
                          "sa@p.iam.gserviceaccount.com", std::chrono::seconds(900));
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("PERMISSION_DENIED"), std::string::npos);
  EXPECT_NE(token.error().message.find("roles/iam.serviceAccountTokenCreator"), std::string::npos);
  EXPECT_EQ(token.error().message.find("ya29.base"), std::string::npos);
}

}  // namespace
}  // namespace audex
