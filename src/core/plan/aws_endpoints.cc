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
