#include "core/intent/offline_vocabulary.h"

#include <algorithm>
#include <initializer_list>

namespace audex::offline_intent {

const std::map<std::string_view, Lexeme>& Vocabulary() {
  using V = Verb;
  using K = WordKind;
  static const std::map<std::string_view, Lexeme> kWords = [] {
    std::map<std::string_view, Lexeme> words;
    const auto verbs = [&](V verb, std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Lexeme{K::kVerb, verb, {}, {}};
    };
    verbs(V::kRead, {"read", "get", "fetch", "download", "view", "retrieve", "load", "see", "open",
                     "read only", "read-only", "readonly", "cat"});
    verbs(V::kList, {"list", "browse", "enumerate", "ls"});
    verbs(V::kWrite, {"write", "put", "upload", "save", "store", "add", "insert"});
    verbs(V::kUpdate, {"update", "modify", "edit", "change", "overwrite"});
    verbs(V::kDelete, {"delete", "remove", "erase", "rm", "destroy", "drop"});
    verbs(V::kInvoke, {"invoke", "call", "trigger", "execute", "run"});
    verbs(V::kDeploy, {"deploy", "redeploy", "ship", "release"});
    verbs(V::kCreate, {"create", "make", "provision", "launch", "spin up"});
    verbs(V::kDescribe, {"describe", "inspect", "show", "check"});
    verbs(V::kQuery, {"query", "search", "filter"});
    verbs(V::kScan, {"scan"});
    verbs(V::kTail, {"tail"});
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
    verbs(V::kCopy, {"copy", "cp", "duplicate"});
    verbs(V::kPush, {"push"});
    verbs(V::kPull, {"pull", "clone"});
    verbs(V::kManage, {"manage", "administer", "full access", "full control"});
    words["access"] = Lexeme{K::kVerb, V::kRead, {}, {}, true};
    // Verbs the catalog's action names begin with as they are: the action
    // that follows is whatever the service calls that ("rotate the secret"
    // is secretsmanager:RotateSecret), at whatever access level it has.
    for (const auto& [word, prefix] :
         std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"rotate", "Rotate"},
             {"pass", "Pass"},
             {"register", "Register"},
             {"deregister", "Deregister"},
             {"set", "Set"},
             {"enable", "Enable"},
             {"disable", "Disable"},
             {"pause", "Pause"},
             {"submit", "Submit"},
             {"request", "Request"},
             {"detect", "Detect"},
             {"analyze", "Analyze"},
             {"analyse", "Analyze"},
             {"synthesize", "Synthesize"},
             {"assume", "Assume"},
             {"attach", "Attach"},
             {"detach", "Detach"},
             {"tag", "Tag"},
             {"untag", "Untag"},
             {"cancel", "Cancel"},
             {"restore", "Restore"},
             {"export", "Export"},
             {"import", "Import"},
             {"look up", "Lookup"},
             {"lookup", "Lookup"},
             {"validate", "Validate"},
             {"estimate", "Estimate"},
             {"recognize", "Recognize"},
             {"transcribe", "StartTranscription"},
             // CloudFront names an invalidation as a thing one creates.
             {"invalidate", "CreateInvalidation"}}) {
      words[word] = Lexeme{K::kVerb, V::kNamed, {}, {}, false, prefix};
    }

    const auto services = [&](std::string_view id, std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Lexeme{K::kService, V::kRead, id, {}};
    };
    // The words people use for services beside the catalog's prefixes and
    // titles; GCP and Azure names map to the AWS service of the same idea,
    // which is how --provider gcp and azure reach the universal names.
    services("s3", {"amazon s3", "gcs", "cloud storage", "google cloud storage", "blob storage",
                    "azure storage", "storage"});
    services("dynamodb", {"dynamo", "ddb", "bigquery"});
    words["database"] = Lexeme{K::kService, V::kRead, "dynamodb", {}, true};
    words["db"] = Lexeme{K::kService, V::kRead, "dynamodb", {}, true};
    services("lambda", {"aws lambda"});
    services("secretsmanager", {"secrets manager", "secret manager", "key vault"});
    services("ssm", {"parameter store", "systems manager"});
    services("logs", {"cloudwatch logs", "cloud logging", "logs"});
    services("kms", {"key management"});
    services("ec2", {"compute engine", "compute"});
    services("ecr", {"container registry"});
    services("cloudwatch", {"cloud watch", "cloud monitoring", "azure monitor", "monitoring"});
    services("states", {"step functions", "step function", "stepfunctions"});
    services("events", {"eventbridge", "event bridge", "cloudwatch events"});
    services("es", {"opensearch", "elasticsearch"});
    services("elasticloadbalancing", {"elb", "alb", "nlb", "elbv2"});
    services("route53", {"route 53", "route53"});
    services("firehose", {"kinesis firehose", "data firehose"});
    services("cognito-idp", {"cognito"});
    services("ses", {"simple email service"});
    services("rds", {"aurora"});
    services("elasticfilesystem", {"efs"});
    services("elasticmapreduce", {"emr"});
    services("kafka", {"msk"});
    services("organizations", {"organization"});
    services("autoscaling", {"auto scaling", "autoscaling"});
    services("xray", {"x-ray", "xray"});
    services("cloudformation", {"cloud formation"});

