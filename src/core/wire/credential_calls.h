// Credential calls: AWS operations whose reply hands the caller a working
// credential (keys, a session token, a bearer token or password for an AWS
// service). Under `run --broker` the child must hold nothing that works
// outside Audex's forwarding endpoint, so the endpoint refuses these unless
// the plan allows them (README, "--broker", --allow-credential-calls).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/wire/aws_request_route.h"

namespace audex {

struct CredentialCall {
  std::string_view service_id;  // the SDK service id, "STS"
  std::string_view operation;   // "AssumeRole"
  std::string_view gives;       // what the reply holds, for the refusal: "temporary credentials"
};

// Every credential call Audex knows, by service id and operation.
std::span<const CredentialCall> KnownCredentialCalls();

// The credential call `service_id` `operation` is, or null.
const CredentialCall* FindCredentialCall(std::string_view service_id, std::string_view operation);

// The refusal (403 AccessDenied, naming the call, what it would hand the
// command and --allow-credential-calls) for a routed request that is a
// credential call; nullopt for any other.
std::optional<AwsRefusal> RefuseCredentialCall(const AwsRoute& route);

}  // namespace audex
