// The token bucket as GCRA arithmetic (rate_limit.h).
#include "core/team/rate_limit.h"

#include <cmath>

#include <fmt/format.h>

namespace audex {

Result<void> CheckRateLimit(const RateLimit& limit) {
  if (limit.capacity < 1 || limit.capacity > kMaxRateCapacity) {
    return UsageError(fmt::format("a rate limit's burst must be 1 to {} requests, not {}",
                                  kMaxRateCapacity, limit.capacity));
  }
  // The negated comparison also refuses NaN.
  if (!(limit.refill_per_second >= kMinRefillPerSecond &&
        limit.refill_per_second <= kMaxRefillPerSecond)) {
    return UsageError(
        fmt::format("a rate limit must allow between one request every {:.0f} seconds and {:.0f} "
                    "requests a second",
                    1 / kMinRefillPerSecond, kMaxRefillPerSecond));
  }
  return {};
}

std::chrono::microseconds RefillInterval(const RateLimit& limit) {
  const auto interval = static_cast<int64_t>(std::llround(1e6 / limit.refill_per_second));
  return std::chrono::microseconds(std::max<int64_t>(interval, 1));
}

int64_t UnixMicros(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

namespace {

// full_at, never earlier than `now` (a full bucket) and never later than
// an empty one would be (see TakeRateToken).
int64_t EffectiveFullAt(int64_t capacity_us, std::optional<RateBucket> bucket, int64_t now) {
  if (!bucket || bucket->full_at_us < now) return now;
  return std::min(bucket->full_at_us, now + capacity_us);
}

}  // namespace

RateDecision TakeRateToken(const RateLimit& limit, std::optional<RateBucket> bucket,
                           std::chrono::system_clock::time_point now) {
  const int64_t interval = RefillInterval(limit).count();
  const int64_t capacity_us = limit.capacity * interval;  // <= 1e6 * 1e12 < 2^63
  const int64_t now_us = UnixMicros(now);
  // Taking a token moves full_at one interval later; the bucket holds at
  // most `capacity` intervals, so the token is there only if the new
  // full_at is at most that far ahead.
  const int64_t next_full_at = EffectiveFullAt(capacity_us, bucket, now_us) + interval;
  RateDecision decision;
  if (next_full_at - now_us <= capacity_us) {
    decision.allowed = true;
    decision.bucket = RateBucket{next_full_at};
    return decision;
  }
  decision.bucket = bucket.value_or(RateBucket{});
  decision.wait = std::chrono::microseconds(next_full_at - now_us - capacity_us);
  decision.retry_after =
      std::chrono::seconds(std::max<int64_t>(1, (decision.wait.count() + 999'999) / 1'000'000));
  return decision;
}

int64_t RateTokensLeft(const RateLimit& limit, std::optional<RateBucket> bucket,
                       std::chrono::system_clock::time_point now) {
  const int64_t interval = RefillInterval(limit).count();
  const int64_t capacity_us = limit.capacity * interval;
  const int64_t now_us = UnixMicros(now);
  return (capacity_us - (EffectiveFullAt(capacity_us, bucket, now_us) - now_us)) / interval;
}

}  // namespace audex