    const auto nouns = [&](std::string_view id, std::string_view type,
                           std::initializer_list<std::string_view> list) {
      for (std::string_view word : list) words[word] = Lexeme{K::kNoun, V::kRead, id, type};
    };
    // Nouns that point to a service when no service is said. A service said
    // in the clause takes its own noun of the same name first ("the Glue
    // table" is Glue's, not DynamoDB's).
    nouns("s3", "bucket", {"bucket", "container", "storage account"});
    nouns("s3", "object", {"object", "file", "blob"});
    nouns("dynamodb", "table", {"table", "item"});
    nouns("lambda", "function", {"function"});
    nouns("secretsmanager", "Secret", {"secret", "password", "credential"});
    nouns("ssm", "parameter", {"parameter"});
    nouns("logs", "log-group", {"log", "log group", "log event"});
    nouns("logs", "log-stream", {"log stream"});
    nouns("sqs", "queue", {"queue"});
    nouns("sns", "topic", {"topic", "notification"});
    nouns("kms", "key", {"key", "data key", "encryption key"});
    nouns("ec2", "instance", {"instance", "vm", "virtual machine", "server"});
    nouns("ecr", "repository", {"image", "repository", "repo", "container image", "docker image"});
    nouns("cloudwatch", "", {"metric"});
    nouns("cloudwatch", "alarm", {"alarm"});
    nouns("kinesis", "stream", {"stream", "data stream"});
    nouns("states", "stateMachine", {"state machine", "workflow"});
    nouns("states", "execution", {"execution"});
    nouns("sagemaker", "endpoint", {"endpoint"});
    nouns("iam", "role", {"role"});
    nouns("cloudformation", "stack", {"stack"});
    nouns("route53", "hostedzone", {"hosted zone"});
    nouns("cloudfront", "distribution", {"distribution"});
    nouns("elasticloadbalancing", "loadbalancer/app/", {"load balancer"});
    nouns("elasticloadbalancing", "targetgroup", {"target group"});
    nouns("events", "event-bus", {"event bus", "bus"});

    for (std::string_view word : {"and", "&", "then", "also", "plus", "but", "while", "as well as",
                                  "after that", "afterwards"}) {
      words[word] = Lexeme{K::kConnector};
    }
    for (std::string_view word : {"or", "nor", "and/or"}) words[word] = Lexeme{K::kOr};
    for (std::string_view word :
         {"not",     "no",        "never",      "without",  "except",   "excluding", "don't",
          "dont",    "do not",    "doesn't",    "does not", "cannot",   "can't",     "must not",
          "mustn't", "shouldn't", "should not", "won't",    "will not", "neither"}) {
      words[word] = Lexeme{K::kNegation};
    }
    for (std::string_view word : {"named", "called", "name", "id"}) {
      words[word] = Lexeme{K::kNameMarker};
    }
    for (std::string_view word :
         {"from",   "to",     "into",   "onto",    "in",   "on",      "of",
          "for",    "with",   "under",  "at",      "by",   "through", "via",
          "across", "within", "inside", "between", "over", "beneath", "below"}) {
      words[word] = Lexeme{K::kPreposition};
    }
    for (std::string_view word : {"their", "its", "whose"}) words[word] = Lexeme{K::kPossessive};
    for (std::string_view word : {"old", "older", "stale", "expired", "outdated", "all",
                                  "everything", "every", "obsolete", "unused"}) {
      words[word] = Lexeme{K::kSelection};
    }
    words["account"] = Lexeme{K::kAccountMarker};
    for (std::string_view word :
         {"a",          "an",         "the",         "only",        "just",     "some",
          "any",        "each",       "my",          "our",         "your",     "this",
          "that",       "these",      "those",       "it",          "them",     "is",
          "are",        "be",         "can",         "could",       "should",   "must",
          "may",        "might",      "will",        "would",       "need",     "needs",
          "want",       "wants",      "allow",       "allows",      "let",      "lets",
          "me",         "us",         "i",           "we",          "you",      "they",
          "able",       "permission", "permissions", "data",        "contents", "content",
          "both",       "as",         "well",        "new",         "existing", "specific",
          "particular", "given",      "same",        "one",         "several",  "multiple",
          "aws",        "amazon",     "google",      "azure",       "gcp",      "cloud",
          "please",     "so",         "do",          "does",        "which",    "there",
          "here",       "up",         "out",         "using",       "use",      "whatever",
          "anything",   "stuff",      "other",       "own",         "various",  "certain",
          "single",     "related",    "associated",  "results",     "result",   "output",
          "input",      "value",      "values",      "entries",     "entry",    "something",
          "script",     "command",    "app",         "application", "program",  "tool",
          "what",       "row",        "custom",      "latest",      "current",  "quickly",
          "too",        "currently",  "again",       "now",         "first",    "next",
          "give",       "grant",      "enough",      "needed",      "required", "like"}) {
      words.try_emplace(word, Lexeme{K::kStop});
    }
    return words;
  }();
  return kWords;
}

