// The forwarding endpoint's policy side: what to do with each request
// (core/aws_request_route.h decides), recording, and loading the transport.
//
// The transport (cpp-httplib's server and libcurl's multi interface) lives
// in libaudex_awsproxy.so, opened with dlopen when an endpoint starts, for
// the reason credential_server.cc gives: linked into tryaudex, cpp-httplib
// brings libssl, zlib and brotli into every start (the test
// build.no_server_libraries keeps them out). libcurl is linked into the
// module rather than reached through adapters/http's CurlHttpClient because
// streaming needs its multi interface driven from inside httplib's content
// callbacks on the same thread (httplib_curl_proxy.cc), which a
// whole-response HttpClient cannot offer.
#include "adapters/awsproxy/aws_forwarding_endpoint.h"

#include <dlfcn.h>

#include <chrono>

#include <fmt/format.h>

#include "adapters/credserver/module_loader.h"
#include "catalog/service_models.h"
#include "core/base/text.h"
#include "core/wire/aws_chunked.h"
#include "core/wire/credential_calls.h"

namespace audex {
namespace {

constexpr const char* kModuleName = "libaudex_awsproxy.so";

struct ProxyApi {
  decltype(&::AudexProxyStart) start = nullptr;
  decltype(&::AudexProxyStop) stop = nullptr;
};

const ProxyApi* Proxy(std::string* error) {
  static std::string load_error;
  static const ProxyApi* const api = []() -> const ProxyApi* {
#ifdef AUDEX_AWSPROXY_MODULE_PATH
    const char* built_path = AUDEX_AWSPROXY_MODULE_PATH;
#else
    const char* built_path = nullptr;
#endif
    ModuleEntryPoints found;
    if (!LoadAudexModule(kModuleName, built_path, "AudexProxyStart", "AudexProxyStop",
                         "endpoint module", &found, &load_error)) {
      return nullptr;
    }
    static const ProxyApi loaded{reinterpret_cast<decltype(ProxyApi::start)>(found.start),
                                 reinterpret_cast<decltype(ProxyApi::stop)>(found.stop)};
    return &loaded;
  }();
  if (api == nullptr && error != nullptr) *error = load_error;
  return api;
}

const std::string* Header(const HttpHeaders& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, lower_name)) return &value;
  }
  return nullptr;
}

// The Signature= of a signed request's Authorization header.
std::string SignatureOf(const HttpRequest& request) {
  const std::string* authorization = Header(request.headers, "authorization");
  if (authorization == nullptr) return "";
  const size_t at = authorization->rfind("Signature=");
  return at == std::string::npos ? "" : authorization->substr(at + 10);
}

}  // namespace

Result<std::unique_ptr<AwsForwardingEndpoint>> AwsForwardingEndpoint::Start(
    ForwardingEndpointOptions options, std::string_view otherwise) {
  std::string error;
  const ProxyApi* api = Proxy(&error);
  if (api == nullptr) {
    return StateError(fmt::format("the forwarding endpoint: {}, or {}", error, otherwise));
  }
  std::unique_ptr<AwsForwardingEndpoint> endpoint(new AwsForwardingEndpoint);
  if (options.models == nullptr) options.models = &BuiltinServiceModels();
  endpoint->identity_.access_key_id = options.child_credentials.access_key_id;
  endpoint->identity_.secret_access_key = options.child_credentials.secret_access_key;
  endpoint->proxy_options_.ca_bundle = options.ca_bundle;
  endpoint->options_ = std::move(options);
  AwsForwardingEndpoint* self = endpoint.get();
  endpoint->planner_ = [self](const ProxyRequest& request) { return self->Plan(request); };
  endpoint->handle_ = api->start(&endpoint->planner_, &endpoint->proxy_options_, &endpoint->port_);
  if (endpoint->handle_ == nullptr) {
    return StateError(fmt::format(
        "the forwarding endpoint cannot listen on 127.0.0.1 (is the loopback interface up?); {}",
        otherwise));
  }
  endpoint->identity_.port = endpoint->port_;
  if (endpoint->options_.on_call) {
    endpoint->recorder_ = std::thread([self] {
      std::unique_lock lock(self->mutex_);
      while (true) {
        self->pending_ready_.wait(lock,
                                  [self] { return self->stopping_ || !self->pending_.empty(); });
        if (self->pending_.empty()) return;
        ForwardedCall call = std::move(self->pending_.front());
        self->pending_.pop_front();
        lock.unlock();
        self->options_.on_call(call);
        lock.lock();
      }
    });
  }
  endpoint->url_ = fmt::format("http://127.0.0.1:{}", endpoint->port_);
  return endpoint;
}

