// Approvals, break-glass, the webhook and audited server-policy changes on
// the team server (issue 17 item 3; server/team/approvals.cc): a real
// SQLite store, a scripted STS whose record shows when AssumeRole is
// called, a clock the tests move, and a recording webhook receiver.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "adapters/config/server_toml.h"
#include "core/base/rfc3339.h"
#include "core/team/approval_notice.h"
#include "core/team/approval_rules.h"
#include "core/wire/url.h"
#include "team_server_fixture.h"

namespace audex {
namespace {

using Json = nlohmann::json;

std::string FormField(const std::string& body, const std::string& name) {
  size_t at = 0;
  while ((at = body.find(name + "=", at)) != std::string::npos) {
    if (at == 0 || body[at - 1] == '&') {
      const size_t start = at + name.size() + 1;
      const size_t end = body.find('&', start);
      return PercentDecode(body.substr(start, end == std::string::npos ? end : end - start));
    }
    at += name.size();
  }
  return "";
}

class TeamApprovalsTest : public TeamServerFixture {
 protected:
  void Configure(ServerConfig& config) override {
    ServerRule prod;
    prod.name = "prod";
    prod.actions = {"s3:*"};
    prod.max_ttl = std::chrono::hours(1);
    ApprovalSetting approval;
    approval.approvals = 2;
    approval.groups = {"sec", "platform"};
    approval.pending_ttl = std::chrono::hours(1);
    approval.window = std::chrono::minutes(30);
    approval.break_glass = true;
    prod.approval = approval;
    config.policy.rules.push_back(prod);
    ServerRule ci;  // no approval: issued at once
    ci.name = "ci";
    ci.actions = {"s3:Get*"};
    config.policy.rules.push_back(ci);
    ServerRule ops;
    ops.name = "ops";
    ops.actions = {"*"};
    ops.admin = true;
    config.policy.rules.push_back(ops);
    config.webhook = WebhookConfig{kFixtureWebhook, std::chrono::seconds(5), 2};
    config.policy_text = "[policies.prod]\nactions = [\"s3:*\"]\n";
  }

  void SetUp() override {
    TeamServerFixture::SetUp();
    requester_ = MakeToken("dev", "prod", {"sec"});  // in sec, still never their own approver
    alice_ = MakeToken("alice", "ci", {"sec"});
    bob_ = MakeToken("bob", "ci", {"platform"});
    carol_ = MakeToken("carol", "ci", {"finance"});
    admin_ = MakeToken("root", "ops");
    ci_ = MakeToken("ci-deploy", "ci");
  }

  Json Ask(const std::string& body, int expected = 202) {
    const ApiResponse response = Call("POST", "/v1/grants", body, requester_);
    EXPECT_EQ(response.status, expected) << response.body;
    return Json::parse(response.body);
  }

  ApiResponse Decide(const std::string& id, const std::string& action, const std::string& token,
                     const std::string& reason = "") {
    return Call("POST", "/v1/requests/" + id + ":" + action,
                reason.empty() ? "" : Json{{"reason", reason}}.dump(), token);
  }

  static std::string RuleOf(const ApiResponse& response) {
    return Json::parse(response.body)["error"].value("rule", "");
  }

  std::string requester_, alice_, bob_, carol_, admin_, ci_;
};

TEST_F(TeamApprovalsTest, ARiskyGrantAnswers202AndNothingIsAskedOfStsWhileItWaits) {
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"20m","reason":"hotfix"})");
  EXPECT_EQ(reply["status"], "pending_approval");
  const std::string request = reply["request_id"];
  const std::string grant = reply["grant_id"];
  EXPECT_TRUE(IsSessionId(request));
  EXPECT_NE(request, grant);
  EXPECT_EQ(reply["required_approvals"], 2);
  EXPECT_EQ(reply["approver_groups"], (Json{"sec", "platform"}));
  EXPECT_EQ(reply["expires_at"], FormatRfc3339(now_ + std::chrono::hours(1)));
  EXPECT_FALSE(reply.contains("AccessKeyId"));
  EXPECT_EQ(StsCalls(), 0u);

