#include "core/wire/observed_call.h"

#include <algorithm>
#include <array>

namespace audex {

bool IsPermissionDenied(std::string_view error_code, std::optional<int> http_status) {
  // AccessDenied (S3), AccessDeniedException (JSON services),
  // UnauthorizedOperation (EC2), AuthorizationError (SNS), ...
  if (error_code.substr(0, 12) == "AccessDenied") return true;
  static constexpr std::array<std::string_view, 5> kAuthorization = {
      "UnauthorizedOperation", "AuthorizationError", "AuthorizationErrorException",
      "UnauthorizedException", "Forbidden"};
  for (std::string_view code : kAuthorization) {
    if (error_code == code) return true;
  }
  // botocore reports the HTTP status as the code when it cannot read the
  // error body (moto answers JSON-protocol calls with an XML AccessDenied).
  if (!error_code.empty() && std::all_of(error_code.begin(), error_code.end(),
                                         [](char c) { return c >= '0' && c <= '9'; })) {
    error_code = {};
  }
  // A 403 with no code (HEAD requests carry no body) is S3 refusing access;
  // 403s with a code are named above or are not about permissions
  // (SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken).
  return error_code.empty() && http_status == 403;
}

}  // namespace audex
