#include "cli/broker.h"

#include <fmt/format.h>

#include "adapters/process/child_process.h"

namespace audex {
namespace {

ForwardingEndpointOptions EndpointOptions(AwsSession& session, const CliContext& context) {
  ForwardingEndpointOptions options;
  options.session_credentials = [&session] { return session.CurrentCredentials(); };
  // Audex's own AWS_ENDPOINT_URL (a test server, a private endpoint) is
  // where calls go; the child's points at the endpoint.
  options.overrides = EndpointOverridesFrom(CurrentEnvironment());
  if (auto bundle = context.env("AWS_CA_BUNDLE"); bundle && !bundle->empty()) {
    options.ca_bundle = *bundle;
  }
  return options;
}

}  // namespace

Result<EndpointChild> StartObservingEndpoint(AwsSession& session, Environment environment,
                                             const CliContext& context) {
  ForwardingEndpointOptions options = EndpointOptions(session, context);
  options.child_credentials = session.CurrentCredentials();
  auto endpoint =
      AwsForwardingEndpoint::Start(std::move(options), "use --source csm or --source cloudtrail");
  if (!endpoint) return tl::unexpected(endpoint.error());
  EndpointChild child;
  child.environment = WithForwardingEndpoint(std::move(environment), (*endpoint)->url());
  child.endpoint = std::move(*endpoint);
  return child;
}

Result<int> RunChildBrokered(AwsSession& session, const std::vector<std::string>& command,
                             const CliContext& context) {
  auto placeholder = NewPlaceholderCredentials();
  if (!placeholder) return tl::unexpected(placeholder.error());
  ForwardingEndpointOptions options = EndpointOptions(session, context);
  options.child_credentials = *placeholder;
  // Audit lines are written as calls end, on the endpoint's recorder thread
  // (one at a time); AwsSession::Note is thread-safe.
  options.on_call = [&session, &context](const ForwardedCall& call) {
    auto noted = session.Note(
        [&](const SessionRecord& record) { return BrokerCallEvent(record, call.audit); });
    if (!noted) {
      context.err << fmt::format("tryaudex: warning: broker_call not recorded: {}\n",
                                 noted.error().message);
    }
  };
  auto endpoint = AwsForwardingEndpoint::Start(std::move(options),
                                               "drop --broker to hand the command the "
                                               "session's credentials");
  if (!endpoint) return tl::unexpected(endpoint.error());
  if (auto noted = session.Note([&](const SessionRecord& record) {
        return BrokerStartedEvent(record, (*endpoint)->url(), placeholder->access_key_id);
      });
      !noted) {
    return tl::unexpected(noted.error());
  }
  // The session's credentials never reach the child: placeholders sign its
  // requests to the endpoint, and only the endpoint signs for AWS.
  Environment environment = session.ChildEnvironment();
  SetVariable(environment, "AWS_ACCESS_KEY_ID", placeholder->access_key_id);
  SetVariable(environment, "AWS_SECRET_ACCESS_KEY", placeholder->secret_access_key.Reveal());
  UnsetVariable(environment, "AWS_SESSION_TOKEN");
  UnsetVariable(environment, "AWS_CREDENTIAL_EXPIRATION");
  environment = WithForwardingEndpoint(std::move(environment), (*endpoint)->url());
  // The child's own CSM would report the placeholder key; the endpoint
  // sees every call anyway.
  UnsetVariable(environment, "AWS_CSM_ENABLED");

  // The endpoint stops (its last calls recorded) before session_ended.
  return session.RunChild(command, environment, [&] { (*endpoint)->Stop(); });
}

}  // namespace audex
