// The forwarding endpoint in the engine (README, "Forwarding endpoint"):
// for `learn`, where the child keeps the session's credentials and the
// endpoint observes the calls of every SDK, and for `run --broker`, where
// the child holds only placeholders, the endpoint alone signs, and every
// call becomes a broker_call in the audit log. This wires the session (its
// credentials, its record) and the World to AwsForwardingEndpoint
// (adapters/awsproxy) through the decisions of
// core/credentials/forwarded_child.h and core/wire/credential_calls.h.
#pragma once

#include <memory>
#include <string_view>

#include "adapters/awsproxy/aws_forwarding_endpoint.h"
#include "core/plan/aws_issue.h"
#include "session/session.h"

namespace audex {

// learn: an endpoint that forwards what the child signs with the session's
// own credentials and keeps the calls (AwsForwardingEndpoint::calls); it
// writes no audit line. The child's environment gets its URL through
// WithForwardingEndpoint. kState (ending in `otherwise`) when the endpoint
// cannot start.
Result<std::unique_ptr<AwsForwardingEndpoint>> StartObservingEndpoint(const Session& session,
                                                                      const World& world,
                                                                      std::string_view otherwise);

struct BrokeredChild {
  Environment environment;  // `usual` with placeholders and the endpoint's URL
  // Signs and records until stopped; stop it before session_ended.
  std::shared_ptr<AwsForwardingEndpoint> endpoint;
};

// run --broker: fresh placeholder credentials (world.random), the endpoint
// with the plan's rules (credential calls refused unless allowed), a
// broker_started event, and a broker_call event per call, written on the
// endpoint's recorder thread (a call that cannot be recorded is told
// through world.notify). kState when the endpoint cannot start or
// broker_started cannot be recorded.
Result<BrokeredChild> StartBroker(Session& session, const World& world, const BrokerPlan& plan,
                                  const Environment& usual);

}  // namespace audex
