// Randomness from OpenSSL's CSPRNG for keys and session ids (random_bytes.h).
#include "adapters/store/random_bytes.h"

#include <openssl/rand.h>

#include "core/audit/session_id.h"

namespace audex {

Result<std::string> RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    return StateError("the system's random number generator failed; cannot create a key or id");
  }
  return bytes;
}

Result<std::string> NewSessionId() {
  auto bytes = RandomBytes(kSessionIdRandomBytes);
  if (!bytes) return tl::unexpected(bytes.error());
  return SessionIdFromRandom(*bytes);
}

}  // namespace audex
