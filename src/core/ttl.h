// Session lifetimes: "90s", "15m", "1h", "1h30m", and the bounds each
// provider puts on them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/provider.h"
#include "core/result.h"

namespace audex {

inline constexpr std::chrono::seconds kDefaultTtl{15 * 60};

// Parses hours, minutes and seconds in that order, each at most once
// ("1h30m", "45s", "2h"). Errors are kUsage and show the accepted forms.
Result<std::chrono::seconds> ParseTtl(std::string_view text);

// "1h30m", "15m", "90s" -> the shortest form ParseTtl accepts.
std::string FormatTtl(std::chrono::seconds ttl);

// AWS STS DurationSeconds is 900..43,200 (cloud-facts.md); GCP and Azure
// tokens are bounded at 60 s..12 h here until their providers land.
Result<void> CheckTtlBounds(Provider provider, std::chrono::seconds ttl);

}  // namespace audex
