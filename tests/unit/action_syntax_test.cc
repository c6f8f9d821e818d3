#include "core/policy/action_syntax.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

void ExpectValid(Provider provider, const char* action) {
  const auto checked = CheckActionSyntax(provider, action, "--allow");
  EXPECT_TRUE(checked.has_value()) << action << ": " << (checked ? "" : checked.error().message);
}

// The error quotes the bad item and shows the expected form.
void ExpectInvalid(Provider provider, const char* action, const char* reason) {
  const auto checked = CheckActionSyntax(provider, action, "--allow");
  ASSERT_FALSE(checked.has_value()) << action;
  EXPECT_EQ(checked.error().kind, ErrorKind::kPolicy);
  const std::string& message = checked.error().message;
  EXPECT_NE(message.find(std::string("\"") + action + "\""), std::string::npos) << message;
  EXPECT_NE(message.find(std::string(ExpectedActionForm(provider))), std::string::npos) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

TEST(AwsSyntax, AcceptsActionsAndWildcardsAnywhere) {
  for (const char* action :
       {"s3:GetObject", "s3:*", "lambda:Invoke*", "ec2:Describe*Instances", "s3:GetObjec?", "*:*",
        "*", "route53-recovery-control-config:List*",
        "vpc-lattice:AssociateViaAWSService-EventsAndStates", "s3:@read", "S3:getobject"}) {
    ExpectValid(Provider::kAws, action);
  }
}

TEST(AwsSyntax, RejectsMalformedItems) {
  ExpectInvalid(Provider::kAws, "s3GetObject", "no ':'");
  ExpectInvalid(Provider::kAws, ":GetObject", "service before ':' is empty");
  ExpectInvalid(Provider::kAws, "s3:", "action after ':' is empty");
  ExpectInvalid(Provider::kAws, "s3:Get:Object", "more than one ':'");
  ExpectInvalid(Provider::kAws, "s3:Get Object", "letters, digits, '-' and wildcards");
  ExpectInvalid(Provider::kAws, "s_3:GetObject", "letters, digits, '-'");
  ExpectInvalid(Provider::kAws, "storage.objects.get", "no ':'");
}

TEST(GcpSyntax, AcceptsServiceResourceVerb) {
  for (const char* action : {"storage.objects.get", "storage.objects.*", "storage.*.*",
                             "bigquery.tables.getData", "compute.instances.list"}) {
    ExpectValid(Provider::kGcp, action);
  }
}

TEST(GcpSyntax, RejectsOtherShapes) {
  ExpectInvalid(Provider::kGcp, "storage.objects", "2 dot-separated parts");
  ExpectInvalid(Provider::kGcp, "storage.objects.get.more", "4 dot-separated parts");
  ExpectInvalid(Provider::kGcp, "storage..get", "resource part is empty");
  ExpectInvalid(Provider::kGcp, "Storage.objects.get", "lower-case");
  ExpectInvalid(Provider::kGcp, "s3:GetObject", "1 dot-separated parts");
}

TEST(AzureSyntax, AcceptsProviderPathOperation) {
  for (const char* action :
       {"Microsoft.Storage/storageAccounts/read",
        "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/*",
        "Microsoft.Storage/*", "*/read", "*", "microsoft.storage/storageaccounts/READ",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"}) {
    ExpectValid(Provider::kAzure, action);
  }
}

TEST(AzureSyntax, RejectsOtherShapes) {
  ExpectInvalid(Provider::kAzure, "Microsoft.Storage", "no '/'");
  ExpectInvalid(Provider::kAzure, "Storage/storageAccounts/read", "Microsoft.Name");
  ExpectInvalid(Provider::kAzure, "Microsoft.Storage/storageAccounts/frobnicate",
                "not read, write, delete, action");
  ExpectInvalid(Provider::kAzure, "Microsoft.Storage/read", "needs a resource type");
  ExpectInvalid(Provider::kAzure, "Microsoft.Storage//read", "empty part");
}

TEST(ActionCaseRule, GcpIsCaseSensitive) {
  EXPECT_EQ(ActionCaseRule(Provider::kAws), CaseRule::kInsensitive);
  EXPECT_EQ(ActionCaseRule(Provider::kAzure), CaseRule::kInsensitive);
  EXPECT_EQ(ActionCaseRule(Provider::kGcp), CaseRule::kSensitive);
}

TEST(DetectActionSyntax, TellsProvidersApart) {
  EXPECT_EQ(DetectActionSyntax("s3:GetObject"), Provider::kAws);
  EXPECT_EQ(DetectActionSyntax("storage.objects.get"), Provider::kGcp);
  EXPECT_EQ(DetectActionSyntax("Microsoft.Storage/storageAccounts/read"), Provider::kAzure);
  EXPECT_EQ(DetectActionSyntax("nothing"), std::nullopt);
}

TEST(IsAllServicesWildcard, FlagsEveryServicePatterns) {
  EXPECT_TRUE(IsAllServicesWildcard(Provider::kAws, "*"));
  EXPECT_TRUE(IsAllServicesWildcard(Provider::kAws, "*:*"));
  EXPECT_TRUE(IsAllServicesWildcard(Provider::kAws, "*:Get*"));
  EXPECT_FALSE(IsAllServicesWildcard(Provider::kAws, "s3:*"));
  EXPECT_TRUE(IsAllServicesWildcard(Provider::kGcp, "*.*.*"));
  EXPECT_FALSE(IsAllServicesWildcard(Provider::kGcp, "storage.*.*"));
  EXPECT_TRUE(IsAllServicesWildcard(Provider::kAzure, "*/read"));
  EXPECT_FALSE(IsAllServicesWildcard(Provider::kAzure, "Microsoft.Storage/*"));
}

}  // namespace
}  // namespace audex
