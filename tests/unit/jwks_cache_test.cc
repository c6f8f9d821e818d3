// JwksCache over a scripted HTTP client and a hand-moved clock: keys served
// from the cache within their TTL, fetched again after it, one re-fetch for
// an unknown kid per refetch interval, failures rate-limited too, stale
// keys kept through an issuer's outage; and what ImportKeySet leaves out.
#include "adapters/oidc/jwks_cache.h"

#include <cjose/cjose.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/scripted_http.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::seconds;

// A fresh public RSA JWK (2048 bits) as JSON, made with cjose.
nlohmann::json RsaJwk(const std::string& kid) {
  static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
  cjose_err error{};
  cjose_jwk_t* jwk = cjose_jwk_create_RSA_random(2048, kExponent, sizeof kExponent, &error);
  EXPECT_NE(jwk, nullptr);
  cjose_jwk_set_kid(jwk, kid.c_str(), kid.size(), &error);
  char* json = cjose_jwk_to_json(jwk, /*priv=*/false, &error);
  nlohmann::json parsed = nlohmann::json::parse(json);
  free(json);
  cjose_jwk_release(jwk);
  parsed["use"] = "sig";
  return parsed;
}

class JwksCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    issuers_ = {Issuer("a", "https://a.example"), Issuer("b", "https://b.example")};
    keys_["https://a.example"] = {RsaJwk("a1")};
    keys_["https://b.example"] = {RsaJwk("b1")};
    http_.fallback = [this](const HttpRequest& request) -> HttpResult {
      if (failing_) return HttpResponse{500, {}, "down"};
      for (const auto& [issuer, keys] : keys_) {
        if (request.url == issuer + "/.well-known/openid-configuration") {
          return HttpResponse{
              200, {}, nlohmann::json{{"issuer", issuer}, {"jwks_uri", issuer + "/keys"}}.dump()};
        }
        if (request.url == issuer + "/keys") {
          ++jwks_fetches_[issuer];
          return HttpResponse{200, {}, nlohmann::json{{"keys", keys}}.dump()};
        }
      }
      return HttpResponse{404, {}, ""};
    };
    cache_ = std::make_unique<JwksCache>(issuers_, http_, [this] { return now_; });
  }

  static TrustedIssuer Issuer(const std::string& name, const std::string& url) {
    TrustedIssuer issuer;
    issuer.name = name;
    issuer.issuer = url;
    issuer.audience = "x";
    issuer.jwks_ttl = seconds(3600);
    issuer.jwks_refetch_interval = seconds(60);
    return issuer;
  }

  bool Has(const std::string& kid) {
    auto key = cache_->Find(issuers_[0], kid);
    EXPECT_TRUE(key) << key.error().message;
    return key && *key;
  }
  int Fetches() { return jwks_fetches_["https://a.example"]; }

  std::vector<TrustedIssuer> issuers_;
  std::map<std::string, std::vector<nlohmann::json>> keys_;
  std::map<std::string, int> jwks_fetches_;
  bool failing_ = false;
  Clock::time_point now_ = Clock::time_point(seconds(1'800'000'000));
  ScriptedHttpClient http_;
  std::unique_ptr<JwksCache> cache_;
};

TEST_F(JwksCacheTest, ServesFromTheCacheWithinTheTtlAndFetchesAfterIt) {
  EXPECT_TRUE(Has("a1"));
  EXPECT_TRUE(Has("a1"));
  now_ += seconds(3599);
  EXPECT_TRUE(Has("a1"));
  EXPECT_EQ(Fetches(), 1);
  EXPECT_EQ(http_.sent.size(), 2u);  // discovery, then the key set
  now_ += seconds(1);
  EXPECT_TRUE(Has("a1"));
  EXPECT_EQ(Fetches(), 2);
  EXPECT_EQ(cache_->FetchCount("a"), 2u);
}

TEST_F(JwksCacheTest, AnUnknownKidRefetchesOncePerInterval) {
  EXPECT_TRUE(Has("a1"));
  now_ += seconds(60);
  keys_["https://a.example"].push_back(RsaJwk("a2"));  // the issuer rotates
  EXPECT_TRUE(Has("a2"));                              // found by one re-fetch
  EXPECT_EQ(Fetches(), 2);
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(Has("bogus-" + std::to_string(i)));
  EXPECT_EQ(Fetches(), 2);  // the flood cost nothing
  now_ += seconds(59);
  EXPECT_FALSE(Has("bogus"));
  EXPECT_EQ(Fetches(), 2);
  now_ += seconds(1);
  EXPECT_FALSE(Has("bogus"));
  EXPECT_EQ(Fetches(), 3);
  EXPECT_TRUE(Has("a1"));
  EXPECT_EQ(Fetches(), 3);
}

TEST_F(JwksCacheTest, AFailedFirstFetchIsAnErrorAndIsNotRetriedAtOnce) {
  failing_ = true;
  auto first = cache_->Find(issuers_[0], "a1");
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("HTTP 500"), std::string::npos) << first.error().message;
  const size_t sent = http_.sent.size();
  auto second = cache_->Find(issuers_[0], "a1");
  ASSERT_FALSE(second);
  EXPECT_EQ(http_.sent.size(), sent);  // rate-limited, failure or not
  failing_ = false;
  now_ += seconds(60);
  EXPECT_TRUE(Has("a1"));
}

