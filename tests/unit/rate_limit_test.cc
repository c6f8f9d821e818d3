// The team server's token bucket (core/team/rate_limit.h): the burst, the
// refill, Retry-After, clock jumps, and as properties: the same decisions
// as a plain token bucket, never more than the burst plus the refill in any
// window, and a wait that is exact to the microsecond.
#include "core/team/rate_limit.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>

namespace audex {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 2026-05-01T12:00:00Z: a realistic clock reading, far from zero.
const system_clock::time_point kStart = system_clock::time_point(seconds(1'777'636'800));

system_clock::time_point At(int64_t micros_after_start) {
  return kStart + microseconds(micros_after_start);
}

TEST(RateLimit, FullBucketAllowsTheBurstThenRefusesWithRetryAfter) {
  const RateLimit ten_a_minute{10, 10.0 / 60};  // "10/min": one token every 6 s
  std::optional<RateBucket> bucket;
  for (int i = 0; i < 10; ++i) {
    const RateDecision decision = TakeRateToken(ten_a_minute, bucket, kStart);
    ASSERT_TRUE(decision.allowed) << "request " << i + 1;
    bucket = decision.bucket;
  }
  const RateDecision refused = TakeRateToken(ten_a_minute, bucket, kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.wait, seconds(6));
  EXPECT_EQ(refused.retry_after, seconds(6));
  EXPECT_EQ(refused.bucket, *bucket) << "a refusal changes nothing";
  EXPECT_EQ(RateTokensLeft(ten_a_minute, bucket, kStart), 0);

  // Six seconds on, one token has come back, and only one.
  const RateDecision later = TakeRateToken(ten_a_minute, bucket, kStart + seconds(6));
  EXPECT_TRUE(later.allowed);
  EXPECT_FALSE(TakeRateToken(ten_a_minute, later.bucket, kStart + seconds(6)).allowed);
}

TEST(RateLimit, RetryAfterRoundsUpToWholeSecondsAndIsAtLeastOne) {
  const RateLimit fast{1, 4.0};  // a token every 250 ms
  const RateDecision first = TakeRateToken(fast, std::nullopt, kStart);
  ASSERT_TRUE(first.allowed);
  const RateDecision refused = TakeRateToken(fast, first.bucket, At(100'000));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.wait, microseconds(150'000));
  EXPECT_EQ(refused.retry_after, seconds(1));

  const RateLimit slow{1, 1.0 / 90};
  const RateDecision taken = TakeRateToken(slow, std::nullopt, kStart);
  const RateDecision slow_refused = TakeRateToken(slow, taken.bucket, At(500'000));
  EXPECT_EQ(slow_refused.wait, microseconds(89'500'000));
  EXPECT_EQ(slow_refused.retry_after, seconds(90));
}

TEST(RateLimit, AnIdleBucketRefillsOnlyToItsCapacity) {
  const RateLimit limit{3, 1.0};
  std::optional<RateBucket> bucket;
  for (int i = 0; i < 3; ++i) bucket = TakeRateToken(limit, bucket, kStart).bucket;
  EXPECT_EQ(RateTokensLeft(limit, bucket, kStart), 0);
  EXPECT_EQ(RateTokensLeft(limit, bucket, kStart + seconds(2)), 2);
  // An hour idle fills it to 3, not 3,600.
  const auto later = kStart + seconds(3600);
  EXPECT_EQ(RateTokensLeft(limit, bucket, later), 3);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    const RateDecision decision = TakeRateToken(limit, bucket, later);
    if (decision.allowed) {
      ++allowed;
      bucket = decision.bucket;
    }
  }
  EXPECT_EQ(allowed, 3);
}

TEST(RateLimit, AClockFarBehindTheBucketWaitsOneIntervalAtMost) {
  // Another replica's clock was an hour ahead when it wrote the bucket (or
  // this clock stepped back): the caller is not locked out for an hour.
  const RateLimit limit{5, 1.0};
  const RateBucket from_the_future{UnixMicros(kStart + seconds(3600))};
  const RateDecision decision = TakeRateToken(limit, from_the_future, kStart);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.wait, seconds(1));
  EXPECT_EQ(RateTokensLeft(limit, from_the_future, kStart), 0);
}

TEST(RateLimit, CheckRefusesLimitsOutsideTheBounds) {
  EXPECT_TRUE(CheckRateLimit({10, 10.0 / 60}));
  EXPECT_TRUE(CheckRateLimit({1, kMinRefillPerSecond}));
  EXPECT_TRUE(CheckRateLimit({kMaxRateCapacity, kMaxRefillPerSecond}));
  for (const RateLimit bad :
       {RateLimit{0, 1.0}, RateLimit{-1, 1.0}, RateLimit{kMaxRateCapacity + 1, 1.0},
        RateLimit{1, 0.0}, RateLimit{1, -1.0}, RateLimit{1, kMaxRefillPerSecond * 2},
        RateLimit{1, std::numeric_limits<double>::quiet_NaN()},
        RateLimit{1, std::numeric_limits<double>::infinity()}}) {
    const auto checked = CheckRateLimit(bad);
    ASSERT_FALSE(checked) << bad.capacity << " " << bad.refill_per_second;
    EXPECT_EQ(checked.error().kind, ErrorKind::kUsage);
  }
}

// A token bucket written the textbook way, in microseconds of refill: it
// holds `level` (0..capacity * interval), gains one per microsecond that
// passes, and a request takes `interval`.
struct ReferenceBucket {
  int64_t capacity_us;
  int64_t interval;
  int64_t level;
  int64_t last;

  // Allowed, or the microseconds until it would be.
  std::pair<bool, int64_t> Take(int64_t now) {
    if (now > last) {
      level = std::min(capacity_us, level + (now - last));
      last = now;
    }
    if (level >= interval) {
      level -= interval;
      return {true, 0};
    }
    return {false, interval - level};
  }
};

RateLimit GenLimit() {
  const auto capacity = *rc::gen::inRange<int64_t>(1, 50);
  const auto interval = *rc::gen::inRange<int64_t>(1, 5'000'000);
  return RateLimit{capacity, 1e6 / static_cast<double>(interval)};
}

// Gaps between requests: often none (a burst), sometimes long.
std::vector<int64_t> GenTimes(int64_t interval) {
  const auto gaps = *rc::gen::container<std::vector<int64_t>>(
      rc::gen::weightedOneOf<int64_t>({{3, rc::gen::just<int64_t>(0)},
                                       {3, rc::gen::inRange<int64_t>(0, interval * 2)},
                                       {1, rc::gen::inRange<int64_t>(0, interval * 100)}}));
  std::vector<int64_t> times;
  int64_t now = 0;
  for (int64_t gap : gaps) times.push_back(now += gap);
  return times;
}

RC_GTEST_PROP(RateLimit, DecidesExactlyLikeATextbookTokenBucket, ()) {
  const RateLimit limit = GenLimit();
  const int64_t interval = RefillInterval(limit).count();
  RC_ASSERT(interval >= 1);
  ReferenceBucket reference{limit.capacity * interval, interval, limit.capacity * interval,
                            UnixMicros(kStart)};
  std::optional<RateBucket> bucket;
  for (int64_t t : GenTimes(interval)) {
    const int64_t now = UnixMicros(At(t));
    const auto [allowed, wait] = reference.Take(now);
    const RateDecision decision = TakeRateToken(limit, bucket, At(t));
    RC_ASSERT(decision.allowed == allowed);
    if (allowed) {
      bucket = decision.bucket;
    } else {
      RC_ASSERT(decision.wait.count() == wait);
      RC_ASSERT(decision.wait.count() > 0 && decision.wait.count() <= interval);
      RC_ASSERT(decision.retry_after.count() * 1'000'000 >= wait);
      RC_ASSERT((decision.retry_after.count() - 1) * 1'000'000 < std::max<int64_t>(wait, 1));
    }
  }
}

RC_GTEST_PROP(RateLimit, NoWindowGetsMoreThanTheBurstPlusTheRefill, ()) {
  const RateLimit limit = GenLimit();
  const int64_t interval = RefillInterval(limit).count();
  std::optional<RateBucket> bucket;
  std::vector<int64_t> allowed_at;
  for (int64_t t : GenTimes(interval)) {
    const RateDecision decision = TakeRateToken(limit, bucket, At(t));
    if (decision.allowed) {
      bucket = decision.bucket;
      allowed_at.push_back(t);
    }
  }
  for (size_t first = 0; first < allowed_at.size(); ++first) {
    for (size_t last = first; last < allowed_at.size(); ++last) {
      const int64_t span = allowed_at[last] - allowed_at[first];
      const auto count = static_cast<int64_t>(last - first + 1);
      RC_ASSERT(count <= limit.capacity + span / interval);
    }
  }
}

RC_GTEST_PROP(RateLimit, TheWaitIsExactToTheMicrosecond, ()) {
  const RateLimit limit = GenLimit();
  std::optional<RateBucket> bucket;
  int64_t t = 0;
  // Empty the bucket at one instant, then ask once more.
  for (int64_t i = 0; i < limit.capacity; ++i) bucket = TakeRateToken(limit, bucket, At(t)).bucket;
  t += *rc::gen::inRange<int64_t>(0, RefillInterval(limit).count());
  const RateDecision refused = TakeRateToken(limit, bucket, At(t));
  if (refused.allowed) return;  // time passed enough for one token
  const int64_t wait = refused.wait.count();
  RC_ASSERT(!TakeRateToken(limit, bucket, At(t + wait - 1)).allowed);
  RC_ASSERT(TakeRateToken(limit, bucket, At(t + wait)).allowed);
}

}  // namespace
}  // namespace audex
