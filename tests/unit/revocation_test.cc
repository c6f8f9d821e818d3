// The revocation policy's text (core/team/revocation.h): the statements,
// the rollup under the role's inline policy budget, expiry removal, and
// reading a policy back.
#include "core/team/revocation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

const TimePoint kNow = *ParseRfc3339("2026-12-06T06:00:00Z");

RoleDeny Session(std::string id, TimePoint issued_before, TimePoint removable_after,
                 std::string role_id = "AROAEXAMPLEROLEID1234") {
  RoleDeny deny;
  deny.kind = DenyKind::kSession;
  deny.user_id = role_id + ":audex-" + id;
  deny.id = std::move(id);
  deny.issued_before = issued_before;
  deny.removable_after = removable_after;
  return deny;
}

RoleDeny Caller(std::string id, std::string identity, TimePoint before, TimePoint removable) {
  RoleDeny deny;
  deny.kind = DenyKind::kCaller;
  deny.id = std::move(id);
  deny.source_identity = std::move(identity);
  deny.issued_before = before;
  deny.removable_after = removable;
  return deny;
}

// The user ids and issue-time bounds a policy denies, read from its JSON as
// IAM would: every statement a Deny of "*" on "*".
struct Denied {
  std::vector<std::string> user_ids;
  std::vector<std::pair<std::string, std::string>> callers;  // identity, before
  std::optional<std::string> older_than;
};

Denied Evaluate(const std::string& document) {
  Denied denied;
  const Json policy = Json::parse(document);
  EXPECT_EQ(policy["Version"], "2012-10-17");
  for (const Json& statement : policy["Statement"]) {
    EXPECT_EQ(statement["Effect"], "Deny");
    EXPECT_EQ(statement["Action"], "*");
    EXPECT_EQ(statement["Resource"], "*");
    const Json& condition = statement["Condition"];
    if (condition.contains("StringLike")) {
      denied.user_ids.push_back(condition["StringLike"]["aws:userid"]);
    } else if (condition.contains("StringEquals")) {
      denied.callers.emplace_back(condition["StringEquals"]["aws:SourceIdentity"],
                                  condition["DateLessThan"]["aws:TokenIssueTime"]);
    } else {
      EXPECT_FALSE(denied.older_than) << "one rollup at most";
      denied.older_than = condition["DateLessThan"]["aws:TokenIssueTime"].get<std::string>();
    }
  }
  return denied;
}

TEST(RevocationPolicy, SessionDenyNamesTheRoleIdAndSessionName) {
  const RoleDeny deny = Session("4q2mabc", kNow, kNow + 1h);
  const Json statement = Json::parse(DenyStatementJson(deny));
  EXPECT_EQ(statement["Condition"]["StringLike"]["aws:userid"],
            "AROAEXAMPLEROLEID1234:audex-4q2mabc");
  EXPECT_EQ(statement["Effect"], "Deny");
  EXPECT_EQ(statement["Action"], "*");
  EXPECT_EQ(statement["Sid"].get<std::string>().substr(0, 6), "AudexS");
  EXPECT_EQ(statement["Condition"].size(), 1u);
}

TEST(RevocationPolicy, CallerDenyUsesSourceIdentityAndTokenIssueTime) {
  const RoleDeny deny = Caller("r1", "ci-deploy", kNow + 500ms, kNow + 1h);
  const Json statement = Json::parse(DenyStatementJson(deny));
  EXPECT_EQ(statement["Condition"]["StringEquals"]["aws:SourceIdentity"], "ci-deploy");
  // Rounded up to the next whole second: a session issued in the same
  // second as the revocation is still covered.
  EXPECT_EQ(statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"], "2026-12-06T06:00:01Z");
}

TEST(RevocationPolicy, AnotherSessionOfTheSameRoleIsNotDenied) {
  auto policy =
      BuildRevocationPolicy({Session("aaaa", kNow, kNow + 1h)}, kNow, kRoleInlinePolicyBudget);
  ASSERT_TRUE(policy) << policy.error().message;
  const Denied denied = Evaluate(policy->document);
  ASSERT_EQ(denied.user_ids.size(), 1u);
  EXPECT_EQ(denied.user_ids[0], "AROAEXAMPLEROLEID1234:audex-aaaa");
  EXPECT_FALSE(denied.older_than);
  EXPECT_TRUE(denied.callers.empty());
  EXPECT_TRUE(policy->rolled_up.empty());
}

TEST(RevocationPolicy, ExpiredDeniesAreRemovedAndNothingLeftMeansDelete) {
  auto policy = BuildRevocationPolicy(
      {Session("old", kNow - 2h, kNow - 1s), Session("live", kNow - 1h, kNow + 10min)}, kNow,
      kRoleInlinePolicyBudget);
  ASSERT_TRUE(policy);
  ASSERT_EQ(policy->expired.size(), 1u);
  EXPECT_EQ(policy->expired[0].id, "old");
  EXPECT_EQ(Evaluate(policy->document).user_ids,
            std::vector<std::string>{"AROAEXAMPLEROLEID1234:audex-live"});

  // At the moment the last covered session expires, the policy goes.
  auto later = BuildRevocationPolicy(
      {Session("old", kNow - 2h, kNow - 1s), Session("live", kNow - 1h, kNow + 10min)},
      kNow + 10min, kRoleInlinePolicyBudget);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->document, "");
  EXPECT_EQ(later->expired.size(), 2u);
}

