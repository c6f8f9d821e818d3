// Drift computation: a role's policies expanded against a small catalog,
// Allow minus Deny, NotAction, boundaries, conditional grants, comparison
// with the expected set, grouping and ranking; and properties against the
// built-in catalog and profiles.
#include "core/policy/drift.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "catalog/access_level.h"
#include "catalog/action_catalog.h"
#include "catalog/catalog_universe.h"
#include "core/policy/access_request.h"
#include "core/policy/policy_evaluator.h"
#include "core/policy/profile.h"

namespace audex {
namespace {

using Names = std::vector<std::string>;

const ActionCatalog& SmallCatalog() {
  static const ActionCatalog catalog([] {
    std::vector<CatalogEntry> entries;
    for (const char* name :
         {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketPolicy",
          "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:TerminateInstances",
          "dynamodb:ListTables", "dynamodb:GetItem", "iam:GetUser", "iam:PassRole"}) {
      entries.push_back(CatalogEntry{name, AccessLevelSet(AccessLevel::kRead), {}});
    }
    return entries;
  }());
  return catalog;
}

const ActionUniverse& Small() {
  static const CatalogUniverse universe(SmallCatalog());
  return universe;
}

NamedPolicy Named(std::string name, std::string_view json) {
  auto document = ParsePolicy(json);
  EXPECT_TRUE(document) << (document ? "" : document.error().message);
  return NamedPolicy{std::move(name), document ? *document : PolicyDocument{}};
}

Names GrantNames(const RolePermissions& permissions, bool conditional) {
  Names names;
  for (const RoleGrant& grant : permissions.grants) {
    if (grant.conditional == conditional) names.push_back(grant.action);
  }
  return names;
}

Names ActionsOf(const std::vector<DriftEntry>& entries) {
  Names names;
  for (const DriftEntry& entry : entries) names.push_back(entry.action);
  return names;
}

TEST(StatementReach, ResourceAndConditionNarrowAGrant) {
  const auto doc = ParsePolicy(R"({"Statement":[
    {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
    {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
    {"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
    {"Effect":"Allow","Action":"s3:DeleteObject","NotResource":"arn:aws:s3:::b/*"}]})");
  ASSERT_TRUE(doc);
  EXPECT_EQ(EvaluateReach(*doc, "s3:getobject").allow, Reach::kAll);
  EXPECT_EQ(EvaluateReach(*doc, "s3:PutObject").allow, Reach::kSome);
  EXPECT_EQ(EvaluateReach(*doc, "s3:ListBucket").allow, Reach::kSome);
  EXPECT_EQ(EvaluateReach(*doc, "s3:DeleteObject").allow, Reach::kSome);
  EXPECT_EQ(EvaluateReach(*doc, "ec2:DescribeImages").allow, Reach::kNone);
}

TEST(EvaluateAccess, DenyWinsAndTheBoundaryIntersects) {
  const auto identity = ParsePolicy(R"({"Statement":[
    {"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"},
    {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},
    {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::prod/*"}]})");
  const auto boundary = ParsePolicy(
      R"({"Statement":{"Effect":"Allow","Action":["s3:*","ec2:DescribeImages"],"Resource":"*"}})");
  ASSERT_TRUE(identity && boundary);
  const std::vector<const PolicyDocument*> docs = {&*identity};
  EXPECT_EQ(EvaluateAccess(docs, nullptr, "s3:GetObject"), Access::kFull);
  EXPECT_EQ(EvaluateAccess(docs, nullptr, "s3:DeleteObject"), Access::kDenied);
  EXPECT_EQ(EvaluateAccess(docs, nullptr, "s3:PutObject"), Access::kConditional);
  EXPECT_EQ(EvaluateAccess(docs, nullptr, "iam:GetUser"), Access::kNotAllowed);
  EXPECT_EQ(EvaluateAccess(docs, &*boundary, "ec2:DescribeInstances"), Access::kOutsideBoundary);
  EXPECT_EQ(EvaluateAccess(docs, &*boundary, "ec2:DescribeImages"), Access::kFull);
}

TEST(ComputeRolePermissions, ExpandsActionsAndNotActionsMinusDenies) {
  RolePolicies role;
  role.identity.push_back(Named("inline policy a", R"({"Statement":[
    {"Effect":"Allow","Action":"s3:Get*","Resource":"*"},
    {"Effect":"Allow","NotAction":["s3:*","ec2:*","iam:*"],"Resource":"*"}]})"));
  role.identity.push_back(Named("managed policy m", R"({"Statement":[
    {"Effect":"Allow","Action":["ec2:*","s3:HeadObject"],"Resource":"*"},
    {"Effect":"Deny","Action":"ec2:Terminate*","Resource":"*"}]})"));
  const RolePermissions permissions = ComputeRolePermissions(role, Small());
  EXPECT_EQ(GrantNames(permissions, false),
            (Names{"dynamodb:GetItem", "dynamodb:ListTables", "ec2:DescribeImages",
                   "ec2:DescribeInstances", "s3:GetBucketPolicy", "s3:GetObject"}));
  EXPECT_TRUE(GrantNames(permissions, true).empty());
  ASSERT_EQ(permissions.refused.size(), 1u);
  EXPECT_EQ(permissions.refused[0].action, "ec2:TerminateInstances");
  EXPECT_EQ(permissions.refused[0].reason, "explicit Deny in managed policy m");
  EXPECT_EQ(permissions.unknown, Names{"s3:HeadObject (managed policy m)"});
  const RoleGrant* grant = permissions.Find("DYNAMODB:listtables");
  ASSERT_NE(grant, nullptr);
  EXPECT_EQ(grant->via, "NotAction s3:*,ec2:*,iam:*");
  EXPECT_EQ(grant->granted_by, Names{"inline policy a"});
}

TEST(ComputeRolePermissions, NarrowStatementsAreConditionalWithTheirReason) {
  RolePolicies role;
  role.identity.push_back(Named("inline policy scoped", R"({"Statement":[
    {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"},
    {"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"x/*"}}},
    {"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]})"));
  role.boundary = Named("permissions boundary arn:aws:iam::1:policy/b",
                        R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
                            {"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/t"}]})");
  const RolePermissions permissions = ComputeRolePermissions(role, Small());
  EXPECT_EQ(GrantNames(permissions, true),
            (Names{"dynamodb:GetItem", "s3:GetObject", "s3:ListBucket"}));
  const RoleGrant* object = permissions.Find("s3:GetObject");
  ASSERT_NE(object, nullptr);
  ASSERT_EQ(object->reasons.size(), 1u);
  EXPECT_EQ(object->reasons[0],
            "allowed only with Resource arn:aws:s3:::data/* in inline policy scoped");
  const RoleGrant* item = permissions.Find("dynamodb:GetItem");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->reasons, Names{"permissions boundary arn:aws:iam::1:policy/b allows it only on "
                                 "some resources or under a Condition"});
}

TEST(CompareWithExpected, ReportsAdditionalMissingAndLimited) {
  RolePolicies role;
  role.identity.push_back(Named("inline policy x", R"({"Statement":[
    {"Effect":"Allow","Action":["s3:GetObject","ec2:DescribeInstances","dynamodb:ListTables"],"Resource":"*"},
    {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
    {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"},
    {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})"));
  const RolePermissions permissions = ComputeRolePermissions(role, Small());
  const DriftReport report = CompareWithExpected(
      permissions,
      {"s3:GetObject", "s3:getobject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"});
  EXPECT_EQ(ActionsOf(report.additional), (Names{"dynamodb:ListTables", "ec2:DescribeInstances"}));
  EXPECT_EQ(ActionsOf(report.missing), (Names{"s3:DeleteObject", "s3:ListBucket"}));
  EXPECT_EQ(report.missing[0].reasons, Names{"explicit Deny in inline policy x"});
  EXPECT_EQ(report.missing[1].reasons, Names{"not allowed by any policy"});
  EXPECT_EQ(ActionsOf(report.limited), Names{"s3:PutObject"});
  EXPECT_EQ(report.expected_count, 4u);
  EXPECT_EQ(report.matched_count, 1u);
  EXPECT_TRUE(report.HasDrift());
  EXPECT_EQ(report.additional[0].policies, Names{"inline policy x"});
}

TEST(CompareWithExpected, ConditionalExtrasAreDriftButLimitedExpectedOnesAreNot) {
  RolePolicies role;
  role.identity.push_back(Named("p", R"({"Statement":[
    {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})"));
  const RolePermissions permissions = ComputeRolePermissions(role, Small());
  EXPECT_FALSE(CompareWithExpected(permissions, {"s3:GetObject"}).HasDrift());
  const DriftReport other = CompareWithExpected(permissions, {"s3:ListBucket"});
  ASSERT_EQ(other.additional.size(), 1u);
  EXPECT_TRUE(other.additional[0].conditional);
  EXPECT_EQ(ActionsOf(other.missing), Names{"s3:ListBucket"});
}

TEST(GroupByGrant, SummarisesBroadWildcardsOnly) {
  std::vector<DriftEntry> entries;
  for (int i = 0; i < 12; ++i) {
    entries.push_back(DriftEntry{"s3:A" + std::to_string(i), "s3", {"p"}, "s3:*", false, {}});
  }
  entries.push_back(DriftEntry{"ec2:DescribeImages", "ec2", {"q"}, "ec2:DescribeImages", true, {}});
  entries.push_back(DriftEntry{"ec2:DescribeInstances", "ec2", {"q"}, "ec2:Describe*", false, {}});
  const std::vector<DriftGroup> groups = GroupByGrant(entries, 10);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].service, "ec2");
  EXPECT_FALSE(groups[0].summarised);
  EXPECT_EQ(groups[0].conditional_count, 1u);
  EXPECT_EQ(groups[1].via, "ec2:Describe*");
  EXPECT_FALSE(groups[1].summarised);  // a wildcard, but only one action
  EXPECT_EQ(groups[2].via, "s3:*");
  EXPECT_TRUE(groups[2].summarised);
  EXPECT_EQ(groups[2].actions.size(), 12u);
  EXPECT_FALSE(GroupByGrant(entries, 12)[2].summarised);
}

TEST(RankExpectations, ClosestHasFewestDifferencesAndPrefersCompleteness) {
  RolePolicies role;
  role.identity.push_back(Named("p", R"({"Statement":[
    {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]})"));
  const RolePermissions permissions = ComputeRolePermissions(role, Small());
  const std::vector<ProfileFit> fits =
      RankExpectations(permissions, {{"too-small", {"s3:GetObject"}},
                                     {"too-big", {"s3:GetObject", "s3:ListBucket", "s3:PutObject"}},
                                     {"exact", {"s3:GetObject", "s3:ListBucket"}},
                                     {"unrelated", {"ec2:DescribeImages"}}});
  ASSERT_EQ(fits.size(), 4u);
  EXPECT_EQ(fits[0].name, "exact");
  EXPECT_EQ(fits[0].distance(), 0u);
  EXPECT_EQ(fits[1].name, "too-small");  // one additional beats one missing
  EXPECT_EQ(fits[2].name, "too-big");
  EXPECT_EQ(fits[3].name, "unrelated");
  EXPECT_EQ(fits[3].distance(), 3u);
}

// --- properties on the built-in catalog and profiles -----------------------

// The expansion of a built-in AWS profile, as `drift --expected-policy` sees it.
Names ProfileExpansion(const std::string& profile) {
  AccessRequest request;
  request.provider = Provider::kAws;
  request.profile = profile;
  auto resolved = ResolveRequest(request, ProfileCatalog(), DenyList(), &BuiltinAwsActions());
  Names actions;
  if (!resolved) return actions;
  for (const std::string& pattern : resolved->ActionNames()) {
    auto expanded = BuiltinAwsActions().Expand(pattern);
    if (expanded) actions.insert(actions.end(), expanded->begin(), expanded->end());
  }
  return actions;
}

NamedPolicy PolicyOf(const Names& actions) {
  Statement statement;
  statement.actions = actions;
  statement.resources = {"*"};
  return NamedPolicy{"inline policy exact", PolicyDocument{"2012-10-17", {statement}}};
}

Names AwsProfiles() {
  Names names;
  for (const Profile& profile : BuiltinProfiles()) {
    if (profile.provider == Provider::kAws) names.push_back(profile.name);
  }
  return names;
}

RC_GTEST_PROP(DriftProperties, ExactPolicyHasNoDriftAndOneChangeShowsExactlyThatAction, ()) {
  const std::string profile = *rc::gen::elementOf(AwsProfiles());
  const Names expected = ProfileExpansion(profile);
  RC_ASSERT(!expected.empty());
  const ActionCatalog& catalog = ActionCatalog::Builtin();

  RolePolicies exact;
  exact.identity.push_back(PolicyOf(expected));
  const DriftReport none =
      CompareWithExpected(ComputeRolePermissions(exact, BuiltinAwsActions()), expected);
  RC_ASSERT(!none.HasDrift());
  RC_ASSERT(none.matched_count == expected.size());

  // One more action, anywhere in the catalog.
  const std::string extra =
      catalog.Get(*rc::gen::inRange<ActionId>(0, static_cast<ActionId>(catalog.action_count())))
          .FullName();
  RC_PRE(std::find(expected.begin(), expected.end(), extra) == expected.end());
  Names more = expected;
  more.push_back(extra);
  RolePolicies wider;
  wider.identity.push_back(PolicyOf(more));
  const DriftReport added =
      CompareWithExpected(ComputeRolePermissions(wider, BuiltinAwsActions()), expected);
  RC_ASSERT(ActionsOf(added.additional) == Names{extra});
  RC_ASSERT(added.missing.empty());

  // One action fewer, whichever it is.
  const size_t drop = *rc::gen::inRange<size_t>(0, expected.size());
  Names fewer = expected;
  fewer.erase(fewer.begin() + static_cast<long>(drop));
  RolePolicies narrower;
  if (!fewer.empty()) narrower.identity.push_back(PolicyOf(fewer));
  const DriftReport removed =
      CompareWithExpected(ComputeRolePermissions(narrower, BuiltinAwsActions()), expected);
  RC_ASSERT(ActionsOf(removed.missing) == Names{expected[drop]});
  RC_ASSERT(removed.additional.empty());
}

// The same on random sets of real actions rather than profiles, and with
// the extra action hidden behind an explicit Deny: then no drift at all.
RC_GTEST_PROP(DriftProperties, RandomSetsAndDeniedExtras, ()) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  const auto id = rc::gen::inRange<ActionId>(0, static_cast<ActionId>(catalog.action_count()));
  const auto ids = *rc::gen::container<std::vector<ActionId>>(*rc::gen::inRange<size_t>(1, 40), id);
  Names expected;
  for (ActionId each : ids) expected.push_back(catalog.Get(each).FullName());
  const std::string extra = catalog.Get(*id).FullName();
  RC_PRE(std::find(expected.begin(), expected.end(), extra) == expected.end());

  Names more = expected;
  more.push_back(extra);
  RolePolicies role;
  role.identity.push_back(PolicyOf(more));
  RC_ASSERT(
      ActionsOf(CompareWithExpected(ComputeRolePermissions(role, BuiltinAwsActions()), expected)
                    .additional) == Names{extra});
  Statement deny;
  deny.effect = Effect::kDeny;
  deny.actions = {extra};
  deny.resources = {"*"};
  role.identity.push_back(NamedPolicy{"inline policy deny", PolicyDocument{"2012-10-17", {deny}}});
  const DriftReport report =
      CompareWithExpected(ComputeRolePermissions(role, BuiltinAwsActions()), expected);
  RC_ASSERT(!report.HasDrift());
}

TEST(ExpandExpectation, ErrorsNameDriftsOwnFlags) {
  auto typo = ExpandExpectation(std::nullopt, "s3:GetObjekt", ProfileCatalog(), Small());
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("in --expected-allow"), std::string::npos)
      << typo.error().message;
  // drift has no --allow-unknown: it must not be suggested.
  EXPECT_EQ(typo.error().message.find("--allow-unknown"), std::string::npos)
      << typo.error().message;
  auto empty = ExpandExpectation(std::nullopt, "", ProfileCatalog(), Small());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("--expected-policy"), std::string::npos)
      << empty.error().message;
  EXPECT_EQ(empty.error().message.find("--profile"), std::string::npos) << empty.error().message;
}

}  // namespace
}  // namespace audex