ProxyPlan AwsForwardingEndpoint::Plan(const ProxyRequest& request) {
  AwsRequestHead head{request.method, request.target, request.headers};
  ProxyPlan plan;
  if (request.body == nullptr && NeedsWholeBody(head)) {
    plan.need_body = true;
    return plan;
  }
  AwsRequestBody body;
  if (request.body != nullptr) {
    body.buffered = true;
    body.data = *request.body;
  }
  const AwsServiceModels& models = *options_.models;

  const auto refuse = [&](const AwsRefusal& refusal, const AwsRoute* route) {
    // Before routing, the signing name still tells the error shape (S3's
    // <Error>, JSON, or <ErrorResponse>).
    const AwsServiceModel* shape = route != nullptr ? route->service : nullptr;
    if (shape == nullptr) {
      if (const std::string* authorization = Header(head.headers, "authorization")) {
        if (auto parsed = ParseSigV4Authorization(*authorization)) {
          shape = FirstServiceSignedAs(models, parsed->service);
        }
      }
    }
    plan.reply = AwsErrorReply(refusal, shape, head);
    ForwardedCall call;
    call.audit.refused = true;
    call.audit.status = refusal.status;
    call.audit.error_code = refusal.code;
    if (route != nullptr && route->service != nullptr) {
      call.audit.service = std::string(route->service->service_id);
      call.audit.operation = route->operation;
      call.audit.region = route->authorization.region;
    } else if (const std::string* authorization = Header(head.headers, "authorization")) {
      if (auto parsed = ParseSigV4Authorization(*authorization)) {
        call.audit.service = parsed->service;
        call.audit.region = parsed->region;
      }
    }
    plan.done = [this, call](const ProxyOutcome&) { Record(call); };
    return std::move(plan);
  };

  auto routed = RouteAwsRequest(models, head, body, identity_);
  if (!routed) return refuse(routed.error(), nullptr);
  const AwsRoute& route = *routed;
  if (options_.refuse_credential_calls) {
    if (auto refusal = RefuseCredentialCall(route)) return refuse(*refusal, &route);
  }
  auto target = ResolveUpstream(models, route, options_.overrides);
  if (!target) return refuse(target.error(), &route);

  const AwsCredentials session = options_.session_credentials();
  const auto now = std::chrono::system_clock::now();
  auto upstream = UpstreamRequest(head, route, *target, session, now,
                                  body.buffered ? std::string(body.data) : std::string());
  if (!upstream) {
    return refuse(AwsRefusal{500, "InternalFailure", upstream.error().message}, &route);
  }
  plan.upstream = std::move(*upstream);

  const std::string* length = Header(head.headers, "content-length");
  const bool has_body =
      (length != nullptr && *length != "0") || Header(head.headers, "transfer-encoding") != nullptr;
  if (has_body) {
    plan.stream_body = !body.buffered;
    if (length != nullptr) plan.upload_length = std::strtoull(length->c_str(), nullptr, 10);
    if (route.payload_hash.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
      // Each chunk carries a signature chained from the request's: checked
      // with the child's key, written again under the session's. Same chunk
      // sizes, so the same Content-Length.
      const SigV4Scope child_scope{route.authorization.region, route.authorization.service};
      ChunkSigningKeys incoming{
          SigV4SigningKey(identity_.secret_access_key, route.authorization.date, child_scope),
          route.amz_date, SigV4CredentialScope(route.authorization.date, child_scope),
          route.authorization.signature};
      const std::string* upstream_date = Header(plan.upstream.headers, "x-amz-date");
      const std::string date = upstream_date != nullptr ? upstream_date->substr(0, 8) : "";
      ChunkSigningKeys outgoing{SigV4SigningKey(session.secret_access_key, date, target->scope),
                                upstream_date != nullptr ? *upstream_date : "",
                                SigV4CredentialScope(date, target->scope),
                                SignatureOf(plan.upstream)};
      auto resigner = std::make_shared<AwsChunkedResigner>(
          std::move(incoming), std::move(outgoing), route.payload_hash.ends_with("-TRAILER"));
      plan.transform = [resigner](std::string_view in, std::string* out) {
        return resigner->Feed(in, out);
      };
      if (body.buffered) {
        // Read whole after all: re-signed here, the same way.
        std::string resigned;
        auto fed = resigner->Feed(body.data, &resigned);
        if (!fed || !resigner->done()) {
          return refuse(
              AwsRefusal{400, "InvalidChunkSizeError",
                         fed ? "the aws-chunked request body ends early" : fed.error().message},
              &route);
        }
        plan.upstream.body = std::move(resigned);
        plan.transform = nullptr;
      }
    }
  }

  ForwardedCall call;
  call.observed.naming = ServiceNaming::kSdkServiceId;
  call.observed.service = std::string(route.service->service_id);
  call.observed.operation = route.operation;
  if (!route.bucket.empty()) call.observed.resources.push_back("arn:aws:s3:::" + route.bucket);
  call.audit.service = call.observed.service;
  call.audit.operation = route.operation;
  call.audit.region = route.authorization.region;
  call.audit.bucket = route.bucket;
  plan.done = [this, call](const ProxyOutcome& outcome) mutable {
    call.observed.http_status = outcome.status;
    call.audit.status = outcome.status;
    if (!outcome.status || *outcome.status >= 300) {
      const std::string code = AwsErrorCodeOf(outcome.headers, outcome.body_start);
      call.observed.error_code = code;
      call.audit.error_code = code;
    }
    call.observed.denied = IsPermissionDenied(call.observed.error_code, call.observed.http_status);
    Record(call);
  };
  return plan;
}

void AwsForwardingEndpoint::Record(const ForwardedCall& call) {
  std::lock_guard lock(mutex_);
  if (call.audit.refused) {
    ++refused_;
  } else {
    calls_.push_back(call.observed);
  }
  if (options_.on_call) {
    pending_.push_back(call);
    pending_ready_.notify_one();
  }
}

std::vector<ObservedCall> AwsForwardingEndpoint::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

size_t AwsForwardingEndpoint::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void AwsForwardingEndpoint::Stop() {
  if (handle_ != nullptr) {
    Proxy(nullptr)->stop(handle_);
    handle_ = nullptr;
  }
  if (recorder_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    pending_ready_.notify_one();
    recorder_.join();
  }
}

AwsForwardingEndpoint::~AwsForwardingEndpoint() { Stop(); }

}  // namespace audex
