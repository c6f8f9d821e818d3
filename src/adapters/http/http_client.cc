// Names for HTTP failure kinds, for messages.
#include "adapters/http/http_client.h"

namespace audex {

const char* HttpFailureKindName(HttpFailureKind kind) {
  switch (kind) {
    case HttpFailureKind::kConnect:
      return "connection failure";
    case HttpFailureKind::kTimeout:
      return "timeout";
    case HttpFailureKind::kTls:
      return "TLS failure";
    case HttpFailureKind::kOther:
      return "request failure";
  }
  return "request failure";
}

AttemptOutcome ClassifyHttpResult(const HttpResult& result) {
  if (!result) {
    switch (result.error().kind) {
      case HttpFailureKind::kConnect:
        return AttemptOutcome::kConnectionFailure;
      case HttpFailureKind::kTimeout:
        return AttemptOutcome::kTimeout;
      case HttpFailureKind::kTls:
      case HttpFailureKind::kOther:
        break;
    }
    return AttemptOutcome::kPermanent;
  }
  const int status = result->status;
  if (status >= 200 && status < 300) return AttemptOutcome::kSuccess;
  if (status == 429) return AttemptOutcome::kThrottled;
  if (status >= 500) return AttemptOutcome::kServerError;
  if (status >= 400) return AttemptOutcome::kClientError;
  // A redirect or an informational status: no redirect is followed, and
  // trying again would get the same.
  return AttemptOutcome::kPermanent;
}

}  // namespace audex
