// ResourceCleaner: the calls `tryaudex cleanup` makes besides the Tagging
// API: listing the objects of an S3 bucket (which the Tagging API does not
// list), and deleting each kind of resource it handles
// (core/cleanup/cleanup_plan.h): S3 DeleteObject/DeleteBucket (REST-XML),
// EC2 TerminateInstances/DeleteSecurityGroup (Query), DynamoDB DeleteTable
// (JSON 1.0), Lambda DeleteFunction (REST-JSON), SQS DeleteQueue (JSON 1.0),
// SNS DeleteTopic (Query). Each service is reached at
// AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else its regional
// endpoint, with SigV4 in the resource's region.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "adapters/aws/aws_call.h"
#include "adapters/http/http_client.h"
#include "core/base/env.h"
#include "core/base/result.h"
#include "core/cleanup/cleanup_plan.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

struct CleanerOptions {
  EnvLookup env;
  std::string region;  // for S3, whose ARNs carry none: the session's region
  RetryPolicy retry;
  SleepFunction sleep;
  Random01Function random01;
  ClockFunction clock;
  // A security group stays in use for a while after its instances are
  // terminated (DependencyViolation): tried again this often, this far apart.
  int dependency_attempts = 12;
  std::chrono::milliseconds dependency_wait{5000};
};

// Whether a delete removed the resource or found it already gone.
enum class DeleteResult { kDeleted, kAlreadyGone };

// Not thread-safe. Errors are kCredentials with the service's code and
// message, naming the resource; never a secret. kUsage for a kind it does
// not delete.
class ResourceCleaner {
 public:
  ResourceCleaner(HttpClient& http, AwsCredentials credentials, CleanerOptions options);

  // Every object version and delete marker of `bucket` (ListObjectVersions,
  // all pages).
  Result<std::vector<BucketObject>> ListObjects(const std::string& bucket);

  // Those of `instance_ids` (in `region`) that EC2 reports terminated
  // (DescribeInstances, filter instance-state-name): EC2 keeps a terminated
  // instance, and its tags, visible for about an hour (EC2 User Guide,
  // "Terminate Amazon EC2 instances"), so the Tagging API still lists it
  // after it is gone.
  Result<std::set<std::string>> TerminatedInstances(const std::vector<std::string>& instance_ids,
                                                    const std::string& region);

  Result<DeleteResult> Delete(const SessionResource& resource);

 private:
  Result<HttpResponse> Send(const HttpRequest& request, const std::string& region,
                            const std::string& service, bool content_sha256 = false);
  Result<std::string> Endpoint(const std::string& service_id, const std::string& host_prefix,
                               const std::string& region) const;
  Result<std::string> S3Url(const std::string& bucket, const std::string& key) const;
  Result<DeleteResult> Finish(const Result<HttpResponse>& response, const SessionResource& resource,
                              std::initializer_list<std::string_view> gone_codes);

  HttpClient& http_;
  AwsCredentials credentials_;
  CleanerOptions options_;
};

}  // namespace audex
