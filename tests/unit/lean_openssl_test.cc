// The lean OpenSSL start of a cache hit (adapters/store/lean_openssl.h):
// when it is taken, and that the cache's algorithms work under it exactly as
// under OpenSSL's full start. ctest runs each test in a process of its own,
// so the lean start below comes before any other use of libcrypto.
#include "adapters/store/lean_openssl.h"

#include <gtest/gtest.h>

#include <string>

#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/credentials/credential_cache.h"

namespace audex {
namespace {

EnvLookup With(Environment environment) { return LookupIn(std::move(environment)); }

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

TEST(LeanOpenSsl, AnExplicitConfigurationOrTheFullStartVariableKeepsTheFullStart) {
  EXPECT_FALSE(StartOpenSslLean(With({{"OPENSSL_CONF", "/etc/ssl/fips.cnf"}})));
  EXPECT_FALSE(StartOpenSslLean(With({{kOpenSslFullStartVariable, "1"}})));
}

// An entry sealed outside Audex, with Python's `cryptography` (AESGCM):
//   key = b"k" * 32; nonce = b"n" * 12; name = "0" * 64
//   b"AXC1" + nonce + AESGCM(key).encrypt(nonce, json.dumps({...},
//       separators=(",", ":"), sort_keys=True).encode(), name.encode())
// with the fields checked below (nlohmann::json keeps its keys sorted, as
// SealCachedCredentials writes them).
constexpr std::string_view kSealedElsewhere =
    "415843316e6e6e6e6e6e6e6e6e6e6e6ee31986d372d1f6aa134f6e3ddcc0c8f6b9c99eef59f06bbc7c373302f7"
    "ed3501cad63be37d3c471cbbb6978c8e821d9f87361e9bb0ff26d52500beec07c8fc83c7d13f1c8555af467252"
    "722024dcdd64136ba9de50812807a394a588fa3657183279f334c0e3d9112e4de6489388187f6d3a103f648f79"
    "3d73362fdd3c7014a486a203ade43160c075054dbf114a59c0a0ab1c2742237288d6df8db8ce63338dd33538cf"
    "53bca23675990fa78a304e9c37f714a1db6f7974f32466e90ab19751d19b62bcc8b32485692f5c733ff5e7b480"
    "f2e78b1dc33f";

TEST(LeanOpenSsl, OpensSealsAndMacsAsTheFullStartDoes) {
  // An empty OPENSSL_CONF means unset, as for every variable Audex reads.
  ASSERT_TRUE(StartOpenSslLean(With({{"OPENSSL_CONF", ""}})));
  const std::string key(kCacheKeyBytes, 'k');
  const std::string name(64, '0');
  const std::string sealed = FromHex(kSealedElsewhere);

  const auto opened = OpenCachedCredentials(sealed, key, name);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(opened->credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(opened->credentials.secret_access_key.Reveal(), "secret-access-key-value");
  EXPECT_EQ(opened->credentials.session_token.Reveal(), "session-token-value");
  EXPECT_EQ(opened->credentials.expiration, ParseRfc3339("2026-05-01T13:00:00Z"));
  EXPECT_EQ(opened->session_id, "s-0001");
  // Sealing again with the same key and nonce gives the same bytes.
  const auto resealed =
      SealCachedCredentials(*opened, key, std::string(kCacheNonceBytes, 'n'), name);
  ASSERT_TRUE(resealed.has_value());
  EXPECT_EQ(*resealed, sealed);
  EXPECT_FALSE(OpenCachedCredentials(sealed, key, std::string(64, '1')).has_value())
      << "the entry's name is authenticated";

  // The audit chain's MAC: RFC 4231, test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The entry's name: SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace audex
