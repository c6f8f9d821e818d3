// RFC 3339 timestamps ("2026-05-01T12:00:00Z"), the form AWS uses for
// credential expirations in STS replies, credential_process output and
// AWS_CREDENTIAL_EXPIRATION.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace audex {

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)". The fraction may
// have any number of digits (AWS sends none, moto 6, radosgw 9); digits past
// nanoseconds are ignored. Returns nullopt for anything else, including
// out-of-range fields such as month 13 or February 30, and years outside
// 1900..2200 (which the clock's 64-bit nanoseconds cannot all hold).
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" in UTC, whole seconds (sub-second parts are dropped).
std::string FormatRfc3339(std::chrono::system_clock::time_point time);

// "YYYY-MM-DDTHH:MM:SS.ffffffZ": the same with microseconds, for times that
// order records made within one second (a session's creation).
std::string FormatRfc3339Micros(std::chrono::system_clock::time_point time);

}  // namespace audex
