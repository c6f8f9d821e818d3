// Routing at the forwarding endpoint: who may use it, which service and
// operation a request is (against the built-in models generated from the
// AWS SDK's), where it goes upstream, and the re-signed request.
#include "core/wire/aws_request_route.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "catalog/service_models.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/wire/sigv4.h"

namespace audex {
namespace {

using std::chrono::system_clock;

constexpr int kPort = 40123;

AwsCredentials ChildCredentials() {
  AwsCredentials credentials;
  credentials.access_key_id = "AUDX0123456789ABCDEF";
  credentials.secret_access_key = SecretString("child-secret-0123456789abcdef0123456789");
  return credentials;
}

AwsCredentials SessionCredentials() {
  AwsCredentials credentials;
  credentials.access_key_id = "ASIASESSIONKEY000001";
  credentials.secret_access_key = SecretString("session-secret-abcdefghijklmnopqrstuvwxyz0");
  credentials.session_token = SecretString("session-token-value");
  return credentials;
}

EndpointIdentity Identity() {
  EndpointIdentity identity;
  identity.port = kPort;
  identity.access_key_id = ChildCredentials().access_key_id;
  identity.secret_access_key = ChildCredentials().secret_access_key;
  return identity;
}

system_clock::time_point Now() { return *ParseRfc3339("2026-05-01T12:00:00Z"); }

// A request signed the way an SDK pointed at the endpoint signs it.
struct Signed {
  AwsRequestHead head;
  std::string body;
};

Signed SignAsChild(std::string method, std::string path_and_query, std::string service,
                   HttpHeaders headers = {}, std::string body = "",
                   const AwsCredentials& credentials = ChildCredentials(),
                   std::string host = "127.0.0.1:" + std::to_string(kPort)) {
  HttpRequest request;
  request.method = method;
  request.url = "http://" + host + path_and_query;
  request.headers = std::move(headers);
  request.headers.emplace_back("Host", host);
  request.body = body;
  auto signed_request = SignV4(request, credentials, SigV4Scope{"us-west-2", service}, Now());
  EXPECT_TRUE(signed_request) << signed_request.error().message;
  const std::string& url = signed_request->url;
  const size_t path = url.find('/', url.find("://") + 3);
  return Signed{{method, url.substr(path), signed_request->headers}, body};
}

Routed<AwsRoute> Route(const Signed& request) {
  AwsRequestBody body;
  if (!request.body.empty() || NeedsWholeBody(request.head)) {
    body.buffered = true;
    body.data = request.body;
  }
  return RouteAwsRequest(BuiltinServiceModels(), request.head, body, Identity());
}

HttpHeaders S3Headers(std::string hash = "UNSIGNED-PAYLOAD") {
  return {{"X-Amz-Content-Sha256", hash}};
}

TEST(ParseSigV4AuthorizationTest, ReadsTheCredentialScope) {
  auto parsed = ParseSigV4Authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20260501/eu-west-1/dynamodb/aws4_request, "
      "SignedHeaders=host;x-amz-date;x-amz-target, "
      "Signature=" +
      std::string(64, 'a'));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->access_key_id, "AKID");
  EXPECT_EQ(parsed->date, "20260501");
  EXPECT_EQ(parsed->region, "eu-west-1");
  EXPECT_EQ(parsed->service, "dynamodb");
  EXPECT_EQ(parsed->signed_headers,
            (std::vector<std::string>{"host", "x-amz-date", "x-amz-target"}));
}