  auto stored = store_->GetGrant(grant);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, GrantStatus::kPendingApproval);
  EXPECT_EQ((*stored)->approval_request_id, request);
  auto pending = store_->GetApprovalRequest(request);
  ASSERT_TRUE(pending && *pending);
  EXPECT_EQ((*pending)->status, ApprovalStatus::kPending);
  EXPECT_EQ((*pending)->requester, "dev");

  // The requester's fetch waits (202), still with no STS call.
  const ApiResponse waiting = Credentials(grant, reply["credentials_token"]);
  EXPECT_EQ(waiting.status, 202) << waiting.body;
  EXPECT_EQ(Json::parse(waiting.body)["approvals"], 0);
  EXPECT_EQ(StsCalls(), 0u);
  const auto events = Events();
  EXPECT_EQ(std::vector<std::string>(events.end() - 2, events.end()),
            (std::vector<std::string>{"grant_requested", "request_created"}));
}

TEST_F(TeamApprovalsTest, TwoDistinctApproversNeitherTheRequesterIssueItWithTheTtlFromApproval) {
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"20m","reason":"hotfix"})");
  const std::string id = reply["request_id"];
  const std::string grant = reply["grant_id"];

  // The requester is in sec, and still may not approve.
  ApiResponse self = Decide(id, "approve", requester_);
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(RuleOf(self), "policies.prod.approval.self");
  // Not in a named group.
  ApiResponse outsider = Decide(id, "approve", carol_);
  EXPECT_EQ(outsider.status, 403);
  EXPECT_EQ(RuleOf(outsider), "policies.prod.approval.groups");

  now_ += std::chrono::minutes(10);
  ApiResponse first = Decide(id, "approve", alice_, "looks right");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Json::parse(first.body)["status"], "pending");
  EXPECT_EQ(StsCalls(), 0u);
  // The same approver twice counts once.
  ApiResponse again = Decide(id, "approve", alice_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(RuleOf(again), "policies.prod.approval.once");
  EXPECT_EQ(StsCalls(), 0u);

  now_ += std::chrono::minutes(10);
  const TimePoint approved_at = now_;
  sts_.script.push_back(AssumedReply("ASIAAPPROVED00000001", "2026-01-01T12:40:00Z"));
  ApiResponse second = Decide(id, "approve", bob_, "ok");
  ASSERT_EQ(second.status, 200) << second.body;
  const Json decided = Json::parse(second.body);
  EXPECT_EQ(decided["status"], "approved");
  EXPECT_EQ(decided["approvals"].size(), 2u);
  EXPECT_EQ(decided["grant"]["status"], "issued");
  EXPECT_EQ(decided["grant"]["issued_at"], FormatRfc3339(approved_at));
  EXPECT_EQ(decided.dump().find("SECRET-"), std::string::npos);
  ASSERT_EQ(StsCalls(), 1u);
  const std::string& form = sts_.sent[0].body;
  EXPECT_EQ(FormField(form, "DurationSeconds"), "1200");
  EXPECT_EQ(FormField(form, "RoleSessionName"), "audex-" + grant);
  EXPECT_EQ(FormField(form, "SourceIdentity"), "dev");

  // The requester's fetch now gets the credentials, without a second STS
  // call; their life counts from the approval.
  const ApiResponse fetched = Credentials(grant, reply["credentials_token"]);
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(Json::parse(fetched.body)["AccessKeyId"], "ASIAAPPROVED00000001");
  EXPECT_EQ(StsCalls(), 1u);
  auto stored = store_->GetGrant(grant);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->issued_at, approved_at);
  EXPECT_EQ((*stored)->ttl, std::chrono::minutes(20));

  const auto events = Events();
  const std::vector<std::string> tail(events.end() - 5, events.end());
  // The refused tries (the requester's, a stranger's, alice's second) are
  // audited too.
  EXPECT_EQ(tail, (std::vector<std::string>{"approval_refused", "approval_added",
                                            "request_approved", "grant_approved", "grant_issued"}));
  EXPECT_EQ(std::count(events.begin(), events.end(), "approval_refused"), 3);
  // Who and why are in the chain.
  bool found = false;
  for (const AuditLine& line : Lines()) {
    if (line.event.name == "request_approved") {
      found = true;
      EXPECT_EQ(line.event.fields["approver"], "bob");
      EXPECT_EQ(line.event.fields["reason"], "ok");
      EXPECT_EQ(line.event.fields["approvers"], (Json{"alice", "bob"}));
    }
  }
  EXPECT_TRUE(found);
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->has_value());
}

