#include "core/policy/gcp_access_boundary.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/wire/url.h"

namespace audex {
namespace {

bool IsBucketNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

Result<std::string> ParseBucketResource(std::string_view text, std::string_view where) {
  std::string_view name;
  if (text.rfind(kBucketResourcePrefix, 0) == 0) {
    name = text.substr(kBucketResourcePrefix.size());
  } else if (text.rfind("gs://", 0) == 0) {
    name = text.substr(5);
    if (!name.empty() && name.back() == '/') name.remove_suffix(1);
  } else {
    return PolicyError(fmt::format(
        "{}: \"{}\" is not a Cloud Storage bucket; GCP tokens can be scoped to buckets only, "
        "written //storage.googleapis.com/projects/_/buckets/NAME or gs://NAME",
        where, text));
  }
  const size_t limit = name.find('.') == std::string_view::npos ? 63 : 222;
  const bool valid = name.size() >= 3 && name.size() <= limit && IsAlnum(name.front()) &&
                     IsAlnum(name.back()) &&
                     std::all_of(name.begin(), name.end(), IsBucketNameChar);
  if (!valid) {
    return PolicyError(fmt::format(
        "{}: \"{}\" does not name a bucket: bucket names are 3 to 63 characters of a-z, 0-9, "
        "'-', '_' and '.', beginning and ending with a letter or digit (objects and prefixes "
        "cannot be named here)",
        where, text));
  }
  return std::string(kBucketResourcePrefix) + std::string(name);
}

Result<std::string> AccessBoundaryJson(const std::vector<std::string>& buckets,
                                       const std::vector<std::string>& roles) {
  if (buckets.empty()) {
    return PolicyError(
        "a Credential Access Boundary needs at least one bucket: add --resource "
        "//storage.googleapis.com/projects/_/buckets/NAME");
  }
  if (buckets.size() > kMaxAccessBoundaryRules) {
    return PolicyError(fmt::format(
        "{} buckets given, but a Credential Access Boundary holds at most {} rules (one per "
        "bucket); name at most {} buckets with --resource",
        buckets.size(), kMaxAccessBoundaryRules, kMaxAccessBoundaryRules));
  }
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const std::string& bucket : buckets) {
    nlohmann::ordered_json permissions = nlohmann::ordered_json::array();
    for (const std::string& role : roles) permissions.push_back("inRole:" + role);
    rules.push_back(
        {{"availablePermissions", std::move(permissions)}, {"availableResource", bucket}});
  }
  nlohmann::ordered_json boundary;
  boundary["accessBoundary"]["accessBoundaryRules"] = std::move(rules);
  return boundary.dump();
}

std::string TokenExchangeBody(std::string_view subject_token, std::string_view boundary_json) {
  return FormEncode({
      {"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
      {"subject_token_type", "urn:ietf:params:oauth:token-type:access_token"},
      {"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"},
      {"subject_token", std::string(subject_token)},
      {"options", UriEncode(boundary_json)},
  });
}

}  // namespace audex
