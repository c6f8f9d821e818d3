#include "catalog/intent/offline_rules.h"

#include <map>

namespace audex::offline_intent {

const VerbRule& RuleFor(Verb verb) {
  using L = AccessLevel;
  using V = Verb;
  const AccessLevelSet reading = L::kList | L::kRead;
  const AccessLevelSet writing = AccessLevelSet(L::kWrite);
  static const std::map<Verb, VerbRule> kRules = [&] {
    std::map<Verb, VerbRule> rules;
    const auto add = [&](V which, AccessLevelSet levels, std::vector<std::string_view> prefixes) {
      rules.emplace(which, VerbRule{which, levels, std::move(prefixes)});
    };
    // The Service Authorization Reference's access levels: reading verbs
    // may grant List and Read, changing verbs Write; Tagging and
    // Permissions management only through a verb that names them ("tag",
    // "attach": Verb::kNamed takes the level of the action it names).
    add(V::kRead, reading, {"Get", "Describe", "Read", "BatchGet", "Lookup", "List"});
    add(V::kList, reading, {"List", "Describe", "Get", "Search"});
    add(V::kDescribe, reading, {"Describe", "Get", "List"});
    add(V::kQuery, reading, {"Query", "Search", "Filter", "Select", "Get"});
    add(V::kScan, reading, {"Scan"});
    add(V::kTail, reading, {"Filter", "StartLiveTail"});
    add(V::kReceive, reading, {"Receive", "Get"});
    add(V::kPull, reading, {"Get", "Download", "Pull"});
    add(V::kWrite, writing, {"Put", "Write", "Upload", "Create"});
    add(V::kUpdate, writing, {"Update", "Modify", "Put", "Change", "Set"});
    add(V::kDelete, writing, {"Delete", "BatchDelete", "Remove", "Terminate"});
    add(V::kCreate, writing, {"Create", "Put", "Run", "Register"});
    add(V::kDeploy, writing, {"Update", "Deploy", "Publish"});
    add(V::kStart, writing, {"Start", "Run", "Resume"});
    add(V::kStop, writing, {"Stop", "Cancel"});
    add(V::kReboot, writing, {"Reboot", "Restart"});
    add(V::kTerminate, writing, {"Terminate", "Delete"});
    add(V::kSend, writing, {"Send", "Put", "Publish"});
    add(V::kPublish, writing, {"Publish", "Put", "Send"});
    add(V::kSubscribe, writing, {"Subscribe"});
    add(V::kDecrypt, writing, {"Decrypt"});
    add(V::kEncrypt, writing, {"Encrypt"});
    add(V::kGenerate, writing, {"Generate"});
    add(V::kPurge, writing, {"Purge", "Delete"});
    add(V::kCopy, writing, {"Copy"});
    add(V::kPush, writing, {"Put", "Upload", "Push"});
    // Invoking an endpoint or a model is Read in the reference, a Lambda
    // function Write: "invoke" asks for whichever the thing's invocation is.
    add(V::kInvoke, L::kRead | L::kWrite, {"Invoke", "Start", "Run", "Execute"});
    add(V::kManage, reading | writing, {});
    add(V::kNamed, L::kList | L::kRead | L::kWrite | L::kTagging | L::kPermissionsManagement, {});
    return rules;
  }();
  return kRules.at(verb);
}

const std::vector<Recipe>& Recipes() {
  using V = Verb;
  using W = When;
  using R = Role;
  // The founding document fixes two rows: "read" on S3 is s3:GetObject
  // alone, and "invoke" on Lambda is lambda:InvokeFunction (found by name).
  // Elsewhere the universal names' choices are followed (database:read is
  // dynamodb:GetItem,dynamodb:Query), and the actions each operation needs
  // per the AWS document named on the row.
  static const std::vector<Recipe> kRecipes = {
      // S3 (Service Authorization Reference for Amazon S3; "aws s3 ls"
      // without a bucket is ListAllMyBuckets).
      {"s3",
       {V::kList},
       W::kAllOfType,
       "bucket",
       "",
       {{"s3:ListAllMyBuckets"}},
       "list",
       "",
       "the buckets in S3"},
      {"s3",
       {V::kCopy},
       W::kAlways,
       "",
       "",
       {{"s3:GetObject", R::kSource}, {"s3:PutObject", R::kDestination}},
       "copy objects between",
       ""},
      {"s3",
       {V::kDelete, V::kPurge},
       W::kSelection,
       "",
       "",
       {{"s3:ListBucket"}, {"s3:DeleteObject"}},
       "find and delete objects in",
       "storage:write"},
      {"s3",
       {V::kRead, V::kPull},
       W::kAlways,
       "",
       "",
       {{"s3:GetObject"}},
       "read objects from",
       "storage:read"},
      {"s3",
       {V::kList, V::kDescribe},
       W::kAlways,
       "",
       "",
       {{"s3:ListBucket"}},
       "list objects in",
       "storage:read"},
      {"s3",
       {V::kWrite, V::kUpdate, V::kSend, V::kPush},
       W::kAlways,
       "",
       "",
       {{"s3:PutObject"}},
       "write objects to",
       "storage:write"},
      {"s3",
       {V::kDelete, V::kPurge},
       W::kContent,
       "",
       "",
       {{"s3:DeleteObject"}},
       "delete objects from",
       "storage:write"},

      // DynamoDB: the universal names' rows.
      {"dynamodb",
       {V::kRead},
       W::kAlways,
       "",
       "",
       {{"dynamodb:GetItem"}, {"dynamodb:Query"}},
       "read items from",
       "database:read",
       "",
       "record"},
      {"dynamodb", {V::kQuery}, W::kAlways, "", "", {{"dynamodb:Query"}}, "query", "database:read"},
      {"dynamodb", {V::kScan}, W::kAlways, "", "", {{"dynamodb:Scan"}}, "scan", "database:read"},
      {"dynamodb",
       {V::kWrite, V::kSend},
       W::kAlways,
       "",
       "",
       {{"dynamodb:PutItem"}, {"dynamodb:UpdateItem"}},
       "write items to",
       "database:write",
       "",
       "record"},
      {"dynamodb",
       {V::kUpdate},
       W::kContent,
       "",
       "",
       {{"dynamodb:UpdateItem"}},
       "update items in",
       "database:write"},
      {"dynamodb",
       {V::kDelete, V::kPurge},
       W::kContent,
       "",
       "",
       {{"dynamodb:DeleteItem"}},
       "delete items from",
       "database:write"},

      // Lambda: deploying is replacing the code (UpdateFunctionCode).
      {"lambda",
       {V::kDeploy},
       W::kAlways,
       "",
       "",
       {{"lambda:UpdateFunctionCode"}},
       "deploy code to",
       "",
       "",
       "code version"},
      {"lambda",
       {V::kUpdate, V::kWrite},
       W::kWithWord,
       "",
       "code",
       {{"lambda:UpdateFunctionCode"}},
       "deploy code to",
       "",
       "",
       "code"},

      // Secrets Manager: reading a secret is its value; writing one a new value.
      {"secretsmanager",
       {V::kRead},
       W::kAlways,
       "",
       "",
       {{"secretsmanager:GetSecretValue"}},
       "read",
       "secrets:read",
       "",
       "value"},
      {"secretsmanager",
       {V::kWrite, V::kUpdate},
       W::kContent,
       "",
       "",
       {{"secretsmanager:PutSecretValue"}},
       "write new values to",
       "",
       "",
       "value"},

      // Parameter Store: GetParametersByPath is authorised against the path
      // in the request, not the parameters it returns ("How Parameter Store
      // authorizes parameter retrieval").
      {"ssm",
       {V::kRead, V::kList, V::kPull},
       W::kPath,
       "",
       "",
       {{"ssm:GetParametersByPath"}},
       "read the parameters under",
       ""},

      // CloudWatch Logs: "aws logs tail" calls FilterLogEvents; reading a
      // group's events is GetLogEvents on its streams.
      {"logs", {V::kTail}, W::kAlways, "", "", {{"logs:FilterLogEvents"}}, "tail", "logs:read"},
      {"logs",
       {V::kQuery, V::kScan},
       W::kAlways,
       "",
       "",
       {{"logs:FilterLogEvents"}},
       "search",
       "logs:read"},
      {"logs",
       {V::kRead, V::kPull},
       W::kContent,
       "",
       "",
       {{"logs:GetLogEvents"}},
       "read log events from",
       "logs:read",
       "",
       "event line"},
      // "aws logs describe-log-groups", which tools call, rather than the
      // newer ListLogGroups.
      {"logs",
       {V::kList, V::kDescribe},
       W::kAlways,
       "log-group",
       "",
       {{"logs:DescribeLogGroups"}},
       "list",
       "",
       "",
       ""},
      {"logs",
       {V::kWrite, V::kSend, V::kPublish},
       W::kContent,
       "",
       "",
       {{"logs:CreateLogStream"}, {"logs:PutLogEvents"}},
       "write log events to",
       "",
       "",
       "event line"},

      // SQS and SNS: the queue's and topic's messages.
      {"sqs",
       {V::kSend, V::kWrite, V::kPublish},
       W::kAlways,
       "",
       "",
       {{"sqs:SendMessage"}},
       "send messages to",
       "",
       "",
       "message"},
      {"sqs",
       {V::kReceive, V::kRead},
       W::kAlways,
       "",
       "",
       {{"sqs:ReceiveMessage"}},
       "receive messages from",
       "",
       "",
       "message"},
      {"sqs",
       {V::kDelete},
       W::kContent,
       "",
       "",
       {{"sqs:DeleteMessage"}},
       "delete messages from",
       "",
       "",
       "message"},
      {"sqs",
       {V::kDescribe},
       W::kAlways,
       "",
       "",
       {{"sqs:GetQueueAttributes"}},
       "read the attributes of",
       ""},
      {"sns",
       {V::kPublish, V::kSend, V::kWrite},
       W::kAlways,
       "",
       "",
       {{"sns:Publish"}},
       "publish messages to",
       "",
       "",
       "message"},
      {"sns",
       {V::kRead, V::kDescribe},
       W::kAlways,
       "topic",
       "",
       {{"sns:GetTopicAttributes"}},
       "read the attributes of",
       ""},

      // EC2: reading instances is DescribeInstances (compute:read).
      {"ec2",
       {V::kRead, V::kDescribe, V::kList},
       W::kAlways,
       "instance",
       "",
       {{"ec2:DescribeInstances"}},
       "describe",
       "compute:read"},

      // ECR: "IAM permissions for pushing an image to an Amazon ECR private
      // repository" and the AmazonEC2ContainerRegistryPullOnly policy;
      // GetAuthorizationToken takes only Resource "*".
      {"ecr",
       {V::kRead, V::kPull},
       W::kAlways,
       "",
       "",
       {{"ecr:GetAuthorizationToken"}, {"ecr:BatchGetImage"}, {"ecr:GetDownloadUrlForLayer"}},
       "pull images from",
       "",
       "",
       "layer"},
      {"ecr",
       {V::kWrite, V::kPush, V::kDeploy, V::kSend, V::kPublish},
       W::kAlways,
       "",
       "",
       {{"ecr:GetAuthorizationToken"},
        {"ecr:BatchCheckLayerAvailability"},
        {"ecr:InitiateLayerUpload"},
        {"ecr:UploadLayerPart"},
        {"ecr:CompleteLayerUpload"},
        {"ecr:PutImage"},
        {"ecr:BatchGetImage"}},
       "push images to",
       ""},

      // CloudWatch metrics (monitoring:read is GetMetricStatistics).
      {"cloudwatch",
       {V::kRead},
       W::kAlways,
       "",
       "",
       {{"cloudwatch:GetMetricStatistics"}},
       "read",
       "monitoring:read",
       "",
       "metric statistic"},
      {"cloudwatch",
       {V::kQuery},
       W::kAlways,
       "",
       "",
       {{"cloudwatch:GetMetricData"}},
       "query",
       "monitoring:read",
       "",
       "metric"},
      {"cloudwatch",
       {V::kWrite, V::kPublish, V::kSend},
       W::kAlways,
       "",
       "",
       {{"cloudwatch:PutMetricData"}},
       "publish",
       "",
       "",
       "metric data"},

      // Kinesis Data Streams and Firehose: records in and out.
      {"kinesis",
       {V::kWrite, V::kSend, V::kPublish},
       W::kAlways,
       "",
       "",
       {{"kinesis:PutRecord"}, {"kinesis:PutRecords"}},
       "write records to",
       "",
       "",
       "record data"},
      {"kinesis",
       {V::kRead, V::kReceive},
       W::kAlways,
       "",
       "",
       {{"kinesis:GetShardIterator"}, {"kinesis:GetRecords"}},
       "read records from",
       "",
       "",
       "record data"},
      {"firehose",
       {V::kWrite, V::kSend, V::kPublish},
       W::kAlways,
       "",
       "",
       {{"firehose:PutRecord"}, {"firehose:PutRecordBatch"}},
       "write records to",
       "",
       "",
       "record data"},

      // Step Functions: running a state machine is starting an execution.
      {"states",
       {V::kInvoke, V::kStart},
       W::kAlways,
       "",
       "",
       {{"states:StartExecution"}},
       "start executions of",
       ""},

      // IAM: a role's policies are its inline and its attached ones.
      {"iam",
       {V::kList, V::kRead, V::kDescribe},
       W::kWithType,
       "policy",
       "role",
       {{"iam:ListRolePolicies"}, {"iam:ListAttachedRolePolicies"}},
       "list the policies of",
       ""},

      // Route 53: record changes go through ChangeResourceRecordSets.
      {"route53",
       {V::kWrite, V::kUpdate, V::kCreate, V::kDelete},
       W::kWithWord,
       "",
       "record",
       {{"route53:ChangeResourceRecordSets"}},
       "change the records of",
       "",
       "",
       "record"},

      // CloudFormation: "aws cloudformation deploy" creates a change set,
      // waits on it, executes it and waits on the stack.
      {"cloudformation",
       {V::kDeploy},
       W::kAlways,
       "",
       "",
       {{"cloudformation:CreateChangeSet"},
        {"cloudformation:DescribeChangeSet"},
        {"cloudformation:ExecuteChangeSet"},
        {"cloudformation:DescribeStacks"}},
       "deploy",
       ""},

      // ECS: a deployment of a service is UpdateService.
      {"ecs",
       {V::kDeploy},
       W::kAlways,
       "",
       "",
       {{"ecs:UpdateService"}},
       "deploy",
       "",
       "",
       "version image"},

      // CodeCommit: git over HTTPS is GitPull and GitPush.
      {"codecommit",
       {V::kPull, V::kRead},
       W::kAlways,
       "",
       "",
       {{"codecommit:GitPull"}},
       "pull from",
       "",
       "",
       "code commit change"},
      {"codecommit",
       {V::kPush, V::kWrite},
       W::kAlways,
       "",
       "",
       {{"codecommit:GitPush"}},
       "push to",
       "",
       "",
       "code commit change"},

      // SES: "Controlling access to Amazon SES" sends with both actions.
      {"ses",
       {V::kSend},
       W::kAlways,
       "",
       "",
       {{"ses:SendEmail"}, {"ses:SendRawEmail"}},
       "send email from",
       "",
       "SES identities",
       "email mail message"},
  };
  return kRecipes;
}

const std::vector<ArnQuirk>& ArnQuirks() {
  static const std::vector<ArnQuirk> kQuirks = {
      // "Overview of managing access permissions to your CloudWatch Logs
      // resources": IAM policies name a log group with a trailing ":*" for
      // every action but tagging, which also covers its log streams.
      {"logs", "log-group",
       "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:*"},
      {"logs", "log-stream",
       "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:*"},
      // Secrets Manager appends "-" and six random characters to a secret's
      // name in its ARN ("Secrets Manager ARNs").
      {"secretsmanager", "Secret",
       "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}-??????"},
  };
  return kQuirks;
}

const NameNote* FindNameNote(std::string_view service, std::string_view type) {
  static const NameNote kNotes[] = {
      // "Using aliases to control access to KMS keys": cryptographic
      // operations are authorised against the key, so an alias ARN in the
      // Resource element does nothing for them.
      {"kms", "alias",
       "{action} is authorised against the KMS key, not the alias {name}, so the alias cannot "
       "limit it here; name the key (its id or ARN), or add the condition "
       "{{\"StringEquals\": {{\"kms:RequestAlias\": \"{name}\"}}}} to the policy yourself"},
  };
  for (const NameNote& note : kNotes) {
    if (note.service == service && note.type == type) return &note;
  }
  return nullptr;
}

}  // namespace audex::offline_intent