// While the last approval's AssumeRole is under way, the requester polling
// the credentials endpoint is told to poll on (202 issuing, Retry-After),
// not refused: the STS reply below asks the endpoint from inside the call.
TEST_F(TeamApprovalsTest, TheRequesterPollingWhileStsIsAskedIsToldToWait) {
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"20m","reason":"hotfix"})");
  const std::string id = reply["request_id"];
  const std::string grant = reply["grant_id"];
  const std::string token = reply["credentials_token"];
  ASSERT_EQ(Decide(id, "approve", alice_).status, 200);

  std::optional<ApiResponse> during;
  sts_.fallback = [&](const HttpRequest&) -> HttpResult {
    during = Credentials(grant, token);
    return AssumedReply("ASIAAPPROVED00000002", "2026-01-01T12:40:00Z");
  };
  ASSERT_EQ(Decide(id, "approve", bob_).status, 200);
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(during->status, 202) << during->body;
  EXPECT_EQ(during->headers["Retry-After"], "2");
  const Json waiting = Json::parse(during->body);
  EXPECT_EQ(waiting["status"], "issuing");
  EXPECT_EQ(waiting["request_id"], id);
  EXPECT_EQ(waiting["grant_id"], grant);
  EXPECT_EQ(during->body.find("ASIA"), std::string::npos);

  // And once STS has answered, the same poll gets the credentials.
  const ApiResponse after = Credentials(grant, token);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(Json::parse(after.body)["AccessKeyId"], "ASIAAPPROVED00000002");
  EXPECT_EQ(StsCalls(), 1u);
}

TEST_F(TeamApprovalsTest, TheApprovalWindowCapsTheTtl) {
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"1h"})");
  EXPECT_EQ(reply["ttl_seconds"], 1800);
  EXPECT_EQ(reply["ttl_cap"]["by"], "approval_window");
  EXPECT_EQ(reply["ttl_cap"]["capped"], true);
  EXPECT_EQ(reply["ttl_cap"]["window_seconds"], 1800);
}

TEST_F(TeamApprovalsTest, ADenialEndsTheRequestAndItsGrant) {
  const Json reply = Ask(R"({"allow":"s3:DeleteObject","ttl":"15m"})");
  const std::string id = reply["request_id"];
  EXPECT_EQ(Decide(id, "deny", alice_).status, 400);  // a denial needs a reason
  ApiResponse denied = Decide(id, "deny", alice_, "not during the freeze");
  ASSERT_EQ(denied.status, 200) << denied.body;
  const Json body = Json::parse(denied.body);
  EXPECT_EQ(body["status"], "denied");
  EXPECT_EQ(body["decided_by"], "alice");
  EXPECT_EQ(body["grant"]["status"], "denied");
  ApiResponse late = Decide(id, "approve", bob_);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(RuleOf(late), "policies.prod.approval.status");
  const ApiResponse fetched = Credentials(reply["grant_id"], reply["credentials_token"]);
  EXPECT_EQ(fetched.status, 403);
  EXPECT_NE(fetched.body.find("not during the freeze"), std::string::npos);
  EXPECT_EQ(StsCalls(), 0u);
  const auto events = Events();
  EXPECT_EQ(std::vector<std::string>(events.end() - 3, events.end()),
            (std::vector<std::string>{"request_denied", "grant_denied", "approval_refused"}));
}

TEST_F(TeamApprovalsTest, APendingRequestExpiresAndIsRefusedClearly) {
  const Json lazy = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  const Json swept = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  ASSERT_EQ(Decide(lazy["request_id"], "approve", alice_).status, 200);
  now_ += std::chrono::hours(1) + std::chrono::seconds(1);

  // Found expired by the next approval.
  ApiResponse late = Decide(lazy["request_id"], "approve", bob_);
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(RuleOf(late), "policies.prod.approval.pending_ttl");
  auto request = store_->GetApprovalRequest(lazy["request_id"].get<std::string>());
  ASSERT_TRUE(request && *request);
  EXPECT_EQ((*request)->status, ApprovalStatus::kExpired);
  auto grant = store_->GetGrant(lazy["grant_id"].get<std::string>());
  ASSERT_TRUE(grant && *grant);
  EXPECT_EQ((*grant)->status, GrantStatus::kExpired);
  EXPECT_EQ(Credentials(lazy["grant_id"], lazy["credentials_token"]).status, 403);

  // Found by the janitor.
  server_->ExpireApprovalRequests();
  auto other = store_->GetApprovalRequest(swept["request_id"].get<std::string>());
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->status, ApprovalStatus::kExpired);
  EXPECT_EQ((*other)->decided_by, "janitor");
  size_t expired = 0;
  for (const std::string& name : Events()) expired += name == "request_expired" ? 1 : 0;
  EXPECT_EQ(expired, 2u);
  EXPECT_EQ(StsCalls(), 0u);
}

