// The AWS Query protocol as STS and IAM speak it: a form post to the
// service's root path, signed with SigV4, sent with bounded, jittered
// retries of transient failures (core/retry_policy.h).
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "adapters/aws/sts_errors.h"
#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/http_message.h"
#include "core/wire/sigv4.h"
#include "core/wire/url.h"

namespace audex {

// The unsigned form post of `parameters` to `endpoint`. Every value is
// percent-encoded with %20 for spaces (Ceph radosgw does not decode '+').
HttpRequest QueryFormPost(std::string_view endpoint, const QueryParameters& parameters);

// How a call waits, draws jitter and reads the clock; injected so that tests
// neither wait nor depend on chance. RealQueryRetry() sleeps for real, draws
// from a seeded generator and reads the system clock.
struct QueryRetry {
  RetryPolicy policy;
  SleepFunction sleep;
  Random01Function random01;
  ClockFunction clock;
};
QueryRetry RealQueryRetry(RetryPolicy policy = {});

// Signs and sends `unsigned_request` until it succeeds (2xx) or the retry
// policy gives up; signed again for every attempt. `attempts` receives the
// number made. Failures are kCredentials errors described for `context`
// (DescribeStsFailure); a URL that cannot be signed is kUsage.
Result<HttpResponse> SendSignedQuery(HttpClient& http, const HttpRequest& unsigned_request,
                                     const AwsCredentials& base, const SigV4Scope& scope,
                                     const QueryRetry& retry, const StsCallContext& context,
                                     int& attempts);

}  // namespace audex
