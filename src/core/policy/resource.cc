#include "core/policy/resource.h"

#include <fmt/format.h>

#include <array>

namespace audex {
namespace {

bool IsLowerAlnumOrDash(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '*' || c == '?';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<void> CheckArn(std::string_view arn, std::string_view where) {
  constexpr std::string_view kForm =
      "expected arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:s3:::my-bucket/*";
  const auto fail = [&](std::string_view problem) {
    return PolicyError(
        fmt::format("invalid resource \"{}\" in {}: {}; {}", arn, where, problem, kForm));
  };
  if (arn == "*") return {};
  for (char c : arn) {
    // A session policy may only carry U+0020..U+00FF, tab, LF and CR
    // (spec/cloud-facts.md); an ARN has no business holding spaces.
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return fail("it holds a space, control or non-ASCII character");
    }
    if (c == '"' || c == '\\') return fail("it holds a quote or backslash");
  }
  if (arn.substr(0, 4) != "arn:") return fail("it does not start with \"arn:\"");
  std::array<std::string_view, 5> parts;  // partition, service, region, account, resource
  std::string_view rest = arn.substr(4);
  for (size_t i = 0; i < 4; ++i) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return fail("it has fewer than six ':'-separated parts");
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  parts[4] = rest;
  if (!IsLowerAlnumOrDash(parts[0])) return fail("the partition (aws, aws-cn, ...) is missing");
  if (!IsLowerAlnumOrDash(parts[1])) return fail("the service (s3, dynamodb, ...) is missing");
  if (parts[4].empty()) return fail("the resource part after the account is empty");
  return {};
}

}  // namespace audex