TEST_F(TeamApprovalsTest, RequestsAreListedForTheirRequesterTheirApproversAndAdminsOnly) {
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  const auto count = [&](const std::string& token, std::map<std::string, std::string> query = {}) {
    const ApiResponse listed = Call("GET", "/v1/requests", "", token, std::move(query));
    EXPECT_EQ(listed.status, 200) << listed.body;
    return Json::parse(listed.body)["requests"].size();
  };
  EXPECT_EQ(count(requester_), 1u);
  EXPECT_EQ(count(alice_), 1u);
  EXPECT_EQ(count(admin_), 1u);
  EXPECT_EQ(count(carol_), 0u);
  EXPECT_EQ(count(alice_, {{"status", "pending"}}), 1u);
  EXPECT_EQ(count(alice_, {{"status", "approved"}}), 0u);
  EXPECT_EQ(Call("GET", "/v1/requests", "", alice_, {{"status", "bogus"}}).status, 400);
  EXPECT_EQ(
      Call("GET", "/v1/requests/" + reply["request_id"].get<std::string>(), "", carol_).status,
      404);
  const ApiResponse shown =
      Call("GET", "/v1/requests/" + reply["request_id"].get<std::string>(), "", bob_);
  ASSERT_EQ(shown.status, 200);
  const Json request = Json::parse(shown.body);
  EXPECT_EQ(request["grant"]["actions"], (Json{"s3:PutObject"}));
  EXPECT_EQ(request["grant"]["requested_actions"], (Json{"s3:PutObject"}));
  // The approver sees the exact policy the grant's own record holds.
  const ApiResponse grant =
      Call("GET", "/v1/grants/" + request["grant_id"].get<std::string>(), "", requester_);
  ASSERT_EQ(grant.status, 200) << grant.body;
  ASSERT_TRUE(request["grant"]["policy"].is_object()) << shown.body;
  EXPECT_EQ(request["grant"]["policy"], Json::parse(grant.body)["policy"]);
  EXPECT_EQ(request["grant"]["policy"]["Statement"][0]["Action"], "s3:PutObject");
  EXPECT_EQ(Call("POST", "/v1/requests/nope:approve", "", alice_).status, 404);
  EXPECT_EQ(Call("POST", "/v1/requests/x:frobnicate", "", alice_).status, 404);
}