const std::vector<ServiceNoun>& ServiceNouns() {
  static const std::vector<ServiceNoun> kNouns = {
      {"ecr", "image", "repository"},
      {"ecr", "repo", "repository"},
      {"rds", "instance", "db"},
      {"rds", "database", "db"},
      {"rds", "db instance", "db"},
      {"ssm", "path", "parameter"},
      {"states", "flow", "stateMachine"},
      {"states", "step function", "stateMachine"},
      {"bedrock", "model", "foundation-model"},
      {"logs", "log", "log-group"},
      {"route53", "zone", "hostedzone"},
      {"events", "bus", "event-bus"},
      {"events", "rule", "rule-on-default-event-bus"},
      {"ses", "identity", "identity"},
      {"codecommit", "repo", "repository"},
  };
  return kNouns;
}

bool IsEverydayWordPrefix(std::string_view prefix) {
  static constexpr std::string_view kWords[] = {"account",
                                                "backup",
                                                "batch",
                                                "budgets",
                                                "chatbot",
                                                "config",
                                                "connect",
                                                "events",
                                                "forecast",
                                                "health",
                                                "identity",
                                                "logs",
                                                "notifications",
                                                "personalize",
                                                "pipes",
                                                "pricing",
                                                "ram",
                                                "schemas",
                                                "scheduler",
                                                "shield",
                                                "signer",
                                                "states",
                                                "support",
                                                "tag",
                                                "tax",
                                                "transfer",
                                                "translate",
                                                "es",
                                                "ds",
                                                "pi",
                                                "geo",
                                                "mq",
                                                "ce",
                                                "cur",
                                                "fis",
                                                "rum",
                                                "ec",
                                                "q",
                                                "rbin",
                                                "invoicing",
                                                "payments",
                                                "consoleapp",
                                                "artifact",
                                                "activate",
                                                "bcm-data-exports"};
  return std::find(std::begin(kWords), std::end(kWords), prefix) != std::end(kWords);
}

bool IsOtherWordPrefix(std::string_view prefix) {
  static constexpr std::string_view kWords[] = {"sms", "q",   "pi",  "ds",  "ec", "cur",
                                                "ce",  "rum", "fis", "geo", "mq", "ram",
                                                "tax", "tag", "iq",  "ts"};
  return std::find(std::begin(kWords), std::end(kWords), prefix) != std::end(kWords);
}

const ServicePhrases* FindServicePhrases(std::string_view service) {
  static const ServicePhrases kPhrases[] = {
      {"s3", "S3", "Cloud Storage", "Azure Storage", "a specific S3 bucket", "specific S3 buckets"},
      {"dynamodb", "DynamoDB tables", "BigQuery tables", "Azure SQL databases",
       "a specific DynamoDB table", "specific DynamoDB tables"},
      {"lambda", "Lambda functions", "", "", "a specific Lambda function",
       "specific Lambda functions"},
      {"secretsmanager", "Secrets Manager secrets", "Secret Manager secrets", "Key Vault secrets",
       "a specific secret", "specific secrets"},
      {"ssm", "SSM parameters", "", "", "a specific SSM parameter", "specific SSM parameters"},
      {"logs", "CloudWatch Logs log groups", "Cloud Logging logs", "Azure Monitor logs",
       "a specific log group", "specific log groups"},
      {"sqs", "SQS queues", "", "", "a specific SQS queue", "specific SQS queues"},
      {"sns", "SNS topics", "", "", "a specific SNS topic", "specific SNS topics"},
      {"kms", "KMS keys", "", "", "a specific KMS key", "specific KMS keys"},
      {"ec2", "EC2 instances", "Compute Engine instances", "Azure virtual machines",
       "a specific EC2 instance", "specific EC2 instances"},
      {"ecr", "ECR repositories", "", "", "a specific ECR repository", "specific ECR repositories"},
      {"cloudwatch", "CloudWatch metrics", "Cloud Monitoring metrics", "Azure Monitor metrics",
       "CloudWatch metrics", "CloudWatch metrics"},
      {"kinesis", "Kinesis streams", "", "", "a specific Kinesis stream",
       "specific Kinesis streams"},
      {"states", "Step Functions state machines", "", "", "a specific state machine",
       "specific state machines"},
      {"sagemaker", "SageMaker endpoints", "", "", "a specific SageMaker endpoint",
       "specific SageMaker endpoints"},
      {"iam", "IAM roles", "", "", "a specific IAM role", "specific IAM roles"},
  };
  for (const ServicePhrases& phrases : kPhrases) {
    if (phrases.service == service) return &phrases;
  }
  return nullptr;
}

