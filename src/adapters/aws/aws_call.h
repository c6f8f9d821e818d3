// AwsCall: one signed request to an AWS service in any of its protocols
// (JSON 1.0/1.1, REST-JSON, REST-XML, Query), sent with bounded, jittered
// retries of transient failures, and the error code and message a failed
// reply carries. The cleanup clients (Resource Groups Tagging API, S3,
// DynamoDB, EC2, Lambda, SQS, SNS) share it; STS and IAM keep their own
// (query_api.h), whose errors they explain in their own words.
#pragma once

#include <string>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/http_message.h"
#include "core/wire/sigv4.h"

namespace audex {

struct AwsCallOptions {
  SigV4Scope scope;             // region and signing name ("tagging", "s3", ...)
  bool content_sha256 = false;  // S3 wants X-Amz-Content-Sha256 signed
  RetryPolicy retry;
  // Injected so that tests neither wait nor depend on chance; unset ones
  // are filled with the real ones.
  SleepFunction sleep;
  Random01Function random01;
  ClockFunction clock;
};

// What a failed reply says: Code/Message of an XML error document (under
// <Error>, <Errors><Error> or <Response>), __type/message of a JSON one
// (the type after any '#' or before any ':'), else the x-amzn-errortype
// header. Empty when the reply says nothing readable.
struct AwsErrorReply {
  std::string code;
  std::string message;
};
AwsErrorReply ParseAwsErrorReply(const HttpResponse& response);

// Signs `request` and sends it until a reply that is not transient comes
// (any status: the caller reads it) or the retry policy gives up. Connection
// failures, timeouts, 5xx, 429 and throttling codes are retried; the reply
// to the last attempt is returned. kCredentials when no reply came, naming
// the endpoint; kUsage for a URL that cannot be signed. Messages never hold
// the credentials.
Result<HttpResponse> SendAwsRequest(HttpClient& http, const HttpRequest& request,
                                    const AwsCredentials& credentials, AwsCallOptions& options);

// "HTTP 409 BucketNotEmpty: The bucket you tried to delete is not empty":
// a failed reply in one line, bounded and with the credentials' secrets
// removed.
std::string DescribeAwsReply(const HttpResponse& response, const AwsCredentials& credentials);

}  // namespace audex
