// Cryptographic hashes as pure functions of their input: SHA-256 and
// HMAC-SHA256, used by SigV4 signing and by the audit log's HMAC chain.
#pragma once

#include <string>
#include <string_view>

namespace audex {

// SHA-256 of `data` as 64 lower-case hex digits (SigV4 wants lower-case hex).
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 of `data` under `key`: the 32 raw bytes of the MAC, not hex,
// because SigV4 chains raw MACs as the next key.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of arbitrary bytes (for printing a raw MAC).
std::string HexEncode(std::string_view bytes);

}  // namespace audex
