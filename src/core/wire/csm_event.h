// Client-side monitoring (CSM) datagrams: the JSON an AWS SDK sends over UDP
// for every API call (`ApiCall`) and every try of it (`ApiCallAttempt`) when
// AWS_CSM_ENABLED is set (spec/cloud-facts.md, "Seeing which API calls a
// child made"), and the collection of one session's calls from them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/wire/observed_call.h"

namespace audex {

enum class CsmEventType { kApiCall, kApiCallAttempt, kOther };

// The fields Audex reads; the SDKs send more (latencies, user agent, ...).
struct CsmEvent {
  CsmEventType type = CsmEventType::kOther;
  std::string service;     // "S3", "DynamoDB": the SDK's serviceId
  std::string api;         // "ListObjectsV2"
  std::string client_id;   // AWS_CSM_CLIENT_ID, empty when unset
  std::string access_key;  // attempts only: the access key id that signed the try
  std::string region;
  std::string fqdn;                // attempts only: the host the try went to
  std::optional<int> http_status;  // ApiCall: FinalHttpStatusCode; attempt: HttpStatusCode
  std::string aws_exception;       // FinalAwsException / AwsException
  std::string sdk_exception;       // FinalSdkException / SdkException
  int attempt_count = 0;           // ApiCall: how many tries were sent
  int64_t timestamp_ms = 0;
};

// Parses one datagram. Errors (kUsage) for bytes that are not a JSON object
// with a string "Type"; unknown types parse as kOther. Fields of the wrong
// JSON type are ignored, as the SDKs differ in what they send.
Result<CsmEvent> ParseCsmDatagram(std::string_view datagram);

// Collects one session's calls from the datagrams of every SDK in the child
// tree, in arrival order. An ApiCall counts when its ClientId is the
// session's and the tries before it (ApiCallAttempt for the same service and
// API from the same client) were signed with the session's access key: a
// child that switches to other credentials (its own AssumeRole, a profile)
// makes calls this session's policy does not govern. Not thread-safe.
class CsmCallCollector {
 public:
  CsmCallCollector(std::string client_id, std::string access_key_id);

  // Feeds one datagram; malformed ones are counted and skipped.
  void Add(std::string_view datagram);

  // Calls whose last try went to `host_port` ("127.0.0.1:PORT", the
  // forwarding endpoint, which records them itself) are counted in
  // through_endpoint() instead of calls(), so that a call is not learned
  // twice.
  void SkipCallsTo(std::string host_port) { skipped_host_ = std::move(host_port); }
  size_t through_endpoint() const { return through_endpoint_; }

  const std::vector<ObservedCall>& calls() const { return calls_; }
  size_t malformed() const { return malformed_; }
  size_t foreign() const { return foreign_; }  // other clients or other credentials
  size_t datagrams() const { return datagrams_; }

 private:
  std::string client_id_;
  std::string access_key_id_;
  // The last try's access key and host per "Service/Api".
  std::map<std::string, CsmEvent> last_attempt_;
  std::vector<ObservedCall> calls_;
  size_t malformed_ = 0;
  size_t foreign_ = 0;
  size_t datagrams_ = 0;
  std::string skipped_host_;
  size_t through_endpoint_ = 0;
};

// The S3 bucket a virtual-hosted request names ("b.s3.us-east-1.amazonaws.com"
// → "b"), or empty for path-style and other hosts.
std::string S3BucketFromHost(std::string_view fqdn);

}  // namespace audex
