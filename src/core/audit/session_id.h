// SessionId: the name of one session, in file names, audit lines, the
// child's AUDEX_SESSION_ID and STS's RoleSessionName. Sixteen characters of
// Crockford's base32 in lower case (80 random bits): safe in URLs and file
// names, short enough to type, and free of the look-alikes i, l, o and u.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace audex {

inline constexpr size_t kSessionIdRandomBytes = 10;  // 80 bits = 16 base32 digits
inline constexpr size_t kSessionIdLength = 16;

// The id spelled by the first kSessionIdRandomBytes of `random_bytes`; the
// caller supplies the randomness (core has none). Fewer bytes are padded
// with zeros, which only a broken random source would cause.
std::string SessionIdFromRandom(std::string_view random_bytes);

// Exactly kSessionIdLength characters of the id alphabet.
bool IsSessionId(std::string_view text);

// A non-empty beginning of an id: what `sessions show` and `audit show
// --session` accept. Upper case is accepted and means the same.
bool IsSessionIdPrefix(std::string_view text);

}  // namespace audex
