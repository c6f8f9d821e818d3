// StsClient: calls AWS STS (AssumeRole, GetCallerIdentity) over the Query
// API with SigV4-signed form posts, retrying transient failures with
// jittered backoff.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "adapters/aws/sts_errors.h"
#include "adapters/aws/sts_xml.h"
#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/credentials/aws_credentials.h"
#include "core/plan/sts_request.h"
#include "core/wire/http_message.h"

namespace audex {

// The unsigned Query API form post for AssumeRole at `endpoint`. Every
// value is percent-encoded with %20 for spaces (Ceph radosgw does not
// decode '+').
HttpRequest BuildAssumeRoleHttpRequest(const AssumeRoleRequest& request, std::string_view endpoint);
HttpRequest BuildGetCallerIdentityHttpRequest(std::string_view endpoint);

// Action=GetScopedCredentials&Version=2011-06-15[&Policy=...][&DurationSeconds=N].
HttpRequest BuildGetScopedCredentialsHttpRequest(const GetScopedCredentialsRequest& request,
                                                 std::string_view endpoint);

struct StsClientOptions {
  std::string endpoint = "https://sts.us-east-1.amazonaws.com";
  std::string region = "us-east-1";  // the SigV4 signing region
  RetryPolicy retry;
  // Injected so that tests neither wait nor depend on chance; the defaults
  // sleep for real, draw from a seeded generator and read the system clock.
  SleepFunction sleep;
  Random01Function random01;
  ClockFunction clock;
};

// Not thread-safe (one per thread). Errors are kCredentials (kUsage for an
// invalid request) and name the access key id and where the base
// credentials came from, never a secret key or token.
class StsClient {
 public:
  StsClient(HttpClient& http, StsClientOptions options);

  Result<AssumedRole> AssumeRole(const AssumeRoleRequest& request, const AwsCredentials& base);
  Result<CallerIdentity> GetCallerIdentity(const AwsCredentials& base);
  // kCredentials before any round trip when `base` has no session token
  // (long-lived keys cannot be scoped: the API refuses them).
  Result<ScopedCredentials> GetScopedCredentials(const GetScopedCredentialsRequest& request,
                                                 const AwsCredentials& base);

  // Attempts made by the last call (1 unless something was retried).
  int last_attempts() const { return last_attempts_; }

 private:
  Result<HttpResponse> SendWithRetries(const HttpRequest& unsigned_request,
                                       const AwsCredentials& base, const StsCallContext& context);

  HttpClient& http_;
  StsClientOptions options_;
  int last_attempts_ = 0;
};

}  // namespace audex