TEST(ParseSigV4AuthorizationTest, RefusesWhatNamesNoScope) {
  EXPECT_EQ(ParseSigV4Authorization("").error().code, "MissingAuthenticationToken");
  EXPECT_EQ(ParseSigV4Authorization("AWS AKID:c2lnbmF0dXJl").error().code,
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(ParseSigV4Authorization("AWS4-HMAC-SHA256 Credential=AKID/20260501/us-east-1, "
                                    "SignedHeaders=host, Signature=" +
                                    std::string(64, 'a'))
                .error()
                .code,
            "AuthorizationHeaderMalformed");
}

TEST(RouteAwsRequestTest, JsonProtocolOperationFromTarget) {
  const Signed request = SignAsChild("POST", "/", "dynamodb",
                                     {{"X-Amz-Target", "DynamoDB_20120810.GetItem"},
                                      {"Content-Type", "application/x-amz-json-1.0"}},
                                     R"({"TableName":"t"})");
  auto route = Route(request);
  ASSERT_TRUE(route) << route.error().message;
  EXPECT_EQ(route->service->service_id, "DynamoDB");
  EXPECT_EQ(route->operation, "GetItem");
  EXPECT_EQ(route->payload_hash, Sha256Hex(R"({"TableName":"t"})"));
}

TEST(RouteAwsRequestTest, TargetPrefixTellsApartServicesOfOneSigningName) {
  // DynamoDB Streams signs as "dynamodb" too.
  const Signed request = SignAsChild(
      "POST", "/", "dynamodb", {{"X-Amz-Target", "DynamoDBStreams_20120810.ListStreams"}}, "{}");
  auto route = Route(request);
  ASSERT_TRUE(route) << route.error().message;
  EXPECT_EQ(route->service->service_id, "DynamoDB Streams");
  EXPECT_EQ(route->service->endpoint_prefix, "streams.dynamodb");
}

TEST(RouteAwsRequestTest, QueryProtocolActionFromFormBodyOrUrl) {
  const Signed form = SignAsChild(
      "POST", "/", "sts", {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
      "Action=GetCallerIdentity&Version=2011-06-15");
  auto route = Route(form);
  ASSERT_TRUE(route) << route.error().message;
  EXPECT_EQ(route->service->service_id, "STS");
  EXPECT_EQ(route->operation, "GetCallerIdentity");

  auto in_url = Route(SignAsChild("GET", "/?Action=ListUsers&Version=2010-05-08", "iam"));
  ASSERT_TRUE(in_url) << in_url.error().message;
  EXPECT_EQ(in_url->service->service_id, "IAM");
  EXPECT_EQ(in_url->operation, "ListUsers");
}

TEST(RouteAwsRequestTest, SqsQueryCompatibleActionStillRoutes) {
  // The SQS model speaks JSON now; older SDKs still send Action=.
  auto route =
      Route(SignAsChild("POST", "/", "sqs", {{"Content-Type", "application/x-www-form-urlencoded"}},
                        "Action=ListQueues&Version=2012-11-05"));
  ASSERT_TRUE(route) << route.error().message;
  EXPECT_EQ(route->service->service_id, "SQS");
  EXPECT_EQ(route->operation, "ListQueues");
}

TEST(RouteAwsRequestTest, S3RestOperationsFromMethodPathQueryAndHeaders) {
  struct Case {
    std::string method, target;
    HttpHeaders extra;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"GET", "/", {}, "ListBuckets"},
      {"GET", "/bucket", {}, "ListObjects"},
      {"GET", "/bucket?list-type=2&prefix=a", {}, "ListObjectsV2"},
      {"HEAD", "/bucket", {}, "HeadBucket"},
      {"GET", "/bucket/dir/key.txt", {}, "GetObject"},
      {"HEAD", "/bucket/key", {}, "HeadObject"},
      {"PUT", "/bucket/key", {}, "PutObject"},
      {"PUT", "/bucket/key", {{"x-amz-copy-source", "src/key"}}, "CopyObject"},
      {"POST", "/bucket/key?uploads", {}, "CreateMultipartUpload"},
      {"PUT", "/bucket/key?partNumber=1&uploadId=u", {}, "UploadPart"},
      {"POST", "/bucket/key?uploadId=u", {}, "CompleteMultipartUpload"},
      {"DELETE", "/bucket/key", {}, "DeleteObject"},
      {"POST", "/bucket?delete", {}, "DeleteObjects"},
      {"GET", "/bucket?acl", {}, "GetBucketAcl"},
      {"GET", "/bucket/key?tagging", {}, "GetObjectTagging"},
      {"PUT", "/bucket", {}, "CreateBucket"},
      // JavaScript v3 and Go v2 name the operation in x-id.
      {"GET", "/bucket/key?x-id=GetObject", {}, "GetObject"},
  };
  for (const Case& c : cases) {
    HttpHeaders headers = S3Headers();
    headers.insert(headers.end(), c.extra.begin(), c.extra.end());
    auto route = Route(SignAsChild(c.method, c.target, "s3", headers));
    ASSERT_TRUE(route) << c.method << " " << c.target << ": " << route.error().message;
    EXPECT_EQ(route->service->service_id, "S3") << c.target;
    EXPECT_EQ(route->operation, c.want) << c.method << " " << c.target;
  }
}

TEST(RouteAwsRequestTest, S3BucketFromPathOrVirtualHost) {
  auto path_style = Route(SignAsChild("GET", "/my-bucket/k", "s3", S3Headers()));
  ASSERT_TRUE(path_style);
  EXPECT_EQ(path_style->bucket, "my-bucket");
  auto virtual_host = Route(SignAsChild("GET", "/k", "s3", S3Headers(), "", ChildCredentials(),
                                        "my-bucket.localhost:" + std::to_string(kPort)));
  ASSERT_TRUE(virtual_host) << virtual_host.error().message;
  EXPECT_EQ(virtual_host->bucket, "my-bucket");
  EXPECT_EQ(virtual_host->path, "/my-bucket/k");
  EXPECT_EQ(virtual_host->operation, "GetObject");
}

TEST(RouteAwsRequestTest, RestJsonOperationFromPathTemplate) {
  auto route = Route(
      SignAsChild("POST", "/2015-03-31/functions/my-fn/invocations", "lambda", {}, R"({"k":1})"));
  ASSERT_TRUE(route) << route.error().message;
  EXPECT_EQ(route->service->service_id, "Lambda");
  EXPECT_EQ(route->operation, "Invoke");
}

TEST(RouteAwsRequestTest, RefusesRequestsNotSignedByTheChild) {
  // A forged secret: right access key, wrong signature.
  AwsCredentials forged = ChildCredentials();
  forged.secret_access_key = SecretString("guessed-secret");
  auto wrong_secret = Route(SignAsChild("GET", "/", "s3", S3Headers(), "", forged));
  ASSERT_FALSE(wrong_secret);
  EXPECT_EQ(wrong_secret.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(wrong_secret.error().status, 403);

  AwsCredentials other = ChildCredentials();
  other.access_key_id = "AKIAOTHERKEY00000000";
  auto wrong_key = Route(SignAsChild("GET", "/", "s3", S3Headers(), "", other));
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code, "InvalidClientTokenId");

  // Altered after signing.
  Signed altered = SignAsChild("GET", "/bucket/a", "s3", S3Headers());
  altered.head.target = "/bucket/b";
  EXPECT_EQ(Route(altered).error().code, "SignatureDoesNotMatch");

  Signed unsigned_request = SignAsChild("GET", "/", "s3", S3Headers());
  std::erase_if(unsigned_request.head.headers,
                [](const auto& header) { return header.first == "Authorization"; });
  EXPECT_EQ(Route(unsigned_request).error().code, "MissingAuthenticationToken");
}

TEST(RouteAwsRequestTest, RefusesOtherHostsProxyFormAndPresignedUrls) {
  auto other_host =
      Route(SignAsChild("GET", "/", "s3", S3Headers(), "", ChildCredentials(), "s3.amazonaws.com"));
  ASSERT_FALSE(other_host);
  EXPECT_EQ(other_host.error().code, "InvalidHost");
  auto other_port =
      Route(SignAsChild("GET", "/", "s3", S3Headers(), "", ChildCredentials(), "127.0.0.1:1"));
  EXPECT_EQ(other_port.error().code, "InvalidHost");

  Signed proxy_form = SignAsChild("GET", "/", "s3", S3Headers());
  proxy_form.head.target = "http://s3.amazonaws.com/";
  EXPECT_EQ(Route(proxy_form).error().code, "InvalidRequest");

  auto presigned =
      Route(SignAsChild("GET",
                        "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AUDX%2F2"
                        "&X-Amz-Signature=abc",
                        "s3", S3Headers()));
  ASSERT_FALSE(presigned);
  EXPECT_EQ(presigned.error().code, "AccessDenied");
  EXPECT_NE(presigned.error().message.find("presigned"), std::string::npos);
}

TEST(RouteAwsRequestTest, RefusesUnknownServicesAndRegionsThatAreNotNames) {
  auto unknown = Route(SignAsChild("POST", "/", "no-such-service", {}, "{}"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "UnknownService");
  EXPECT_NE(unknown.error().message.find("aws-sdk"), std::string::npos);
}

TEST(MatchRestOperationTest, NoMatchIsNull) {
  const AwsServiceModel* s3 = nullptr;
  for (const AwsServiceModel& service : BuiltinServiceModels().services) {
    if (service.service_id == "S3") s3 = &service;
  }
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(MatchRestOperation(*s3, "PATCH", "/b/k", "", {}), nullptr);
}

AwsRoute RouteFor(std::string service_id, std::string region, std::string operation = "",
                  std::string path = "/", std::string bucket = "") {
  AwsRoute route;
  for (const AwsServiceModel& service : BuiltinServiceModels().services) {
    if (service.service_id == service_id) route.service = &service;
  }
  EXPECT_NE(route.service, nullptr) << service_id;
  route.authorization.region = region;
  route.authorization.service = std::string(route.service->signing_name);
  route.operation = operation;
  route.path = path;
  route.bucket = bucket;
  return route;
}

TEST(ResolveUpstreamTest, RegionalGlobalAndPartitionEndpoints) {
  struct Case {
    std::string service, region, url, signing_region;
  };
  const std::vector<Case> cases = {
      {"DynamoDB", "eu-west-1", "https://dynamodb.eu-west-1.amazonaws.com/", "eu-west-1"},
      {"DynamoDB", "cn-north-1", "https://dynamodb.cn-north-1.amazonaws.com.cn/", "cn-north-1"},
      {"IAM", "eu-west-1", "https://iam.amazonaws.com/", "us-east-1"},
      {"IAM", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"},
      {"IAM", "us-gov-west-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"},
      {"STS", "eu-central-1", "https://sts.eu-central-1.amazonaws.com/", "eu-central-1"},
      {"STS", "us-east-1", "https://sts.us-east-1.amazonaws.com/", "us-east-1"},
      {"S3", "us-east-1", "https://s3.amazonaws.com/", "us-east-1"},
      {"S3", "eu-west-1", "https://s3.eu-west-1.amazonaws.com/", "eu-west-1"},
      {"DynamoDB Streams", "us-east-2", "https://streams.dynamodb.us-east-2.amazonaws.com/",
       "us-east-2"},
  };
  for (const Case& c : cases) {
    auto target = ResolveUpstream(BuiltinServiceModels(), RouteFor(c.service, c.region), {});
    ASSERT_TRUE(target) << c.service;
    EXPECT_EQ(target->url, c.url) << c.service << " " << c.region;
    EXPECT_EQ(target->scope.region, c.signing_region) << c.service << " " << c.region;
  }
}

TEST(ResolveUpstreamTest, S3VirtualHostedWhenTheBucketIsADnsLabel) {
  AwsRoute route = RouteFor("S3", "us-west-2", "GetObject", "/my-bucket/a/b.txt", "my-bucket");
  route.query = "versionId=1";
  auto target = ResolveUpstream(BuiltinServiceModels(), route, {});
  ASSERT_TRUE(target);
  EXPECT_EQ(target->url, "https://my-bucket.s3.us-west-2.amazonaws.com/a/b.txt?versionId=1");
  // A dotted name does not fit the *.s3 certificate: path-style.
  auto dotted = ResolveUpstream(BuiltinServiceModels(),
                                RouteFor("S3", "us-west-2", "GetObject", "/a.b/k", "a.b"), {});
  EXPECT_EQ(dotted->url, "https://s3.us-west-2.amazonaws.com/a.b/k");
}

TEST(ResolveUpstreamTest, OverridesGoPathStyleAndPerServiceWins) {
  EndpointOverrides overrides;
  overrides.all = "http://127.0.0.1:5000";
  overrides.per_service = {{"DYNAMODB", "http://127.0.0.1:6000/base/"}};
  auto s3 = ResolveUpstream(BuiltinServiceModels(),
                            RouteFor("S3", "us-west-2", "GetObject", "/my-bucket/k", "my-bucket"),
                            overrides);
  EXPECT_EQ(s3->url, "http://127.0.0.1:5000/my-bucket/k");
  EXPECT_EQ(s3->scope.region, "us-west-2");
  auto dynamodb =
      ResolveUpstream(BuiltinServiceModels(), RouteFor("DynamoDB", "us-west-2"), overrides);
  EXPECT_EQ(dynamodb->url, "http://127.0.0.1:6000/base/");
  EXPECT_EQ(EndpointVariableSuffix("CloudWatch Logs"), "CLOUDWATCH_LOGS");
}

TEST(UpstreamRequestTest, ReSignedWithTheSessionAndWithoutTheChildsSignature) {
  const Signed request = SignAsChild("POST", "/", "dynamodb",
                                     {{"X-Amz-Target", "DynamoDB_20120810.ListTables"},
                                      {"Content-Type", "application/x-amz-json-1.0"},
                                      {"X-Amz-Security-Token", "child-token"}},
                                     "{}");
  auto route = Route(request);
  ASSERT_TRUE(route);
  auto target = ResolveUpstream(BuiltinServiceModels(), *route, {});
  ASSERT_TRUE(target);
  const auto later = Now() + std::chrono::seconds(3);
  auto upstream = UpstreamRequest(request.head, *route, *target, SessionCredentials(), later, "{}");
  ASSERT_TRUE(upstream) << upstream.error().message;
  EXPECT_EQ(upstream->url, "https://dynamodb.us-west-2.amazonaws.com/");
  std::string authorization, token, host, target_header;
  for (const auto& [name, value] : upstream->headers) {
    if (name == "Authorization") authorization = value;
    if (name == "X-Amz-Security-Token") token = value;
    if (name == "Host") host = value;
    if (name == "X-Amz-Target") target_header = value;
  }
  EXPECT_NE(authorization.find("Credential=ASIASESSIONKEY000001/20260501/us-west-2/dynamodb/"),
            std::string::npos);
  EXPECT_EQ(token, "session-token-value");
  EXPECT_EQ(host, "dynamodb.us-west-2.amazonaws.com");
  EXPECT_EQ(target_header, "DynamoDB_20120810.ListTables");
  // The signature is the session's over what is sent: check it the way a
  // server would.
  SigV4SignedRequest received;
  received.method = "POST";
  received.path = "/";
  received.headers = upstream->headers;
  auto parsed = ParseSigV4Authorization(authorization);
  ASSERT_TRUE(parsed);
  received.signed_headers = parsed->signed_headers;
  received.amz_date = FormatAmzDate(later);
  received.payload_hash = Sha256Hex("{}");
  EXPECT_EQ(SigV4SignatureOf(received, SessionCredentials().secret_access_key,
                             SigV4Scope{"us-west-2", "dynamodb"}),
            parsed->signature);
}

TEST(UpstreamRequestTest, S3KeepsThePayloadHashTheChildSigned) {
  const Signed request =
      SignAsChild("PUT", "/bucket/key", "s3", S3Headers("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
  auto route = Route(Signed{request.head, ""});
  ASSERT_TRUE(route) << route.error().message;
  EndpointOverrides overrides;
  overrides.all = "http://127.0.0.1:5000";
  auto target = ResolveUpstream(BuiltinServiceModels(), *route, overrides);
  auto upstream = UpstreamRequest(request.head, *route, *target, SessionCredentials(), Now(), "");
  ASSERT_TRUE(upstream);
  int hashes = 0;
  for (const auto& [name, value] : upstream->headers) {
    if (name == "X-Amz-Content-Sha256") {
      ++hashes;
      EXPECT_EQ(value, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    }
  }
  EXPECT_EQ(hashes, 1);
}

TEST(AwsErrorReplyTest, ShapeFollowsTheProtocol) {
  const AwsRefusal refusal{403, "SignatureDoesNotMatch", "a \"quoted\" <message>"};
  AwsRequestHead head;
  const AwsServiceModel* s3 = RouteFor("S3", "us-east-1").service;
  const AwsServiceModel* dynamodb = RouteFor("DynamoDB", "us-east-1").service;
  const AwsServiceModel* sts = RouteFor("STS", "us-east-1").service;
  const HttpResponse xml = AwsErrorReply(refusal, s3, head);
  EXPECT_EQ(xml.status, 403);
  EXPECT_NE(xml.body.find("<Error><Code>SignatureDoesNotMatch</Code><Message>a &quot;quoted&quot; "
                          "&lt;message&gt;</Message>"),
            std::string::npos);
  const HttpResponse json = AwsErrorReply(refusal, dynamodb, head);
  EXPECT_NE(json.body.find(R"("__type":"SignatureDoesNotMatch")"), std::string::npos);
  EXPECT_NE(json.body.find(R"(a \"quoted\" <message>)"), std::string::npos);
  const HttpResponse query = AwsErrorReply(refusal, sts, head);
  EXPECT_NE(query.body.find("<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch"),
            std::string::npos);
}

TEST(AwsErrorCodeOfTest, HeaderJsonAndXml) {
  EXPECT_EQ(AwsErrorCodeOf({{"x-amzn-errortype", "AccessDeniedException:http://x"}}, ""),
            "AccessDeniedException");
  EXPECT_EQ(AwsErrorCodeOf(
                {}, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(AwsErrorCodeOf({}, "<Error><Code>NoSuchKey</Code></Error>"), "NoSuchKey");
  EXPECT_EQ(AwsErrorCodeOf({}, "<html>"), "");
}

TEST(BuiltinServiceModelsTest, GeneratedFromThePinnedPackage) {
  const AwsServiceModels& models = BuiltinServiceModels();
  EXPECT_GT(models.services.size(), 300u);
  EXPECT_TRUE(models.source.starts_with("aws-sdk 2."));
  for (size_t i = 1; i < models.services.size(); ++i) {
    EXPECT_LE(models.services[i - 1].signing_name, models.services[i].signing_name);
  }
  for (size_t i = 1; i < models.endpoint_rules.size(); ++i) {
    EXPECT_LT(models.endpoint_rules[i - 1].key, models.endpoint_rules[i].key);
  }
  const AwsServiceModel* s3 = RouteFor("S3", "us-east-1").service;
  EXPECT_EQ(s3->protocol, "rest-xml");
  EXPECT_GT(s3->operations.size(), 90u);
}

}  // namespace
}  // namespace audex

namespace audex {
namespace {

TEST(NeedsWholeBodyTest, StreamsPayloadsWhoseHashIsInTheHeader) {
  EXPECT_TRUE(NeedsWholeBody({"POST", "/", {{"X-Amz-Target", "DynamoDB_20120810.GetItem"}}}));
  EXPECT_FALSE(NeedsWholeBody({"PUT", "/b/k", {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}}));
  // Query APIs name the operation in a form body, which is read whole...
  EXPECT_TRUE(NeedsWholeBody({"POST",
                              "/",
                              {{"x-amz-content-sha256", std::string(64, 'a')},
                               {"Content-Type", "application/x-www-form-urlencoded"}}}));
  // ...but an aws-chunked upload is streamed whatever its Content-Type says
  // (Python's urllib sends a form type by default).
  EXPECT_FALSE(NeedsWholeBody({"PUT",
                               "/b/k",
                               {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                                {"Content-Type", "application/x-www-form-urlencoded"}}}));
}

}  // namespace
}  // namespace audex

namespace audex {
namespace {

TEST(AwsErrorReplyTest, BytesFromTheRequestBecomePrintableAscii) {
  // aws_request_route_fuzzer: a non-UTF-8 byte quoted from X-Amz-Target.
  const AwsRefusal refusal{400, "UnknownOperation", std::string("target \"Dynamo\x92\n\"")};
  const AwsServiceModel* dynamodb = nullptr;
  for (const AwsServiceModel& service : BuiltinServiceModels().services) {
    if (service.service_id == "DynamoDB") dynamodb = &service;
  }
  const HttpResponse json = AwsErrorReply(refusal, dynamodb, {});
  EXPECT_NE(json.body.find(R"(target \"Dynamo??\")"), std::string::npos) << json.body;
  const HttpResponse xml = AwsErrorReply(refusal, nullptr, {});
  EXPECT_NE(xml.body.find("target &quot;Dynamo??&quot;"), std::string::npos) << xml.body;
}

}  // namespace
}  // namespace audex
