// Where an AWS request that a child sent to Audex's forwarding endpoint
// belongs: who signed it (the SigV4 credential scope), which service and
// operation it is (JSON X-Amz-Target, Query Action, or the REST method and
// path matched against the service model), whether to forward it at all,
// and the upstream request it becomes, re-signed with the session's
// credentials. Pure: the endpoint (adapters/awsproxy) does the I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/aws_service_model.h"
#include "core/wire/http_message.h"
#include "core/wire/sigv4.h"

namespace audex {

// Why the endpoint answers a request itself instead of forwarding it. The
// reply is in the error shape of the request's protocol (AwsErrorReply).
struct AwsRefusal {
  int status = 400;
  std::string code;     // "SignatureDoesNotMatch", "UnknownService", ...
  std::string message;  // names the problem and the fix; never a secret
};

template <typename T>
using Routed = tl::expected<T, AwsRefusal>;

// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;     // "20150830"
  std::string region;   // "us-east-1"
  std::string service;  // the signing name, "s3"
  std::vector<std::string> signed_headers;
  std::string signature;
};

// Parses an Authorization header value. A refusal (400
// AuthorizationHeaderMalformed, or 403 MissingAuthenticationToken when there
// is no SigV4 header at all) names what is missing.
Routed<SigV4Authorization> ParseSigV4Authorization(std::string_view header);

// A request as the endpoint received it.
struct AwsRequestHead {
  std::string method;  // upper case
  std::string target;  // the request-target as sent: "/bucket/key?x-id=GetObject"
  HttpHeaders headers;
};

// The endpoint's own identity: the port it listens on and the credentials
// it handed the child (placeholder ones with --broker, the session's with
// learn). Only a request signed with `child_credentials` is forwarded.
struct EndpointIdentity {
  int port = 0;
  std::string access_key_id;
  SecretString secret_access_key;
};

// How the request body reaches the router: whole (JSON and Query APIs,
// whose operation may be in it and whose hash SigV4 needs), or streamed
// (the payload hash is then the x-amz-content-sha256 header, as S3 sends).
struct AwsRequestBody {
  bool buffered = false;
  std::string_view data;  // the whole body when buffered
};

// Whether the body should be read whole before routing: not when the
// sender put the payload hash in x-amz-content-sha256 (S3 and other
// streaming APIs) or streams it aws-chunked, so that large uploads are
// streamed; a form body (Query APIs name the operation in it) is read whole.
bool NeedsWholeBody(const AwsRequestHead& head);

// What the endpoint knows about a request it will forward.
struct AwsRoute {
  SigV4Authorization authorization;
  const AwsServiceModel* service = nullptr;
  // The operation: from X-Amz-Target or Action even when the model is
  // older than the SDK; for REST APIs the best-matching operation of the
  // model, or empty when none matches.
  std::string operation;
  const AwsOperationModel* operation_model = nullptr;
  std::string bucket;        // S3: the bucket the request names, if any
  std::string path;          // path-style path, percent-encoded as received
  std::string query;         // as received, without '?'
  std::string payload_hash;  // what the sender signed as the payload hash
  std::string amz_date;
};

// Routes one request: checks the Host (this endpoint's, on its port; an
// S3 virtual-hosted "bucket.localhost" too), refuses presigned URLs, an
// Authorization without a SigV4 scope, credentials other than the child's
// (InvalidClientTokenId) and a signature that the child's secret does not
// give (SignatureDoesNotMatch), an unknown service; then finds the
// operation.
Routed<AwsRoute> RouteAwsRequest(const AwsServiceModels& models, const AwsRequestHead& head,
                                 const AwsRequestBody& body, const EndpointIdentity& identity);

// The first service signed as `signing_name`, or null: for the error shape
// of a request refused before its service is known.
const AwsServiceModel* FirstServiceSignedAs(const AwsServiceModels& models,
                                            std::string_view signing_name);

// The best operation of `service` for a REST request (method, path-style
// path, query, headers), or null. Exposed for tests.
const AwsOperationModel* MatchRestOperation(const AwsServiceModel& service, std::string_view method,
                                            std::string_view path, std::string_view query,
                                            const HttpHeaders& headers);

// Endpoint URLs given to Audex itself (its own environment's
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE_ID>): a test server such as
// moto, or a private endpoint. Keys are the upper snake case service ids.
struct EndpointOverrides {
  std::string all;
  std::vector<std::pair<std::string, std::string>> per_service;
};

// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> from Audex's own
// environment (none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), as the
// SDKs read them ("Service-specific endpoints" in the SDKs and Tools
// Reference Guide).
EndpointOverrides EndpointOverridesFrom(const Environment& environment);

// "CloudWatch Logs" -> "CLOUDWATCH_LOGS": the AWS_ENDPOINT_URL_<ID> suffix.
std::string EndpointVariableSuffix(std::string_view service_id);

// Where a routed request goes upstream and how it is signed there.
struct UpstreamTarget {
  std::string url;  // absolute, with path and query
  SigV4Scope scope;
};

// The real endpoint for the route: an override when Audex was given one
// (path-style for S3), else the AWS SDK's endpoint rules for the region and
// the service's endpoint prefix (partitions, global services and their
// signing region), with two documented exceptions: STS is always regional
// (AWS recommends regional STS endpoints; the global one is legacy), and
// S3 goes virtual-hosted when the bucket name allows it. Refuses a region
// that is not a region name.
Routed<UpstreamTarget> ResolveUpstream(const AwsServiceModels& models, const AwsRoute& route,
                                       const EndpointOverrides& overrides);

// The request to send upstream: the child's method, path, query and
// headers minus hop-by-hop ones and its signature, signed with `session`
// for `target` (so the payload hash it signed is kept: a hash, or
// UNSIGNED-PAYLOAD, or the streaming marker). `body` is empty when the body
// is streamed.
Result<HttpRequest> UpstreamRequest(const AwsRequestHead& head, const AwsRoute& route,
                                    const UpstreamTarget& target, const AwsCredentials& session,
                                    std::chrono::system_clock::time_point now, std::string body);

// The reply the child gets for a refusal, in the error shape its protocol
// expects: JSON ({"__type","message"} and x-amzn-ErrorType) for the JSON and
// REST-JSON protocols, <Error> for S3, <ErrorResponse> for the rest.
// `service` may be null (the service is unknown).
HttpResponse AwsErrorReply(const AwsRefusal& refusal, const AwsServiceModel* service,
                           const AwsRequestHead& head);

// The AWS error code of an upstream reply: x-amzn-ErrorType, a JSON
// "__type"/"code", or an XML <Code>; empty when there is none. `body` may be
// only the start of the body.
std::string AwsErrorCodeOf(const HttpHeaders& headers, std::string_view body);

}  // namespace audex
