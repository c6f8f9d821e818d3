// Google Benchmark timings of the policy engine on a large, realistic request:
// resolving a 200-item --allow list against a 50-item deny list, building and
// rendering the session policy, and loading the TOML files a run reads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/config/config_files.h"
#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/plan/user_config.h"
#include "core/policy/access_request.h"
#include "core/policy/deny_list.h"
#include "core/policy/glob.h"
#include "core/policy/policy_document.h"
#include "core/policy/profile.h"

namespace {

// Real IAM action names, grouped by service prefix ("s3" then its actions).
// A few of them are on the deny list below, as they would be in practice.
const std::vector<std::vector<std::string_view>> kServiceActions = {
    {"s3", "GetObject", "PutObject", "ListBucket", "GetObjectTagging", "PutObjectTagging",
     "GetBucketLocation", "GetObjectVersion", "ListMultipartUploadParts", "AbortMultipartUpload",
     "DeleteObject", "GetBucketPolicy", "PutBucketTagging", "ListAllMyBuckets"},
    {"ec2", "DescribeInstances", "DescribeVolumes", "DescribeSnapshots", "DescribeSecurityGroups",
     "DescribeImages", "DescribeSubnets", "DescribeVpcs", "CreateTags", "StartInstances",
     "StopInstances", "DescribeTags", "DescribeKeyPairs", "DescribeNetworkInterfaces",
     "RunInstances", "TerminateInstances"},
    {"dynamodb", "GetItem", "PutItem", "UpdateItem", "Query", "Scan", "BatchGetItem",
     "BatchWriteItem", "DescribeTable", "ConditionCheckItem", "DeleteItem", "DescribeStream",
     "ListTables"},
    {"lambda", "InvokeFunction", "GetFunction", "UpdateFunctionCode", "PublishVersion",
     "ListFunctions", "GetFunctionConfiguration", "UpdateAlias", "ListVersionsByFunction",
     "ListAliases", "GetAlias", "AddPermission"},
    {"sqs", "SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl",
     "ChangeMessageVisibility", "ListQueues", "PurgeQueue", "CreateQueue"},
    {"sns", "Publish", "Subscribe", "ListTopics", "GetTopicAttributes", "ListSubscriptionsByTopic"},
    {"kms", "Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "ListAliases", "ReEncryptFrom",
     "ListKeys", "ScheduleKeyDeletion"},
    {"logs", "CreateLogGroup", "CreateLogStream", "PutLogEvents", "GetLogEvents", "FilterLogEvents",
     "DescribeLogGroups", "DescribeLogStreams"},
    {"cloudwatch", "GetMetricData", "GetMetricStatistics", "ListMetrics", "PutMetricData",
     "DescribeAlarms", "PutMetricAlarm", "DeleteAlarms"},
    {"ecr", "GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer",
     "BatchCheckLayerAvailability", "PutImage", "InitiateLayerUpload", "UploadLayerPart",
     "CompleteLayerUpload"},
    {"ecs", "DescribeServices", "DescribeTasks", "ListTasks", "UpdateService", "RunTask",
     "RegisterTaskDefinition"},
    {"eks", "DescribeCluster", "ListClusters", "DescribeNodegroup", "ListNodegroups"},
    {"rds", "DescribeDBInstances", "DescribeDBClusters", "CreateDBSnapshot", "DescribeDBSnapshots",
     "ListTagsForResource", "DeleteDBInstance", "ModifyDBInstance"},
    {"secretsmanager", "GetSecretValue", "DescribeSecret", "ListSecrets", "PutSecretValue"},
    {"ssm", "GetParameter", "GetParameters", "GetParametersByPath", "PutParameter",
     "DescribeParameters"},
    {"sts", "GetCallerIdentity", "GetSessionToken", "DecodeAuthorizationMessage"},
    {"glue", "GetTable", "GetTables", "GetDatabase", "GetPartitions", "StartJobRun", "GetJobRun",
     "BatchCreatePartition"},
    {"athena", "StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution",
     "ListWorkGroups"},
    {"kinesis", "PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "DescribeStream",
     "ListShards"},
    {"states", "StartExecution", "DescribeExecution", "GetExecutionHistory", "ListExecutions",
     "SendTaskSuccess"},
    {"cloudformation", "DescribeStacks", "DescribeStackEvents", "ListStackResources", "GetTemplate",
     "ValidateTemplate", "CreateChangeSet"},
    {"iam", "GetUser", "GetRole", "ListRoles", "PassRole", "ListAttachedRolePolicies", "GetPolicy",
     "GetPolicyVersion"},
};

const std::vector<std::string_view> kPrefixWildcards = {
    "s3:Get*",           "s3:List*",         "ec2:Describe*",  "dynamodb:Get*",
    "dynamodb:Batch*",   "lambda:Get*",      "lambda:List*",   "sqs:Get*",
    "sns:List*",         "kms:Describe*",    "logs:Describe*", "logs:Get*",
    "cloudwatch:Get*",   "ecr:Batch*",       "ecs:Describe*",  "ecs:List*",
    "eks:Describe*",     "eks:List*",        "rds:Describe*",  "secretsmanager:Describe*",
    "ssm:GetParameter*", "glue:Get*",        "athena:Get*",    "kinesis:Get*",
    "kinesis:Describe*", "states:Describe*", "states:List*",   "cloudformation:Describe*"};

const std::vector<std::string_view> kInfixWildcards = {
    "ec2:Describe*Instances", "rds:Describe*Snapshots", "logs:Get*Events",  "dynamodb:*Item",
    "s3:*ObjectTagging",      "lambda:*Function",       "ecr:*LayerUpload", "ec2:*Tags"};

const std::vector<std::string_view> kUniversalNames = {"storage:read", "database:read",
                                                       "compute:read", "secrets:read"};

// 200 items: every exact action above (160), the prefix (28) and infix (8)
// wildcards and 4 universal names, shuffled with a fixed seed so runs compare.
std::vector<std::string> AllowItems() {
  std::vector<std::string> items;
  for (const auto& service : kServiceActions) {
    for (size_t i = 1; i < service.size(); ++i) {
      items.push_back(std::string(service[0]) + ":" + std::string(service[i]));
    }
  }
  for (const auto* group : {&kPrefixWildcards, &kInfixWildcards, &kUniversalNames}) {
    for (std::string_view item : *group) items.emplace_back(item);
  }
  std::mt19937 random(2048);
  std::shuffle(items.begin(), items.end(), random);
  return items;
}

// 50 entries: 35 exact actions a team would never hand to a script and 15
// wildcards, some of which overlap the requested wildcards and so must be
// carried as an explicit Deny.
std::vector<std::string> DenyPatterns() {
  return {"ec2:TerminateInstances",
          "rds:DeleteDBInstance",
          "s3:DeleteBucket",
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketAcl",
          "kms:ScheduleKeyDeletion",
          "kms:DisableKey",
          "kms:PutKeyPolicy",
          "dynamodb:DeleteTable",
          "lambda:DeleteFunction",
          "lambda:AddPermission",
          "sqs:DeleteQueue",
          "sqs:PurgeQueue",
          "sns:DeleteTopic",
          "logs:DeleteLogGroup",
          "cloudwatch:DeleteAlarms",
          "ecr:DeleteRepository",
          "ecs:DeleteCluster",
          "eks:DeleteCluster",
          "rds:DeleteDBCluster",
          "secretsmanager:DeleteSecret",
          "ssm:DeleteParameter",
          "glue:DeleteDatabase",
          "athena:DeleteWorkGroup",
          "kinesis:DeleteStream",
          "states:DeleteStateMachine",
          "cloudformation:DeleteStack",
          "ec2:DeleteVpc",
          "ec2:DeleteSecurityGroup",
          "ec2:ModifyInstanceAttribute",
          "rds:ModifyDBInstance",
          "s3:PutBucketPublicAccessBlock",
          "sts:AssumeRole",
          "ec2:DeleteSnapshot",
          "iam:*",
          "organizations:*",
          "account:*",
          "kms:*KeyPolicy",
          "*:Delete*Vault",
          "s3:PutBucket*",
          "ec2:*VpcPeering*",
          "secretsmanager:*ResourcePolicy",
          "lambda:*Permission",
          "sts:AssumeRole*",
          "ssm:*Document*",
          "cloudtrail:Stop*",
          "cloudtrail:Delete*",
          "guardduty:Delete*",
          "config:Delete*"};
}

std::string AllowList(size_t count) {
  std::vector<std::string> items = AllowItems();
  items.resize(std::min(count, items.size()));
  return audex::Join(items, ",");
}

const audex::DenyList& Deny() {
  static const audex::DenyList deny = [] {
    auto made = audex::MakeDenyList(DenyPatterns(), "bench/deny-list.toml");
    return made ? *made : audex::DenyList{};
  }();
  return deny;
}

audex::AccessRequest AllowRequest(size_t count) {
  audex::AccessRequest request;
  request.allow = AllowList(count);
  return request;
}

void ResolveRequest(benchmark::State& state) {
  const audex::AccessRequest request = AllowRequest(static_cast<size_t>(state.range(0)));
  const audex::ProfileCatalog catalog;
  const auto check = audex::ResolveRequest(request, catalog, Deny());
  if (!check) return state.SkipWithError(check.error().message.c_str());
  for (auto _ : state) {
    auto resolved = audex::ResolveRequest(request, catalog, Deny());
    benchmark::DoNotOptimize(resolved);
  }
  state.counters["granted"] = static_cast<double>(check->actions.size());
  state.counters["denied"] = static_cast<double>(check->denied.size());
  state.counters["covered"] = static_cast<double>(check->covered.size());
  state.counters["explicit_deny"] = static_cast<double>(check->explicit_denies.size());
}
BENCHMARK(ResolveRequest)->Arg(25)->Arg(50)->Arg(100)->Arg(200)->Unit(benchmark::kMicrosecond);

// The whole of what PlanSession does for AWS, on a request whose policy is
// too big for AWS: PlanSession would stop at the size check, so the steps are
// called one by one and every one of them really runs.
void ResolveBuildRender(benchmark::State& state) {
  const audex::AccessRequest request = AllowRequest(static_cast<size_t>(state.range(0)));
  const audex::ProfileCatalog catalog;
  size_t bytes = 0;
  for (auto _ : state) {
    auto resolved = audex::ResolveRequest(request, catalog, Deny());
    if (!resolved) return state.SkipWithError(resolved.error().message.c_str());
    const audex::PolicyDocument policy = audex::BuildAwsSessionPolicy(*resolved);
    std::string json = audex::RenderPolicy(policy);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["policy_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(ResolveBuildRender)->Arg(200)->Unit(benchmark::kMicrosecond);

audex::PolicyDocument LargePolicy() {
  const auto resolved = audex::ResolveRequest(AllowRequest(200), audex::ProfileCatalog(), Deny());
  return resolved ? audex::BuildAwsSessionPolicy(*resolved) : audex::PolicyDocument{};
}

void BuildAwsSessionPolicy(benchmark::State& state) {
  const auto resolved = audex::ResolveRequest(AllowRequest(200), audex::ProfileCatalog(), Deny());
  if (!resolved) return state.SkipWithError(resolved.error().message.c_str());
  for (auto _ : state) {
    audex::PolicyDocument policy = audex::BuildAwsSessionPolicy(*resolved);
    benchmark::DoNotOptimize(policy);
  }
}
BENCHMARK(BuildAwsSessionPolicy)->Unit(benchmark::kMicrosecond);

void RenderPolicy(benchmark::State& state) {
  const audex::PolicyDocument policy = LargePolicy();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = audex::RenderPolicy(policy);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["policy_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(RenderPolicy)->Unit(benchmark::kMicrosecond);

void ParsePolicy(benchmark::State& state) {
  const std::string json = audex::RenderPolicy(LargePolicy());
  for (auto _ : state) {
    auto parsed = audex::ParsePolicy(json);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(ParsePolicy)->Unit(benchmark::kMicrosecond);

// The longest prefix of the 200-item list whose policy fits AWS's limit.
size_t LargestFittingCount() {
  const audex::ProfileCatalog catalog;
  for (size_t count = 200; count > 0; --count) {
    if (audex::PlanSession(AllowRequest(count), std::nullopt, audex::UserConfig{}, catalog, Deny(),
                           {"true"})) {
      return count;
    }
  }
  return 0;
}

void PlanSessionThatFits(benchmark::State& state) {
  static const size_t count = LargestFittingCount();
  if (count == 0) return state.SkipWithError("no prefix of the allow list fits the limit");
  const audex::AccessRequest request = AllowRequest(count);
  const audex::ProfileCatalog catalog;
  const audex::UserConfig config;
  size_t bytes = 0;
  for (auto _ : state) {
    auto plan = audex::PlanSession(request, std::nullopt, config, catalog, Deny(), {"true"});
    if (!plan) return state.SkipWithError(plan.error().message.c_str());
    bytes = plan->policy_json.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["items"] = static_cast<double>(count);
  state.counters["policy_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(PlanSessionThatFits)->Unit(benchmark::kMicrosecond);

// The request the process benchmark in scripts/bench times end to end, for
// comparison: how much of a dry run is the engine.
void PlanSessionDryRunExample(benchmark::State& state) {
  audex::AccessRequest request;
  request.allow = "s3:GetObject,s3:ListBucket";
  const audex::ProfileCatalog catalog;
  const audex::UserConfig config;
  for (auto _ : state) {
    auto plan = audex::PlanSession(request, std::nullopt, config, catalog, Deny(), {"true"});
    if (!plan) return state.SkipWithError(plan.error().message.c_str());
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(PlanSessionDryRunExample)->Unit(benchmark::kMicrosecond);

void ParseDenyListToml(benchmark::State& state) {
  std::string text = "[deny]\nactions = [\n";
  for (const std::string& pattern : DenyPatterns()) text += "  \"" + pattern + "\",\n";
  text += "]\n";
  for (auto _ : state) {
    auto deny = audex::ParseDenyListToml(text, "bench/deny-list.toml");
    if (!deny) return state.SkipWithError(deny.error().message.c_str());
    benchmark::DoNotOptimize(deny);
  }
}
BENCHMARK(ParseDenyListToml)->Unit(benchmark::kMicrosecond);

void ParseProfilesToml(benchmark::State& state) {
  const std::string text = R"([profiles.my-data-pipeline]
description = "Read from S3, write to DynamoDB"
actions = "s3:GetObject,dynamodb:PutItem,dynamodb:UpdateItem"
resources = ["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"]

[profiles.portable-read]
description = "Read storage on any cloud"
actions = "storage:read,logs:read"
)";
  for (auto _ : state) {
    auto profiles = audex::ParseProfilesToml(text, "bench/profiles.toml");
    if (!profiles) return state.SkipWithError(profiles.error().message.c_str());
    benchmark::DoNotOptimize(profiles);
  }
}
BENCHMARK(ParseProfilesToml)->Unit(benchmark::kMicrosecond);

// The two glob questions the resolver asks most, on typical operands.
void GlobCoversAndOverlap(benchmark::State& state) {
  for (auto _ : state) {
    bool covers =
        audex::GlobCovers("ec2:Describe*", "ec2:Describe*Instances", audex::CaseRule::kInsensitive);
    bool overlap = audex::GlobsOverlap("s3:Put*", "s3:PutBucket*", audex::CaseRule::kInsensitive);
    benchmark::DoNotOptimize(covers);
    benchmark::DoNotOptimize(overlap);
  }
}
BENCHMARK(GlobCoversAndOverlap);

}  // namespace

BENCHMARK_MAIN();
