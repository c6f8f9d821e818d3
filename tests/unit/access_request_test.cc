#include "core/policy/access_request.h"

#include <gtest/gtest.h>

#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

DenyList Deny(std::vector<std::string> patterns) {
  return MakeDenyList(std::move(patterns), "deny-list.toml").value();
}

Result<ResolvedRequest> Allow(const std::string& list, const DenyList& deny = {},
                              std::optional<Provider> provider = std::nullopt) {
  AccessRequest request;
  request.allow = list;
  request.provider = provider;
  return ResolveRequest(request, ProfileCatalog{}, deny);
}

std::string Names(const ResolvedRequest& resolved) { return Join(resolved.ActionNames(), ","); }

TEST(ResolveRequest, KeepsRequestOrderAndDropsDuplicatesCaseInsensitively) {
  auto resolved = Allow(" s3:GetObject , s3:ListBucket,S3:getobject");
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  EXPECT_EQ(Names(*resolved), "s3:GetObject,s3:ListBucket");
  EXPECT_EQ(resolved->provider, Provider::kAws);
}

TEST(ResolveRequest, ExpandsUniversalNamesPerProviderAndMixesWithNative) {
  auto aws = Allow("storage:read,lambda:InvokeFunction");
  ASSERT_TRUE(aws.has_value());
  EXPECT_EQ(Names(*aws), "s3:GetObject,s3:ListBucket,lambda:InvokeFunction");
  EXPECT_EQ(aws->actions[0].origin, "storage:read");
  EXPECT_EQ(aws->actions[2].origin, "--allow");
  auto gcp = Allow("storage:read", {}, Provider::kGcp);
  ASSERT_TRUE(gcp.has_value());
  EXPECT_EQ(Names(*gcp), "storage.objects.get,storage.buckets.list");
  auto azure = Allow("storage:read,Microsoft.Compute/virtualMachines/read", {}, Provider::kAzure);
  ASSERT_TRUE(azure.has_value());
  EXPECT_EQ(Names(*azure),
            "Microsoft.Storage/storageAccounts/read,Microsoft.Compute/virtualMachines/read");
}

TEST(ResolveRequest, RejectsBadListsWithTheItemAndItsPosition) {
  auto empty_item = Allow("s3:GetObject,,s3:ListBucket");
  ASSERT_FALSE(empty_item.has_value());
  EXPECT_EQ(empty_item.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(empty_item.error().message.find("item 2"), std::string::npos);
  EXPECT_FALSE(Allow("").has_value());
  EXPECT_FALSE(Allow("s3:GetObject,").has_value());
  auto typo = Allow("storage:reed");
  ASSERT_FALSE(typo.has_value());
  EXPECT_NE(typo.error().message.find("did you mean storage:read?"), std::string::npos);
  auto wrong_provider = Allow("s3:GetObject", {}, Provider::kGcp);
  ASSERT_FALSE(wrong_provider.has_value());
  EXPECT_NE(wrong_provider.error().message.find("service.resource.verb"), std::string::npos);
}

TEST(ResolveRequest, WarnsLoudlyAboutEveryServiceWildcards) {
  auto resolved = Allow("*:*");
  ASSERT_TRUE(resolved.has_value());
  ASSERT_EQ(resolved->warnings.size(), 1u);
  EXPECT_EQ(resolved->warnings[0].rfind("WARNING", 0), 0u);
  EXPECT_TRUE(Allow("s3:*")->warnings.empty());
}

TEST(ResolveRequest, DenyListRemovesWhatItCoversWithAWarning) {
  auto resolved = Allow("iam:GetUser,s3:GetObject,iam:List*", Deny({"iam:*"}));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(Names(*resolved), "s3:GetObject");
  ASSERT_EQ(resolved->denied.size(), 2u);
  EXPECT_EQ(resolved->denied[0].action, "iam:GetUser");
  EXPECT_NE(resolved->warnings[0].find("iam:GetUser"), std::string::npos);
  EXPECT_NE(resolved->warnings[0].find("deny-list.toml"), std::string::npos);
  EXPECT_TRUE(resolved->explicit_denies.empty());
}

TEST(ResolveRequest, WildcardOverlappingTheDenyListKeepsAnExplicitDeny) {
  auto resolved = Allow("s3:*", Deny({"s3:DeleteBucket", "iam:*", "ec2:TerminateInstances"}));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(Names(*resolved), "s3:*");
  EXPECT_EQ(resolved->explicit_denies, (std::vector<std::string>{"s3:DeleteBucket"}));
}

TEST(ResolveRequest, ExplicitDeniesKeepOnlyTheBroadestPattern) {
  auto resolved = Allow("s3:*", Deny({"s3:DeleteBucket", "s3:Delete*"}));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->explicit_denies, (std::vector<std::string>{"s3:Delete*"}));
}

