// RateLimit: a token bucket kept as one timestamp, the way the generic cell
// rate algorithm (GCRA, ITU-T I.371) keeps it. The team server limits each
// caller (and caller × profile) with one bucket shared by every replica;
// this is the arithmetic, the store does the atomic read-modify-write.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/base/result.h"

namespace audex {

// A bucket that holds `capacity` tokens and gains `refill_per_second`
// tokens a second: `capacity` requests may come at once, then one every
// 1 / refill_per_second seconds.
struct RateLimit {
  int64_t capacity = 1;
  double refill_per_second = 1.0;
};

// Bounds that keep every product below 2^63 microseconds: capacity
// 1..1,000,000; one token at least every 1,000,000 s (11.6 days) and at
// most every microsecond.
inline constexpr int64_t kMaxRateCapacity = 1'000'000;
inline constexpr double kMinRefillPerSecond = 1e-6;
inline constexpr double kMaxRefillPerSecond = 1e6;

// kUsage naming the bound a limit breaks (capacity below 1, a refill rate
// that is not a positive number or out of range).
Result<void> CheckRateLimit(const RateLimit& limit);

// The time between two tokens, rounded to whole microseconds (at least 1).
std::chrono::microseconds RefillInterval(const RateLimit& limit);

// A bucket's whole state: the time at which it will be full again if no
// more tokens are taken (GCRA's "theoretical arrival time"), in
// microseconds since the Unix epoch. A bucket whose full_at has passed is
// full, exactly like a bucket that was never used, so such rows can be
// deleted at any time.
struct RateBucket {
  int64_t full_at_us = 0;

  friend bool operator==(const RateBucket&, const RateBucket&) = default;
};

struct RateDecision {
  bool allowed = false;
  // The state to store. When refused, the state that was read: nothing
  // needs writing.
  RateBucket bucket;
  // Refused: how long until the next token, in (0, RefillInterval].
  std::chrono::microseconds wait{0};
  // `wait` rounded up to whole seconds, at least 1: the Retry-After value
  // (RFC 9110, section 10.2.3, takes delay-seconds as an integer).
  std::chrono::seconds retry_after{0};
};

// Takes one token from `bucket` (nullopt: never used, so full) at `now`.
// `limit` must pass CheckRateLimit. A bucket that claims to be fuller than
// empty by more than a whole bucket (a replica's clock was ahead, or the
// clock stepped back) counts as just empty, so a clock jump never locks a
// caller out for longer than one refill interval.
RateDecision TakeRateToken(const RateLimit& limit, std::optional<RateBucket> bucket,
                           std::chrono::system_clock::time_point now);

// Whole tokens left at `now` (for a RateLimit-Remaining header or a metric).
int64_t RateTokensLeft(const RateLimit& limit, std::optional<RateBucket> bucket,
                       std::chrono::system_clock::time_point now);

// Microseconds since the Unix epoch, the unit of RateBucket.
int64_t UnixMicros(std::chrono::system_clock::time_point time);

}  // namespace audex
