#include "adapters/aws/query_api.h"

#include <fmt/format.h>

namespace audex {

HttpRequest QueryFormPost(std::string_view endpoint, const QueryParameters& parameters) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::string(endpoint);
  // The Query API is served at the root path; an endpoint override may name
  // it with or without the trailing slash.
  if (const auto url = ParseUrl(endpoint); url && url->path == "/" && !request.url.ends_with("/")) {
    request.url += "/";
  }
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormEncode(parameters);
  return request;
}

QueryRetry RealQueryRetry(RetryPolicy policy) {
  QueryRetry retry;
  retry.policy = policy;
  FillUnsetRetryHooks(retry.sleep, retry.random01, &retry.clock);
  return retry;
}

Result<HttpResponse> SendSignedQuery(HttpClient& http, const HttpRequest& unsigned_request,
                                     const AwsCredentials& base, const SigV4Scope& scope,
                                     const QueryRetry& retry, const StsCallContext& context,
                                     int& attempts) {
  attempts = 0;
  for (int attempt = 1;; ++attempt) {
    attempts = attempt;
    // Signed again for every attempt, so X-Amz-Date stays close to the
    // moment of sending however long the backoff was.
    auto signed_request = SignV4(unsigned_request, base, scope, retry.clock());
    if (!signed_request) {
      return UsageError(fmt::format("the {} endpoint {} cannot be used: {}", scope.service,
                                    context.endpoint, signed_request.error().message));
    }
    HttpResult result = http.Send(*signed_request);
    const AttemptOutcome outcome = ClassifyStsAttempt(result);
    if (outcome == AttemptOutcome::kSuccess) return std::move(*result);
    const auto delay = NextRetryDelay(retry.policy, outcome, attempt, retry.random01());
    if (!delay) {
      // A reply may echo the session token the request carried (a proxy's
      // echo of the headers): the error quotes it without.
      return tl::unexpected(DescribeStsFailure(result, attempt, context,
                                               {&base.secret_access_key, &base.session_token}));
    }
    retry.sleep(*delay);
  }
}

}  // namespace audex