TEST(ResolveRequest, AllDeniedIsAnError) {
  auto resolved = Allow("iam:GetUser,iam:Get*", Deny({"iam:*"}));
  ASSERT_FALSE(resolved.has_value());
  EXPECT_EQ(resolved.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(resolved.error().message.find("deny-list.toml"), std::string::npos);
}

TEST(ResolveRequest, UniversalNamesInTheDenyListApplyPerProvider) {
  auto aws = Allow("s3:*", Deny({"storage:write"}));
  ASSERT_TRUE(aws.has_value());
  EXPECT_EQ(aws->explicit_denies, (std::vector<std::string>{"s3:PutObject", "s3:DeleteObject"}));
  auto gcp = Allow("storage.objects.get,storage.objects.delete", Deny({"storage:write", "iam:*"}),
                   Provider::kGcp);
  ASSERT_TRUE(gcp.has_value());
  EXPECT_EQ(Names(*gcp), "storage.objects.get");
}

TEST(ResolveRequest, NonAwsWildcardsOverlappingDeniesAreWarnedAsUnenforced) {
  auto gcp = Allow("storage.objects.*", Deny({"storage.objects.delete"}), Provider::kGcp);
  ASSERT_TRUE(gcp.has_value());
  ASSERT_FALSE(gcp->warnings.empty());
  EXPECT_NE(gcp->warnings.back().find("not enforced"), std::string::npos);
}

TEST(ResolveRequest, BroaderRequestedPatternsAbsorbNarrowerOnes) {
  auto resolved = Allow("s3:GetObject,s3:*,s3:Get*,ec2:DescribeInstances");
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(Names(*resolved), "s3:*,ec2:DescribeInstances");
  EXPECT_EQ(resolved->covered.size(), 2u);
}

TEST(ResolveRequest, ProfilesChooseTheirProvider) {
  AccessRequest request;
  request.profile = "gcs-readonly";
  auto resolved = ResolveRequest(request, ProfileCatalog{}, DenyList{});
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->provider, Provider::kGcp);
  EXPECT_EQ(resolved->actions[0].origin, "profile gcs-readonly");
  request.provider = Provider::kAws;
  auto conflict = ResolveRequest(request, ProfileCatalog{}, DenyList{});
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().kind, ErrorKind::kUsage);
}

TEST(ResolveRequest, UnknownProfileSuggestsTheClosest) {
  AccessRequest request;
  request.profile = "s3-readonli";
  auto resolved = ResolveRequest(request, ProfileCatalog{}, DenyList{});
  ASSERT_FALSE(resolved.has_value());
  EXPECT_NE(resolved.error().message.find("did you mean s3-readonly?"), std::string::npos);
}

TEST(ResolveRequest, AllowAndProfileAreExclusiveAndOneIsRequired) {
  AccessRequest both;
  both.allow = "s3:GetObject";
  both.profile = "s3-readonly";
  EXPECT_EQ(ResolveRequest(both, {}, {}).error().kind, ErrorKind::kUsage);
  EXPECT_EQ(ResolveRequest(AccessRequest{}, {}, {}).error().kind, ErrorKind::kUsage);
}

