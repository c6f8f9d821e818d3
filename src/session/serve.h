// `run --serve` inside the engine: the child fetches the session's AWS
// credentials from a loopback endpoint instead of reading static variables,
// so they can be renewed before they expire (README, "--serve"). This wires
// the session (issue, refresh, records) to the endpoint (adapters/credserver)
// through the decisions of core/credentials/served_credentials.h.
#pragma once

#include <memory>

#include "core/plan/aws_issue.h"
#include "session/session.h"

namespace audex {

struct ServedChild {
  Environment environment;         // `usual` with the endpoint in place of the static keys
  std::shared_ptr<void> endpoint;  // serves until released
};

// Starts the endpoint (a random per-session token, 127.0.0.1 only),
// records serve_started, and returns the child's environment.
Result<ServedChild> ServeCredentials(Session& session, const World& world, const ServePlan& plan,
                                     const Environment& usual);

}  // namespace audex