TEST(RevocationPolicy, ManySessionsRollUpIntoOneTokenIssueTimeDeny) {
  std::vector<RoleDeny> denies;
  for (int i = 0; i < 200; ++i) {
    denies.push_back(Session(fmt::format("s{:04}", i), kNow - std::chrono::minutes(200 - i),
                             kNow + std::chrono::minutes(i + 1)));
  }
  auto policy = BuildRevocationPolicy(denies, kNow, kRoleInlinePolicyBudget);
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_LE(PolicySize(policy->document), kRoleInlinePolicyBudget);
  const Denied denied = Evaluate(policy->document);
  ASSERT_TRUE(denied.older_than);
  // The oldest are rolled up, the newest keep their own statement.
  EXPECT_FALSE(policy->rolled_up.empty());
  EXPECT_EQ(policy->rolled_up.front(), "s0000");
  EXPECT_EQ(denied.user_ids.back(), "AROAEXAMPLEROLEID1234:audex-s0199");
  EXPECT_EQ(policy->rolled_up.size() + denied.user_ids.size(), 200u);
  // The rollup stays until the last session it covers has expired.
  const RoleDeny& rollup = policy->statements.front();
  EXPECT_EQ(rollup.kind, DenyKind::kOlderThan);
  const size_t last_rolled = policy->rolled_up.size() - 1;
  EXPECT_EQ(rollup.removable_after, denies[last_rolled].removable_after);
  EXPECT_EQ(*CoveringStatement(*policy, denies[0]), DenyStatementJson(rollup));
  EXPECT_EQ(*CoveringStatement(*policy, denies[199]), DenyStatementJson(denies[199]));
}

TEST(RevocationPolicy, OtherInlinePoliciesShrinkTheBudget) {
  std::vector<RoleDeny> denies;
  for (int i = 0; i < 5; ++i) denies.push_back(Session(fmt::format("s{}", i), kNow, kNow + 1h));
  auto roomy = BuildRevocationPolicy(denies, kNow, kRoleInlinePolicyBudget);
  ASSERT_TRUE(roomy);
  EXPECT_TRUE(roomy->rolled_up.empty());
  auto tight = BuildRevocationPolicy(denies, kNow, PolicySize(roomy->document) - 1);
  ASSERT_TRUE(tight);
  EXPECT_FALSE(tight->rolled_up.empty());
  auto impossible = BuildRevocationPolicy(denies, kNow, 50);
  ASSERT_FALSE(impossible);
  EXPECT_NE(impossible.error().message.find("leave 50 of IAM's 10240 characters"),
            std::string::npos)
      << impossible.error().message;
}

TEST(RevocationPolicy, ReadBackGivesTheSameDenies) {
  std::vector<RoleDeny> denies = {Session("abc", kNow + 300ms, kNow + 1h),
                                  Caller("rev1", "alice@example.com", kNow + 2s, kNow + 2h)};
  auto policy = BuildRevocationPolicy(denies, kNow, kRoleInlinePolicyBudget);
  ASSERT_TRUE(policy);
  auto parsed = ParseRevocationPolicy(policy->document);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, policy->statements);
  auto again = BuildRevocationPolicy(*parsed, kNow, kRoleInlinePolicyBudget);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->document, policy->document);
}

