#include "core/plan/ttl.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

using std::chrono::seconds;

TEST(ParseTtl, AcceptsTheDocumentedForms) {
  EXPECT_EQ(ParseTtl("90s").value(), seconds(90));
  EXPECT_EQ(ParseTtl("15m").value(), seconds(900));
  EXPECT_EQ(ParseTtl("1h").value(), seconds(3600));
  EXPECT_EQ(ParseTtl("1h30m").value(), seconds(5400));
  EXPECT_EQ(ParseTtl("2h0m15s").value(), seconds(7215));
}

TEST(ParseTtl, RejectsWithTheAcceptedForms) {
  for (const char* bad : {"", "15", "15x", "m", "1m1h", "1h1h", "-5m", "1.5h", "0s", "15 m"}) {
    const auto parsed = ParseTtl(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kUsage);
    EXPECT_NE(parsed.error().message.find("90s, 15m, 1h or 1h30m"), std::string::npos) << bad;
  }
}

TEST(FormatTtl, RoundTripsThroughParse) {
  for (long long s : {1LL, 59LL, 60LL, 900LL, 3600LL, 5400LL, 43200LL, 3661LL}) {
    EXPECT_EQ(ParseTtl(FormatTtl(seconds(s))).value(), seconds(s)) << s;
  }
  EXPECT_EQ(FormatTtl(seconds(5400)), "1h30m");
}

TEST(CheckTtlBounds, AwsAllows900To43200Seconds) {
  EXPECT_TRUE(CheckTtlBounds(Provider::kAws, seconds(900)).has_value());
  EXPECT_TRUE(CheckTtlBounds(Provider::kAws, seconds(43200)).has_value());
  const auto low = CheckTtlBounds(Provider::kAws, seconds(899));
  ASSERT_FALSE(low.has_value());
  EXPECT_EQ(low.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(low.error().message.find("900 to 43200"), std::string::npos);
  EXPECT_FALSE(CheckTtlBounds(Provider::kAws, seconds(43201)).has_value());
}

TEST(CheckTtlBounds, OtherProvidersAllowShortTokens) {
  EXPECT_TRUE(CheckTtlBounds(Provider::kGcp, seconds(300)).has_value());
  EXPECT_FALSE(CheckTtlBounds(Provider::kAzure, seconds(43201)).has_value());
}

}  // namespace
}  // namespace audex
