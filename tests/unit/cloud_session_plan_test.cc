// What the GCP and Azure plans say will and will not be enforced
// (core/session_plan.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/audit/session_record.h"
#include "core/plan/session_plan.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

Result<SessionPlan> Plan(Provider provider, const std::string& allow,
                         std::optional<std::string> resource = std::nullopt,
                         std::chrono::seconds ttl = std::chrono::minutes(15),
                         UserConfig config = {}) {
  AccessRequest request;
  request.provider = provider;
  request.allow = allow;
  request.resource = resource;
  return PlanSession(request, ttl, config, ProfileCatalog(), DenyList{}, {"true"});
}

bool Mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(GcpPlan, StorageOnlyWithBucketsGetsAnAccessBoundary) {
  auto plan = Plan(Provider::kGcp, "storage.objects.get,storage.objects.list", "gs://my-data");
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->access_boundary);
  const auto boundary = nlohmann::json::parse(*plan->access_boundary);
  const auto& rule = boundary["accessBoundary"]["accessBoundaryRules"][0];
  EXPECT_EQ(rule["availableResource"], "//storage.googleapis.com/projects/_/buckets/my-data");
  EXPECT_EQ(rule["availablePermissions"].size(), plan->boundary_roles.size());
  EXPECT_TRUE(Mentions(plan->enforced, "Credential Access Boundary"));
  EXPECT_TRUE(Mentions(plan->enforced, "lifetime"));
  EXPECT_TRUE(plan->enforcement_warnings.empty());
  EXPECT_TRUE(plan->request.warnings.empty());
}

TEST(GcpPlan, OtherServicesAreWarnedAboutOnce) {
  auto plan = Plan(Provider::kGcp, "storage.objects.get,compute.instances.list", "gs://my-data");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->access_boundary);
  EXPECT_TRUE(Mentions(plan->not_enforced, "compute.instances.list"));
  EXPECT_TRUE(Mentions(plan->not_enforced, "--resource is not enforced"));
  int warnings = 0;
  for (const std::string& warning : plan->enforcement_warnings) {
    warnings += warning.find("GCP cannot narrow") != std::string::npos;
  }
  EXPECT_EQ(warnings, 1);
}

TEST(GcpPlan, StorageWithoutBucketsSaysHowToNarrow) {
  auto plan = Plan(Provider::kGcp, "storage.objects.get");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->access_boundary);
  EXPECT_TRUE(Mentions(plan->enforcement_warnings, "--resource //storage.googleapis.com"));
}

TEST(GcpPlan, LifetimeOverAnHourNeedsTheExtension) {
  auto refused = Plan(Provider::kGcp, "storage.objects.get", std::nullopt, std::chrono::hours(2));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kPolicy);
  UserConfig config;
  config.gcp_token_lifetime_extension = true;
  EXPECT_TRUE(
      Plan(Provider::kGcp, "storage.objects.get", std::nullopt, std::chrono::hours(2), config));
}

TEST(GcpPlan, ResourceMustBeABucket) {
  auto plan = Plan(Provider::kGcp, "storage.objects.get", "arn:aws:s3:::b");
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("gs://NAME"), std::string::npos);
}

TEST(AzurePlan, SaysActionsAreNotEnforcedAndTheTtlIs) {
  auto plan = Plan(Provider::kAzure, "Microsoft.Storage/storageAccounts/read");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(Mentions(plan->not_enforced, "cannot be narrowed to actions"));
  EXPECT_TRUE(Mentions(plan->enforced, "Audex ends the command after 15m"));
  EXPECT_TRUE(Mentions(plan->enforcement_warnings, "role assignments are the real limit"));
  EXPECT_FALSE(Plan(Provider::kAzure, "Microsoft.Storage/storageAccounts/read", std::nullopt,
                    std::chrono::hours(2)));
  EXPECT_FALSE(
      Plan(Provider::kAzure, "Microsoft.Storage/storageAccounts/read", "/subscriptions/x"));
}

TEST(TokenPrefix, NeverTheWholeToken) {
  EXPECT_EQ(TokenPrefix("ya29.c.b0AXv0zTOKENTOKENTOKEN"), "ya29.c.b");
  EXPECT_EQ(TokenPrefix("short"), "sh");
  EXPECT_EQ(TokenPrefix(""), "");
}

}  // namespace
}  // namespace audex