TEST(RevocationPolicy, APolicyAudexDidNotWriteIsRefused) {
  auto parsed = ParseRevocationPolicy(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Deny","Action":"*","Resource":"*"}]})");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("\"Mine\""), std::string::npos);
  EXPECT_FALSE(ParseRevocationPolicy("not json"));
}

TEST(RevocationPolicy, SourceIdentityIsFittedToSts) {
  EXPECT_EQ(SourceIdentityFor("ci-deploy"), "ci-deploy");
  EXPECT_EQ(SourceIdentityFor("repo:org/app"), "repo-org-app");
  EXPECT_EQ(SourceIdentityFor("aws:me"), "c-aws-me");
  EXPECT_EQ(SourceIdentityFor("x"), "x-");
  EXPECT_EQ(SourceIdentityFor(std::string(100, 'a')).size(), 64u);
}

TEST(RevocationPolicy, EventsSayWhoWhyAndWhatWasAttached) {
  RevocationAudit audit{"rev1",
                        "alice",
                        "laptop stolen",
                        "grant",
                        {"g1"},
                        std::nullopt,
                        "arn:aws:iam::123456789012:role/r"};
  const AuditEvent revoked = RevokedEvent(audit);
  EXPECT_EQ(revoked.name, "grant_revoked");
  EXPECT_EQ(revoked.fields["caller"], "alice");
  EXPECT_EQ(revoked.fields["reason"], "laptop stolen");
  EXPECT_EQ(revoked.fields["covered"], Json::array({"g1"}));
  const AuditEvent attached =
      RevocationAttachedEvent(audit, kRevocationPolicyName, "{stmt}", "{doc}");
  EXPECT_EQ(attached.name, "revocation_attached");
  EXPECT_EQ(attached.fields["policy_name"], "AudexRevocations");
  EXPECT_EQ(attached.fields["statement"], "{stmt}");
  EXPECT_EQ(attached.fields["policy"], "{doc}");
}

// The rollup property: whatever the revoked sessions and callers, and
// however little room the role's other policies leave, the policy never
// exceeds the budget and every deny that is still live stays covered —
// by its own statement, or by the rollup of sessions issued no later.
RC_GTEST_PROP(RevocationPolicyProperty, NeverExceedsTheBudgetAndCoversEveryLiveDeny, ()) {
  const int count = *rc::gen::inRange(0, 400);
  std::vector<RoleDeny> denies;
  for (int i = 0; i < count; ++i) {
    const auto issued = kNow - std::chrono::seconds(*rc::gen::inRange(0, 43200));
    const auto removable = issued + std::chrono::seconds(*rc::gen::inRange(1, 43200));
    const std::string id = fmt::format("r{}", i);
    if (*rc::gen::inRange(0, 5) == 0) {
      denies.push_back(
          Caller(id, fmt::format("caller-{}", *rc::gen::inRange(0, 30)), issued, removable));
    } else {
      denies.push_back(Session(id, issued, removable));
    }
  }
  const size_t budget = *rc::gen::inRange<size_t>(400, kRoleInlinePolicyBudget + 1);
  auto policy = BuildRevocationPolicy(denies, kNow, budget);
  RC_ASSERT(policy.has_value());
  RC_ASSERT(PolicySize(policy->document) <= budget);
  const Denied denied =
      count == 0 || policy->document.empty() ? Denied{} : Evaluate(policy->document);
  for (const RoleDeny& deny : denies) {
    const bool live = deny.removable_after > kNow;
    const auto covering = CoveringStatement(*policy, deny);
    if (!live) continue;
    RC_ASSERT(covering.has_value());
    const std::string before =
        FormatRfc3339(std::chrono::ceil<std::chrono::seconds>(deny.issued_before));
    const bool own =
        deny.kind == DenyKind::kSession
            ? std::find(denied.user_ids.begin(), denied.user_ids.end(), deny.user_id) !=
                  denied.user_ids.end()
            : std::find(denied.callers.begin(), denied.callers.end(),
                        std::make_pair(deny.source_identity, before)) != denied.callers.end();
    // RFC 3339 UTC with whole seconds compares as text.
    const bool rolled = denied.older_than && before <= *denied.older_than;
    RC_ASSERT(own || rolled);
  }
}

}  // namespace
}  // namespace audex
