// The forwarding endpoint in a session (README, "Forwarding endpoint"):
// `run --broker`, where the child holds only placeholder credentials and
// Audex signs every call, and `learn --source endpoint`, where the endpoint
// observes every call of every SDK. This file wires AwsSession (credentials,
// records) to AwsForwardingEndpoint (adapters/awsproxy).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/awsproxy/aws_forwarding_endpoint.h"
#include "cli/aws_session.h"
#include "cli/cli_context.h"

namespace audex {

// An endpoint started for a session, and the child's environment to use it.
struct EndpointChild {
  std::unique_ptr<AwsForwardingEndpoint> endpoint;
  Environment environment;
};

// learn: the child keeps `environment` (the session's credentials, so that
// a tool ignoring AWS_ENDPOINT_URL still works and CSM still sees it) and
// gets the endpoint's URL; the endpoint forwards what the child signs with
// the session's own secret.
Result<EndpointChild> StartObservingEndpoint(AwsSession& session, Environment environment,
                                             const CliContext& context);

// run --broker: starts the endpoint, records broker_started, runs the child
// with placeholder credentials and the endpoint's URL, records a
// broker_call per call, stops the endpoint before session_ended is written,
// and returns the child's status as AwsSession::RunChild does.
Result<int> RunChildBrokered(AwsSession& session, const std::vector<std::string>& command,
                             const CliContext& context);

}  // namespace audex
