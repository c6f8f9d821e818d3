// aws-chunked re-signing, checked against the worked example of AWS's S3 API
// reference ("Signature calculations for the Authorization Header:
// Transferring payload in multiple chunks": a 66,560-byte object of 'a' in
// a 65,536-byte chunk, a 1,024-byte chunk and the final empty chunk).
#include "core/wire/aws_chunked.h"

#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>

#include "core/wire/sigv4.h"

namespace audex {
namespace {

// The documentation example's key, date, scope and seed signature.
constexpr char kExampleSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kExampleDate[] = "20130524T000000Z";
constexpr char kExampleSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

ChunkSigningKeys ExampleKeys() {
  const SigV4Scope scope{"us-east-1", "s3"};
  return {SigV4SigningKey(SecretString(kExampleSecret), "20130524", scope), kExampleDate,
          SigV4CredentialScope("20130524", scope), kExampleSeed};
}

ChunkSigningKeys SessionKeys() {
  const SigV4Scope scope{"eu-west-1", "s3"};
  return {SigV4SigningKey(SecretString("session-secret"), "20260501", scope), "20260501T120000Z",
          SigV4CredentialScope("20260501", scope), std::string(64, '7')};
}

// The example body exactly as the documentation shows it on the wire.
std::string ExampleBody() {
  const std::string first(65536, 'a');
  const std::string second(1024, 'a');
  return fmt::format("10000;chunk-signature={}\r\n{}\r\n",
                     "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", first) +
         fmt::format("400;chunk-signature={}\r\n{}\r\n",
                     "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", second) +
         "0;chunk-signature="
         "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

TEST(SigV4ChunkSignatureTest, MatchesTheDocumentationExample) {
  const ChunkSigningKeys keys = ExampleKeys();
  const std::string first =
      SigV4ChunkSignature(keys.signing_key, keys.amz_date, keys.credential_scope, kExampleSeed,
                          std::string(65536, 'a'));
  EXPECT_EQ(first, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  const std::string second = SigV4ChunkSignature(
      keys.signing_key, keys.amz_date, keys.credential_scope, first, std::string(1024, 'a'));
  EXPECT_EQ(second, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  EXPECT_EQ(SigV4ChunkSignature(keys.signing_key, keys.amz_date, keys.credential_scope, second, ""),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

// Feeds `body` in pieces of `piece` bytes.
Result<std::string> Resign(const std::string& body, size_t piece, bool* done = nullptr) {
  AwsChunkedResigner resigner(ExampleKeys(), SessionKeys(), false);
  std::string out;
  for (size_t at = 0; at < body.size(); at += piece) {
    auto fed = resigner.Feed(std::string_view(body).substr(at, piece), &out);
    if (!fed) return tl::unexpected(fed.error());
  }
  if (done != nullptr) *done = resigner.done();
  return out;
}

TEST(AwsChunkedResignerTest, WritesTheSameChunksSignedWithTheNewKey) {
  const std::string body = ExampleBody();
  for (const size_t piece : {size_t{1}, size_t{7}, size_t{4096}, body.size()}) {
    bool done = false;
    auto out = Resign(body, piece, &done);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_TRUE(done);
    ASSERT_EQ(out->size(), body.size()) << "piece " << piece;
    // Read the output back as a receiver holding the session key would.
    const ChunkSigningKeys keys = SessionKeys();
    std::string previous = keys.seed_signature;
    size_t at = 0;
    for (const size_t size : {65536u, 1024u, 0u}) {
      const size_t line_end = out->find("\r\n", at);
      const std::string line = out->substr(at, line_end - at);
      EXPECT_EQ(line.substr(0, line.find(';')), fmt::format("{:x}", size));
      const std::string data = out->substr(line_end + 2, size);
      EXPECT_EQ(data, std::string(size, 'a'));
      const std::string expected = SigV4ChunkSignature(keys.signing_key, keys.amz_date,
                                                       keys.credential_scope, previous, data);
      EXPECT_EQ(line.substr(line.find('=') + 1), expected);
      previous = expected;
      at = line_end + 2 + size + 2;
    }
    EXPECT_EQ(at, out->size());
  }
}

TEST(AwsChunkedResignerTest, RefusesAlteredDataAndBadFraming) {
  std::string altered = ExampleBody();
  altered[100] = 'b';
  auto tampered = Resign(altered, 1000);
  ASSERT_FALSE(tampered);
  EXPECT_NE(tampered.error().message.find("sender's signature"), std::string::npos);

  EXPECT_FALSE(Resign("zz;chunk-signature=00\r\n", 100));
  EXPECT_FALSE(Resign("10\r\n0123456789abcdef\r\n", 100));
  EXPECT_FALSE(Resign(
      fmt::format("{:x};chunk-signature=00\r\n", AwsChunkedResigner::kMaxChunkSize + 1), 100));
}

TEST(AwsChunkedResignerTest, ResignsASignedTrailer) {
  const ChunkSigningKeys in = ExampleKeys();
  const std::string data = "hello";
  const std::string s1 = SigV4ChunkSignature(in.signing_key, in.amz_date, in.credential_scope,
                                             in.seed_signature, data);
  const std::string s2 =
      SigV4ChunkSignature(in.signing_key, in.amz_date, in.credential_scope, s1, "");
  const std::string trailer = "x-amz-checksum-crc32:sOO8/Q==\n";
  const std::string ts =
      SigV4TrailerSignature(in.signing_key, in.amz_date, in.credential_scope, s2, trailer);
  const std::string body = fmt::format(
      "5;chunk-signature={}\r\nhello\r\n0;chunk-signature={}\r\nx-amz-checksum-crc32:sOO8/Q==\r\n"
      "x-amz-trailer-signature:{}\r\n\r\n",
      s1, s2, ts);
  AwsChunkedResigner resigner(in, SessionKeys(), true);
  std::string out;
  auto fed = resigner.Feed(body, &out);
  ASSERT_TRUE(fed) << fed.error().message;
  EXPECT_TRUE(resigner.done());
  EXPECT_EQ(out.size(), body.size());
  const ChunkSigningKeys keys = SessionKeys();
  const std::string o1 = SigV4ChunkSignature(keys.signing_key, keys.amz_date, keys.credential_scope,
                                             keys.seed_signature, data);
  const std::string o2 =
      SigV4ChunkSignature(keys.signing_key, keys.amz_date, keys.credential_scope, o1, "");
  const std::string ots =
      SigV4TrailerSignature(keys.signing_key, keys.amz_date, keys.credential_scope, o2, trailer);
  EXPECT_NE(out.find("x-amz-trailer-signature:" + ots + "\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace audex
