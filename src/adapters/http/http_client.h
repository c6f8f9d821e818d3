// HttpClient: sends one HttpRequest and returns the HttpResponse or why no
// response came. The seam between the cloud clients and the network: tests
// replace it with a scripted fake.
#pragma once

#include <chrono>
#include <string>

#include <tl/expected.hpp>

#include "core/base/retry_policy.h"
#include "core/wire/http_message.h"

namespace audex {

// Why a request got no HTTP response at all. An HTTP error status (4xx, 5xx)
// is a response, not a failure.
enum class HttpFailureKind {
  kConnect,  // DNS, refused, reset, nothing received: the server may be back soon
  kTimeout,  // the connect or total timeout expired
  kTls,      // certificate or handshake failure: retrying will not help
  kOther,    // anything else (bad URL, out of memory, ...)
};

struct HttpFailure {
  HttpFailureKind kind = HttpFailureKind::kOther;
  // One line naming the origin (scheme://host:port) and the cause; never
  // the body, headers or query of the request, which may carry secrets.
  std::string message;
};

using HttpResult = tl::expected<HttpResponse, HttpFailure>;

struct HttpTimeouts {
  std::chrono::milliseconds connect{3000};
  std::chrono::milliseconds total{10000};
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` once: no retries (those are the caller's policy), no
  // redirects. Response header names are lower-cased.
  virtual HttpResult Send(const HttpRequest& request) = 0;
};

const char* HttpFailureKindName(HttpFailureKind kind);

// How one attempt ended as far as retrying goes, by HTTP's own rules: no
// connection or a reset is a connection failure, a timeout a timeout, TLS
// and other failures permanent; 2xx success, 429 throttled, 5xx a server
// error, any other 4xx a client error, 1xx and 3xx permanent. Clients refine it with what
// their service says in the body (a throttling error code, a spend cap).
AttemptOutcome ClassifyHttpResult(const HttpResult& result);

}  // namespace audex
