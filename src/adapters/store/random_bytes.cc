// Randomness from the kernel's CSPRNG for keys, nonces and session ids (random_bytes.h).
#include "adapters/store/random_bytes.h"

#include <sys/random.h>

#include <cerrno>

#include "core/audit/session_id.h"

namespace audex {

Result<std::string> RandomBytes(size_t count) {
  // getrandom(2) with no flags: the kernel's CSPRNG, blocking only until it
  // was seeded at boot, so it never returns weaker bytes. OpenSSL's
  // RAND_bytes seeds its own generator from the same source, but setting
  // that generator up cost 7.9 M instructions per process, more than the
  // rest of a `run` (bench/run_vs_cli.sh); the few bytes a process needs
  // are one system call here. A read may be cut short by a signal: go on.
  std::string bytes(count, '\0');
  size_t filled = 0;
  while (filled < count) {
    const ssize_t got = ::getrandom(bytes.data() + filled, count - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      return StateError("the system's random number generator failed; cannot create a key or id");
    }
    filled += static_cast<size_t>(got);
  }
  return bytes;
}

Result<std::string> NewSessionId() {
  auto bytes = RandomBytes(kSessionIdRandomBytes);
  if (!bytes) return tl::unexpected(bytes.error());
  return SessionIdFromRandom(*bytes);
}

}  // namespace audex
