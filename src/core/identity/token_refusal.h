// TokenRefusal: why a presented OIDC ID token was not accepted, naming the
// check that refused it ("aud", "exp", "signature", ...). The server logs
// it and answers 401; it never holds the token itself.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace audex {

struct TokenRefusal {
  std::string check;   // the check's short name: "alg", "iss", "aud", "bind:ref", ...
  std::string reason;  // one line saying what was wrong

  // "aud: the token is for ..." (what a log line shows).
  std::string Describe() const { return check + ": " + reason; }
};

template <typename T>
using TokenResult = tl::expected<T, TokenRefusal>;

inline tl::unexpected<TokenRefusal> Refuse(std::string check, std::string reason) {
  return tl::unexpected(TokenRefusal{std::move(check), std::move(reason)});
}

// A claim or header value quoted for a refusal: at most 80 characters,
// printable ASCII only (others become '?'). The values come from whoever
// sent the token and end up in the server's log.
std::string QuoteUntrusted(std::string_view value);

}  // namespace audex
