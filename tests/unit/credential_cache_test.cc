// The credential cache's pure parts: entry naming, reuse rules, and the
// AES-256-GCM sealing of entries (core/credential_cache.h).
#include "core/credentials/credential_cache.h"

#include <gtest/gtest.h>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

const std::string kKey(kCacheKeyBytes, 'k');
const std::string kNonce(kCacheNonceBytes, 'n');

CacheRequest Request() {
  CacheRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/dev";
  request.policy_json = R"({"Version":"2012-10-17","Statement":[]})";
  request.region = "eu-west-1";
  request.endpoint = "https://sts.eu-west-1.amazonaws.com";
  return request;
}

CachedCredentials Cached(system_clock::time_point expiration) {
  CachedCredentials cached;
  cached.credentials.access_key_id = "ASIAEXAMPLE";
  cached.credentials.secret_access_key = SecretString("secret-access-key-value");
  cached.credentials.session_token = SecretString("session-token-value");
  cached.credentials.expiration = expiration;
  cached.credentials.source = "sts:AssumeRole";
  cached.session_id = "s-0001";
  return cached;
}

TEST(CacheEntryName, SameRequestSameNameAndEveryFieldCounts) {
  const std::string name = CacheEntryName(Request());
  EXPECT_EQ(name.size(), 64u);
  EXPECT_EQ(name, CacheEntryName(Request()));
  CacheRequest other = Request();
  other.policy_json += " ";
  EXPECT_NE(CacheEntryName(other), name);
  other = Request();
  other.role_arn = "arn:aws:iam::123456789012:role/prod";
  EXPECT_NE(CacheEntryName(other), name);
  other = Request();
  other.region = "us-east-1";
  EXPECT_NE(CacheEntryName(other), name);
  other = Request();
  other.endpoint = "http://127.0.0.1:5000";
  EXPECT_NE(CacheEntryName(other), name);
  other = Request();
  other.method = "scoped";
  EXPECT_NE(CacheEntryName(other), name);
}

TEST(CacheEntryName, FieldsCannotBeShiftedIntoEachOther) {
  CacheRequest a = Request();
  CacheRequest b = Request();
  a.region = "eu-west-1";
  a.endpoint = "x";
  b.region = "eu-west-";
  b.endpoint = "1x";
  EXPECT_NE(CacheEntryName(a), CacheEntryName(b));
}

TEST(ReusableAt, NeedsMoreThanTheMarginLeftAndNoMoreThanTheTtl) {
  const auto now = system_clock::now();
  EXPECT_TRUE(ReusableAt(Cached(now + minutes(10)), now, minutes(5), minutes(15)));
  EXPECT_FALSE(ReusableAt(Cached(now + minutes(5)), now, minutes(5), minutes(15)));
  EXPECT_FALSE(ReusableAt(Cached(now + minutes(4)), now, minutes(5), minutes(15)));
  EXPECT_FALSE(ReusableAt(Cached(now - minutes(1)), now, minutes(5), minutes(15)));
  // Credentials that would outlive the TTL asked for now are not handed out.
  EXPECT_FALSE(ReusableAt(Cached(now + minutes(50)), now, minutes(5), minutes(15)));
  EXPECT_FALSE(ReusableAt(Cached(now + minutes(17)), now, minutes(5), minutes(15)));
  // A freshly issued entry whose issuer rounded the expiry up is reused.
  EXPECT_TRUE(ReusableAt(Cached(now + minutes(15) + seconds(1)), now, minutes(5), minutes(15)));
  CachedCredentials no_expiry = Cached(now);
  no_expiry.credentials.expiration.reset();
  EXPECT_FALSE(ReusableAt(no_expiry, now, minutes(5), minutes(15)));
}

TEST(SealedCache, RoundTripsEveryField) {
  const auto expiration = *ParseRfc3339("2026-11-28T19:00:00Z");
  const std::string name = CacheEntryName(Request());
  auto sealed = SealCachedCredentials(Cached(expiration), kKey, kNonce, name);
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = OpenCachedCredentials(*sealed, kKey, name);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(opened->credentials.secret_access_key.Reveal(), "secret-access-key-value");
  EXPECT_EQ(opened->credentials.session_token.Reveal(), "session-token-value");
  EXPECT_EQ(opened->credentials.expiration, expiration);
  EXPECT_EQ(opened->session_id, "s-0001");
}

