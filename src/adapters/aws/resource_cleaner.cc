#include "adapters/aws/resource_cleaner.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "adapters/aws/aws_xml.h"
#include "core/plan/aws_endpoints.h"
#include "core/wire/url.h"

namespace audex {
namespace {

constexpr size_t kMaxListPages = 10000;

// "Already gone" in each service's words: a resource deleted meanwhile is
// not a failure of cleanup.
constexpr std::string_view kS3Gone[] = {"NoSuchBucket", "NoSuchKey", "NoSuchVersion"};

HttpRequest JsonPost(const std::string& url, std::string_view target, std::string_view version,
                     std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) request.url += "/";
  request.headers = {{"Content-Type", fmt::format("application/x-amz-json-{}", version)},
                     {"X-Amz-Target", std::string(target)}};
  request.body = std::move(body);
  return request;
}

HttpRequest QueryPost(const std::string& url, const QueryParameters& parameters) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) request.url += "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormEncode(parameters);
  return request;
}

std::string TrimSlash(std::string url) {
  while (url.ends_with("/")) url.pop_back();
  return url;
}

}  // namespace

ResourceCleaner::ResourceCleaner(HttpClient& http, AwsCredentials credentials,
                                 CleanerOptions options)
    : http_(http), credentials_(std::move(credentials)), options_(std::move(options)) {
  FillUnsetRetryHooks(options_.sleep, options_.random01, &options_.clock);
}

