// Session lifetimes: "90s", "15m", "1h", "1h30m", and the bounds each
// provider puts on them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/policy/provider.h"

namespace audex {

inline constexpr std::chrono::seconds kDefaultTtl{15 * 60};

// Parses days, hours, minutes and seconds in that order, each at most once
// ("1h30m", "45s", "2h", "90d"). Errors are kUsage and show the accepted
// forms.
Result<std::chrono::seconds> ParseTtl(std::string_view text);

// "1h30m", "15m", "90s" -> the shortest form ParseTtl accepts.
std::string FormatTtl(std::chrono::seconds ttl);

// AWS STS DurationSeconds is 900..43,200; GCP generateAccessToken 60 s..1 h,
// or ..12 h with the organisation's lifetime extension; Azure 60 s..1 h
// (its tokens live about an hour and are not renewed; cloud-facts.md).
Result<void> CheckTtlBounds(Provider provider, std::chrono::seconds ttl,
                            bool gcp_lifetime_extension = false);

}  // namespace audex
