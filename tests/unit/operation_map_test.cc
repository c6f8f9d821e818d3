// The operation -> IAM action mapping: every exception-table entry names
// actions the catalog has, the known mismatches map as documented, plain
// names fall through to the catalog, and service ids map to prefixes.
#include "catalog/operation_map.h"

#include <gtest/gtest.h>

#include "core/base/text.h"

namespace audex {
namespace {

const ActionCatalog& Catalog() { return ActionCatalog::Builtin(); }

TEST(OperationMap, EveryExceptionEntryNamesCatalogActions) {
  ASSERT_GT(OperationExceptions().size(), 60u);
  for (const OperationException& entry : OperationExceptions()) {
    SCOPED_TRACE(std::string(entry.prefix) + " " + std::string(entry.operation));
    EXPECT_TRUE(Catalog().HasService(entry.prefix));
    for (std::string_view action : entry.actions) {
      EXPECT_TRUE(Catalog().Lookup(action).has_value()) << action << " is not in the catalog";
    }
    for (const ConditionalAction& extra : entry.conditional) {
      EXPECT_TRUE(Catalog().Lookup(extra.action).has_value())
          << extra.action << " is not in the catalog";
      EXPECT_FALSE(extra.when.empty());
    }
  }
}

TEST(OperationMap, EveryExceptionEntryIsNeededOrAddsSomething) {
  // An entry that only repeats the same-name action is dead weight: each
  // must rename, add actions, add conditions, or say "no permission".
  for (const OperationException& entry : OperationExceptions()) {
    SCOPED_TRACE(std::string(entry.prefix) + " " + std::string(entry.operation));
    const auto same =
        Catalog().Lookup(std::string(entry.prefix) + ":" + std::string(entry.operation));
    const bool renames =
        !same || entry.actions.size() != 1 || !EqualsIgnoreCase(entry.actions[0], same->FullName());
    EXPECT_TRUE(renames || !entry.conditional.empty());
  }
}

TEST(OperationMap, EveryExceptionEntryMapsThroughMapOperation) {
  for (const OperationException& entry : OperationExceptions()) {
    SCOPED_TRACE(std::string(entry.prefix) + " " + std::string(entry.operation));
    const OperationMapping mapping = MapOperation(Catalog(), entry.prefix, entry.operation);
    ASSERT_EQ(mapping.actions.size(), entry.actions.size());
    for (size_t i = 0; i < entry.actions.size(); ++i) {
      EXPECT_EQ(mapping.actions[i], Catalog().Lookup(entry.actions[i])->FullName());
    }
    EXPECT_EQ(mapping.conditional.size(), entry.conditional.size());
    EXPECT_EQ(mapping.source, entry.actions.empty() && entry.conditional.empty()
                                  ? MappingSource::kNoPermission
                                  : MappingSource::kExceptionTable);
  }
}

std::vector<std::string> Actions(std::string_view prefix, std::string_view operation) {
  return MapOperation(Catalog(), prefix, operation).actions;
}

using Names = std::vector<std::string>;

TEST(OperationMap, S3Mismatches) {
  EXPECT_EQ(Actions("s3", "ListObjectsV2"), Names{"s3:ListBucket"});
  EXPECT_EQ(Actions("s3", "ListObjects"), Names{"s3:ListBucket"});
  EXPECT_EQ(Actions("s3", "HeadObject"), Names{"s3:GetObject"});
  EXPECT_EQ(Actions("s3", "HeadBucket"), Names{"s3:ListBucket"});
  EXPECT_EQ(Actions("s3", "ListBuckets"), Names{"s3:ListAllMyBuckets"});
  EXPECT_EQ(Actions("s3", "GetBucketLifecycleConfiguration"),
            Names{"s3:GetLifecycleConfiguration"});
  EXPECT_EQ(Actions("s3", "PutBucketLifecycleConfiguration"),
            Names{"s3:PutLifecycleConfiguration"});
  EXPECT_EQ(Actions("s3", "ListObjectVersions"), Names{"s3:ListBucketVersions"});
  EXPECT_EQ(Actions("s3", "CreateMultipartUpload"), Names{"s3:PutObject"});
  EXPECT_EQ(Actions("s3", "UploadPart"), Names{"s3:PutObject"});
  EXPECT_EQ(Actions("s3", "CompleteMultipartUpload"), Names{"s3:PutObject"});
  EXPECT_EQ(Actions("s3", "CopyObject"), (Names{"s3:GetObject", "s3:PutObject"}));
  EXPECT_EQ(Actions("s3", "DeleteObjects"), Names{"s3:DeleteObject"});
  EXPECT_EQ(Actions("s3", "GetObjectTagging"), Names{"s3:GetObjectTagging"});
  EXPECT_EQ(Actions("s3", "ListParts"), Names{"s3:ListMultipartUploadParts"});
  EXPECT_EQ(Actions("s3", "GetBucketCors"), Names{"s3:GetBucketCORS"});
}

TEST(OperationMap, OtherServices) {
  EXPECT_EQ(Actions("lambda", "Invoke"), Names{"lambda:InvokeFunction"});
  EXPECT_EQ(Actions("lambda", "CreateFunction"), (Names{"lambda:CreateFunction", "iam:PassRole"}));
  EXPECT_EQ(Actions("dynamodb", "TransactGetItems"), Names{"dynamodb:GetItem"});
  EXPECT_EQ(Actions("sqs", "SendMessageBatch"), Names{"sqs:SendMessage"});
  EXPECT_EQ(Actions("dynamodb", "Query"), Names{"dynamodb:Query"});  // same name
  EXPECT_EQ(Actions("dynamodb", "ListTables"), Names{"dynamodb:ListTables"});
}

TEST(OperationMap, CallsThatNeedNoPermission) {
  const OperationMapping who = MapOperation(Catalog(), "sts", "GetCallerIdentity");
  EXPECT_EQ(who.source, MappingSource::kNoPermission);
  EXPECT_TRUE(who.actions.empty());
}

TEST(OperationMap, ImpliedActionsAreListedAsConditional) {
  const OperationMapping role = MapOperation(Catalog(), "iam", "CreateRole");
  EXPECT_EQ(role.actions, Names{"iam:CreateRole"});
  ASSERT_EQ(role.conditional.size(), 1u);
  EXPECT_EQ(role.conditional[0].action, "iam:TagRole");
  const OperationMapping run = MapOperation(Catalog(), "ec2", "RunInstances");
  std::vector<std::string> extra;
  for (const auto& c : run.conditional) extra.push_back(c.action);
  EXPECT_EQ(extra, (Names{"ec2:CreateTags", "iam:PassRole"}));
  // Transactions name no single action: everything is conditional.
  const OperationMapping transact = MapOperation(Catalog(), "dynamodb", "TransactWriteItems");
  EXPECT_TRUE(transact.actions.empty());
  EXPECT_EQ(transact.source, MappingSource::kExceptionTable);
  EXPECT_EQ(transact.conditional.size(), 4u);
}

TEST(OperationMap, SameNameFallsThroughToTheCatalogInCanonicalSpelling) {
  const OperationMapping mapping = MapOperation(Catalog(), "secretsmanager", "GetSecretValue");
  EXPECT_EQ(mapping.source, MappingSource::kSameName);
  EXPECT_EQ(mapping.actions, Names{"secretsmanager:GetSecretValue"});
}

TEST(OperationMap, CloudTrailVersionedEventNames) {
  EXPECT_EQ(Actions("lambda", "CreateFunction20150331"),
            (Names{"lambda:CreateFunction", "iam:PassRole"}));
  EXPECT_EQ(Actions("lambda", "UpdateFunctionCode20150331v2"), Names{"lambda:UpdateFunctionCode"});
  EXPECT_EQ(Actions("lambda", "GetFunction20150331v2"), Names{"lambda:GetFunction"});
}

TEST(OperationMap, UnknownOperationsAreNotGuessed) {
  const OperationMapping mapping = MapOperation(Catalog(), "s3", "FrobnicateBucket");
  EXPECT_EQ(mapping.source, MappingSource::kUnknown);
  EXPECT_TRUE(mapping.actions.empty());
}

TEST(ServiceIdMap, EveryTableEntryIsACatalogPrefix) {
  for (const auto& [id, prefix] : ServiceIdPrefixes()) {
    SCOPED_TRACE(std::string(id));
    EXPECT_TRUE(Catalog().HasService(prefix)) << prefix;
    EXPECT_EQ(IamPrefixForServiceId(Catalog(), id), std::string(prefix));
  }
  for (const auto& [source, prefix] : EventSourcePrefixes()) {
    SCOPED_TRACE(std::string(source));
    EXPECT_TRUE(Catalog().HasService(prefix)) << prefix;
    EXPECT_EQ(IamPrefixForEventSource(Catalog(), source), std::string(prefix));
  }
}

TEST(ServiceIdMap, CommonIds) {
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "S3"), "s3");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "DynamoDB"), "dynamodb");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "STS"), "sts");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "CloudWatch Logs"), "logs");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "Secrets Manager"), "secretsmanager");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "SFN"), "states");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "Elastic Load Balancing v2"), "elasticloadbalancing");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "Lambda"), "lambda");
  EXPECT_EQ(IamPrefixForServiceId(Catalog(), "No Such Service"), std::nullopt);
}

TEST(ServiceIdMap, EventSources) {
  EXPECT_EQ(IamPrefixForEventSource(Catalog(), "s3.amazonaws.com"), "s3");
  EXPECT_EQ(IamPrefixForEventSource(Catalog(), "monitoring.amazonaws.com"), "cloudwatch");
  EXPECT_EQ(IamPrefixForEventSource(Catalog(), "lambda.amazonaws.com"), "lambda");
  EXPECT_EQ(IamPrefixForEventSource(Catalog(), "nothing.amazonaws.com"), std::nullopt);
}

}  // namespace
}  // namespace audex