Result<std::string> ResourceCleaner::Endpoint(const std::string& service_id,
                                              const std::string& host_prefix,
                                              const std::string& region) const {
  auto endpoint = ResolveServiceEndpoint(options_.env, service_id, host_prefix,
                                         region.empty() ? options_.region : region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  return TrimSlash(endpoint->url);
}

Result<std::string> ResourceCleaner::S3Url(const std::string& bucket,
                                           const std::string& key) const {
  auto endpoint = ResolveServiceEndpoint(options_.env, "S3", "s3", options_.region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  const std::string path = key.empty() ? std::string() : "/" + UriEncode(key, /*keep_slash=*/true);
  // An override (moto, a proxy) names the host: path-style. AWS itself:
  // virtual-hosted style, except for bucket names with dots, which do not
  // match the wildcard certificate (S3 User Guide, "Virtual hosting of
  // buckets").
  if (endpoint->overridden || bucket.find('.') != std::string::npos) {
    return fmt::format("{}/{}{}", TrimSlash(endpoint->url), UriEncode(bucket), path);
  }
  const std::string_view domain =
      options_.region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return fmt::format("https://{}.s3.{}.{}{}", bucket, options_.region, domain,
                     path.empty() ? "/" : path);
}

Result<HttpResponse> ResourceCleaner::Send(const HttpRequest& request, const std::string& region,
                                           const std::string& service, bool content_sha256) {
  AwsCallOptions call;
  call.scope = {region.empty() ? options_.region : region, service};
  call.content_sha256 = content_sha256;
  call.retry = options_.retry;
  call.sleep = options_.sleep;
  call.random01 = options_.random01;
  call.clock = options_.clock;
  return SendAwsRequest(http_, request, credentials_, call);
}

Result<DeleteResult> ResourceCleaner::Finish(const Result<HttpResponse>& response,
                                             const SessionResource& resource,
                                             std::initializer_list<std::string_view> gone_codes) {
  if (!response) return tl::unexpected(response.error());
  if (response->status >= 200 && response->status < 300) return DeleteResult::kDeleted;
  const std::string code = ParseAwsErrorReply(*response).code;
  for (std::string_view gone : gone_codes) {
    if (code == gone) return DeleteResult::kAlreadyGone;
  }
  return CredentialsError(fmt::format("deleting {} {} failed with {}",
                                      ResourceKindName(resource.kind), resource.arn,
                                      DescribeAwsReply(*response, credentials_)));
}

Result<std::vector<BucketObject>> ResourceCleaner::ListObjects(const std::string& bucket) {
  std::vector<BucketObject> objects;
  std::string key_marker, version_marker;
  for (size_t page = 0; page < kMaxListPages; ++page) {
    auto url = S3Url(bucket, "");
    if (!url) return tl::unexpected(url.error());
    QueryParameters query = {{"versions", ""}};
    if (!key_marker.empty()) query.emplace_back("key-marker", key_marker);
    if (!version_marker.empty()) query.emplace_back("version-id-marker", version_marker);
    HttpRequest request;
    request.method = "GET";
    request.url = *url + "?" + FormEncode(query);
    auto response = Send(request, "", "s3", /*content_sha256=*/true);
    if (!response) return tl::unexpected(response.error());
    if (response->status != 200) {
      return CredentialsError(fmt::format("listing the objects of S3 bucket {} failed with {}",
                                          bucket, DescribeAwsReply(*response, credentials_)));
    }
    pugi::xml_document document;
    if (!document.load_buffer(response->body.data(), response->body.size())) {
      return CredentialsError(
          fmt::format("listing the objects of S3 bucket {}: the reply is not XML", bucket));
    }
    const pugi::xml_node result = aws_xml::Find(document, "ListVersionsResult");
    if (!result) {
      return CredentialsError(fmt::format(
          "listing the objects of S3 bucket {}: the reply has no ListVersionsResult", bucket));
    }
    for (pugi::xml_node node = result.first_child(); node; node = node.next_sibling()) {
      const std::string_view name = aws_xml::LocalName(node);
      if (name != "Version" && name != "DeleteMarker") continue;
      BucketObject object{aws_xml::ChildText(node, "Key"), aws_xml::ChildText(node, "VersionId")};
      if (object.version_id.empty()) object.version_id = "null";
      objects.push_back(std::move(object));
    }
    if (aws_xml::ChildText(result, "IsTruncated") != "true") return objects;
    key_marker = aws_xml::ChildText(result, "NextKeyMarker");
    version_marker = aws_xml::ChildText(result, "NextVersionIdMarker");
    if (key_marker.empty()) return objects;
  }
  return CredentialsError(
      fmt::format("S3 bucket {} kept listing more objects after {} pages", bucket, kMaxListPages));
}

Result<std::set<std::string>> ResourceCleaner::TerminatedInstances(
    const std::vector<std::string>& instance_ids, const std::string& region) {
  std::set<std::string> terminated;
  if (instance_ids.empty()) return terminated;
  auto url = Endpoint("EC2", "ec2", region);
  if (!url) return tl::unexpected(url.error());
  QueryParameters parameters = {{"Action", "DescribeInstances"},
                                {"Version", "2016-11-15"},
                                {"Filter.1.Name", "instance-state-name"},
                                {"Filter.1.Value.1", "terminated"}};
  for (size_t i = 0; i < instance_ids.size(); ++i) {
    parameters.emplace_back(fmt::format("InstanceId.{}", i + 1), instance_ids[i]);
  }
  auto response = Send(QueryPost(*url, parameters), region, "ec2");
  if (!response) return tl::unexpected(response.error());
  if (response->status != 200) {
    return CredentialsError(fmt::format("looking up the state of EC2 instances failed with {}",
                                        DescribeAwsReply(*response, credentials_)));
  }
  pugi::xml_document document;
  if (!document.load_buffer(response->body.data(), response->body.size())) {
    return CredentialsError("looking up the state of EC2 instances: the reply is not XML");
  }
  // reservationSet/item/instancesSet/item/instanceId (EC2 API reference,
  // DescribeInstances); the filter leaves only terminated ones.
  for (const pugi::xpath_node& node :
       document.select_nodes("//*[local-name()='instancesSet']/*[local-name()='item']/"
                             "*[local-name()='instanceId']")) {
    terminated.insert(node.node().text().get());
  }
  return terminated;
}

Result<DeleteResult> ResourceCleaner::Delete(const SessionResource& resource) {
  const std::string& region = resource.region;
  switch (resource.kind) {
    case ResourceKind::kS3Object: {
      auto url = S3Url(resource.bucket, resource.name);
      if (!url) return tl::unexpected(url.error());
      HttpRequest request;
      request.method = "DELETE";
      request.url = *url;
      // An unversioned object's version is "null": a plain DELETE removes it.
      if (!resource.version_id.empty() && resource.version_id != "null") {
        request.url += "?" + FormEncode({{"versionId", resource.version_id}});
      }
      return Finish(Send(request, "", "s3", true), resource, {kS3Gone[0], kS3Gone[1], kS3Gone[2]});
    }
    case ResourceKind::kS3Bucket: {
      auto url = S3Url(resource.name, "");
      if (!url) return tl::unexpected(url.error());
      HttpRequest request;
      request.method = "DELETE";
      request.url = *url;
      return Finish(Send(request, "", "s3", true), resource, {kS3Gone[0]});
    }
    case ResourceKind::kDynamoDbTable: {
      auto url = Endpoint("DYNAMODB", "dynamodb", region);
      if (!url) return tl::unexpected(url.error());
      return Finish(Send(JsonPost(*url, "DynamoDB_20120810.DeleteTable", "1.0",
                                  nlohmann::json({{"TableName", resource.name}}).dump()),
                         region, "dynamodb"),
                    resource, {"ResourceNotFoundException"});
    }
    case ResourceKind::kEc2Instance: {
      auto url = Endpoint("EC2", "ec2", region);
      if (!url) return tl::unexpected(url.error());
      return Finish(Send(QueryPost(*url, {{"Action", "TerminateInstances"},
                                          {"Version", "2016-11-15"},
                                          {"InstanceId.1", resource.name}}),
                         region, "ec2"),
                    resource, {"InvalidInstanceID.NotFound"});
    }
    case ResourceKind::kEc2SecurityGroup: {
      auto url = Endpoint("EC2", "ec2", region);
      if (!url) return tl::unexpected(url.error());
      const HttpRequest request = QueryPost(*url, {{"Action", "DeleteSecurityGroup"},
                                                   {"Version", "2016-11-15"},
                                                   {"GroupId", resource.name}});
      for (int attempt = 1;; ++attempt) {
        auto response = Send(request, region, "ec2");
        // Instances terminated a moment ago still hold the group.
        if (response && response->status >= 400 &&
            ParseAwsErrorReply(*response).code == "DependencyViolation" &&
            attempt < options_.dependency_attempts) {
          options_.sleep(options_.dependency_wait);
          continue;
        }
        return Finish(response, resource, {"InvalidGroup.NotFound"});
      }
    }
    case ResourceKind::kLambdaFunction: {
      auto url = Endpoint("LAMBDA", "lambda", region);
      if (!url) return tl::unexpected(url.error());
      HttpRequest request;
      request.method = "DELETE";
      request.url = fmt::format("{}/2015-03-31/functions/{}", *url, UriEncode(resource.name));
      return Finish(Send(request, region, "lambda"), resource, {"ResourceNotFoundException"});
    }
    case ResourceKind::kSqsQueue: {
      auto url = Endpoint("SQS", "sqs", region);
      if (!url) return tl::unexpected(url.error());
      const std::string queue_url = fmt::format("{}/{}/{}", *url, resource.account, resource.name);
      return Finish(Send(JsonPost(*url, "AmazonSQS.DeleteQueue", "1.0",
                                  nlohmann::json({{"QueueUrl", queue_url}}).dump()),
                         region, "sqs"),
                    resource, {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"});
    }
    case ResourceKind::kSnsTopic: {
      auto url = Endpoint("SNS", "sns", region);
      if (!url) return tl::unexpected(url.error());
      return Finish(Send(QueryPost(*url, {{"Action", "DeleteTopic"},
                                          {"Version", "2010-03-31"},
                                          {"TopicArn", resource.arn}}),
                         region, "sns"),
                    resource, {"NotFound"});
    }
    case ResourceKind::kUnsupported:
      break;
  }
  return UsageError(fmt::format("cleanup does not delete {} ({}): delete it yourself",
                                resource.type, resource.arn));
}

}  // namespace audex
