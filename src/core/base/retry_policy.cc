// Retry decisions for cloud API calls.
#include "core/base/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace audex {

bool IsRetryable(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kConnectionFailure:
    case AttemptOutcome::kTimeout:
    case AttemptOutcome::kServerError:
    case AttemptOutcome::kThrottled:
      return true;
    case AttemptOutcome::kSuccess:
    case AttemptOutcome::kClientError:
    case AttemptOutcome::kPermanent:
      return false;
  }
  return false;
}

std::optional<std::chrono::milliseconds> NextRetryDelay(const RetryPolicy& policy,
                                                        AttemptOutcome outcome, int attempt,
                                                        double random01) {
  if (!IsRetryable(outcome) || attempt < 1 || attempt >= policy.max_attempts) return std::nullopt;
  // 2^(attempt-1) computed in floating point and capped, so a large attempt
  // count cannot overflow.
  const double ceiling =
      std::min(static_cast<double>(policy.max_delay.count()),
               static_cast<double>(policy.base_delay.count()) * std::pow(2.0, attempt - 1));
  const double fraction = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * fraction));
}

}  // namespace audex
