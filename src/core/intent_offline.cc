// The offline intent parser. Three steps: words to items (verbs, services,
// resource nouns, names), items to groups ("read from my-bucket" | "and
// invoke a Lambda function": a new group starts when a verb follows a group
// that already has a verb and a target), and groups to actions, resources
// and a description through the rule table below.
#include "core/intent_offline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"
#include "core/policy/universal.h"

namespace audex {
namespace {

enum class Verb {
  kRead,
  kList,
  kWrite,
  kUpdate,
  kDelete,
  kInvoke,
  kDeploy,
  kCreate,
  kDescribe,
  kQuery,
  kScan,
  kSend,
  kReceive,
  kPublish,
  kSubscribe,
  kDecrypt,
  kEncrypt,
  kGenerate,
  kStart,
  kStop,
  kReboot,
  kTerminate,
  kPurge,
  kManage,  // "manage", "full access": read, list, write and delete, with a warning
};

// Which ARN an action is limited by when the sentence names a resource.
enum class Scope {
  kItem,       // things inside the named container: arn:aws:s3:::NAME/*
  kContainer,  // the named thing itself: arn:aws:s3:::NAME, table/NAME
  kAccount,    // no resource-level permission: only Resource "*" works
};

struct ServiceDef {
  std::string_view id;
  std::string_view aws_noun;           // "S3", "DynamoDB tables": the service in a description
  std::string_view gcp_noun;           // the same idea on GCP; empty when there is none offline
  std::string_view azure_noun;         // ... and on Azure
  std::string_view named_one;          // "a specific S3 bucket"
  std::string_view named_many;         // "specific S3 buckets"
  std::string_view container_arn;      // with {} for the name; empty: names do not restrict
  std::string_view item_arn;           // for kItem rules
  std::string_view any_container_arn;  // when other services are restricted and this one is not
  std::string_view any_item_arn;
  std::string_view name_prefix;  // a name must start with this to be one (EC2: "i-")
};

const std::vector<ServiceDef>& Services() {
  static const std::vector<ServiceDef> kServices = {
      {"s3", "S3", "Cloud Storage", "Azure Storage", "a specific S3 bucket", "specific S3 buckets",
       "arn:aws:s3:::{}", "arn:aws:s3:::{}/*", "arn:aws:s3:::*", "arn:aws:s3:::*/*", ""},
      {"dynamodb", "DynamoDB tables", "BigQuery tables", "Azure SQL databases",
       "a specific DynamoDB table", "specific DynamoDB tables", "arn:aws:dynamodb:*:*:table/{}",
       "arn:aws:dynamodb:*:*:table/{}", "arn:aws:dynamodb:*:*:table/*",
       "arn:aws:dynamodb:*:*:table/*", ""},
      {"lambda", "Lambda functions", "", "", "a specific Lambda function",
       "specific Lambda functions", "arn:aws:lambda:*:*:function:{}",
       "arn:aws:lambda:*:*:function:{}", "arn:aws:lambda:*:*:function:*",
       "arn:aws:lambda:*:*:function:*", ""},
      // Secrets Manager appends "-" and six random characters to a secret's
      // name in its ARN (AWS docs, "Secrets Manager ARNs").
      {"secretsmanager", "Secrets Manager secrets", "Secret Manager secrets", "Key Vault secrets",
       "a specific secret", "specific secrets", "arn:aws:secretsmanager:*:*:secret:{}-??????",
       "arn:aws:secretsmanager:*:*:secret:{}-??????", "arn:aws:secretsmanager:*:*:secret:*",
       "arn:aws:secretsmanager:*:*:secret:*", ""},
      {"ssm", "SSM parameters", "", "", "a specific SSM parameter", "specific SSM parameters",
       "arn:aws:ssm:*:*:parameter/{}", "arn:aws:ssm:*:*:parameter/{}",
       "arn:aws:ssm:*:*:parameter/*", "arn:aws:ssm:*:*:parameter/*", ""},
      {"logs", "CloudWatch Logs log groups", "Cloud Logging logs", "Azure Monitor logs",
       "a specific log group", "specific log groups", "arn:aws:logs:*:*:log-group:{}:*",
       "arn:aws:logs:*:*:log-group:{}:*", "arn:aws:logs:*:*:log-group:*",
       "arn:aws:logs:*:*:log-group:*", ""},
      {"sqs", "SQS queues", "", "", "a specific SQS queue", "specific SQS queues",
       "arn:aws:sqs:*:*:{}", "arn:aws:sqs:*:*:{}", "arn:aws:sqs:*:*:*", "arn:aws:sqs:*:*:*", ""},
      {"sns", "SNS topics", "", "", "a specific SNS topic", "specific SNS topics",
       "arn:aws:sns:*:*:{}", "arn:aws:sns:*:*:{}", "arn:aws:sns:*:*:*", "arn:aws:sns:*:*:*", ""},
      {"kms", "KMS keys", "", "", "a specific KMS key", "specific KMS keys",
       "arn:aws:kms:*:*:key/{}", "arn:aws:kms:*:*:key/{}", "arn:aws:kms:*:*:key/*",
       "arn:aws:kms:*:*:key/*", ""},
      {"ec2", "EC2 instances", "Compute Engine instances", "Azure virtual machines",
       "a specific EC2 instance", "specific EC2 instances", "arn:aws:ec2:*:*:instance/{}",
       "arn:aws:ec2:*:*:instance/{}", "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:instance/*",
       "i-"},
      {"ecr", "ECR repositories", "", "", "a specific ECR repository", "specific ECR repositories",
       "arn:aws:ecr:*:*:repository/{}", "arn:aws:ecr:*:*:repository/{}",
       "arn:aws:ecr:*:*:repository/*", "arn:aws:ecr:*:*:repository/*", ""},
      {"cloudwatch", "CloudWatch metrics", "Cloud Monitoring metrics", "Azure Monitor metrics",
       "CloudWatch metrics", "CloudWatch metrics", "", "", "", "", ""},
      {"kinesis", "Kinesis streams", "", "", "a specific Kinesis stream",
       "specific Kinesis streams", "arn:aws:kinesis:*:*:stream/{}", "arn:aws:kinesis:*:*:stream/{}",
       "arn:aws:kinesis:*:*:stream/*", "arn:aws:kinesis:*:*:stream/*", ""},
      {"states", "Step Functions state machines", "", "", "a specific state machine",
       "specific state machines", "arn:aws:states:*:*:stateMachine:{}",
       "arn:aws:states:*:*:stateMachine:{}", "arn:aws:states:*:*:stateMachine:*",
       "arn:aws:states:*:*:stateMachine:*", ""},
      {"sagemaker", "SageMaker endpoints", "", "", "a specific SageMaker endpoint",
       "specific SageMaker endpoints", "arn:aws:sagemaker:*:*:endpoint/{}",
       "arn:aws:sagemaker:*:*:endpoint/{}", "arn:aws:sagemaker:*:*:endpoint/*",
       "arn:aws:sagemaker:*:*:endpoint/*", ""},
      {"iam", "IAM roles", "", "", "a specific IAM role", "specific IAM roles",
       "arn:aws:iam::*:role/{}", "arn:aws:iam::*:role/{}", "arn:aws:iam::*:role/*",
       "arn:aws:iam::*:role/*", ""},
  };
  return kServices;
}

const ServiceDef* FindService(std::string_view id) {
  for (const ServiceDef& service : Services()) {
    if (service.id == id) return &service;
  }
  return nullptr;
}

struct Rule {
  std::string_view service;
  std::vector<Verb> verbs;
  std::string_view actions;  // comma list, every one in the action catalog (tested)
  std::string_view phrase;   // "read objects from"; the service's noun follows
  Scope scope;
  std::string_view universal;         // the universal name for GCP and Azure, or ""
  std::string_view unnamed;           // the object when no name is given, if not the service's noun
  std::string_view plural_noun = {};  // only when the group says this plural noun, unnamed
};

const std::vector<Rule>& Rules() {
  using V = Verb;
  using S = Scope;
  // The founding document's examples fix two rows: "read" on S3 is
  // s3:GetObject alone, and "invoke" on Lambda is lambda:InvokeFunction.
  // Elsewhere the universal names' choices are followed (database:read is
  // dynamodb:GetItem,dynamodb:Query) and otherwise the one action the verb
  // names.
  static const std::vector<Rule> kRules = {
      {"s3",
       {V::kList},
       "s3:ListAllMyBuckets",
       "list",
       S::kAccount,
       "storage:read",
       "the buckets in S3",
       "buckets"},
      {"s3", {V::kRead}, "s3:GetObject", "read objects from", S::kItem, "storage:read", ""},
      {"s3",
       {V::kList, V::kDescribe},
       "s3:ListBucket",
       "list objects in",
       S::kContainer,
       "storage:read",
       ""},
      {"s3",
       {V::kWrite, V::kUpdate, V::kSend},
       "s3:PutObject",
       "write objects to",
       S::kItem,
       "storage:write",
       ""},
      {"s3",
       {V::kDelete, V::kPurge},
       "s3:DeleteObject",
       "delete objects from",
       S::kItem,
       "storage:write",
       ""},
      {"s3", {V::kCreate}, "s3:CreateBucket", "create", S::kContainer, "", "S3 buckets"},

      {"dynamodb",
       {V::kRead},
       "dynamodb:GetItem,dynamodb:Query",
       "read items from",
       S::kContainer,
       "database:read",
       ""},
      {"dynamodb", {V::kQuery}, "dynamodb:Query", "query", S::kContainer, "database:read", ""},
      {"dynamodb", {V::kScan}, "dynamodb:Scan", "scan", S::kContainer, "database:read", ""},
      {"dynamodb",
       {V::kWrite, V::kSend},
       "dynamodb:PutItem,dynamodb:UpdateItem",
       "write items to",
       S::kContainer,
       "database:write",
       ""},
      {"dynamodb",
       {V::kUpdate},
       "dynamodb:UpdateItem",
       "update items in",
       S::kContainer,
       "database:write",
       ""},
      {"dynamodb",
       {V::kDelete, V::kPurge},
       "dynamodb:DeleteItem",
       "delete items from",
       S::kContainer,
       "database:write",
       ""},
      {"dynamodb", {V::kList}, "dynamodb:ListTables", "list", S::kAccount, "", ""},
      {"dynamodb", {V::kDescribe}, "dynamodb:DescribeTable", "describe", S::kContainer, "", ""},
      {"dynamodb", {V::kCreate}, "dynamodb:CreateTable", "create", S::kContainer, "", ""},

      {"lambda", {V::kInvoke, V::kStart}, "lambda:InvokeFunction", "invoke", S::kContainer, "", ""},
      {"lambda",
       {V::kDeploy, V::kUpdate, V::kWrite},
       "lambda:UpdateFunctionCode",
       "deploy code to",
       S::kContainer,
       "",
       ""},
      {"lambda",
       {V::kRead, V::kDescribe},
       "lambda:GetFunction",
       "read the configuration of",
       S::kContainer,
       "",
       ""},
      {"lambda", {V::kList}, "lambda:ListFunctions", "list", S::kAccount, "", ""},
      {"lambda", {V::kCreate}, "lambda:CreateFunction", "create", S::kContainer, "", ""},
      {"lambda", {V::kDelete}, "lambda:DeleteFunction", "delete", S::kContainer, "", ""},

      {"secretsmanager",
       {V::kRead},
       "secretsmanager:GetSecretValue",
       "read",
       S::kContainer,
       "secrets:read",
       ""},
      {"secretsmanager",
       {V::kDescribe},
       "secretsmanager:DescribeSecret",
       "describe",
       S::kContainer,
       "",
       ""},
      {"secretsmanager", {V::kList}, "secretsmanager:ListSecrets", "list", S::kAccount, "", ""},
      {"secretsmanager",
       {V::kWrite, V::kUpdate},
       "secretsmanager:PutSecretValue",
       "write new values to",
       S::kContainer,
       "",
       ""},
      {"secretsmanager",
       {V::kCreate},
       "secretsmanager:CreateSecret",
       "create",
       S::kContainer,
       "",
       ""},
      {"secretsmanager",
       {V::kDelete},
       "secretsmanager:DeleteSecret",
       "delete",
       S::kContainer,
       "",
       ""},

      {"ssm", {V::kRead}, "ssm:GetParameter", "read", S::kContainer, "", ""},
      {"ssm", {V::kList, V::kDescribe}, "ssm:DescribeParameters", "list", S::kAccount, "", ""},
      {"ssm",
       {V::kWrite, V::kUpdate, V::kCreate},
       "ssm:PutParameter",
       "write",
       S::kContainer,
       "",
       ""},
      {"ssm", {V::kDelete}, "ssm:DeleteParameter", "delete", S::kContainer, "", ""},

      {"logs",
       {V::kRead},
       "logs:GetLogEvents",
       "read log events from",
       S::kContainer,
       "logs:read",
       ""},
      {"logs",
       {V::kQuery, V::kScan},
       "logs:FilterLogEvents",
       "search",
       S::kContainer,
       "logs:read",
       ""},
      {"logs",
       {V::kWrite, V::kSend, V::kPublish},
       "logs:CreateLogStream,logs:PutLogEvents",
       "write log events to",
       S::kContainer,
       "",
       ""},
      {"logs", {V::kList, V::kDescribe}, "logs:DescribeLogGroups", "list", S::kAccount, "", ""},
      {"logs", {V::kCreate}, "logs:CreateLogGroup", "create", S::kContainer, "", ""},
      {"logs", {V::kDelete}, "logs:DeleteLogGroup", "delete", S::kContainer, "", ""},

      {"sqs",
       {V::kSend, V::kWrite, V::kPublish},
       "sqs:SendMessage",
       "send messages to",
       S::kContainer,
       "",
       ""},
      {"sqs",
       {V::kReceive, V::kRead},
       "sqs:ReceiveMessage",
       "receive messages from",
       S::kContainer,
       "",
       ""},
      {"sqs", {V::kDelete}, "sqs:DeleteMessage", "delete messages from", S::kContainer, "", ""},
      {"sqs", {V::kPurge}, "sqs:PurgeQueue", "purge", S::kContainer, "", ""},
      {"sqs", {V::kList}, "sqs:ListQueues", "list", S::kAccount, "", ""},
      {"sqs",
       {V::kDescribe},
       "sqs:GetQueueAttributes",
       "read the attributes of",
       S::kContainer,
       "",
       ""},
      {"sqs", {V::kCreate}, "sqs:CreateQueue", "create", S::kContainer, "", ""},

      {"sns",
       {V::kPublish, V::kSend, V::kWrite},
       "sns:Publish",
       "publish messages to",
       S::kContainer,
       "",
       ""},
      {"sns", {V::kSubscribe}, "sns:Subscribe", "subscribe to", S::kContainer, "", ""},
      {"sns", {V::kList}, "sns:ListTopics", "list", S::kAccount, "", ""},
      {"sns",
       {V::kRead, V::kDescribe},
       "sns:GetTopicAttributes",
       "read the attributes of",
       S::kContainer,
       "",
       ""},
      {"sns", {V::kCreate}, "sns:CreateTopic", "create", S::kContainer, "", ""},
      {"sns", {V::kDelete}, "sns:DeleteTopic", "delete", S::kContainer, "", ""},

      {"kms", {V::kDecrypt, V::kRead}, "kms:Decrypt", "decrypt with", S::kContainer, "", ""},
      {"kms", {V::kEncrypt, V::kWrite}, "kms:Encrypt", "encrypt with", S::kContainer, "", ""},
      {"kms",
       {V::kGenerate},
       "kms:GenerateDataKey",
       "generate data keys with",
       S::kContainer,
       "",
       ""},
      {"kms", {V::kDescribe}, "kms:DescribeKey", "describe", S::kContainer, "", ""},
      {"kms", {V::kList}, "kms:ListKeys", "list", S::kAccount, "", ""},

      {"ec2",
       {V::kRead, V::kDescribe, V::kList},
       "ec2:DescribeInstances",
       "describe",
       S::kAccount,
       "compute:read",
       ""},
      {"ec2", {V::kStart}, "ec2:StartInstances", "start", S::kContainer, "", ""},
      {"ec2", {V::kStop}, "ec2:StopInstances", "stop", S::kContainer, "", ""},
      {"ec2", {V::kReboot}, "ec2:RebootInstances", "reboot", S::kContainer, "", ""},
      {"ec2",
       {V::kTerminate, V::kDelete},
       "ec2:TerminateInstances",
       "terminate",
       S::kContainer,
       "",
       ""},
      {"ec2", {V::kCreate}, "ec2:RunInstances", "launch", S::kAccount, "", ""},

      // docker pull and push, per the ECR user guide's "Required IAM
      // permissions for pushing and pulling images".
      {"ecr",
       {V::kRead},
       "ecr:GetAuthorizationToken,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer",
       "pull images from",
       S::kContainer,
       "",
       ""},
      {"ecr",
       {V::kWrite, V::kDeploy, V::kSend, V::kPublish},
       "ecr:GetAuthorizationToken,ecr:BatchCheckLayerAvailability,ecr:InitiateLayerUpload,"
       "ecr:UploadLayerPart,ecr:CompleteLayerUpload,ecr:PutImage",
       "push images to",
       S::kContainer,
       "",
       ""},
      {"ecr", {V::kList}, "ecr:ListImages", "list images in", S::kContainer, "", ""},
      {"ecr", {V::kDescribe}, "ecr:DescribeImages", "describe images in", S::kContainer, "", ""},
      {"ecr", {V::kCreate}, "ecr:CreateRepository", "create", S::kContainer, "", ""},
      {"ecr", {V::kDelete}, "ecr:BatchDeleteImage", "delete images from", S::kContainer, "", ""},

      {"cloudwatch",
       {V::kRead},
       "cloudwatch:GetMetricStatistics",
       "read",
       S::kAccount,
       "monitoring:read",
       ""},
      {"cloudwatch",
       {V::kQuery},
       "cloudwatch:GetMetricData",
       "query",
       S::kAccount,
       "monitoring:read",
       ""},
      {"cloudwatch", {V::kList}, "cloudwatch:ListMetrics", "list", S::kAccount, "", ""},
      {"cloudwatch",
       {V::kWrite, V::kPublish, V::kSend},
       "cloudwatch:PutMetricData",
       "publish",
       S::kAccount,
       "",
       ""},
      {"cloudwatch",
       {V::kDescribe},
       "cloudwatch:DescribeAlarms",
       "describe the alarms of",
       S::kAccount,
       "",
       ""},

      {"kinesis",
       {V::kWrite, V::kSend, V::kPublish},
       "kinesis:PutRecord,kinesis:PutRecords",
       "write records to",
       S::kContainer,
       "",
       ""},
      {"kinesis",
       {V::kRead, V::kReceive},
       "kinesis:GetShardIterator,kinesis:GetRecords",
       "read records from",
       S::kContainer,
       "",
       ""},
      {"kinesis", {V::kList}, "kinesis:ListStreams", "list", S::kAccount, "", ""},
      {"kinesis", {V::kDescribe}, "kinesis:DescribeStream", "describe", S::kContainer, "", ""},

      {"states",
       {V::kInvoke, V::kStart},
       "states:StartExecution",
       "start executions of",
       S::kContainer,
       "",
       ""},
      {"states",
       {V::kRead, V::kDescribe},
       "states:DescribeStateMachine",
       "describe",
       S::kContainer,
       "",
       ""},
      {"states", {V::kList}, "states:ListStateMachines", "list", S::kAccount, "", ""},

      {"sagemaker", {V::kInvoke}, "sagemaker:InvokeEndpoint", "invoke", S::kContainer, "", ""},
      {"sagemaker",
       {V::kRead, V::kDescribe},
       "sagemaker:DescribeEndpoint",
       "describe",
       S::kContainer,
       "",
       ""},
      {"sagemaker", {V::kList}, "sagemaker:ListEndpoints", "list", S::kAccount, "", ""},

      {"iam", {V::kRead, V::kDescribe}, "iam:GetRole", "read", S::kContainer, "", ""},
      {"iam", {V::kList}, "iam:ListRoles", "list", S::kAccount, "", ""},
  };
  return kRules;
}

// --- Words -------------------------------------------------------------------

enum class Kind {
  kVerb,
  kService,     // "s3", "dynamodb", "secrets manager"
  kNoun,        // "bucket", "table", "queue": names a service and may precede or follow a name
  kName,        // a resource name: "my-bucket", "reports" in "bucket reports"
  kArn,         // "arn:aws:s3:::b/*"
  kS3Url,       // "s3://bucket/prefix"
  kLiteral,     // a native action or universal name written out: "s3:GetObject"
  kConnector,   // "and", ",", "then", "but"
  kOr,          // "or", "nor": joins without ending a negation
  kNegation,    // "not", "never", "without"
  kNameMarker,  // "named", "called"
  kStop,        // words that carry nothing here: "the", "from", "only"
  kIgnored,     // a region or account id: understood, not used
  kUnknown,
};

struct Lexeme {
  Kind kind;
  Verb verb;
  std::string_view service;
  bool weak;  // a guess: "access" as read, "database" as DynamoDB
};

Lexeme Word(Kind kind, Verb verb = Verb::kRead, std::string_view service = {}, bool weak = false) {
  return Lexeme{kind, verb, service, weak};
}

const std::map<std::string_view, Lexeme>& Vocabulary() {
  using V = Verb;
  static const std::map<std::string_view, Lexeme> kWords = [] {
    std::map<std::string_view, Lexeme> words;
    const auto verbs = [&](V verb, std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Word(Kind::kVerb, verb);
    };
    verbs(V::kRead, {"read", "get", "fetch", "download", "view", "retrieve", "load", "pull", "see",
                     "open", "read only", "read-only", "readonly", "look up", "cat", "tail"});
    verbs(V::kList, {"list", "browse", "enumerate", "ls"});
    verbs(V::kWrite, {"write", "put", "upload", "save", "store", "push", "add", "insert", "copy"});
    verbs(V::kUpdate, {"update", "modify", "edit", "change", "overwrite"});
    verbs(V::kDelete, {"delete", "remove", "erase", "rm", "destroy", "drop"});
    verbs(V::kInvoke, {"invoke", "call", "trigger", "execute", "run"});
    verbs(V::kDeploy, {"deploy", "redeploy", "ship", "release"});
    verbs(V::kCreate, {"create", "make", "provision", "launch", "spin up"});
    verbs(V::kDescribe, {"describe", "inspect", "show", "check"});
    verbs(V::kQuery, {"query", "search", "filter"});
    verbs(V::kScan, {"scan"});
    verbs(V::kSend, {"send", "enqueue", "emit", "post"});
    verbs(V::kReceive, {"receive", "consume", "poll", "dequeue"});
    verbs(V::kPublish, {"publish", "notify", "broadcast"});
    verbs(V::kSubscribe, {"subscribe"});
    verbs(V::kDecrypt, {"decrypt"});
    verbs(V::kEncrypt, {"encrypt"});
    verbs(V::kGenerate, {"generate"});
    verbs(V::kStart, {"start", "resume"});
    verbs(V::kStop, {"stop", "halt"});
    verbs(V::kReboot, {"reboot", "restart"});
    verbs(V::kTerminate, {"terminate", "kill"});
    verbs(V::kPurge, {"purge", "empty"});
    verbs(V::kManage, {"manage", "administer", "full access", "full control"});
    words["access"] = Word(Kind::kVerb, V::kRead, {}, true);

    const auto services = [&](std::string_view id, std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Word(Kind::kService, V::kRead, id);
    };
    const auto nouns = [&](std::string_view id, std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Word(Kind::kNoun, V::kRead, id);
    };
    services("s3", {"s3", "amazon s3", "gcs", "cloud storage", "google cloud storage",
                    "blob storage", "azure storage", "storage"});
    nouns("s3", {"bucket", "object", "file", "blob", "container", "storage account"});
    services("dynamodb", {"dynamodb", "dynamo", "ddb", "bigquery"});
    nouns("dynamodb", {"table", "item"});
    words["database"] = Word(Kind::kService, V::kRead, "dynamodb", true);
    words["db"] = Word(Kind::kService, V::kRead, "dynamodb", true);
    services("lambda", {"lambda", "aws lambda"});
    nouns("lambda", {"function"});
    services("secretsmanager",
             {"secrets manager", "secret manager", "secretsmanager", "key vault"});
    nouns("secretsmanager", {"secret", "password", "credential"});
    services("ssm", {"ssm", "parameter store", "systems manager"});
    nouns("ssm", {"parameter"});
    services("logs", {"cloudwatch logs", "cloud logging", "logs"});
    nouns("logs", {"log", "log group", "log stream", "log event"});
    services("sqs", {"sqs"});
    nouns("sqs", {"queue"});
    services("sns", {"sns"});
    nouns("sns", {"topic", "notification"});
    services("kms", {"kms", "key management"});
    nouns("kms", {"key", "data key", "encryption key"});
    services("ec2", {"ec2", "compute engine", "compute"});
    nouns("ec2", {"instance", "vm", "virtual machine", "server"});
    services("ecr", {"ecr", "container registry"});
    nouns("ecr", {"image", "repository", "repo", "container image", "docker image"});
    services("cloudwatch",
             {"cloudwatch", "cloud watch", "cloud monitoring", "azure monitor", "monitoring"});
    nouns("cloudwatch", {"metric", "alarm"});
    services("kinesis", {"kinesis"});
    nouns("kinesis", {"stream", "data stream"});
    services("states", {"step functions", "step function", "stepfunctions"});
    nouns("states", {"state machine", "workflow", "execution"});
    services("sagemaker", {"sagemaker"});
    nouns("sagemaker", {"endpoint"});
    services("iam", {"iam"});
    nouns("iam", {"role"});

    for (std::string_view word : {"and", "&", "then", "also", "plus", "but", "while", "as well as",
                                  "after that", "afterwards"}) {
      words[word] = Word(Kind::kConnector);
    }
    for (std::string_view word : {"or", "nor", "and/or"}) words[word] = Word(Kind::kOr);
    for (std::string_view word :
         {"not",     "no",        "never",      "without",  "except",   "excluding", "don't",
          "dont",    "do not",    "doesn't",    "does not", "cannot",   "can't",     "must not",
          "mustn't", "shouldn't", "should not", "won't",    "will not", "neither"}) {
      words[word] = Word(Kind::kNegation);
    }
    for (std::string_view word : {"named", "called", "name", "id"}) {
      words[word] = Word(Kind::kNameMarker);
    }
    for (std::string_view word :
         {"a",         "an",          "the",      "to",         "from",       "in",
          "into",      "on",          "onto",     "of",         "for",        "with",
          "at",        "by",          "only",     "just",       "some",       "any",
          "all",       "every",       "each",     "my",         "our",        "your",
          "their",     "its",         "this",     "that",       "these",      "those",
          "it",        "them",        "is",       "are",        "be",         "can",
          "could",     "should",      "must",     "may",        "might",      "will",
          "would",     "need",        "needs",    "want",       "wants",      "allow",
          "allows",    "let",         "lets",     "me",         "us",         "i",
          "we",        "you",         "they",     "able",       "permission", "permissions",
          "data",      "contents",    "content",  "both",       "as",         "well",
          "new",       "existing",    "specific", "particular", "given",      "same",
          "one",       "several",     "multiple", "aws",        "amazon",     "google",
          "azure",     "gcp",         "cloud",    "service",    "services",   "account",
          "please",    "so",          "do",       "does",       "which",      "there",
          "here",      "up",          "out",      "over",       "via",        "using",
          "use",       "through",     "across",   "within",     "inside",     "message",
          "code",      "event",       "their",    "whatever",   "everything", "anything",
          "stuff",     "other",       "own",      "own",        "various",    "certain",
          "single",    "same",        "related",  "associated", "results",    "result",
          "output",    "input",       "value",    "values",     "entries",    "entry",
          "something", "them",        "jobs",     "job",        "script",     "command",
          "app",       "application", "program",  "tool",       "which",      "what",
          "record",    "row",         "version",  "custom",     "latest",     "current"}) {
      words.try_emplace(word, Word(Kind::kStop));
    }
    return words;
  }();
  return kWords;
}

struct Found {
  Lexeme lexeme;
  bool plural = false;
};

// A word of the vocabulary, also inflected: "buckets", "reading", "uploads",
// "queries", "deleted".
std::optional<Found> LookUp(const std::string& word) {
  const auto& words = Vocabulary();
  if (auto it = words.find(word); it != words.end()) return Found{it->second, false};
  std::vector<std::pair<std::string, bool>> stems;  // candidate, plural
  const auto ends = [&](std::string_view suffix) {
    return word.size() > suffix.size() + 1 && word.ends_with(suffix);
  };
  if (ends("ies")) stems.emplace_back(word.substr(0, word.size() - 3) + "y", true);
  if (ends("es")) stems.emplace_back(word.substr(0, word.size() - 2), true);
  if (ends("s")) stems.emplace_back(word.substr(0, word.size() - 1), true);
  if (ends("ing")) {
    const std::string stem = word.substr(0, word.size() - 3);
    stems.emplace_back(stem, false);
    stems.emplace_back(stem + "e", false);
    if (stem.size() > 2 && stem.back() == stem[stem.size() - 2]) {
      stems.emplace_back(stem.substr(0, stem.size() - 1), false);  // "putting"
    }
  }
  if (ends("ed")) {
    stems.emplace_back(word.substr(0, word.size() - 2), false);
    stems.emplace_back(word.substr(0, word.size() - 1), false);
  }
  for (const auto& [stem, plural] : stems) {
    if (auto it = words.find(stem); it != words.end()) {
      // Only nouns have plurals; "gets" and "uploads" are verbs all the same.
      return Found{it->second, plural && it->second.kind == Kind::kNoun};
    }
  }
  return std::nullopt;
}

struct Token {
  std::string text;  // as written, surrounding punctuation removed
  std::string lower;
  bool quoted = false;
  bool ends_clause = false;  // followed by ',' or ';' or '.'
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::vector<Token> Tokenize(std::string_view sentence) {
  std::vector<Token> tokens;
  size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < sentence.size()) {
    if (is_space(sentence[i])) {
      ++i;
      continue;
    }
    const char c = sentence[i];
    if (c == '"' || c == '`' || c == '\'') {
      const size_t close = sentence.find(c, i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        Token token;
        token.text = std::string(Trim(sentence.substr(i + 1, close - i - 1)));
        token.lower = ToLower(token.text);
        token.quoted = true;
        i = close + 1;
        if (i < sentence.size() && (sentence[i] == ',' || sentence[i] == ';')) {
          token.ends_clause = true;
          ++i;
        }
        if (!token.text.empty()) tokens.push_back(std::move(token));
        continue;
      }
    }
    size_t end = i;
    while (end < sentence.size() && !is_space(sentence[end])) ++end;
    std::string_view raw = sentence.substr(i, end - i);
    i = end;
    Token token;
    // Trailing punctuation ends a clause or a sentence; an ARN or URL keeps
    // its inner ':' and '/' but not a final full stop.
    while (!raw.empty() &&
           std::string_view(",;.!?:)]").find(raw.back()) != std::string_view::npos) {
      if (raw.back() == ',' || raw.back() == ';' || raw.back() == '.') token.ends_clause = true;
      raw.remove_suffix(1);
    }
    while (!raw.empty() && std::string_view("([").find(raw.front()) != std::string_view::npos) {
      raw.remove_prefix(1);
    }
    if (raw.empty()) {
      if (token.ends_clause && !tokens.empty()) tokens.back().ends_clause = true;
      continue;
    }
    token.text = std::string(raw);
    token.lower = ToLower(raw);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool IsRegion(std::string_view word) {
  // us-east-1, eu-central-2, us-gov-west-1, ap-southeast-3
  for (std::string_view area : {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn"}) {
    for (std::string_view direction :
         {"east", "west", "north", "south", "central", "northeast", "southeast", "northwest",
          "southwest", "gov-west", "gov-east"}) {
      const std::string stem = fmt::format("{}-{}-", area, direction);
      if (word.size() == stem.size() + 1 && word.starts_with(stem) && word.back() >= '1' &&
          word.back() <= '9') {
        return true;
      }
    }
  }
  return false;
}

bool IsAccountId(std::string_view word) {
  return word.size() == 12 &&
         std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word that can only be an identifier: it holds '-', '_', '.', '/' or a
// digit beside letters ("my-bucket", "prod_users", "logs2", "/app/db").
// Characters AWS resource names are made of (bucket, table, queue, topic,
// function, secret and parameter names, with '/' for paths and prefixes). A
// name with anything else (',', '*', quotes) would change the ARN's meaning
// or break the comma-separated resource list.
bool IsResourceNameText(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '/';
  });
}

bool LooksLikeIdentifier(std::string_view word) {
  bool has_alnum = false;
  bool has_mark = false;
  for (char c : word) {
    if (IsWordChar(c)) {
      has_alnum = true;
      if (c >= '0' && c <= '9') has_mark = true;
    } else if (c == '-' || c == '_' || c == '.' || c == '/') {
      has_mark = true;
    } else {
      return false;
    }
  }
  return has_alnum && has_mark;
}

// --- Items and groups --------------------------------------------------------

struct Item {
  Kind kind = Kind::kUnknown;
  Verb verb = Verb::kRead;
  std::string service;  // kService, kNoun; kName once bound; kArn, kS3Url
  std::string text;     // as written (names, ARNs, literals, unknown words)
  bool plural = false;
  bool weak = false;
  bool ends_clause = false;
  std::string s3_prefix;  // kS3Url: the key prefix after the bucket
};

Item MakeItem(Kind kind, Verb verb, std::string service, std::string text) {
  Item item;
  item.kind = kind;
  item.verb = verb;
  item.service = std::move(service);
  item.text = std::move(text);
  return item;
}

struct Context {
  Provider provider;
  std::vector<std::string> warnings;
  bool guessed = false;

  void Guess(std::string message) {
    guessed = true;
    warnings.push_back(std::move(message));
  }
};

std::vector<Item> Classify(const std::vector<Token>& tokens, Context& context) {
  std::vector<Item> items;
  for (size_t i = 0; i < tokens.size();) {
    const Token& token = tokens[i];
    if (token.quoted) {
      items.push_back(MakeItem(Kind::kName, Verb::kRead, "", token.text));
      items.back().ends_clause = token.ends_clause;
      ++i;
      continue;
    }
    // Phrases of up to three words first: "secrets manager", "do not".
    bool matched = false;
    for (size_t length = 3; length >= 2 && !matched; --length) {
      if (i + length > tokens.size()) continue;
      std::string phrase;
      bool clause_inside = false;
      for (size_t k = 0; k < length; ++k) {
        if (tokens[i + k].quoted) clause_inside = true;
        if (k + 1 < length && tokens[i + k].ends_clause) clause_inside = true;
        phrase += (k ? " " : "") + tokens[i + k].lower;
      }
      if (clause_inside) continue;
      if (auto found = LookUp(phrase)) {
        Item item = MakeItem(found->lexeme.kind, found->lexeme.verb,
                             std::string(found->lexeme.service), phrase);
        item.plural = found->plural;
        item.weak = found->lexeme.weak;
        item.ends_clause = tokens[i + length - 1].ends_clause;
        items.push_back(std::move(item));
        i += length;
        matched = true;
      }
    }
    if (matched) continue;

    Item item = MakeItem(Kind::kUnknown, Verb::kRead, "", token.text);
    item.ends_clause = token.ends_clause;
    const std::string& word = token.lower;
    if (word.starts_with("arn:")) {
      item.kind = Kind::kArn;
      const size_t service_start = word.find(':', 4);
      const size_t service_end = service_start == std::string::npos
                                     ? std::string::npos
                                     : word.find(':', service_start + 1);
      if (service_end != std::string::npos) {
        item.service = word.substr(service_start + 1, service_end - service_start - 1);
      }
    } else if (word.starts_with("s3://")) {
      item.kind = Kind::kS3Url;
      item.service = "s3";
      const std::string_view rest = std::string_view(token.text).substr(5);
      const size_t slash = rest.find('/');
      item.text = std::string(rest.substr(0, slash));
      if (slash != std::string_view::npos) item.s3_prefix = std::string(rest.substr(slash + 1));
    } else if (FindUniversalName(word) != nullptr ||
               DetectActionSyntax(token.text) == context.provider) {
      item.kind = Kind::kLiteral;
    } else if (IsRegion(word) || IsAccountId(word)) {
      item.kind = Kind::kIgnored;
    } else if (auto found = LookUp(word)) {
      item.kind = found->lexeme.kind;
      item.verb = found->lexeme.verb;
      item.service = std::string(found->lexeme.service);
      item.plural = found->plural;
      item.weak = found->lexeme.weak;
    } else {
      // "read/write", "read-write": verbs joined by a mark.
      std::vector<Verb> joined;
      size_t start = 0;
      bool all_verbs = word.find_first_of("/-") != std::string::npos;
      while (all_verbs) {
        const size_t mark = word.find_first_of("/-", start);
        auto part = LookUp(word.substr(start, mark == std::string::npos ? mark : mark - start));
        if (!part || part->lexeme.kind != Kind::kVerb) {
          all_verbs = false;
          break;
        }
        joined.push_back(part->lexeme.verb);
        if (mark == std::string::npos) break;
        start = mark + 1;
      }
      if (all_verbs) {
        for (Verb verb : joined) {
          items.push_back(MakeItem(Kind::kVerb, verb, "", token.text));
        }
        items.back().ends_clause = token.ends_clause;
        ++i;
        continue;
      }
    }
    if (item.kind == Kind::kIgnored) {
      context.Guess(
          fmt::format("\"{}\" is not used: the ARNs keep * for region and account", token.text));
    }
    items.push_back(std::move(item));
    ++i;
  }

  // Unknown words next to a resource noun, after "named", or shaped like an
  // identifier are resource names; so is a one-word service name right after
  // another service's noun ("bucket logs" is a bucket called logs).
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    if (item.kind == Kind::kService && i > 0 && item.text.find(' ') == std::string::npos) {
      const Item& before = items[i - 1];
      // Only nouns whose things are named this way: "function logs" are a
      // function's logs.
      const std::string noun = ToLower(before.text);
      if (before.kind == Kind::kNoun && !before.plural && !before.ends_clause &&
          before.service != item.service &&
          (noun == "bucket" || noun == "table" || noun == "queue" || noun == "topic")) {
        item.kind = Kind::kName;
        item.service = before.service;
        continue;
      }
    }
    if (item.kind != Kind::kUnknown) continue;
    const Item* before = i > 0 ? &items[i - 1] : nullptr;
    const Item* after = i + 1 < items.size() ? &items[i + 1] : nullptr;
    const bool after_noun =
        before && before->kind == Kind::kNoun && !before->plural && !before->ends_clause;
    const bool before_noun =
        after && after->kind == Kind::kNoun && !after->plural && !item.ends_clause;
    const bool after_marker = before && before->kind == Kind::kNameMarker;
    if (after_noun || before_noun || after_marker || LooksLikeIdentifier(item.text)) {
      item.kind = Kind::kName;
      if (after_noun) item.service = before->service;
      if (before_noun) item.service = after->service;
      if (after_marker && i >= 2 && items[i - 2].kind == Kind::kNoun) {
        item.service = items[i - 2].service;
      }
    }
  }
  return items;
}

struct Group {
  std::vector<Verb> verbs;
  std::vector<size_t> targets;  // indexes into items: services, nouns, names, ARNs, URLs
};

bool IsTarget(Kind kind) {
  return kind == Kind::kService || kind == Kind::kNoun || kind == Kind::kName ||
         kind == Kind::kArn || kind == Kind::kS3Url;
}

std::string_view VerbWord(Verb verb) {
  static const std::map<Verb, std::string_view> kWords = {
      {Verb::kRead, "read"},           {Verb::kList, "list"},       {Verb::kWrite, "write"},
      {Verb::kUpdate, "update"},       {Verb::kDelete, "delete"},   {Verb::kInvoke, "invoke"},
      {Verb::kDeploy, "deploy"},       {Verb::kCreate, "create"},   {Verb::kDescribe, "describe"},
      {Verb::kQuery, "query"},         {Verb::kScan, "scan"},       {Verb::kSend, "send"},
      {Verb::kReceive, "receive"},     {Verb::kPublish, "publish"}, {Verb::kSubscribe, "subscribe"},
      {Verb::kDecrypt, "decrypt"},     {Verb::kEncrypt, "encrypt"}, {Verb::kGenerate, "generate"},
      {Verb::kStart, "start"},         {Verb::kStop, "stop"},       {Verb::kReboot, "reboot"},
      {Verb::kTerminate, "terminate"}, {Verb::kPurge, "purge"},     {Verb::kManage, "manage"},
  };
  return kWords.at(verb);
}

std::vector<Group> FormGroups(std::vector<Item>& items, Context& context) {
  std::vector<Group> groups(1);
  bool negated = false;
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    switch (item.kind) {
      case Kind::kNegation:
        negated = true;
        break;
      case Kind::kConnector:
        negated = false;
        break;
      case Kind::kVerb: {
        if (negated) {
          context.Guess(fmt::format(
              "\"{}\" is negated, so it is left out; the policy lists only what is allowed",
              item.text));
          break;
        }
        // "read-only access": the verb before says it already.
        if (item.weak && !groups.back().verbs.empty() && groups.back().targets.empty()) break;
        if (!groups.back().verbs.empty() && !groups.back().targets.empty()) groups.emplace_back();
        std::vector<Verb> verbs = {item.verb};
        if (item.verb == Verb::kManage) {
          verbs = {Verb::kRead, Verb::kList, Verb::kWrite, Verb::kDelete};
          context.Guess(fmt::format(
              "\"{}\" is taken as read, list, write and delete: broad; name the operations you "
              "need if fewer will do",
              item.text));
        } else if (item.weak) {
          context.Guess(fmt::format("\"{}\" is taken as read", item.text));
        }
        for (Verb verb : verbs) {
          if (std::find(groups.back().verbs.begin(), groups.back().verbs.end(), verb) ==
              groups.back().verbs.end()) {
            groups.back().verbs.push_back(verb);
          }
        }
        break;
      }
      default:
        if (IsTarget(item.kind)) {
          negated = false;
          groups.back().targets.push_back(i);
        }
        break;
    }
    if (item.ends_clause) negated = false;
  }
  // "Read from my-bucket and write to it": a group without a target acts on
  // the previous group's.
  for (size_t g = 1; g < groups.size(); ++g) {
    if (groups[g].targets.empty()) groups[g].targets = groups[g - 1].targets;
  }
  return groups;
}

// The service of each name in the group that is not bound yet: the nearest
// service or noun, else a hint in the name itself ("my-bucket"), else the
// only service of the whole sentence.
void BindNames(std::vector<Item>& items, const std::vector<Group>& groups, Context& context) {
  std::set<std::string> sentence_services;
  for (const Item& item : items) {
    if (item.kind == Kind::kService || item.kind == Kind::kNoun) {
      sentence_services.insert(item.service);
    }
  }
  for (const Group& group : groups) {
    for (size_t index : group.targets) {
      Item& name = items[index];
      if (name.kind != Kind::kName || !name.service.empty()) continue;
      size_t best_distance = items.size() + 1;
      for (size_t other : group.targets) {
        const Item& candidate = items[other];
        if (candidate.kind != Kind::kService && candidate.kind != Kind::kNoun) continue;
        const size_t distance = other > index ? other - index : index - other;
        if (distance < best_distance) {
          best_distance = distance;
          name.service = candidate.service;
        }
      }
      if (!name.service.empty()) continue;
      static const std::vector<std::pair<std::string_view, std::string_view>> kHints = {
          {"bucket", "s3"},
          {"table", "dynamodb"},
          {"queue", "sqs"},
          {"topic", "sns"},
          {"lambda", "lambda"},
          {"function", "lambda"},
          {"secret", "secretsmanager"},
          {"stream", "kinesis"},
          {"repo", "ecr"}};
      for (const auto& [hint, service] : kHints) {
        if (name.text.find(hint) != std::string::npos) {
          name.service = std::string(service);
          break;
        }
      }
      if (!name.service.empty()) {
        context.Guess(fmt::format("\"{}\" is taken as {} name (no service was said for it)",
                                  name.text, FindService(name.service)->named_one));
        continue;
      }
      if (sentence_services.size() == 1) {
        name.service = *sentence_services.begin();
        continue;
      }
      context.Guess(fmt::format(
          "\"{}\" looks like a resource name but no service was said for it; it is not used",
          name.text));
    }
  }
}

const Rule* FindRule(std::string_view service, Verb verb,
                     const std::vector<std::string>& plural_nouns, bool named) {
  for (const Rule& rule : Rules()) {
    if (rule.service != service) continue;
    if (std::find(rule.verbs.begin(), rule.verbs.end(), verb) == rule.verbs.end()) continue;
    if (!rule.plural_noun.empty() && (named || std::find(plural_nouns.begin(), plural_nouns.end(),
                                                         rule.plural_noun) == plural_nouns.end())) {
      continue;
    }
    return &rule;
  }
  return nullptr;
}

std::string FillName(std::string_view pattern, std::string_view name) {
  std::string out(pattern);
  const size_t at = out.find("{}");
  if (at != std::string::npos) out.replace(at, 2, name);
  return out;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

std::string JoinPhrases(const std::vector<std::string>& phrases) {
  std::string out;
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (i > 0) out += (i + 1 == phrases.size()) ? " and " : ", ";
    out += phrases[i];
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

std::string_view NounFor(const ServiceDef& service, Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return service.aws_noun;
    case Provider::kGcp:
      return service.gcp_noun;
    case Provider::kAzure:
      return service.azure_noun;
  }
  return service.aws_noun;
}

// One service's part of a group: the names and ARNs said for it.
struct Target {
  std::vector<std::string> names;         // with any s3:// key prefix as "bucket/prefix"
  std::vector<std::string> arns;          // written out in the sentence
  std::vector<std::string> plural_nouns;  // "buckets": for s3:ListAllMyBuckets
};

}  // namespace

Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider) {
  if (Trim(sentence).empty()) {
    return UsageError(
        "no sentence given: say what the command needs, e.g. tryaudex intent \"Read only from "
        "my-bucket in S3\"");
  }
  Context context{provider, {}, false};
  std::vector<Item> items = Classify(Tokenize(sentence), context);
  std::vector<Group> groups = FormGroups(items, context);
  BindNames(items, groups, context);

  OfflineIntent result;
  std::vector<std::string> phrases;
  std::vector<std::string> unrestricted;  // (rule, service) pairs without a name, by ARN
  std::vector<std::string> unrestricted_phrases;
  bool any_verb = false;
  bool any_service = false;

  for (const Item& item : items) {
    if (item.kind != Kind::kLiteral) continue;
    if (const UniversalName* universal = FindUniversalName(item.text)) {
      for (std::string& action : TranslateUniversal(*universal, provider)) {
        AddUnique(result.policy.actions, std::move(action));
      }
      phrases.push_back(fmt::format("use {}", universal->name));
    } else {
      AddUnique(result.policy.actions, item.text);
      phrases.push_back(fmt::format("use {}", item.text));
    }
  }
  for (const Item& item : items) {
    if (item.kind == Kind::kUnknown) {
      context.Guess(fmt::format("\"{}\" was not understood and is ignored", item.text));
    }
  }

  for (const Group& group : groups) {
    if (!group.verbs.empty()) any_verb = true;
    // The services of the group in the order they were said, with their names.
    std::vector<std::string> order;
    std::map<std::string, Target> targets;
    const bool has_firm_service = std::any_of(
        group.targets.begin(), group.targets.end(),
        [&](size_t index) { return !items[index].service.empty() && !items[index].weak; });
    for (size_t index : group.targets) {
      const Item& item = items[index];
      if (item.service.empty()) continue;
      if (item.weak) {
        // "database": DynamoDB as in the universal database:* names, unless
        // the group names a service of its own.
        if (has_firm_service) continue;
        context.Guess(
            fmt::format("\"{}\" is taken as {}", item.text, FindService(item.service)->aws_noun));
      }
      if (!FindService(item.service)) {
        context.Guess(fmt::format("the service \"{}\" of {} is not one the offline parser knows",
                                  item.service, item.text));
        continue;
      }
      if (std::find(order.begin(), order.end(), item.service) == order.end()) {
        order.push_back(item.service);
      }
      Target& target = targets[item.service];
      if (item.kind == Kind::kNoun && item.plural)
        AddUnique(target.plural_nouns, ToLower(item.text));
      if (item.kind == Kind::kName) {
        AddUnique(target.names, item.text);
      } else if (item.kind == Kind::kS3Url) {
        AddUnique(target.names,
                  item.s3_prefix.empty() ? item.text : item.text + "/" + item.s3_prefix);
      } else if (item.kind == Kind::kArn) {
        AddUnique(target.arns, item.text);
      }
    }
    if (!order.empty()) any_service = true;

    for (Verb verb : group.verbs) {
      for (const std::string& service_id : order) {
        const ServiceDef& service = *FindService(service_id);
        Target& target = targets[service_id];
        const bool named = !target.names.empty() || !target.arns.empty();
        const Rule* rule = FindRule(service_id, verb, target.plural_nouns, named);
        if (rule == nullptr) {
          context.Guess(
              fmt::format("\"{}\" is not something the offline parser knows how to do "
                          "with {}; left out",
                          VerbWord(verb), service.aws_noun));
          continue;
        }
        std::string_view object =
            rule->unnamed.empty() ? NounFor(service, provider) : rule->unnamed;
        if (provider != Provider::kAws) {
          const UniversalName* universal =
              rule->universal.empty() ? nullptr : FindUniversalName(rule->universal);
          if (universal == nullptr || object.empty()) {
            context.Guess(fmt::format("\"{} {}\" has no {} equivalent offline; left out",
                                      rule->phrase, service.aws_noun, ProviderName(provider)));
            continue;
          }
          for (std::string& action : TranslateUniversal(*universal, provider)) {
            AddUnique(result.policy.actions, std::move(action));
          }
          if (named) {
            context.Guess(fmt::format(
                "resource names are not restrictions on {}; the permissions apply to every {}",
                ProviderName(provider), object));
          }
          AddUnique(phrases, fmt::format("{} {}", rule->phrase, object));
          continue;
        }
        for (std::string& action : SplitCommaList(rule->actions)) {
          AddUnique(result.policy.actions, std::move(action));
        }
        bool restricted = false;
        if (rule->scope != Scope::kAccount) {
          const std::string_view pattern =
              rule->scope == Scope::kItem ? service.item_arn : service.container_arn;
          for (const std::string& name : target.names) {
            if (pattern.empty()) {
              context.Guess(fmt::format("{} cannot be limited to \"{}\"; the name is not used",
                                        service.aws_noun, name));
              continue;
            }
            if (!IsResourceNameText(name)) {
              context.Guess(fmt::format(
                  "\"{}\" cannot be a {} name (letters, digits, '.', '-', '_', '/' only); it is "
                  "not used",
                  name, service.aws_noun));
              continue;
            }
            if (!service.name_prefix.empty() && !name.starts_with(service.name_prefix)) {
              context.Guess(
                  fmt::format("\"{}\" is not an id of {} (they start with \"{}\"); it is not used",
                              name, service.aws_noun, service.name_prefix));
              continue;
            }
            std::string bucket_and_prefix = name;
            std::string arn;
            if (service_id == "s3" && name.find('/') != std::string::npos) {
              // s3://bucket/prefix: objects under the prefix; the bucket for
              // bucket-level actions.
              const std::string bucket = name.substr(0, name.find('/'));
              arn = rule->scope == Scope::kItem ? fmt::format("arn:aws:s3:::{}*", name)
                                                : FillName(service.container_arn, bucket);
            } else if (service_id == "ssm" && name.starts_with("/")) {
              // Parameter ARNs hold the name without its leading '/'.
              arn = FillName(pattern, name.substr(1));
            } else {
              arn = FillName(pattern, name);
            }
            AddUnique(result.policy.resources, std::move(arn));
            restricted = true;
          }
          for (const std::string& arn : target.arns) {
            AddUnique(result.policy.resources, arn);
            restricted = true;
          }
        } else if (named) {
          context.Guess(fmt::format(
              "{} cannot be limited to a named resource (AWS takes only Resource \"*\" for it)",
              rule->actions));
        }
        if (!restricted && rule->scope != Scope::kAccount) {
          const std::string_view any =
              rule->scope == Scope::kItem ? service.any_item_arn : service.any_container_arn;
          if (!any.empty()) AddUnique(unrestricted, std::string(any));
          AddUnique(unrestricted_phrases, std::string(object));
        }
        const size_t count = target.names.size() + target.arns.size();
        std::string_view said = object;
        if (restricted) said = count == 1 ? service.named_one : service.named_many;
        AddUnique(phrases, fmt::format("{} {}", rule->phrase, said));
      }
    }
  }

  if (result.policy.actions.empty()) {
    const std::string hint =
        "; give the actions yourself (tryaudex run --allow s3:GetObject ...), or set "
        "ANTHROPIC_API_KEY to ask Claude";
    if (!any_verb) {
      return PolicyError(fmt::format(
          "the offline parser found no action verb in \"{}\" (read, list, write, delete, "
          "invoke, send, publish, decrypt, ...){}",
          Trim(sentence), hint));
    }
    if (!any_service) {
      return PolicyError(fmt::format(
          "the offline parser found no cloud service in \"{}\" (S3, bucket, DynamoDB, table, "
          "Lambda, function, queue, topic, secret, ...){}",
          Trim(sentence), hint));
    }
    return PolicyError(fmt::format("the offline parser could not turn \"{}\" into actions ({}){}",
                                   Trim(sentence), Join(context.warnings, "; "), hint));
  }
  // One statement carries every resource, so once anything is restricted,
  // the services left unnamed need their own "any" ARN or they are denied.
  if (!result.policy.resources.empty() && !unrestricted.empty()) {
    for (std::string& arn : unrestricted) AddUnique(result.policy.resources, std::move(arn));
    context.warnings.push_back(
        fmt::format("no name was given for {}, so they stay unrestricted in the resource list",
                    Join(unrestricted_phrases, ", ")));
  }
  result.policy.description = JoinPhrases(phrases);
  result.warnings = std::move(context.warnings);
  result.confidence = context.guessed ? IntentConfidence::kLow : IntentConfidence::kHigh;
  return result;
}

std::vector<std::string> OfflineIntentAwsActions() {
  std::vector<std::string> actions;
  for (const Rule& rule : Rules()) {
    for (std::string& action : SplitCommaList(rule.actions)) AddUnique(actions, std::move(action));
  }
  return actions;
}

}  // namespace audex
