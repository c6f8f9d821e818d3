// The loopback credential endpoint's decisions, apart from its socket
// (adapters/credserver): who may fetch, what the reply says, and when the
// session's credentials must be issued again (README, "--serve").
//
// The reply is the container-credentials format the AWS SDKs read through
// AWS_CONTAINER_CREDENTIALS_FULL_URI (cloud-facts.md): AccessKeyId,
// SecretAccessKey, Token (not SessionToken), Expiration.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"
#include "core/credentials/child_env.h"

namespace audex {

inline constexpr std::chrono::hours kDefaultServeMaxDuration{12};

// True when `presented` is exactly `expected`. The comparison takes the
// same time wherever the first difference is (CRYPTO_memcmp), so a caller
// cannot find the token byte by byte from response times. An empty
// expected token matches nothing.
bool AuthorizationMatches(std::string_view expected, std::string_view presented);

// The names of the child's variables when served, for the plan: `usual`
// without the static keys, plus the two endpoint variables.
std::vector<std::string> ServedChildVariableNames(const std::vector<std::string>& usual);

// The served child's environment: the session's usual environment without
// the static keys (they would win over the endpoint in every SDK's chain,
// and cannot be renewed), plus AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN.
Environment ServedChildEnvironment(const Environment& usual, const std::string& url,
                                   const SecretString& token);

// The JSON body the SDKs expect. Holds secrets: it goes to the child only.
std::string ContainerCredentialsJson(const AwsCredentials& credentials);

// What the endpoint does with a fetch at `now`.
enum class ServeAction {
  kServe,    // the current credentials are good: serve them
  kRefresh,  // issue new ones first (same role, same session policy)
  kRefuse,   // the --max-duration bound has passed: refuse
};

struct ServeSchedule {
  std::chrono::system_clock::time_point started;  // the first issue
  std::chrono::seconds max_duration{kDefaultServeMaxDuration};
  // Refresh when the current credentials have this little left. botocore
  // itself re-fetches 15 minutes before expiry (cloud-facts.md), so the
  // endpoint renews a little earlier than that, or half-way through
  // credentials that live 30 minutes or less.
  std::optional<std::chrono::seconds> refresh_before;
  // Tests: refresh this long after each issue whatever the expiry
  // (AUDEX_SERVE_REFRESH_SECONDS).
  std::optional<std::chrono::seconds> refresh_after;
};

// Decides for one fetch. `issued` is when the current credentials were
// issued; their expiry is in `current`.
ServeAction DecideServe(const ServeSchedule& schedule, const AwsCredentials& current,
                        std::chrono::system_clock::time_point issued,
                        std::chrono::system_clock::time_point now);

// The lifetime to ask for when refreshing at `now`: `ttl`, shortened so the
// credentials end by the max-duration bound, but never below STS's 900 s.
std::chrono::seconds RefreshDuration(const ServeSchedule& schedule, std::chrono::seconds ttl,
                                     std::chrono::system_clock::time_point now);

}  // namespace audex
