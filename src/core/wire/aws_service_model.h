// An AWS service model as the forwarding endpoint needs it: how a service is
// signed, addressed and spoken to (protocol, JSON target prefix) and, per
// operation, its HTTP binding (method, request URI template, the query
// parameters and headers it requires). The built-in set is generated at
// build time from the AWS SDK's published models (catalog/service_models.h);
// tests build small sets by hand. Plain constant data, no ownership.
#pragma once

#include <span>
#include <string_view>

namespace audex {

struct AwsOperationModel {
  std::string_view name;         // "PutObject"
  std::string_view method;       // "PUT"
  std::string_view request_uri;  // "/{Bucket}/{Key+}?uploads": path template, literal query
  // Input members bound to the query string and to headers that the
  // operation requires, comma-separated; header names lower-cased. They
  // tell apart operations with the same method and path (UploadPart needs
  // partNumber and uploadId, CopyObject needs x-amz-copy-source).
  std::string_view required_query;
  std::string_view required_headers;
  std::string_view host_prefix;  // "data-" or "{AccountId}.": added to the endpoint host
};

struct AwsServiceModel {
  std::string_view service_id;       // the SDK serviceId, "S3", "DynamoDB", "CloudWatch Logs"
  std::string_view signing_name;     // SigV4 credential scope service, "s3", "dynamodb"
  std::string_view endpoint_prefix;  // host label, "s3", "streams.dynamodb"
  std::string_view protocol;         // "json", "query", "ec2", "rest-json", "rest-xml"
  std::string_view target_prefix;    // JSON protocol X-Amz-Target prefix, "DynamoDB_20120810"
  std::string_view global_endpoint;  // "iam.amazonaws.com" for global services, else empty
  std::span<const AwsOperationModel> operations;
};

// One endpoint rule keyed "REGION/ENDPOINT_PREFIX", where either side may be
// "*" or a region prefix such as "cn-*" (the AWS SDK's region_config_data).
struct AwsEndpointRule {
  std::string_view key;             // "cn-*/iam"
  std::string_view endpoint;        // "{service}.cn-north-1.amazonaws.com.cn"
  bool global_endpoint = false;     // the host names no region
  std::string_view signing_region;  // "cn-north-1" for a global endpoint, else empty
};

struct AwsServiceModels {
  std::span<const AwsServiceModel> services;
  std::span<const AwsEndpointRule> endpoint_rules;
  std::string_view source;  // "aws-sdk 2.1693.0": where the tables came from
};

}  // namespace audex
