#include "session/forwarding.h"

#include "core/audit/audit_event.h"
#include "core/credentials/forwarded_child.h"

namespace audex {
namespace {

ForwardingEndpointOptions EndpointOptions(const Session& session, const World& world) {
  ForwardingEndpointOptions options;
  // Re-signing reads the session's credentials per request: a renewal
  // reaches the next call.
  options.session_credentials = [&session] { return session.CurrentCredentials(); };
  // Audex's own AWS_ENDPOINT_URL (a test server, a private endpoint) is
  // where calls go; the child's points at the endpoint.
  options.overrides = EndpointOverridesFrom(world.environment);
  options.ca_bundle = NonEmptyVariable(world.env, "AWS_CA_BUNDLE");
  return options;
}

}  // namespace

Result<std::unique_ptr<AwsForwardingEndpoint>> StartObservingEndpoint(const Session& session,
                                                                      const World& world,
                                                                      std::string_view otherwise) {
  ForwardingEndpointOptions options = EndpointOptions(session, world);
  options.child_credentials = session.CurrentCredentials();
  return AwsForwardingEndpoint::Start(std::move(options), otherwise);
}

Result<BrokeredChild> StartBroker(Session& session, const World& world, const BrokerPlan& plan,
                                  const Environment& usual) {
  auto random = world.random(kPlaceholderRandomBytes);
  if (!random) return tl::unexpected(random.error());
  auto placeholder = PlaceholderCredentialsFrom(*random);
  if (!placeholder) return tl::unexpected(placeholder.error());

  ForwardingEndpointOptions options = EndpointOptions(session, world);
  options.child_credentials = *placeholder;
  options.refuse_credential_calls = !plan.allow_credential_calls;
  // One call at a time, on the endpoint's recorder thread; Session::Note
  // is thread-safe.
  options.on_call = [&session, &world](const ForwardedCall& call) {
    if (auto noted = session.Note(
            [&](const SessionRecord& record) { return BrokerCallEvent(record, call.audit); });
        !noted) {
      world.notify(NoticeLevel::kError, "broker_call not recorded: " + noted.error().message);
    }
  };
  auto started = AwsForwardingEndpoint::Start(
      std::move(options), "drop --broker to hand the command the session's credentials");
  if (!started) return tl::unexpected(started.error());
  std::shared_ptr<AwsForwardingEndpoint> endpoint = std::move(*started);
  if (auto noted = session.Note([&](const SessionRecord& record) {
        return BrokerStartedEvent(record, endpoint->url(), placeholder->access_key_id);
      });
      !noted) {
    return tl::unexpected(noted.error());
  }
  // The session's credentials never reach the child: the placeholders sign
  // its requests to the endpoint, and only the endpoint signs for AWS.
  return BrokeredChild{BrokeredChildEnvironment(usual, *placeholder, endpoint->url()), endpoint};
}

}  // namespace audex
