// The team store's pure parts: API token spelling, hashing and checks,
// status names (core/team/team_records.h), and store URLs with their
// passwords masked (core/team/store_url.h).
#include "core/team/team_records.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/base/crypto.h"
#include "core/team/store_url.h"

namespace audex {
namespace {

using std::chrono::seconds;

const TimePoint kNow = FromUnixSeconds(1'777'636'800);

TEST(ApiToken, IsThePrefixAndTheRandomBytesInHex) {
  const std::string random(kApiTokenRandomBytes, '\xab');
  const SecretString token = ApiTokenFromRandom(random);
  std::string expected = "audex_";
  for (size_t i = 0; i < kApiTokenRandomBytes; ++i) expected += "ab";
  EXPECT_EQ(token.Reveal(), expected);
  EXPECT_EQ(token.size(), 6u + 64u);
  EXPECT_TRUE(LooksLikeApiToken(token.Reveal()));
}

TEST(ApiToken, ShapeCheckRefusesLookAlikes) {
  const std::string good = "audex_" + std::string(64, '0');
  EXPECT_TRUE(LooksLikeApiToken(good));
  EXPECT_FALSE(LooksLikeApiToken(good.substr(0, good.size() - 1)));
  EXPECT_FALSE(LooksLikeApiToken(good + "0"));
  EXPECT_FALSE(LooksLikeApiToken("audex_" + std::string(63, '0') + "G"));
  EXPECT_FALSE(LooksLikeApiToken("audex_" + std::string(63, '0') + "A"));        // lower case only
  EXPECT_FALSE(LooksLikeApiToken("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"));  // a JWT
  EXPECT_FALSE(LooksLikeApiToken(""));
}

TEST(ApiToken, HashIsSha256OfTheWholeTokenText) {
  const SecretString token("audex_" + std::string(64, '1'));
  EXPECT_EQ(ApiTokenHash(token), Sha256Hex(token.Reveal()));
  EXPECT_EQ(ApiTokenHash(token).size(), 64u);
  EXPECT_NE(ApiTokenHash(token), ApiTokenHash(SecretString("audex_" + std::string(64, '2'))));
}

RC_GTEST_PROP(ApiToken, DifferentRandomBytesGiveDifferentTokensAndHashes, ()) {
  const auto a = *rc::gen::container<std::string>(kApiTokenRandomBytes, rc::gen::arbitrary<char>());
  const auto b = *rc::gen::container<std::string>(kApiTokenRandomBytes, rc::gen::arbitrary<char>());
  RC_PRE(a != b);
  const SecretString token_a = ApiTokenFromRandom(a);
  const SecretString token_b = ApiTokenFromRandom(b);
  RC_ASSERT(LooksLikeApiToken(token_a.Reveal()));
  RC_ASSERT(!(token_a == token_b));
  RC_ASSERT(ApiTokenHash(token_a) != ApiTokenHash(token_b));
  // The hash is not the token, nor does it contain its random part.
  RC_ASSERT(ApiTokenHash(token_a).find(HexEncode(a)) == std::string::npos);
}

ApiToken Token() {
  ApiToken token;
  token.id = "0123456789abcdef";
  token.name = "ci-deploy";
  token.created_at = kNow - seconds(60);
  return token;
}

TEST(ApiToken, UsableUntilRevokedOrExpired) {
  ApiToken token = Token();
  EXPECT_TRUE(CheckApiTokenUsable(token, kNow));
  token.expires_at = kNow + seconds(1);
  EXPECT_TRUE(CheckApiTokenUsable(token, kNow));
  token.expires_at = kNow;
  auto expired = CheckApiTokenUsable(token, kNow);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(expired.error().message.find("ci-deploy"), std::string::npos);
  EXPECT_NE(expired.error().message.find("expired at 2026-05-01T12:00:00Z"), std::string::npos);

  token = Token();
  token.revoked_at = kNow - seconds(5);
  auto revoked = CheckApiTokenUsable(token, kNow);
  ASSERT_FALSE(revoked);
  EXPECT_NE(revoked.error().message.find("was revoked"), std::string::npos);
}

TEST(TeamRecords, StatusNamesRoundTrip) {
  for (GrantStatus status : kAllGrantStatuses) {
    EXPECT_EQ(ParseGrantStatus(GrantStatusName(status)), status);
  }
  EXPECT_EQ(GrantStatusName(GrantStatus::kPendingApproval), "pending_approval");
  EXPECT_EQ(ParseGrantStatus("Issued"), std::nullopt);
  for (ApprovalStatus status :
       {ApprovalStatus::kPending, ApprovalStatus::kApproved, ApprovalStatus::kDenied,
        ApprovalStatus::kExpired, ApprovalStatus::kCancelled}) {
    EXPECT_EQ(ParseApprovalStatus(ApprovalStatusName(status)), status);
  }
  EXPECT_EQ(ParseRevocationScope("caller"), RevocationScope::kCaller);
  EXPECT_EQ(RevocationScopeName(RevocationScope::kGrant), "grant");
  EXPECT_EQ(ParseRevocationScope("role"), std::nullopt);
}

TEST(TeamRecords, UnixSecondsRoundTrip) {
  EXPECT_EQ(UnixSeconds(kNow), 1'777'636'800);
  EXPECT_EQ(FromUnixSeconds(UnixSeconds(kNow)), kNow);
  EXPECT_EQ(UnixSeconds(kNow + std::chrono::milliseconds(999)), 1'777'636'800);
}

TEST(StoreUrl, SqliteFormsAndPlainPaths) {
  auto absolute = ParseStoreUrl("sqlite:///var/lib/audex/team.db");
  ASSERT_TRUE(absolute) << absolute.error().message;
  EXPECT_EQ(absolute->backend, StoreBackend::kSqlite);
  EXPECT_EQ(absolute->sqlite_path, "/var/lib/audex/team.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:team.db")->sqlite_path, "team.db");
  EXPECT_EQ(ParseStoreUrl("state/team.db")->sqlite_path, "state/team.db");
  EXPECT_EQ(ParseStoreUrl("/abs/team.db")->backend, StoreBackend::kSqlite);
}

TEST(StoreUrl, PostgresUrlsKeepTheirTextAndMaskThePassword) {
  const std::string text = "postgresql://audex:s3cret-pw@db.internal:5432/audex?sslmode=require";
  auto url = ParseStoreUrl(text);
  ASSERT_TRUE(url);
  EXPECT_EQ(url->backend, StoreBackend::kPostgres);
  EXPECT_EQ(url->postgres_url.Reveal(), text);
  EXPECT_EQ(url->display, "postgresql://audex:****@db.internal:5432/audex?sslmode=require");
  EXPECT_EQ(ParseStoreUrl("postgres://h/db")->backend, StoreBackend::kPostgres);
  EXPECT_EQ(RedactStoreUrl("postgresql://h/db?user=a&password=hunter2&sslmode=disable"),
            "postgresql://h/db?user=a&password=****&sslmode=disable");
  EXPECT_EQ(RedactStoreUrl("postgresql://a@h/db"), "postgresql://a@h/db");
  EXPECT_EQ(RedactStoreUrl("postgresql://a:p@ss@h/db"), "postgresql://a:****@h/db");
}

TEST(StoreUrl, RefusesWhatItCannotOpenAndNamesTheForms) {
  for (const char* bad : {"", "sqlite:", "sqlite://host/file.db", "mysql://u:pw@h/db"}) {
    auto url = ParseStoreUrl(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().kind, ErrorKind::kUsage);
    EXPECT_NE(url.error().message.find("sqlite:///ABSOLUTE/PATH"), std::string::npos) << bad;
  }
  // The message for an unknown scheme does not repeat its password.
  EXPECT_EQ(ParseStoreUrl("mysql://u:pw@h/db").error().message.find(":pw@"), std::string::npos);
}

}  // namespace
}  // namespace audex
