// DashboardApi as a handler, without a socket: the one-time login, the
// cookie, the Host check, read-only methods, the security headers, and the
// API over a state directory written by the real stores.
#include "server/dashboard/dashboard_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "core/base/env.h"
#include "core/base/rfc3339.h"
#include "server/dashboard/dashboard_assets.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

constexpr int kPort = 40123;
const char* const kToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class DashboardApiTest : public ::testing::Test {
 protected:
  DashboardApiTest() : api_(MakeWorld(), SecretString(kToken)) { api_.SetPort(kPort); }

  World MakeWorld() {
    World world;
    world.environment = {{"AUDEX_HOME", home_.path().string()}};
    world.env = LookupIn(world.environment);
    world.paths.config_dir = home_.path();
    world.paths.state_dir = home_.path();
    world.clock = [] { return std::chrono::system_clock::time_point(std::chrono::hours(500000)); };
    world.random = [this](size_t count) -> Result<std::string> {
      return std::string(count, static_cast<char>(++random_calls_));
    };
    world.notify = [](NoticeLevel, const std::string&) {};
    return world;
  }

  static WebRequest Get(std::string path, std::string cookie = "") {
    WebRequest request;
    request.method = "GET";
    const size_t question = path.find('?');
    if (question != std::string::npos) {
      const std::string query = path.substr(question + 1);
      const size_t equals = query.find('=');
      request.query.emplace(query.substr(0, equals), query.substr(equals + 1));
      path.resize(question);
    }
    request.path = path;
    request.headers["host"] = "127.0.0.1:" + std::to_string(kPort);
    if (!cookie.empty()) request.headers["cookie"] = "other=1; " + cookie;
    return request;
  }

  static std::string Header(const WebResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  // Logs in with the token and returns "audex_dashboard=VALUE".
  std::string Login() {
    const WebResponse response = api_.Handle(Get(std::string("/login?token=") + kToken));
    EXPECT_EQ(response.status, 303);
    const std::string set_cookie = Header(response, "Set-Cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  TempDir home_;
  int random_calls_ = 0;
  DashboardApi api_;
};

TEST_F(DashboardApiTest, NothingIsServedWithoutTheLogin) {
  EXPECT_EQ(api_.Handle(Get("/")).status, 401);
  EXPECT_EQ(api_.Handle(Get("/api/v1/sessions")).status, 401);
  EXPECT_EQ(api_.Handle(Get("/assets/app.js")).status, 401);
  EXPECT_EQ(api_.Handle(Get("/api/v1/sessions", "audex_dashboard=guess")).status, 401);
}

TEST_F(DashboardApiTest, TheTokenWorksOnceAndGivesAStrictCookie) {
  EXPECT_EQ(api_.Handle(Get("/login?token=wrong")).status, 403);
  const WebResponse first = api_.Handle(Get(std::string("/login?token=") + kToken));
  ASSERT_EQ(first.status, 303);
  EXPECT_EQ(Header(first, "Location"), "/");
  const std::string set_cookie = Header(first, "Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set_cookie.find(kToken), std::string::npos);
  EXPECT_EQ(api_.Handle(Get(std::string("/login?token=") + kToken)).status, 403);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_EQ(api_.Handle(Get("/", cookie)).status, 200);
}

TEST_F(DashboardApiTest, OnlyLoopbackHostsAndReadingMethods) {
  const std::string cookie = Login();
  WebRequest rebound = Get("/api/v1/sessions", cookie);
  rebound.headers["host"] = "attacker.example:" + std::to_string(kPort);
  EXPECT_EQ(api_.Handle(rebound).status, 421);
  WebRequest other_port = Get("/api/v1/sessions", cookie);
  other_port.headers["host"] = "127.0.0.1:1";
  EXPECT_EQ(api_.Handle(other_port).status, 421);
  WebRequest localhost = Get("/api/v1/sessions", cookie);
  localhost.headers["host"] = "localhost:" + std::to_string(kPort);
  EXPECT_EQ(api_.Handle(localhost).status, 200);
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    WebRequest changing = Get("/api/v1/sessions", cookie);
    changing.method = method;
    EXPECT_EQ(api_.Handle(changing).status, 405) << method;
  }
}

TEST_F(DashboardApiTest, EveryReplyCarriesTheSecurityHeaders) {
  const std::string cookie = Login();
  for (const WebResponse& response :
       {api_.Handle(Get("/")), api_.Handle(Get("/", cookie)),
        api_.Handle(Get("/api/v1/sessions", cookie)), api_.Handle(Get("/nothing", cookie))}) {
    const std::string csp = Header(response, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(Header(response, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(DashboardApiTest, ThePageIsEmbedded) {
  const std::string cookie = Login();
  const WebResponse page = api_.Handle(Get("/", cookie));
  // Relative, so that the same page works at / and at the team server's /ui/.
  EXPECT_NE(page.body.find("\"assets/app.js\""), std::string::npos);
  EXPECT_NE(page.body.find("\"assets/vendor/chart.umd.js\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);  // no inline script
  const WebResponse library = api_.Handle(Get("/assets/vendor/preact-htm.js", cookie));
  EXPECT_EQ(library.status, 200);
  EXPECT_GT(library.body.size(), 1000u);
  EXPECT_EQ(Header(library, "Content-Type"), "text/javascript; charset=utf-8");
  const WebResponse charts = api_.Handle(Get("/assets/vendor/chart.umd.js", cookie));
  EXPECT_EQ(charts.status, 200);
  EXPECT_NE(charts.body.find("Chart.js"), std::string::npos);
}

TEST_F(DashboardApiTest, AuditPagesAndVerification) {
  AuditLog log(home_.path());
  for (int i = 0; i < 5; ++i) {
    AuditEvent event;
    event.session_id = "s" + std::to_string(i);
    event.name = i % 2 == 0 ? "session_created" : "session_ended";
    ASSERT_TRUE(log.Append(event));
  }
  const std::string cookie = Login();
  auto page = nlohmann::json::parse(api_.Handle(Get("/api/v1/audit?limit=2", cookie)).body);
  ASSERT_EQ(page["events"].size(), 2u);
  EXPECT_EQ(page["next_after"], 2);
  EXPECT_EQ(page["verification"]["intact"], true);
  EXPECT_EQ(page["verification"]["events"], 5);
  auto rest = nlohmann::json::parse(api_.Handle(Get("/api/v1/audit?after=4", cookie)).body);
  ASSERT_EQ(rest["events"].size(), 1u);
  EXPECT_EQ(rest["events"][0]["session_id"], "s4");
  EXPECT_TRUE(rest["next_after"].is_null());
  auto ended =
      nlohmann::json::parse(api_.Handle(Get("/api/v1/audit?event=session_ended", cookie)).body);
  EXPECT_EQ(ended["events"].size(), 2u);
  EXPECT_EQ(api_.Handle(Get("/api/v1/audit?limit=0", cookie)).status, 400);
  const WebResponse csv = api_.Handle(Get("/api/v1/audit/export?format=csv", cookie));
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")), "line,seq,ts,session_id,event,fields");
}

TEST_F(DashboardApiTest, ExplainIsTheDryRunPlan) {
  const std::string cookie = Login();
  auto reply = nlohmann::json::parse(
      api_.Handle(Get("/api/v1/policies/explain?allow=s3:GetObject", cookie)).body);
  ASSERT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_EQ(reply["plan"]["actions"][0]["action"], "s3:GetObject");
  EXPECT_EQ(reply["policy_size"], reply["policy_document"].get<std::string>().size());
  EXPECT_EQ(reply["policy_limit"], 2048);
  auto wrong = nlohmann::json::parse(
      api_.Handle(Get("/api/v1/policies/explain?allow=s3:NoSuchThing", cookie)).body);
  EXPECT_EQ(wrong["ok"], false);
  EXPECT_FALSE(wrong["error"].get<std::string>().empty());
}

TEST_F(DashboardApiTest, SessionsWithFilters) {
  const TimePoint base = std::chrono::system_clock::time_point(std::chrono::hours(499990));
  const SessionStore store(home_.path());
  SessionRecord aws;
  aws.id = "aaaaaaaaaaaaaaaa";
  aws.created = base;
  aws.expires = base + std::chrono::hours(1);
  aws.profile = "s3-readonly";
  aws.policy = R"({"Version":"2012-10-17","Statement":[]})";
  MarkEnded(aws, 0, std::nullopt, base + std::chrono::minutes(1));
  ASSERT_TRUE(store.Save(aws));
  SessionRecord gcp;
  gcp.id = "bbbbbbbbbbbbbbbb";
  gcp.created = base + std::chrono::hours(2);
  gcp.expires = base + std::chrono::hours(3);
  gcp.provider = Provider::kGcp;
  MarkFailed(gcp, "refused", base + std::chrono::hours(2));
  ASSERT_TRUE(store.Save(gcp));
  const std::string cookie = Login();
  const auto ids = [&](const std::string& path) {
    const WebResponse response = api_.Handle(Get(path, cookie));
    EXPECT_EQ(response.status, 200) << response.body;
    std::vector<std::string> listed;
    const auto reply = nlohmann::json::parse(response.body);  // outlives the loop
    for (const auto& session : reply["sessions"]) {
      listed.push_back(session["id"]);
    }
    return listed;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("/api/v1/sessions"), (Ids{gcp.id, aws.id}));  // newest first
  EXPECT_EQ(ids("/api/v1/sessions?provider=gcp"), (Ids{gcp.id}));
  EXPECT_EQ(ids("/api/v1/sessions?status=ended"), (Ids{aws.id}));
  EXPECT_EQ(ids("/api/v1/sessions?profile=s3-readonly"), (Ids{aws.id}));
  EXPECT_EQ(ids("/api/v1/sessions?since=" + FormatRfc3339(base + std::chrono::hours(1))),
            (Ids{gcp.id}));
  EXPECT_EQ(ids("/api/v1/sessions?limit=1"), (Ids{gcp.id}));
  EXPECT_EQ(api_.Handle(Get("/api/v1/sessions?since=yesterday", cookie)).status, 400);

  auto one = nlohmann::json::parse(api_.Handle(Get("/api/v1/sessions/aaaa", cookie)).body);
  EXPECT_EQ(one["session"]["id"], aws.id);
  EXPECT_EQ(one["policy_document"], *aws.policy);
  EXPECT_EQ(one["policy_size"], aws.policy->size());
  EXPECT_EQ(api_.Handle(Get("/api/v1/sessions/cccccccccccccccc", cookie)).status, 404);
}

TEST_F(DashboardApiTest, ActivityCountsSessionsPerDayAndActions) {
  // The fixture's clock is hour 500000 since the epoch (a day's 16:00 UTC).
  const TimePoint now = std::chrono::system_clock::time_point(std::chrono::hours(500000));
  const SessionStore store(home_.path());
  const auto save = [&](const std::string& id, TimePoint created,
                        std::optional<std::string> profile, std::vector<std::string> asked) {
    SessionRecord record;
    record.id = id;
    record.created = created;
    record.expires = created + std::chrono::hours(1);
    record.profile = std::move(profile);
    record.requested_actions = std::move(asked);
    record.actions = {"granted:Only"};
    MarkEnded(record, 0, std::nullopt, created + std::chrono::minutes(1));
    ASSERT_TRUE(store.Save(record));
  };
  save("aaaaaaaaaaaaaaaa", now - std::chrono::hours(1), "s3-readonly", {"s3:GetObject"});
  save("bbbbbbbbbbbbbbbb", now - std::chrono::hours(2), "s3-readonly",
       {"s3:GetObject", "s3:ListBucket"});
  save("cccccccccccccccc", now - std::chrono::hours(26), std::nullopt, {});
  save("dddddddddddddddd", now - std::chrono::hours(24 * 20), std::nullopt, {"s3:PutObject"});
  const std::string cookie = Login();
  const WebResponse response = api_.Handle(Get("/api/v1/activity?days=7", cookie));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = nlohmann::json::parse(response.body);
  const std::string today = FormatRfc3339(now).substr(0, 10);
  const std::string yesterday = FormatRfc3339(now - std::chrono::hours(24)).substr(0, 10);
  // The twenty-day-old session is outside the 7 days.
  ASSERT_EQ(json["sessions_by_day"].size(), 2u) << json.dump();
  EXPECT_EQ(json["sessions_by_day"][0]["day"], yesterday);
  EXPECT_EQ(json["sessions_by_day"][0]["profile"], "");
  EXPECT_EQ(json["sessions_by_day"][0]["count"], 1);
  EXPECT_EQ(json["sessions_by_day"][1]["day"], today);
  EXPECT_EQ(json["sessions_by_day"][1]["provider"], "aws");
  EXPECT_EQ(json["sessions_by_day"][1]["profile"], "s3-readonly");
  EXPECT_EQ(json["sessions_by_day"][1]["count"], 2);
  // What was asked for; a session that asked nothing counts what it got.
  ASSERT_EQ(json["top_actions"].size(), 3u) << json.dump();
  EXPECT_EQ(json["top_actions"][0]["action"], "s3:GetObject");
  EXPECT_EQ(json["top_actions"][0]["count"], 2);
  EXPECT_EQ(json["since"],
            FormatRfc3339(std::chrono::floor<std::chrono::days>(now) - std::chrono::days(6)));
  EXPECT_TRUE(json["sts_latency"].is_null());
  EXPECT_EQ(api_.Handle(Get("/api/v1/activity?days=0", cookie)).status, 400);
  EXPECT_EQ(api_.Handle(Get("/api/v1/activity?days=91", cookie)).status, 400);
}

}  // namespace
}  // namespace audex
