// libFuzzer target: arbitrary bytes as an STS reply, through the AssumeRole
// and GetCallerIdentity reply parsers and the error-document reader, checking
// that what they accept is complete.
//
// Input: the first byte picks the parser (AssumeRole, GetCallerIdentity,
// error document); the rest is the reply body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/aws/sts_xml.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto role = audex::ParseAssumeRoleReply(body, "fuzz");
      if (role) {
        Check(!role->credentials.access_key_id.empty());
        Check(!role->credentials.secret_access_key.empty());
        Check(!role->credentials.session_token.empty());
        Check(role->credentials.expiration.has_value());
        Check(role->credentials.source == "fuzz");
      } else {
        Check(role.error().kind == audex::ErrorKind::kCredentials);
        Check(!role.error().message.empty());
      }
      break;
    }
    case 1: {
      const auto identity = audex::ParseCallerIdentityReply(body);
      if (identity) Check(!identity->arn.empty());
      break;
    }
    default: {
      const auto error = audex::ParseStsErrorReply(body);
      if (error) Check(!error->code.empty());
      break;
    }
  }
  return 0;
}
