// Where STS and IAM calls go: the region (flag, environment, config,
// default), the STS endpoint URL (AWS's standard endpoint overrides, else
// regional) and IAM's (overrides, else the partition's global endpoint).
// Pure functions of the values and environment passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/env.h"
#include "core/base/result.h"

namespace audex {

struct RegionChoice {
  std::string region;
  std::string source;  // "--region", "AWS_REGION", ..., "default"
};

// The first of: --region, AWS_REGION, AWS_DEFAULT_REGION, region in Audex's
// config.toml, region of the AWS profile (~/.aws/config), else us-east-1
// (the region the original tool defaults to). Empty values are skipped. A
// value that is not a region name ([a-z0-9-]) is a kUsage error naming
// where it came from, since it becomes part of a host name.
Result<RegionChoice> ResolveRegion(const std::optional<std::string>& flag, const EnvLookup& env,
                                   const std::optional<std::string>& audex_config_region,
                                   const std::optional<std::string>& aws_profile_region);

struct StsEndpoint {
  std::string url;     // "https://sts.eu-west-1.amazonaws.com"
  std::string source;  // "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL" or "regional"
};

// AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (the SDKs' standard
// overrides), else the regional endpoint https://sts.<region>.amazonaws.com
// (amazonaws.com.cn for the China regions). An override that is not an
// http(s) URL is a kUsage error naming the variable.
Result<StsEndpoint> ResolveStsEndpoint(const EnvLookup& env, std::string_view region);

struct IamEndpoint {
  std::string url;             // "https://iam.amazonaws.com"
  std::string source;          // "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL" or "global"
  std::string signing_region;  // IAM is global: us-east-1 in the aws partition
};

// AWS_ENDPOINT_URL_IAM, else AWS_ENDPOINT_URL (as the AWS CLI reads them),
// else the global endpoint of `region`'s partition: https://iam.amazonaws.com
// signed for us-east-1, https://iam.cn-north-1.amazonaws.com.cn for cn-*
// (cn-north-1), https://iam.us-gov.amazonaws.com for us-gov-* (us-gov-west-1).
// An override that is not an http(s) URL is a kUsage error naming the
// variable.
Result<IamEndpoint> ResolveIamEndpoint(const EnvLookup& env, std::string_view region);

// Where a regional service's calls go, by the SDKs' standard overrides.
struct ServiceEndpoint {
  std::string url;          // "https://tagging.eu-west-1.amazonaws.com"
  std::string source;       // "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL" or "regional"
  bool overridden = false;  // an override names the host (S3 then uses path-style URLs)
};

// AWS_ENDPOINT_URL_<SERVICE_ID> (the service id in upper snake case, e.g.
// RESOURCE_GROUPS_TAGGING_API), else AWS_ENDPOINT_URL, else
// https://<host_prefix>.<region>.amazonaws.com (.com.cn for cn-*). An
// override that is not an http(s) URL is a kUsage error naming the variable.
Result<ServiceEndpoint> ResolveServiceEndpoint(const EnvLookup& env, std::string_view service_id,
                                               std::string_view host_prefix,
                                               std::string_view region);

}  // namespace audex
