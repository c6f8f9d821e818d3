// The browser login's PKCE and authorization request (core/identity/pkce.h).
#include "core/identity/pkce.h"

#include <gtest/gtest.h>

#include <string>

namespace audex {
namespace {

TEST(PkceTest, ChallengeIsRfc7636AppendixB) {
  // RFC 7636 Appendix B: the example verifier and its S256 challenge.
  EXPECT_EQ(PkceChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(PkceTest, Base64UrlHasNoPaddingAndTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
}

TEST(PkceTest, BindingIsDerivedFromKeyAndStateAlone) {
  const std::string state(64, 'a');
  const LoginBinding first = DeriveLoginBinding("key one", state);
  const LoginBinding again = DeriveLoginBinding("key one", state);
  EXPECT_EQ(first.code_verifier, again.code_verifier);
  EXPECT_EQ(first.nonce, again.nonce);
  // RFC 7636 §4.1: 43 to 128 unreserved characters.
  EXPECT_EQ(first.code_verifier.size(), 43u);
  EXPECT_EQ(first.code_verifier.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
            std::string::npos);
  EXPECT_NE(first.code_verifier, first.nonce);
  EXPECT_NE(DeriveLoginBinding("key two", state).code_verifier, first.code_verifier);
  EXPECT_NE(DeriveLoginBinding("key one", std::string(64, 'b')).nonce, first.nonce);
}

TEST(PkceTest, AuthorizationUrlCarriesStateNonceAndS256Challenge) {
  AuthorizationRequest request;
  request.authorization_endpoint = "https://idp.example/auth";
  request.client_id = "audex-cli";
  request.redirect_uri = "https://audex.example/ui/callback";
  request.scope = "openid email groups";
  const LoginBinding binding = DeriveLoginBinding("k", std::string(64, 'c'));
  const std::string url = AuthorizationUrl(request, binding);
  EXPECT_EQ(url.rfind("https://idp.example/auth?response_type=code&client_id=audex-cli&", 0), 0u)
      << url;
  EXPECT_NE(url.find("redirect_uri=https%3A%2F%2Faudex.example%2Fui%2Fcallback"), std::string::npos)
      << url;
  EXPECT_NE(url.find("scope=openid%20email%20groups"), std::string::npos) << url;
  EXPECT_NE(url.find("state=" + binding.state), std::string::npos);
  EXPECT_NE(url.find("nonce=" + binding.nonce), std::string::npos);
  EXPECT_NE(url.find("code_challenge=" + PkceChallengeS256(binding.code_verifier)),
            std::string::npos);
  EXPECT_NE(url.find("code_challenge_method=S256"), std::string::npos);
  // The verifier itself never leaves in the browser's URL.
  EXPECT_EQ(url.find(binding.code_verifier), std::string::npos);
  request.authorization_endpoint = "https://idp.example/auth?tenant=x";
  EXPECT_NE(AuthorizationUrl(request, binding).find("tenant=x&response_type=code"),
            std::string::npos);
}

}  // namespace
}  // namespace audex
