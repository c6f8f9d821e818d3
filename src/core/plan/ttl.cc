#include "core/plan/ttl.h"

#include <fmt/format.h>

namespace audex {

Result<std::chrono::seconds> ParseTtl(std::string_view text) {
  const auto fail = [&](std::string_view problem) {
    return UsageError(fmt::format(
        "invalid duration \"{}\": {}; use a duration like 90s, 15m, 1h or 1h30m", text, problem));
  };
  if (text.empty()) return fail("it is empty");
  // Days are for long-lived things (API tokens: "90d"); sessions use h, m, s.
  constexpr std::string_view kUnits = "dhms";
  constexpr long long kUnitSeconds[] = {86400, 3600, 60, 1};
  long long total = 0;
  size_t next_unit = 0;  // units must come in the order d, h, m, s
  size_t i = 0;
  while (i < text.size()) {
    long long number = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000) return fail("the number is too large");
      ++i;
      ++digits;
    }
    if (digits == 0) return fail(fmt::format("expected a number at \"{}\"", text.substr(i)));
    if (i == text.size()) return fail("the last number has no unit (d, h, m or s)");
    const size_t unit = kUnits.find(text[i]);
    if (unit == std::string_view::npos) {
      return fail(fmt::format("\"{}\" is not a unit (d, h, m or s)", text[i]));
    }
    if (unit < next_unit) {
      return fail("units must be in the order d, h, m, s, each at most once");
    }
    next_unit = unit + 1;
    total += number * kUnitSeconds[unit];
    ++i;
  }
  if (total == 0) return fail("it is zero");
  return std::chrono::seconds(total);
}

std::string FormatTtl(std::chrono::seconds ttl) {
  long long seconds = ttl.count();
  std::string out;
  if (seconds >= 3600) out += fmt::format("{}h", seconds / 3600), seconds %= 3600;
  if (seconds >= 60) out += fmt::format("{}m", seconds / 60), seconds %= 60;
  if (seconds > 0 || out.empty()) out += fmt::format("{}s", seconds);
  return out;
}

Result<void> CheckTtlBounds(Provider provider, std::chrono::seconds ttl,
                            bool gcp_lifetime_extension) {
  const long long min = provider == Provider::kAws ? 900 : 60;
  const long long max =
      provider == Provider::kAws || (provider == Provider::kGcp && gcp_lifetime_extension) ? 43200
                                                                                           : 3600;
  if (ttl.count() < min || ttl.count() > max) {
    std::string why;
    switch (provider) {
      case Provider::kAws:
        why =
            "STS AssumeRole DurationSeconds must lie in that range, and the role's "
            "MaxSessionDuration may lower the top";
        break;
      case Provider::kGcp:
        why = gcp_lifetime_extension
                  ? "generateAccessToken lifetimes go up to 12 h with the lifetime extension"
                  : "generateAccessToken lifetimes go up to 1 h; up to 12 h only where the "
                    "organisation policy iam.allowServiceAccountCredentialLifetimeExtension "
                    "allows it (then set gcp_token_lifetime_extension = true in config.toml)";
        break;
      case Provider::kAzure:
        why =
            "Azure access tokens live about an hour and Audex does not renew them; choose a TTL "
            "in that range";
        break;
    }
    return PolicyError(fmt::format(
        "TTL {} ({} seconds) is outside what {} allows: {} to {} "
        "seconds ({} to {}); {}",
        FormatTtl(ttl), ttl.count(), ProviderName(provider), min, max,
        FormatTtl(std::chrono::seconds(min)), FormatTtl(std::chrono::seconds(max)), why));
  }
  return {};
}

}  // namespace audex
