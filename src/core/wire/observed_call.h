// ObservedCall: one AWS API call a child made, as an observer saw it
// (client-side monitoring or CloudTrail), before it is mapped to IAM
// actions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audex {

enum class ServiceNaming {
  kSdkServiceId,  // CSM "Service": the SDK's serviceId, "S3", "CloudWatch Logs"
  kEventSource,   // CloudTrail eventSource: "s3.amazonaws.com"
};

struct ObservedCall {
  ServiceNaming naming = ServiceNaming::kSdkServiceId;
  std::string service;             // as the observer names it (see `naming`)
  std::string operation;           // "ListObjectsV2", CloudTrail eventName
  std::optional<int> http_status;  // FinalHttpStatusCode; nullopt when never sent
  std::string error_code;          // FinalAwsException / errorCode; empty on success
  bool denied = false;             // refused for lack of permission
  // Resource ARNs the observation names (CloudTrail resources, an S3
  // bucket from a virtual-hosted endpoint); often empty.
  std::vector<std::string> resources;
};

// Whether a call failed for lack of permission: AccessDenied* codes, the
// other authorization codes AWS services use, or a bare 403. Signature,
// token and expiry errors are 403 too but are not about permissions.
bool IsPermissionDenied(std::string_view error_code, std::optional<int> http_status);

}  // namespace audex
