// A managed-identity endpoint on the loopback interface that serves one
// session's Azure token to one child, the way aws-vault's local server
// serves AWS credentials: a random per-session secret in the path and the
// header, and nothing after the session's TTL. The Azure CLI finds it
// through MSI_ENDPOINT (POST, form `resource`, header Metadata: true), the
// Azure SDKs through IDENTITY_ENDPOINT + IDENTITY_HEADER (GET, 2019-08-01).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/base/result.h"
#include "core/base/secret.h"

namespace audex {

class LocalIdentityEndpoint {
 public:
  // Binds 127.0.0.1 on a free port and serves in a thread of its own.
  // `secret` must be unguessable (random bytes, hex). The token is served
  // until `serve_until`, with `expires_on` = `token_expiry`.
  static Result<std::unique_ptr<LocalIdentityEndpoint>> Start(
      SecretString token, std::chrono::system_clock::time_point token_expiry,
      std::chrono::system_clock::time_point serve_until, SecretString secret);

  ~LocalIdentityEndpoint();  // stops the server and joins its thread
  LocalIdentityEndpoint(const LocalIdentityEndpoint&) = delete;
  LocalIdentityEndpoint& operator=(const LocalIdentityEndpoint&) = delete;

  std::string MsiEndpoint() const;       // http://127.0.0.1:PORT/SECRET/msi/token
  std::string IdentityEndpoint() const;  // http://127.0.0.1:PORT/SECRET/identity/token
  int requests_served() const;

 private:
  struct State;
  explicit LocalIdentityEndpoint(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace audex
