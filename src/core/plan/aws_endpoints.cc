// Region and STS/IAM endpoint resolution (aws_endpoints.h).
#include "core/plan/aws_endpoints.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/wire/url.h"

namespace audex {
namespace {

bool IsRegionName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<std::string> NonEmpty(std::optional<std::string> value) {
  if (value && value->empty()) return std::nullopt;
  return value;
}

bool AllOf(std::string_view text, char low, char high) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [=](char c) { return c >= low && c <= high; });
}

// The shape of every AWS region name: a two-letter area, one or more
// lower-case words, a number (us-east-1, us-gov-west-1, cn-northwest-1,
// us-isob-east-1; AWS General Reference, "AWS service endpoints"). A name of
// another shape has no STS endpoint, so a run could only fail on the
// network; --dry-run must refuse it the same way, before any call.
bool IsAwsRegionShape(std::string_view name) {
  const size_t first = name.find('-');
  const size_t last = name.rfind('-');
  if (first != 2 || last <= first + 1 || !AllOf(name.substr(0, 2), 'a', 'z')) return false;
  if (!AllOf(name.substr(last + 1), '0', '9') || name.size() - last - 1 > 2) return false;
  for (size_t start = first + 1; start < last;) {
    const size_t end = name.find('-', start);
    if (!AllOf(name.substr(start, end - start), 'a', 'z')) return false;
    start = end + 1;
  }
  return true;
}

// An endpoint override points every call at another server (moto, radosgw,
// a proxy), for which the region is only the SigV4 scope it expects: Ceph
// names its zonegroups freely ("default"), so only the character set holds.
bool EndpointOverridden(const EnvLookup& env) {
  for (const char* variable :
       {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM"}) {
    if (NonEmpty(env(variable))) return true;
  }
  return false;
}

}  // namespace

Result<RegionChoice> ResolveRegion(const std::optional<std::string>& flag, const EnvLookup& env,
                                   const std::optional<std::string>& audex_config_region,
                                   const std::optional<std::string>& aws_profile_region) {
  const std::pair<std::optional<std::string>, std::string> candidates[] = {
      {NonEmpty(flag), "--region"},
      {NonEmpty(env("AWS_REGION")), "AWS_REGION"},
      {NonEmpty(env("AWS_DEFAULT_REGION")), "AWS_DEFAULT_REGION"},
      {NonEmpty(audex_config_region), "region in config.toml"},
      {NonEmpty(aws_profile_region), "region of the AWS profile"},
  };
  for (const auto& [value, source] : candidates) {
    if (!value) continue;
    if (!IsRegionName(*value)) {
      return UsageError(fmt::format(
          "\"{}\" from {} is not an AWS region name (lower-case letters, digits and '-', e.g. "
          "eu-west-1)",
          *value, source));
    }
    if (!IsAwsRegionShape(*value) && !EndpointOverridden(env)) {
      return UsageError(fmt::format(
          "\"{}\" from {} is not an AWS region name (area, direction and number, e.g. eu-west-1 "
          "or us-gov-west-1; aws ec2 describe-regions lists them), so STS has no endpoint there",
          *value, source));
    }
    return RegionChoice{*value, source};
  }
  return RegionChoice{"us-east-1", "default"};
}

Result<StsEndpoint> ResolveStsEndpoint(const EnvLookup& env, std::string_view region) {
  for (const char* variable : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    const auto value = NonEmpty(env(variable));
    if (!value) continue;
    const auto url = ParseUrl(*value);
    if (!url) {
      return UsageError(
          fmt::format("{} is not usable as the STS endpoint: {}", variable, url.error().message));
    }
    return StsEndpoint{*value, variable};
  }
  const std::string_view domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return StsEndpoint{fmt::format("https://sts.{}.{}", region, domain), "regional"};
}

Result<IamEndpoint> ResolveIamEndpoint(const EnvLookup& env, std::string_view region) {
  IamEndpoint endpoint{"https://iam.amazonaws.com", "global", "us-east-1"};
  if (region.starts_with("cn-")) {
    endpoint = {"https://iam.cn-north-1.amazonaws.com.cn", "global", "cn-north-1"};
  } else if (region.starts_with("us-gov-")) {
    endpoint = {"https://iam.us-gov.amazonaws.com", "global", "us-gov-west-1"};
  }
  for (const char* variable : {"AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL"}) {
    const auto value = NonEmpty(env(variable));
    if (!value) continue;
    if (const auto url = ParseUrl(*value); !url) {
      return UsageError(
          fmt::format("{} is not usable as the IAM endpoint: {}", variable, url.error().message));
    }
    endpoint.url = *value;
    endpoint.source = variable;
    break;
  }
  return endpoint;
}

Result<ServiceEndpoint> ResolveServiceEndpoint(const EnvLookup& env, std::string_view service_id,
                                               std::string_view host_prefix,
                                               std::string_view region) {
  const std::string specific = fmt::format("AWS_ENDPOINT_URL_{}", service_id);
  for (const std::string& variable : {specific, std::string("AWS_ENDPOINT_URL")}) {
    const auto value = NonEmpty(env(variable));
    if (!value) continue;
    if (const auto url = ParseUrl(*value); !url) {
      return UsageError(
          fmt::format("{} is not usable as an endpoint: {}", variable, url.error().message));
    }
    return ServiceEndpoint{*value, variable, true};
  }
  const std::string_view domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return ServiceEndpoint{fmt::format("https://{}.{}.{}", host_prefix, region, domain), "regional",
                         false};
}

}  // namespace audex