TEST(SealedCache, RoundTripsAnApprovedTokenGrantAndHoldsItsTokenSealed) {
  // The team server's approved GCP or Azure grant: no AWS keys, the
  // grant's reply with its access token.
  CachedCredentials cached;
  cached.credentials.expiration = *ParseRfc3339("2026-11-28T19:00:00Z");
  cached.credentials.source = "gcp";
  cached.session_id = "grant-1";
  cached.token_grant = SecretString(R"({"access_token":"ya29.SEALED-token-value"})");
  auto sealed = SealCachedCredentials(cached, kKey, kNonce, "grant:grant-1");
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->find("SEALED-token-value"), std::string::npos);
  auto opened = OpenCachedCredentials(*sealed, kKey, "grant:grant-1");
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_TRUE(opened->token_grant);
  EXPECT_EQ(opened->token_grant->Reveal(), R"({"access_token":"ya29.SEALED-token-value"})");
  EXPECT_EQ(opened->session_id, "grant-1");
  // An AWS entry has none.
  auto aws =
      SealCachedCredentials(Cached(cached.credentials.expiration.value()), kKey, kNonce, "n");
  ASSERT_TRUE(aws);
  auto opened_aws = OpenCachedCredentials(*aws, kKey, "n");
  ASSERT_TRUE(opened_aws);
  EXPECT_FALSE(opened_aws->token_grant);
}

TEST(SealedCache, HoldsNoSecretInTheClear) {
  auto sealed = SealCachedCredentials(Cached(system_clock::now()), kKey, kNonce, "n");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("secret-access-key-value"), std::string::npos);
  EXPECT_EQ(sealed->find("session-token-value"), std::string::npos);
  EXPECT_EQ(sealed->find("ASIAEXAMPLE"), std::string::npos);
  EXPECT_EQ(sealed->substr(0, 4), "AXC1");
}

TEST(SealedCache, DifferentNoncesGiveDifferentCiphertexts) {
  const auto cached = Cached(system_clock::now());
  auto a = SealCachedCredentials(cached, kKey, kNonce, "n");
  auto b = SealCachedCredentials(cached, kKey, std::string(kCacheNonceBytes, 'm'), "n");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(SealedCache, RefusesWrongKeyChangedBytesAndAnotherName) {
  const std::string name = "entry-a";
  auto sealed = SealCachedCredentials(Cached(system_clock::now()), kKey, kNonce, name);
  ASSERT_TRUE(sealed);
  EXPECT_FALSE(OpenCachedCredentials(*sealed, std::string(kCacheKeyBytes, 'x'), name));
  EXPECT_FALSE(OpenCachedCredentials(*sealed, kKey, "entry-b"));
  for (size_t at : {size_t{5}, size_t{20}, sealed->size() - 1}) {
    std::string changed = *sealed;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    EXPECT_FALSE(OpenCachedCredentials(changed, kKey, name)) << "byte " << at;
  }
  EXPECT_FALSE(OpenCachedCredentials(sealed->substr(0, 10), kKey, name));
  EXPECT_FALSE(OpenCachedCredentials("", kKey, name));
}

TEST(SealedCache, ErrorsNeverQuoteThePlaintext) {
  auto sealed = SealCachedCredentials(Cached(system_clock::now()), kKey, kNonce, "n");
  ASSERT_TRUE(sealed);
  auto opened = OpenCachedCredentials(*sealed, std::string(kCacheKeyBytes, 'x'), "n");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message.find("secret-access-key-value"), std::string::npos);
}

TEST(SealedCache, RejectsBadKeyAndNonceSizes) {
  const auto cached = Cached(system_clock::now());
  EXPECT_FALSE(SealCachedCredentials(cached, "short", kNonce, "n"));
  EXPECT_FALSE(SealCachedCredentials(cached, kKey, "short", "n"));
}

}  // namespace
}  // namespace audex