TEST_F(TeamApprovalsTest, BreakGlassIssuesAtOnceRecordedForReviewAndIsReviewedByAnother) {
  // Not where the rule does not allow it, and never without a reason.
  const ApiResponse refused = Call(
      "POST", "/v1/grants", R"({"allow":"s3:GetObject","break_glass":true,"reason":"x"})", ci_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(RuleOf(refused), "policies.ci.approval.break_glass");
  const ApiResponse reasonless =
      Call("POST", "/v1/grants", R"({"allow":"s3:PutObject","break_glass":true})", requester_);
  EXPECT_EQ(reasonless.status, 400);
  EXPECT_EQ(RuleOf(reasonless), "policies.prod.approval.break_glass");
  EXPECT_EQ(StsCalls(), 0u);

  sts_.script.push_back(AssumedReply("ASIABREAKGLASS000001"));
  const Json issued = Ask(
      R"({"allow":"s3:PutObject","ttl":"15m","break_glass":true,"reason":"prod is down"})", 201);
  EXPECT_EQ(issued["AccessKeyId"], "ASIABREAKGLASS000001");
  EXPECT_EQ(StsCalls(), 1u);
  const std::string id = issued["break_glass"]["request_id"];
  const auto events = Events();
  EXPECT_EQ(std::vector<std::string>(events.end() - 3, events.end()),
            (std::vector<std::string>{"grant_requested", "break_glass_issued", "grant_issued"}));
  bool warned = false;
  {
    std::lock_guard lock(mutex_);
    for (const Json& line : logs_) {
      warned |= line.value("level", "") == "warning" && line.value("request_id", "") == id;
    }
  }
  EXPECT_TRUE(warned);

  const auto review_list = [&] {
    const ApiResponse listed = Call("GET", "/v1/requests", "", alice_, {{"status", "review"}});
    EXPECT_EQ(listed.status, 200);
    return Json::parse(listed.body)["requests"];
  };
  ASSERT_EQ(review_list().size(), 1u);
  EXPECT_EQ(review_list()[0]["request_id"], id);
  EXPECT_EQ(review_list()[0]["break_glass"], true);

  ApiResponse own = Decide(id, "review", requester_, "I fixed it");
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(RuleOf(own), "policies.prod.approval.self");
  EXPECT_EQ(Decide(id, "review", alice_).status, 400);  // a review needs a reason
  ApiResponse reviewed = Decide(id, "review", alice_, "justified: incident 42");
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_EQ(Json::parse(reviewed.body)["reviewed_by"], "alice");
  EXPECT_TRUE(review_list().empty());
  ApiResponse twice = Decide(id, "review", bob_, "again");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(RuleOf(twice), "policies.prod.approval.review");
  const auto after_review = Events();
  EXPECT_EQ(std::vector<std::string>(after_review.end() - 2, after_review.end()),
            (std::vector<std::string>{"break_glass_reviewed", "approval_refused"}));
}

TEST_F(TeamApprovalsTest, TheWebhookHearsEachEventInSlackShapeAndNeverASecret) {
  const Json approved = Ask(R"({"allow":"s3:PutObject","ttl":"15m","reason":"<!channel> & co"})");
  ASSERT_EQ(Decide(approved["request_id"], "approve", alice_, "fine").status, 200);
  sts_.script.push_back(AssumedReply("ASIAHOOKED0000000001"));
  ASSERT_EQ(Decide(approved["request_id"], "approve", bob_, "fine").status, 200);
  const Json denied = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  ASSERT_EQ(Decide(denied["request_id"], "deny", alice_, "no").status, 200);
  sts_.script.push_back(AssumedReply("ASIAHOOKED0000000002"));
  Ask(R"({"allow":"s3:PutObject","ttl":"15m","break_glass":true,"reason":"down"})", 201);
  const Json expiring = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  now_ += std::chrono::hours(2);
  server_->ExpireApprovalRequests();

  std::vector<std::string> seen;
  for (const Json& body : Hooks()) {
    ASSERT_TRUE(body["text"].is_string());
    ASSERT_TRUE(body["blocks"].is_array());
    for (const Json& block : body["blocks"]) {
      EXPECT_TRUE(block["type"] == "section" || block["type"] == "context");
    }
    EXPECT_EQ(body.dump().find("SECRET-"), std::string::npos);
    EXPECT_EQ(body.dump().find("TOKEN-"), std::string::npos);
    EXPECT_EQ(body.dump().find(approved["credentials_token"].get<std::string>()),
              std::string::npos);
    // A requester's text cannot ping the channel.
    EXPECT_EQ(body.dump().find("<!channel>"), std::string::npos);
    seen.push_back(body["audex"]["event"]);
  }
  for (const char* event : {"request_created", "approval_added", "request_approved",
                            "request_denied", "break_glass_issued", "request_expired"}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), event), seen.end()) << event;
  }
  // The URL's path is the secret: never in a log line.
  std::lock_guard lock(mutex_);
  for (const Json& line : logs_) EXPECT_EQ(line.dump().find("SECRETPATH"), std::string::npos);
}

TEST_F(TeamApprovalsTest, AFailingWebhookNeverHoldsUpAGrantAndIsCounted) {
  hook_status_ = 500;
  const Json reply = Ask(R"({"allow":"s3:PutObject","ttl":"15m"})");
  EXPECT_EQ(reply["status"], "pending_approval");
  EXPECT_EQ(Hooks().size(), 2u);  // two attempts (attempts = 2)
  const std::string metrics = server_->metrics().Render();
  EXPECT_NE(metrics.find("audex_webhook_notices_total{outcome=\"failed\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("audex_webhook_notices_total{outcome=\"attempt_failed\"} 2"),
            std::string::npos);
  bool logged = false;
  std::lock_guard lock(mutex_);
  for (const Json& line : logs_) {
    logged |= line.value("msg", "").find("webhook delivery failed") != std::string::npos &&
              line.value("webhook", "") == "http://hooks.test";
  }
  EXPECT_TRUE(logged);
}

TEST_F(TeamApprovalsTest, AChangedServerPolicyIsAuditedWithTheOldAndNewText) {
  auto first = server_->RecordServerPolicy("start");
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto same = server_->RecordServerPolicy("start");
  ASSERT_TRUE(same);
  EXPECT_FALSE(*same);
  ServerConfig changed = config_;
  changed.policy_text = "[policies.prod]\nactions = [\"s3:*\", \"ec2:*\"]\n";
  server_->Reload(changed);
  auto reloaded = server_->RecordServerPolicy("reload");
  ASSERT_TRUE(reloaded);
  EXPECT_TRUE(*reloaded);
  std::vector<Json> changes;
  for (const AuditLine& line : Lines()) {
    if (line.event.name == "server_policy_changed") changes.push_back(line.event.fields);
  }
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[0]["old_text"].is_null());
  EXPECT_EQ(changes[1]["old_text"], config_.policy_text);
  EXPECT_EQ(changes[1]["new_text"], changed.policy_text);
  EXPECT_EQ(changes[1]["trigger"], "reload");
}

