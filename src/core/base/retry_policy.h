// When a failed call to a cloud API is tried again, and after how long:
// jittered exponential backoff with a bounded number of attempts. Pure: the
// caller supplies the random number and does the sleeping.
#pragma once

#include <chrono>
#include <optional>

namespace audex {

// How one attempt ended, as far as retrying is concerned.
enum class AttemptOutcome {
  kSuccess,
  kConnectionFailure,  // could not connect, connection reset, DNS failure
  kTimeout,            // the connect or total timeout expired
  kServerError,        // HTTP 5xx
  kThrottled,          // HTTP 429, or a throttling error code (Throttling, ...)
  kClientError,        // any other 4xx: the request itself is wrong
  kPermanent,          // anything else that trying again cannot fix (TLS, bad reply)
};

struct RetryPolicy {
  int max_attempts = 4;  // including the first
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{5000};
};

// Connection failures, timeouts, 5xx and throttling are transient; a 4xx
// means the request (policy, role, signature) is wrong and would fail again.
bool IsRetryable(AttemptOutcome outcome);

// The delay before the next attempt after attempt number `attempt` (1 for
// the first) ended with `outcome`, or nullopt to stop and report it.
// "Full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"):
// uniform in [0, min(max_delay, base_delay * 2^(attempt-1))], so processes
// throttled together do not retry together. `random01` is in [0, 1).
std::optional<std::chrono::milliseconds> NextRetryDelay(const RetryPolicy& policy,
                                                        AttemptOutcome outcome, int attempt,
                                                        double random01);

}  // namespace audex
