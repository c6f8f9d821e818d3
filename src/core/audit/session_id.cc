// Session ids from random bytes, in lower-case Crockford base32 (session_id.h).
#include "core/audit/session_id.h"

#include "core/base/text.h"

namespace audex {
namespace {

// Crockford's base32 alphabet, lower-cased.
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

bool InAlphabet(char c) { return kAlphabet.find(c) != std::string_view::npos; }

}  // namespace

std::string SessionIdFromRandom(std::string_view random_bytes) {
  std::string id;
  id.reserve(kSessionIdLength);
  unsigned buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < kSessionIdRandomBytes; ++i) {
    const unsigned char byte =
        i < random_bytes.size() ? static_cast<unsigned char>(random_bytes[i]) : 0;
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id.push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
  }
  return id;
}

bool IsSessionId(std::string_view text) {
  if (text.size() != kSessionIdLength) return false;
  for (char c : text) {
    if (!InAlphabet(c)) return false;
  }
  return true;
}

bool IsSessionIdPrefix(std::string_view text) {
  if (text.empty() || text.size() > kSessionIdLength) return false;
  for (char c : text) {
    if (!InAlphabet(AsciiLower(c))) return false;
  }
  return true;
}

}  // namespace audex