// ------------------------------------------------------------ pure parts

TEST(ApprovalRulesTest, ServerPolicyTextLeavesOutEverySecretLikeValue) {
  const std::string text = ServerPolicyText(
      "store = \"postgresql://audex:hunter2@db/audex\"\n"
      "[webhook]\nurl = \"https://hooks.slack.com/services/T/B/XYZ\"\n"
      "[policies.prod]\nactions = [\"s3:*\"]\nclient_secret = \"abc\"\n");
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("XYZ"), std::string::npos);
  EXPECT_EQ(text.find("abc"), std::string::npos);
  EXPECT_NE(text.find("actions = [\"s3:*\"]"), std::string::npos);
  EXPECT_NE(text.find("store = \"(left out)\""), std::string::npos);
}

TEST(ApprovalRulesTest, SlackMessagesEscapeMarkup) {
  ApprovalRequest request;
  request.id = "r1";
  request.requester = "<@U123> & friends";
  request.rule = "policies.prod";
  request.required_approvals = 1;
  request.approver_groups = {"sec"};
  const Json message = SlackMessage(
      ApprovalNotice{NoticeKind::kRequested, &request, nullptr, request.requester, ""});
  // What Slack renders (text, blocks) is escaped; the "audex" member is
  // data for other receivers, which Slack ignores.
  EXPECT_EQ(message["text"].dump().find("<@U123>"), std::string::npos);
  EXPECT_EQ(message["blocks"].dump().find("<@U123>"), std::string::npos);
  EXPECT_EQ(message["audex"]["requester"], "<@U123> & friends");
  EXPECT_NE(message["text"].get<std::string>().find("&lt;@U123&gt; &amp; friends"),
            std::string::npos);
}

TEST(ApprovalRulesTest, ServerTomlReadsApprovalAndWebhook) {
  std::vector<std::string> warnings;
  auto config = ParseServerToml(
      "store = \"sqlite:///tmp/x.db\"\nstate_dir = \"/tmp\"\n"
      "[webhook]\nurl = \"https://hooks.example/services/x\"\nattempts = 3\n"
      "[policies.prod]\nactions = [\"s3:*\"]\n"
      "approval = { approvals = 2, groups = [\"sec\", \"platform\"], pending_ttl = \"30m\", "
      "window = \"1h\", break_glass = true }\n",
      "server.toml", "/tmp", &warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(warnings.empty());
  const ServerRule* prod = config->policy.Find("prod");
  ASSERT_NE(prod, nullptr);
  ASSERT_TRUE(prod->approval);
  EXPECT_EQ(prod->approval->approvals, 2);
  EXPECT_EQ(prod->approval->groups, (std::vector<std::string>{"sec", "platform"}));
  EXPECT_EQ(prod->approval->pending_ttl, std::chrono::minutes(30));
  EXPECT_EQ(prod->approval->window, std::chrono::hours(1));
  EXPECT_TRUE(prod->approval->break_glass);
  ASSERT_TRUE(config->webhook);
  EXPECT_EQ(config->webhook->attempts, 3);
  EXPECT_EQ(config->policy_text.find("hooks.example"), std::string::npos);

  auto no_groups = ParseServerToml(
      "store = \"x.db\"\nstate_dir = \"/tmp\"\n[policies.prod]\napproval = { approvals = 1 }\n",
      "server.toml", "/tmp", &warnings);
  ASSERT_FALSE(no_groups);
  EXPECT_NE(no_groups.error().message.find("policies.prod.approval names no groups"),
            std::string::npos)
      << no_groups.error().message;
  auto short_window = ParseServerToml(
      "store = \"x.db\"\nstate_dir = \"/tmp\"\n[policies.prod]\napproval = { groups = [\"a\"], "
      "window = \"5m\" }\n",
      "server.toml", "/tmp", &warnings);
  ASSERT_FALSE(short_window);
  EXPECT_NE(short_window.error().message.find("15m or more"), std::string::npos);
}

}  // namespace
}  // namespace audex