TEST(ResolveRequest, ResourcesAreCheckedAndAwsOnly) {
  AccessRequest request;
  request.allow = "s3:GetObject";
  request.resource = "arn:aws:s3:::my-bucket/*, arn:aws:s3:::my-bucket";
  auto resolved = ResolveRequest(request, {}, {});
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->resources,
            (std::vector<std::string>{"arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket"}));
  request.resource = "my-bucket";
  auto bad = ResolveRequest(request, {}, {});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("\"my-bucket\""), std::string::npos);
  request.resource = "arn:aws:s3:::b";
  request.provider = Provider::kGcp;
  request.allow = "storage.objects.get";
  auto gcp = ResolveRequest(request, {}, {});
  ASSERT_FALSE(gcp.has_value());
  EXPECT_NE(gcp.error().message.find("not a Cloud Storage bucket"), std::string::npos);
  request.resource = "gs://my-bucket";
  auto bucket = ResolveRequest(request, {}, {});
  ASSERT_TRUE(bucket.has_value()) << bucket.error().message;
  EXPECT_EQ(bucket->resources,
            std::vector<std::string>{"//storage.googleapis.com/projects/_/buckets/my-bucket"});
  request.provider = Provider::kAzure;
  request.allow = "Microsoft.Storage/storageAccounts/read";
  auto azure = ResolveRequest(request, {}, {});
  ASSERT_FALSE(azure.has_value());
  EXPECT_NE(azure.error().message.find("not supported for provider azure"), std::string::npos);
}

TEST(PlanSession, BuildsTheDocumentedPolicyDocument) {
  AccessRequest request;
  request.allow = "s3:ListBucket,s3:GetObject,s3:*Acl";
  request.resource = "arn:aws:s3:::b/*,arn:aws:s3:::b";
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, Deny({"s3:PutObjectAcl"}),
                          {"aws", "s3", "ls"});
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  EXPECT_EQ(plan->policy_json,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*Acl",)"
            R"("s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},)"
            R"({"Effect":"Deny","Action":"s3:PutObjectAcl","Resource":"*"}]})");
  EXPECT_EQ(plan->ttl, kDefaultTtl);
  EXPECT_EQ(plan->command.size(), 3u);
  EXPECT_EQ(plan->child_variables.front(), "AWS_ACCESS_KEY_ID");
}

TEST(PlanSession, TtlComesFromFlagThenConfigAndIsBounded) {
  AccessRequest request;
  request.allow = "s3:GetObject";
  UserConfig config;
  config.ttl = std::chrono::seconds(1800);
  EXPECT_EQ(PlanSession(request, std::nullopt, config, {}, {}, {"x"})->ttl.count(), 1800);
  EXPECT_EQ(PlanSession(request, std::chrono::seconds(3600), config, {}, {}, {"x"})->ttl.count(),
            3600);
  auto short_ttl = PlanSession(request, std::chrono::seconds(300), config, {}, {}, {"x"});
  ASSERT_FALSE(short_ttl.has_value());
  EXPECT_EQ(short_ttl.error().kind, ErrorKind::kPolicy);
}

TEST(PlanSession, ConfigProviderIsTheDefault) {
  AccessRequest request;
  request.allow = "storage:read";
  UserConfig config;
  config.provider = Provider::kGcp;
  auto plan = PlanSession(request, std::nullopt, config, {}, {}, {"gsutil"});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->request.provider, Provider::kGcp);
  EXPECT_FALSE(plan->policy.has_value());
}

TEST(PlanSession, FailsBeforeAnyNetworkWhenThePolicyIsTooLarge) {
  std::vector<std::string> actions;
  for (int i = 0; i < 150; ++i)
    actions.push_back("dynamodb:SomeVeryLongActionName" + std::to_string(i));
  AccessRequest request;
  request.allow = Join(actions, ",");
  auto plan = PlanSession(request, std::nullopt, UserConfig{}, {}, {}, {"x"});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(plan.error().message.find("2048"), std::string::npos);
  const std::string rendered = RenderPolicy(BuildAwsSessionPolicy(*Allow(request.allow.value())));
  EXPECT_NE(plan.error().message.find(std::to_string(rendered.size())), std::string::npos);
}

}  // namespace
}  // namespace audex
