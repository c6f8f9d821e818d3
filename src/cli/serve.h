// `run --serve`: the child fetches the session's credentials from a
// loopback endpoint instead of reading three static variables, so they can
// be renewed before they expire (README, "--serve"). This file wires
// AwsSession (issue, refresh, records) to CredentialServer (the socket)
// through the decisions in core/served_credentials.h.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/aws_session.h"
#include "cli/cli_context.h"
#include "core/served_credentials.h"

namespace audex {

struct ServeSettings {
  std::chrono::seconds max_duration{kDefaultServeMaxDuration};
  // AUDEX_SERVE_REFRESH_SECONDS (tests): renew this long after each issue.
  std::optional<std::chrono::seconds> refresh_after;
};

// Reads --max-duration (a TTL form, default 12h) and
// AUDEX_SERVE_REFRESH_SECONDS. kUsage for either malformed.
Result<ServeSettings> ParseServeSettings(const std::optional<std::string>& max_duration,
                                         const CliContext& context);

// Starts the endpoint, records serve_started, runs the child, stops the
// endpoint before session_ended is written, and returns the child's
// status as AwsSession::RunChild does.
Result<int> RunChildServed(AwsSession& session, const std::vector<std::string>& command,
                           const ServeSettings& settings, const CliContext& context);

}  // namespace audex