std::string_view ShortServiceName(std::string_view service) {
  static const std::map<std::string_view, std::string_view> kNames = {
      {"s3", "S3"},
      {"dynamodb", "DynamoDB"},
      {"lambda", "Lambda"},
      {"secretsmanager", "Secrets Manager"},
      {"ssm", "SSM"},
      {"logs", "CloudWatch Logs"},
      {"sqs", "SQS"},
      {"sns", "SNS"},
      {"kms", "KMS"},
      {"ec2", "EC2"},
      {"ecr", "ECR"},
      {"cloudwatch", "CloudWatch"},
      {"kinesis", "Kinesis"},
      {"states", "Step Functions"},
      {"sagemaker", "SageMaker"},
      {"iam", "IAM"},
      {"cloudformation", "CloudFormation"},
      {"ses", "SES"},
      {"sts", "STS"},
      {"es", "OpenSearch"},
      {"elasticloadbalancing", "Elastic Load Balancing"},
      {"cognito-idp", "Cognito"},
      {"autoscaling", "Auto Scaling"},
      {"firehose", "Firehose"},
      {"events", "EventBridge"},
      {"acm", "ACM"},
      {"rds", "RDS"},
      {"ecs", "ECS"},
      {"eks", "EKS"},
      {"elasticfilesystem", "EFS"},
  };
  const auto it = kNames.find(service);
  return it == kNames.end() ? std::string_view() : it->second;
}

std::string_view DefaultType(std::string_view service) {
  static const std::map<std::string_view, std::string_view> kTypes = {
      {"s3", "bucket"},
      {"dynamodb", "table"},
      {"lambda", "function"},
      {"ssm", "parameter"},
      {"logs", "log-group"},
      {"sns", "topic"},
      {"kms", "key"},
      {"ec2", "instance"},
      {"kinesis", "stream"},
      {"states", "stateMachine"},
      {"sagemaker", "endpoint"},
      {"iam", "role"},
      {"cloudformation", "stack"},
      {"rds", "db"},
      {"cloudwatch", "alarm"},
      {"glue", "table"},
      {"athena", "workgroup"},
      {"es", "domain"},
      {"codebuild", "project"},
      {"codepipeline", "pipeline"},
      {"firehose", "deliverystream"},
      {"events", "event-bus"},
      {"route53", "hostedzone"},
      {"cloudfront", "distribution"},
      {"ecs", "cluster"},
      {"eks", "cluster"},
      {"redshift", "cluster"},
      {"elasticache", "cluster"},
      {"cognito-idp", "userpool"},
      {"ses", "identity"},
      {"bedrock", "foundation-model"},
      {"backup", "backupVault"},
  };
  const auto it = kTypes.find(service);
  return it == kTypes.end() ? std::string_view() : it->second;
}

std::string_view VerbWord(Verb verb) {
  static const std::map<Verb, std::string_view> kWords = {
      {Verb::kRead, "read"},
      {Verb::kList, "list"},
      {Verb::kDescribe, "describe"},
      {Verb::kWrite, "write"},
      {Verb::kUpdate, "update"},
      {Verb::kDelete, "delete"},
      {Verb::kCreate, "create"},
      {Verb::kInvoke, "invoke"},
      {Verb::kDeploy, "deploy"},
      {Verb::kStart, "start"},
      {Verb::kStop, "stop"},
      {Verb::kReboot, "reboot"},
      {Verb::kTerminate, "terminate"},
      {Verb::kQuery, "query"},
      {Verb::kScan, "scan"},
      {Verb::kTail, "tail"},
      {Verb::kSend, "send"},
      {Verb::kReceive, "receive"},
      {Verb::kPublish, "publish"},
      {Verb::kSubscribe, "subscribe"},
      {Verb::kDecrypt, "decrypt"},
      {Verb::kEncrypt, "encrypt"},
      {Verb::kGenerate, "generate"},
      {Verb::kPurge, "purge"},
      {Verb::kCopy, "copy"},
      {Verb::kPush, "push"},
      {Verb::kPull, "pull"},
      {Verb::kManage, "manage"},
      {Verb::kNamed, "do"},
  };
  return kWords.at(verb);
}

}  // namespace audex::offline_intent
