#include "catalog/operation_map.h"

#include <algorithm>
#include <cctype>

#include "core/base/text.h"

namespace audex {
namespace {

constexpr const char* kWhenTags = "when the request carries tags";
constexpr const char* kWhenVersion = "when the request names an object version (VersionId)";

// Each entry is checked against the catalog by tests/unit/operation_map_test.cc.
const std::vector<OperationException>& BuildExceptions() {
  static const std::vector<OperationException> table = {
      // S3: the REST operations whose IAM action has another name.
      {"s3", "ListObjects", {"s3:ListBucket"}, {}},
      {"s3", "ListObjectsV2", {"s3:ListBucket"}, {}},
      {"s3", "ListObjectVersions", {"s3:ListBucketVersions"}, {}},
      {"s3", "HeadBucket", {"s3:ListBucket"}, {}},
      {"s3", "ListBuckets", {"s3:ListAllMyBuckets"}, {}},
      {"s3", "GetObject", {"s3:GetObject"}, {{"s3:GetObjectVersion", kWhenVersion}}},
      {"s3", "HeadObject", {"s3:GetObject"}, {{"s3:GetObjectVersion", kWhenVersion}}},
      {"s3",
       "GetObjectAttributes",
       {"s3:GetObjectAttributes"},
       {{"s3:GetObjectVersionAttributes", kWhenVersion}}},
      {"s3", "SelectObjectContent", {"s3:GetObject"}, {}},
      {"s3",
       "PutObject",
       {"s3:PutObject"},
       {{"s3:PutObjectTagging", kWhenTags},
        {"s3:PutObjectAcl", "when the request sets an ACL (x-amz-acl, x-amz-grant-*)"}}},
      {"s3", "CreateMultipartUpload", {"s3:PutObject"}, {{"s3:PutObjectTagging", kWhenTags}}},
      {"s3", "UploadPart", {"s3:PutObject"}, {}},
      {"s3", "CompleteMultipartUpload", {"s3:PutObject"}, {}},
      {"s3",
       "UploadPartCopy",
       {"s3:GetObject", "s3:PutObject"},
       {{"s3:GetObjectVersion", "when the copy source names a version"}}},
      {"s3",
       "CopyObject",
       {"s3:GetObject", "s3:PutObject"},
       {{"s3:GetObjectVersion", "when the copy source names a version"},
        {"s3:GetObjectTagging", "when the source's tags are copied (the default)"},
        {"s3:PutObjectTagging", "when tags are copied or given"}}},
      {"s3", "DeleteObject", {"s3:DeleteObject"}, {{"s3:DeleteObjectVersion", kWhenVersion}}},
      {"s3", "DeleteObjects", {"s3:DeleteObject"}, {{"s3:DeleteObjectVersion", kWhenVersion}}},
      {"s3",
       "GetObjectTagging",
       {"s3:GetObjectTagging"},
       {{"s3:GetObjectVersionTagging", kWhenVersion}}},
      {"s3",
       "PutObjectTagging",
       {"s3:PutObjectTagging"},
       {{"s3:PutObjectVersionTagging", kWhenVersion}}},
      {"s3",
       "DeleteObjectTagging",
       {"s3:DeleteObjectTagging"},
       {{"s3:DeleteObjectVersionTagging", kWhenVersion}}},
      {"s3", "GetObjectAcl", {"s3:GetObjectAcl"}, {{"s3:GetObjectVersionAcl", kWhenVersion}}},
      {"s3", "PutObjectAcl", {"s3:PutObjectAcl"}, {{"s3:PutObjectVersionAcl", kWhenVersion}}},
      {"s3", "ListParts", {"s3:ListMultipartUploadParts"}, {}},
      {"s3", "ListMultipartUploads", {"s3:ListBucketMultipartUploads"}, {}},
      {"s3", "GetBucketLifecycleConfiguration", {"s3:GetLifecycleConfiguration"}, {}},
      {"s3", "PutBucketLifecycleConfiguration", {"s3:PutLifecycleConfiguration"}, {}},
      {"s3", "GetBucketLifecycle", {"s3:GetLifecycleConfiguration"}, {}},  // CloudTrail's name
      {"s3", "PutBucketLifecycle", {"s3:PutLifecycleConfiguration"}, {}},  // CloudTrail's name
      {"s3", "DeleteBucketLifecycle", {"s3:PutLifecycleConfiguration"}, {}},
      // GetBucketCors is s3:GetBucketCORS: the catalog's case-insensitive
      // lookup covers it; deleting CORS needs the Put action.
      {"s3", "DeleteBucketCors", {"s3:PutBucketCORS"}, {}},
      {"s3", "GetBucketEncryption", {"s3:GetEncryptionConfiguration"}, {}},
      {"s3", "PutBucketEncryption", {"s3:PutEncryptionConfiguration"}, {}},
      {"s3", "DeleteBucketEncryption", {"s3:PutEncryptionConfiguration"}, {}},
      {"s3", "GetBucketReplication", {"s3:GetReplicationConfiguration"}, {}},
      {"s3",
       "PutBucketReplication",
       {"s3:PutReplicationConfiguration"},
       {{"iam:PassRole",
         "always in practice: "
         "the rule names a "
         "role"}}},
      {"s3", "DeleteBucketReplication", {"s3:PutReplicationConfiguration"}, {}},
      {"s3", "GetBucketNotificationConfiguration", {"s3:GetBucketNotification"}, {}},
      {"s3", "PutBucketNotificationConfiguration", {"s3:PutBucketNotification"}, {}},
      {"s3", "GetBucketAccelerateConfiguration", {"s3:GetAccelerateConfiguration"}, {}},
      {"s3", "PutBucketAccelerateConfiguration", {"s3:PutAccelerateConfiguration"}, {}},
      {"s3", "GetBucketAnalyticsConfiguration", {"s3:GetAnalyticsConfiguration"}, {}},
      {"s3", "PutBucketAnalyticsConfiguration", {"s3:PutAnalyticsConfiguration"}, {}},
      {"s3", "GetBucketInventoryConfiguration", {"s3:GetInventoryConfiguration"}, {}},
      {"s3", "PutBucketInventoryConfiguration", {"s3:PutInventoryConfiguration"}, {}},
      {"s3", "GetBucketMetricsConfiguration", {"s3:GetMetricsConfiguration"}, {}},
      {"s3", "PutBucketMetricsConfiguration", {"s3:PutMetricsConfiguration"}, {}},
      {"s3",
       "GetBucketIntelligentTieringConfiguration",
       {"s3:GetIntelligentTieringConfiguration"},
       {}},
      {"s3",
       "PutBucketIntelligentTieringConfiguration",
       {"s3:PutIntelligentTieringConfiguration"},
       {}},
      {"s3", "GetObjectLockConfiguration", {"s3:GetBucketObjectLockConfiguration"}, {}},
      {"s3", "PutObjectLockConfiguration", {"s3:PutBucketObjectLockConfiguration"}, {}},
      {"s3", "GetPublicAccessBlock", {"s3:GetBucketPublicAccessBlock"}, {}},
      {"s3", "PutPublicAccessBlock", {"s3:PutBucketPublicAccessBlock"}, {}},
      {"s3", "DeletePublicAccessBlock", {"s3:PutBucketPublicAccessBlock"}, {}},
      {"s3", "DeleteBucketTagging", {"s3:PutBucketTagging"}, {}},
      {"s3", "DeleteBucketOwnershipControls", {"s3:PutBucketOwnershipControls"}, {}},
      {"s3",
       "CreateBucket",
       {"s3:CreateBucket"},
       {{"s3:PutBucketObjectLockConfiguration", "when object lock is enabled"},
        {"s3:PutBucketTagging", kWhenTags}}},
      // Lambda.
      {"lambda", "Invoke", {"lambda:InvokeFunction"}, {}},
      {"lambda", "InvokeWithResponseStream", {"lambda:InvokeFunction"}, {}},
      {"lambda",
       "CreateFunction",
       {"lambda:CreateFunction", "iam:PassRole"},
       {{"lambda:TagResource", kWhenTags}}},
      {"lambda",
       "UpdateFunctionConfiguration",
       {"lambda:UpdateFunctionConfiguration"},
       {{"iam:PassRole", "when a new execution role is given"}}},
      // DynamoDB: transactions and PartiQL need the per-item actions.
      {"dynamodb", "TransactGetItems", {"dynamodb:GetItem"}, {}},
      {"dynamodb",
       "TransactWriteItems",
       {},
       {{"dynamodb:PutItem", "for each Put"},
        {"dynamodb:UpdateItem", "for each Update"},
        {"dynamodb:DeleteItem", "for each Delete"},
        {"dynamodb:ConditionCheckItem", "for each ConditionCheck"}}},
      {"dynamodb",
       "ExecuteStatement",
       {},
       {{"dynamodb:PartiQLSelect", "for SELECT"},
        {"dynamodb:PartiQLInsert", "for INSERT"},
        {"dynamodb:PartiQLUpdate", "for UPDATE"},
        {"dynamodb:PartiQLDelete", "for DELETE"}}},
      {"dynamodb",
       "BatchExecuteStatement",
       {},
       {{"dynamodb:PartiQLSelect", "for SELECT"},
        {"dynamodb:PartiQLInsert", "for INSERT"},
        {"dynamodb:PartiQLUpdate", "for UPDATE"},
        {"dynamodb:PartiQLDelete", "for DELETE"}}},
      {"dynamodb", "CreateTable", {"dynamodb:CreateTable"}, {{"dynamodb:TagResource", kWhenTags}}},
      // STS: who-am-I needs no permission; web identity and SAML are unsigned.
      {"sts", "GetCallerIdentity", {}, {}},
      {"sts", "AssumeRoleWithWebIdentity", {}, {}},
      {"sts", "AssumeRoleWithSAML", {}, {}},
      // SQS batch calls need the single-message action.
      {"sqs", "SendMessageBatch", {"sqs:SendMessage"}, {}},
      {"sqs", "DeleteMessageBatch", {"sqs:DeleteMessage"}, {}},
      {"sqs", "ChangeMessageVisibilityBatch", {"sqs:ChangeMessageVisibility"}, {}},
      // IAM: tag-on-create and roles handed to a service.
      {"iam", "CreateRole", {"iam:CreateRole"}, {{"iam:TagRole", kWhenTags}}},
      {"iam", "CreateUser", {"iam:CreateUser"}, {{"iam:TagUser", kWhenTags}}},
      {"iam", "CreatePolicy", {"iam:CreatePolicy"}, {{"iam:TagPolicy", kWhenTags}}},
      {"iam",
       "CreateInstanceProfile",
       {"iam:CreateInstanceProfile"},
       {{"iam:TagInstanceProfile", kWhenTags}}},
      {"iam", "AddRoleToInstanceProfile", {"iam:AddRoleToInstanceProfile", "iam:PassRole"}, {}},
      // EC2, ECS, CloudFormation, Step Functions, EventBridge, Logs.
      {"ec2",
       "RunInstances",
       {"ec2:RunInstances"},
       {{"ec2:CreateTags", "when TagSpecifications are given"},
        {"iam:PassRole", "when an instance profile is given"}}},
      {"ec2",
       "CreateVolume",
       {"ec2:CreateVolume"},
       {{"ec2:CreateTags", "when TagSpecifications are given"}}},
      {"ec2",
       "CreateSecurityGroup",
       {"ec2:CreateSecurityGroup"},
       {{"ec2:CreateTags", "when TagSpecifications are given"}}},
      {"ecs", "RunTask", {"ecs:RunTask"}, {{"iam:PassRole", "when the task definition has roles"}}},
      {"ecs",
       "StartTask",
       {"ecs:StartTask"},
       {{"iam:PassRole", "when the task definition has roles"}}},
      {"ecs",
       "RegisterTaskDefinition",
       {"ecs:RegisterTaskDefinition"},
       {{"iam:PassRole", "when taskRoleArn or executionRoleArn is given"},
        {"ecs:TagResource", kWhenTags}}},
      {"cloudformation",
       "CreateStack",
       {"cloudformation:CreateStack"},
       {{"iam:PassRole", "when a service role (RoleARN) is given"}}},
      {"cloudformation",
       "UpdateStack",
       {"cloudformation:UpdateStack"},
       {{"iam:PassRole", "when a service role (RoleARN) is given"}}},
      {"states",
       "CreateStateMachine",
       {"states:CreateStateMachine", "iam:PassRole"},
       {{"states:TagResource", kWhenTags}}},
      {"events",
       "PutTargets",
       {"events:PutTargets"},
       {{"iam:PassRole", "when a target names a role (RoleArn)"}}},
      {"logs", "CreateLogGroup", {"logs:CreateLogGroup"}, {{"logs:TagResource", kWhenTags}}},
  };
  return table;
}

// SDK serviceIds whose prefix is not the id lower-cased without spaces.
const std::vector<std::pair<std::string_view, std::string_view>> kServiceIds = {
    {"ACM PCA", "acm-pca"},
    {"API Gateway", "apigateway"},
    {"ApiGatewayManagementApi", "execute-api"},
    {"ApiGatewayV2", "apigateway"},
    {"AppConfigData", "appconfig"},
    {"Application Auto Scaling", "application-autoscaling"},
    {"Bedrock Runtime", "bedrock"},
    {"CloudHSM V2", "cloudhsm"},
    {"CloudSearch Domain", "cloudsearch"},
    {"CloudWatch Events", "events"},
    {"CloudWatch Logs", "logs"},
    {"Cognito Identity", "cognito-identity"},
    {"Cognito Identity Provider", "cognito-idp"},
    {"Cognito Sync", "cognito-sync"},
    {"Config Service", "config"},
    {"Cost Explorer", "ce"},
    {"Database Migration Service", "dms"},
    {"Directory Service", "ds"},
    {"DocDB", "rds"},
    {"DynamoDB Streams", "dynamodb"},
    {"EC2 Instance Connect", "ec2-instance-connect"},
    {"ECR PUBLIC", "ecr-public"},
    {"EFS", "elasticfilesystem"},
    {"Elastic Load Balancing", "elasticloadbalancing"},
    {"Elastic Load Balancing v2", "elasticloadbalancing"},
    {"Elasticsearch Service", "es"},
    {"EMR", "elasticmapreduce"},
    {"EventBridge", "events"},
    {"IoT Data Plane", "iot"},
    {"Lex Runtime Service", "lex"},
    {"Marketplace Metering", "aws-marketplace"},
    {"Migration Hub", "mgh"},
    {"MWAA", "airflow"},
    {"Neptune", "rds"},
    {"OpenSearch", "es"},
    {"RDS Data", "rds-data"},
    {"Resource Groups Tagging API", "tag"},
    {"S3 Control", "s3"},
    {"SageMaker Runtime", "sagemaker"},
    {"SESv2", "ses"},
    {"SFN", "states"},
    {"SSO Admin", "sso"},
    {"Timestream Query", "timestream"},
    {"Timestream Write", "timestream"},
};

// CloudTrail event sources whose first label is not the IAM prefix.
const std::vector<std::pair<std::string_view, std::string_view>> kEventSources = {
    {"email.amazonaws.com", "ses"},
    {"monitoring.amazonaws.com", "cloudwatch"},
    {"streams.dynamodb.amazonaws.com", "dynamodb"},
    {"elasticloadbalancing.amazonaws.com", "elasticloadbalancing"},
    {"states.amazonaws.com", "states"},
    {"es.amazonaws.com", "es"},
};

std::optional<std::string> KnownPrefix(const ActionCatalog& catalog, std::string candidate) {
  if (!candidate.empty() && catalog.HasService(candidate)) return candidate;
  return std::nullopt;
}

// "CreateFunction20150331" and "UpdateFunctionCode20150331v2" -> without the
// API version CloudTrail appends to Lambda (and a few other) event names.
std::string_view WithoutApiVersion(std::string_view name) {
  size_t end = name.size();
  if (end >= 2 && name[end - 2] == 'v' && std::isdigit(static_cast<unsigned char>(name[end - 1]))) {
    end -= 2;
  }
  if (end > 8 &&
      std::all_of(name.begin() + static_cast<long>(end - 8), name.begin() + static_cast<long>(end),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return name.substr(0, end - 8);
  }
  return name;
}

const OperationException* FindException(std::string_view prefix, std::string_view operation) {
  for (const OperationException& entry : BuildExceptions()) {
    if (EqualsIgnoreCase(entry.prefix, prefix) && entry.operation == operation) return &entry;
  }
  return nullptr;
}

}  // namespace

const std::vector<OperationException>& OperationExceptions() { return BuildExceptions(); }

const std::vector<std::pair<std::string_view, std::string_view>>& ServiceIdPrefixes() {
  return kServiceIds;
}

const std::vector<std::pair<std::string_view, std::string_view>>& EventSourcePrefixes() {
  return kEventSources;
}

std::optional<std::string> IamPrefixForServiceId(const ActionCatalog& catalog,
                                                 std::string_view service_id) {
  for (const auto& [id, prefix] : kServiceIds) {
    if (EqualsIgnoreCase(id, service_id)) return std::string(prefix);
  }
  std::string joined, hyphenated;
  for (char c : ToLower(service_id)) {
    if (c == ' ') {
      hyphenated += '-';
    } else {
      joined += c;
      hyphenated += c;
    }
  }
  if (auto known = KnownPrefix(catalog, joined)) return known;
  return KnownPrefix(catalog, hyphenated);
}

std::optional<std::string> IamPrefixForEventSource(const ActionCatalog& catalog,
                                                   std::string_view event_source) {
  const std::string source = ToLower(event_source);
  for (const auto& [known, prefix] : kEventSources) {
    if (source == known) return std::string(prefix);
  }
  const size_t dot = source.find('.');
  return KnownPrefix(catalog, source.substr(0, dot));
}

OperationMapping MapOperation(const ActionCatalog& catalog, std::string_view prefix,
                              std::string_view operation) {
  OperationMapping mapping;
  const std::string_view name = WithoutApiVersion(operation);
  if (const OperationException* entry = FindException(prefix, name)) {
    mapping.source = entry->actions.empty() && entry->conditional.empty()
                         ? MappingSource::kNoPermission
                         : MappingSource::kExceptionTable;
    for (std::string_view action : entry->actions) {
      auto found = catalog.Lookup(action);
      mapping.actions.push_back(found ? found->FullName() : std::string(action));
    }
    mapping.conditional = entry->conditional;
    return mapping;
  }
  for (std::string_view candidate : {operation, name}) {
    if (auto found = catalog.Lookup(std::string(prefix) + ":" + std::string(candidate))) {
      mapping.source = MappingSource::kSameName;
      mapping.actions.push_back(found->FullName());
      return mapping;
    }
  }
  return mapping;
}

}  // namespace audex
