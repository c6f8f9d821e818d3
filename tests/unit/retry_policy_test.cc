// The retry decision: what is retried, how often, and how long to wait.
#include "core/base/retry_policy.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, RetriesOnlyTransientFailures) {
  EXPECT_TRUE(IsRetryable(AttemptOutcome::kConnectionFailure));
  EXPECT_TRUE(IsRetryable(AttemptOutcome::kTimeout));
  EXPECT_TRUE(IsRetryable(AttemptOutcome::kServerError));
  EXPECT_TRUE(IsRetryable(AttemptOutcome::kThrottled));
  EXPECT_FALSE(IsRetryable(AttemptOutcome::kClientError));
  EXPECT_FALSE(IsRetryable(AttemptOutcome::kPermanent));
  EXPECT_FALSE(IsRetryable(AttemptOutcome::kSuccess));
  const RetryPolicy policy;
  EXPECT_FALSE(NextRetryDelay(policy, AttemptOutcome::kClientError, 1, 0.5));
}

TEST(RetryPolicy, BoundedAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  EXPECT_TRUE(NextRetryDelay(policy, AttemptOutcome::kServerError, 1, 0.5));
  EXPECT_TRUE(NextRetryDelay(policy, AttemptOutcome::kServerError, 2, 0.5));
  EXPECT_FALSE(NextRetryDelay(policy, AttemptOutcome::kServerError, 3, 0.5));
  policy.max_attempts = 1;
  EXPECT_FALSE(NextRetryDelay(policy, AttemptOutcome::kThrottled, 1, 0.5));
}

TEST(RetryPolicy, FullJitterExponentialCappedBackoff) {
  RetryPolicy policy;
  policy.max_attempts = 100;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  // The ceiling doubles per attempt: 100, 200, 400, 800, then the cap.
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 1, 0.999999), milliseconds(99));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 2, 0.5), milliseconds(100));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 3, 0.5), milliseconds(200));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 4, 0.5), milliseconds(400));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 5, 0.5), milliseconds(500));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 90, 0.5), milliseconds(500));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 3, 0.0), milliseconds(0));
  // Out-of-range random numbers are clamped rather than trusted.
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 5, 7.0), milliseconds(1000));
  EXPECT_EQ(NextRetryDelay(policy, AttemptOutcome::kTimeout, 5, -1.0), milliseconds(0));
}

}  // namespace
}  // namespace audex
