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

}  // namespace audex
