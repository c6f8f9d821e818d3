// AwsForwardingEndpoint: the loopback endpoint a child reaches through
// AWS_ENDPOINT_URL (README, "Forwarding endpoint"). It listens on
// 127.0.0.1 on a port the kernel picks, forwards only requests signed with
// the credentials Audex handed the child, routes each by its SigV4 scope
// and protocol (core/aws_request_route.h), re-signs it with the session's
// credentials for the real endpoint, streams the reply back and records the
// call: an ObservedCall for `learn`, a broker_call audit event for
// `run --broker`.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/awsproxy/proxy_module.h"
#include "core/audit/audit_event.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/aws_request_route.h"
#include "core/wire/observed_call.h"

namespace audex {

// One call the endpoint handled.
struct ForwardedCall {
  ObservedCall observed;  // as learn sees it (service named by SDK service id)
  BrokerCall audit;       // as the audit log records it
};

struct ForwardingEndpointOptions {
  // What the child signs with: placeholder credentials (--broker) or the
  // session's own (learn). Their secret is what proves a request is the
  // child's.
  AwsCredentials child_credentials;
  // The session's current credentials, used to re-sign every request.
  // Called from the endpoint's threads; must be thread-safe.
  std::function<AwsCredentials()> session_credentials;
  // Where calls go instead of AWS's endpoints (Audex's own
  // AWS_ENDPOINT_URL: a test server, a private endpoint).
  EndpointOverrides overrides;
  std::optional<std::string> ca_bundle;
  // --broker: credential calls (core/wire/credential_calls.h) are answered
  // with a refusal instead of being forwarded.
  bool refuse_credential_calls = false;
  // Called once per request (forwarded or refused), one call at a time, in
  // the order the exchanges ended, on a thread of the endpoint's own: an
  // audit line's file lock and fdatasync never delay the next request.
  std::function<void(const ForwardedCall&)> on_call;
  const AwsServiceModels* models = nullptr;  // default: the built-in models
};

class AwsForwardingEndpoint {
 public:
  // Loads the endpoint module and starts serving. kState when the module
  // cannot be loaded or no port can be bound; the message ends with
  // `otherwise`, the user's way around it.
  static Result<std::unique_ptr<AwsForwardingEndpoint>> Start(ForwardingEndpointOptions options,
                                                              std::string_view otherwise);

  // "http://127.0.0.1:PORT": the child's AWS_ENDPOINT_URL.
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  // The calls forwarded so far (not the refused ones), in completion order.
  std::vector<ObservedCall> calls() const;
  size_t refused() const;

  // Stops listening, waits for the requests in flight and for on_call to
  // have seen every one of them. Idempotent.
  void Stop();

  ~AwsForwardingEndpoint();
  AwsForwardingEndpoint(const AwsForwardingEndpoint&) = delete;
  AwsForwardingEndpoint& operator=(const AwsForwardingEndpoint&) = delete;

 private:
  AwsForwardingEndpoint() = default;
  ProxyPlan Plan(const ProxyRequest& request);
  void Record(const ForwardedCall& call);

  ForwardingEndpointOptions options_;
  EndpointIdentity identity_;
  ProxyPlanner planner_;
  ProxyOptions proxy_options_;
  void* handle_ = nullptr;
  int port_ = 0;
  std::string url_;
  mutable std::mutex mutex_;
  std::vector<ObservedCall> calls_;
  size_t refused_ = 0;
  // Calls waiting for on_call, and the thread that hands them over.
  std::condition_variable pending_ready_;
  std::deque<ForwardedCall> pending_;
  bool stopping_ = false;
  std::thread recorder_;
};

}  // namespace audex