TEST_F(JwksCacheTest, AFailedRefreshKeepsTheKeysItHad) {
  EXPECT_TRUE(Has("a1"));
  failing_ = true;
  now_ += seconds(3600);
  EXPECT_TRUE(Has("a1"));  // stale but kept through the outage
  EXPECT_EQ(cache_->FetchCount("a"), 2u);
}

TEST_F(JwksCacheTest, KnowsWhichOtherIssuerHoldsAKid) {
  ASSERT_TRUE(cache_->Find(issuers_[1], "b1"));
  EXPECT_EQ(cache_->OtherIssuerWithKid(issuers_[0], "b1"), std::optional<std::string>("b"));
  EXPECT_EQ(cache_->OtherIssuerWithKid(issuers_[1], "b1"), std::nullopt);
  EXPECT_EQ(cache_->OtherIssuerWithKid(issuers_[0], "zz"), std::nullopt);
}

TEST_F(JwksCacheTest, ADiscoveryDocumentForAnotherIssuerIsRefused) {
  http_.fallback = [](const HttpRequest&) -> HttpResult {
    return HttpResponse{
        200, {}, R"({"issuer":"https://evil.example","jwks_uri":"https://evil.example/k"})"};
  };
  auto key = cache_->Find(issuers_[0], "a1");
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("Discovery §4.3"), std::string::npos) << key.error().message;
}

TEST(ImportKeySet, ImportsRsaAndEcAndSaysWhatItLeftOut) {
  cjose_err error{};
  cjose_jwk_t* ec = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &error);
  ASSERT_NE(ec, nullptr);
  char* ec_json = cjose_jwk_to_json(ec, false, &error);
  nlohmann::json ec_key = nlohmann::json::parse(ec_json);
  free(ec_json);
  cjose_jwk_release(ec);
  ec_key["kid"] = "e1";
  nlohmann::json encryption = RsaJwk("enc1");
  encryption["use"] = "enc";
  const nlohmann::json set = {
      {"keys",
       {RsaJwk("r1"),
        ec_key,
        encryption,
        RsaJwk("r1"),
        {{"kty", "OKP"},
         {"crv", "Ed25519"},
         {"kid", "ed"},
         {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
        {{"kty", "RSA"}, {"n", "AQAB"}},
        // cjose 0.6.2 would abort on this "n" (an assert in its decoder).
        {{"kty", "RSA"}, {"kid", "bad"}, {"n", "sKwDD1R3Y=poyT"}, {"e", "AQAB"}}}}};
  auto imported = ImportKeySet(set.dump(), "https://a.example/keys");
  ASSERT_TRUE(imported) << imported.error().message;
  ASSERT_EQ(imported->by_kid.size(), 2u);
  EXPECT_EQ(imported->by_kid.at("r1")->bits, 2048);
  EXPECT_EQ(imported->by_kid.at("r1")->entry.kty, "RSA");
  EXPECT_EQ(imported->by_kid.at("e1")->entry.crv, "P-256");
  EXPECT_EQ(imported->by_kid.at("e1")->bits, 256);
  ASSERT_EQ(imported->skipped.size(), 5u);
  const std::string skipped = nlohmann::json(imported->skipped).dump();
  for (const char* part : {"enc1", "same kid", "cjose cannot import a OKP key", "without a kid",
                           "key bad:", "is not unpadded base64url"}) {
    EXPECT_NE(skipped.find(part), std::string::npos) << skipped;
  }
  for (const char* bad : {"", "[]", R"({"keys":{}})", R"({"nokeys":[]})"}) {
    EXPECT_FALSE(ImportKeySet(bad, "https://a.example/keys")) << bad;
  }
}

}  // namespace
}  // namespace audex
