// RFC 3339 timestamps as STS, moto and radosgw write them.
#include "core/base/rfc3339.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

using std::chrono::system_clock;

int64_t EpochNanos(system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

TEST(Rfc3339, AnyNumberOfFractionalDigits) {
  const int64_t base = 1767225600LL * 1'000'000'000;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(EpochNanos(*ParseRfc3339("2026-01-01T00:00:00Z")), base);
  EXPECT_EQ(EpochNanos(*ParseRfc3339("2026-01-01T00:00:00.5Z")), base + 500'000'000);
  EXPECT_EQ(EpochNanos(*ParseRfc3339("2026-01-01T00:00:00.123456Z")), base + 123'456'000);
  EXPECT_EQ(EpochNanos(*ParseRfc3339("2026-01-01T00:00:00.123456789Z")), base + 123'456'789);
  EXPECT_EQ(EpochNanos(*ParseRfc3339("2026-01-01T00:00:00.1234567891234Z")), base + 123'456'789);
}

TEST(Rfc3339, OffsetsAndLowerCase) {
  EXPECT_EQ(ParseRfc3339("2026-01-01T02:30:00+02:30"), ParseRfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(ParseRfc3339("2025-12-31T23:00:00-01:00"), ParseRfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(ParseRfc3339("2026-01-01t00:00:00z"), ParseRfc3339("2026-01-01T00:00:00Z"));
}

TEST(Rfc3339, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00Zjunk", "2026-01-01 00:00:00Z", "26-01-01T00:00:00Z",
        "2026-01-01T00:00:00+0100", "0010-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

TEST(Rfc3339, FormatsWholeSecondsUtc) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2024-02-29T23:59:59.999999Z")), "2024-02-29T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  const auto round_trip = ParseRfc3339(FormatRfc3339(*ParseRfc3339("2031-07-04T08:09:10Z")));
  EXPECT_EQ(FormatRfc3339(*round_trip), "2031-07-04T08:09:10Z");
}

}  // namespace
}  // namespace audex
