#include "core/cleanup/cleanup_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace audex {

std::string_view ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kS3Object:
      return "S3 object";
    case ResourceKind::kS3Bucket:
      return "S3 bucket";
    case ResourceKind::kEc2Instance:
      return "EC2 instance";
    case ResourceKind::kEc2SecurityGroup:
      return "EC2 security group";
    case ResourceKind::kDynamoDbTable:
      return "DynamoDB table";
    case ResourceKind::kLambdaFunction:
      return "Lambda function";
    case ResourceKind::kSqsQueue:
      return "SQS queue";
    case ResourceKind::kSnsTopic:
      return "SNS topic";
    case ResourceKind::kUnsupported:
      break;
  }
  return "unsupported";
}

std::optional<AwsArn> ParseArn(std::string_view arn) {
  AwsArn parts;
  std::string* fields[] = {&parts.partition, &parts.service, &parts.region, &parts.account};
  if (!arn.starts_with("arn:")) return std::nullopt;
  size_t start = 4;
  for (std::string* field : fields) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    *field = std::string(arn.substr(start, colon - start));
    start = colon + 1;
  }
  parts.resource = std::string(arn.substr(start));
  if (parts.partition.empty() || parts.service.empty() || parts.resource.empty()) {
    return std::nullopt;
  }
  return parts;
}

SessionResource DescribeResource(std::string_view arn, std::string found_by) {
  SessionResource resource;
  resource.arn = std::string(arn);
  resource.found_by = std::move(found_by);
  const auto parts = ParseArn(arn);
  if (!parts) {
    resource.type = "unknown";
    return resource;
  }
  resource.region = parts->region;
  resource.account = parts->account;
  const std::string& rest = parts->resource;
  // The resource part's type: "table/NAME", "function:NAME", "security-group/sg-1".
  const size_t cut = rest.find_first_of("/:");
  const std::string type = cut == std::string::npos ? std::string() : rest.substr(0, cut);
  const std::string name = cut == std::string::npos ? rest : rest.substr(cut + 1);
  const std::string& service = parts->service;
  resource.type = service + ":" + (type.empty() ? service : type);
  if (service == "s3") {
    // arn:aws:s3:::bucket and arn:aws:s3:::bucket/key (S3 has no type part).
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      resource.kind = ResourceKind::kS3Bucket;
      resource.type = "s3:bucket";
      resource.name = rest;
    } else {
      resource.kind = ResourceKind::kS3Object;
      resource.type = "s3:object";
      resource.bucket = rest.substr(0, slash);
      resource.name = rest.substr(slash + 1);
    }
  } else if (service == "dynamodb" && type == "table" && name.find('/') == std::string::npos) {
    resource.kind = ResourceKind::kDynamoDbTable;
    resource.name = name;
  } else if (service == "ec2" && type == "instance") {
    resource.kind = ResourceKind::kEc2Instance;
    resource.name = name;
  } else if (service == "ec2" && type == "security-group") {
    resource.kind = ResourceKind::kEc2SecurityGroup;
    resource.name = name;
  } else if (service == "lambda" && type == "function") {
    resource.kind = ResourceKind::kLambdaFunction;
    // A qualified ARN (function:NAME:VERSION) still names the function.
    resource.name = name.substr(0, name.find(':'));
  } else if (service == "sqs" && cut == std::string::npos) {
    resource.kind = ResourceKind::kSqsQueue;
    resource.type = "sqs:queue";
    resource.name = rest;
  } else if (service == "sns" && cut == std::string::npos) {
    resource.kind = ResourceKind::kSnsTopic;
    resource.type = "sns:topic";
    resource.name = rest;
  }
  return resource;
}

int DeletionRank(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kS3Object:
      return 0;
    case ResourceKind::kEc2Instance:
      return 1;
    case ResourceKind::kLambdaFunction:
    case ResourceKind::kDynamoDbTable:
    case ResourceKind::kSqsQueue:
    case ResourceKind::kSnsTopic:
      return 2;
    case ResourceKind::kEc2SecurityGroup:
      return 3;
    case ResourceKind::kS3Bucket:
      return 4;
    case ResourceKind::kUnsupported:
      break;
  }
  return 5;
}

CleanupPlan PlanCleanup(const SessionTag& tag, const std::vector<std::string>& tagged,
                        const std::map<std::string, std::vector<BucketObject>>& objects,
                        const std::vector<std::string>& created_per_cloudtrail) {
  CleanupPlan plan;
  plan.tag = tag;
  std::set<std::string> seen;
  for (const std::string& arn : tagged) {
    if (!seen.insert(arn).second) continue;
    SessionResource resource = DescribeResource(arn, "tag");
    if (resource.kind == ResourceKind::kUnsupported || resource.kind == ResourceKind::kS3Object) {
      plan.unsupported.push_back(std::move(resource));
      continue;
    }
    if (resource.kind == ResourceKind::kS3Bucket) {
      if (const auto it = objects.find(resource.name); it != objects.end()) {
        const AwsArn bucket = ParseArn(arn).value_or(AwsArn{"aws", "s3", "", "", ""});
        for (const BucketObject& object : it->second) {
          SessionResource item = DescribeResource(
              fmt::format("arn:{}:s3:::{}/{}", bucket.partition, resource.name, object.key),
              "bucket");
          item.version_id = object.version_id;
          plan.to_delete.push_back(std::move(item));
        }
      }
    }
    plan.to_delete.push_back(std::move(resource));
  }
  for (const std::string& arn : created_per_cloudtrail) {
    if (!seen.insert(arn).second) continue;
    plan.untagged.push_back(DescribeResource(arn, "cloudtrail"));
  }
  std::stable_sort(plan.to_delete.begin(), plan.to_delete.end(),
                   [](const SessionResource& a, const SessionResource& b) {
                     const int ra = DeletionRank(a.kind), rb = DeletionRank(b.kind);
                     return ra != rb ? ra < rb : a.arn < b.arn;
                   });
  return plan;
}

nlohmann::ordered_json CleanupJson(const CleanupPlan& plan,
                                   const std::vector<DeletionOutcome>& outcomes) {
  using OrderedJson = nlohmann::ordered_json;
  const auto list = [](const std::vector<SessionResource>& resources) {
    OrderedJson items = OrderedJson::array();
    for (const SessionResource& resource : resources) {
      OrderedJson item = {{"arn", resource.arn},
                          {"type", resource.type},
                          {"kind", ResourceKindName(resource.kind)},
                          {"found_by", resource.found_by}};
      if (!resource.version_id.empty() && resource.version_id != "null") {
        item["version_id"] = resource.version_id;
      }
      items.push_back(std::move(item));
    }
    return items;
  };
  OrderedJson json;
  json["tag"] = plan.tag.Text();
  json["resources"] = list(plan.to_delete);
  json["unsupported"] = list(plan.unsupported);
  json["untagged"] = list(plan.untagged);
  OrderedJson results = OrderedJson::array();
  for (const DeletionOutcome& outcome : outcomes) {
    const char* result = outcome.result == DeletionOutcome::Result::kDeleted  ? "deleted"
                         : outcome.result == DeletionOutcome::Result::kFailed ? "failed"
                                                                              : "skipped";
    results.push_back(
        {{"arn", outcome.resource.arn}, {"result", result}, {"detail", outcome.detail}});
  }
  json["outcomes"] = std::move(results);
  return json;
}

}  // namespace audex
