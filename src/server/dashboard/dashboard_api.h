// DashboardApi: the dashboard's HTTP face on one person's local state — its
// page and the read-only JSON API under /api/v1 (docs/dashboard.md) over the
// session files, the audit log and the planner — as a handler from
// WebRequest to WebResponse, apart from its socket. `tryaudex dashboard`
// serves it on loopback behind a one-time login link; the team server can
// mount the same handler at /ui behind its own authentication.
#pragma once

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/webserver/web_module.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/plan/session_plan.h"
#include "core/policy/profile.h"
#include "server/dashboard/dashboard_assets.h"
#include "session/world.h"

namespace audex {

class DashboardApi {
 public:
  // `login_token` is the one-time token of the printed URL; it is kept only
  // as its SHA-256.
  DashboardApi(const World& world, const SecretString& login_token);

  // The port the server listens on: requests must name 127.0.0.1:PORT or
  // localhost:PORT as their Host (a page of another site that resolves its
  // own name to 127.0.0.1 cannot reach the API: DNS rebinding).
  void SetPort(int port) { port_ = port; }

  WebResponse Handle(const WebRequest& request);

 private:
  WebResponse Login(const WebRequest& request);
  bool Authenticated(const WebRequest& request) const;
  WebResponse Api(const WebRequest& request);
  WebResponse Sessions(const WebRequest& request);
  WebResponse OneSession(const std::string& id);
  WebResponse Audit(const WebRequest& request);
  WebResponse AuditVerify();
  WebResponse AuditExport(const WebRequest& request);
  WebResponse Profiles();
  WebResponse Explain(const WebRequest& request);
  WebResponse Activity(const WebRequest& request);

  World world_;
  std::string login_token_sha256_;
  std::atomic<bool> login_used_{false};
  std::atomic<int> port_{0};
  mutable std::mutex mutex_;              // guards cookie_sha256s_ and notices_
  std::set<std::string> cookie_sha256s_;  // the session cookies handed out, as hashes
  std::vector<std::string> notices_;      // the planner's warnings for one explain
};

// The value of cookie `name` in a Cookie header ("" when absent).
std::string CookieValue(std::string_view header, std::string_view name);

// The page's file at `path` ("/" is "/index.html"), the same for the local
// dashboard and the team server's /ui.
std::optional<EmbeddedAsset> FindDashboardAsset(std::string_view path);

// What the policy explorer shows of a plan (GET /api/v1/policies/explain
// here, GET /v1/plan on the team server): {"ok": true, "plan" (the `run
// --dry-run --json` plan), "patterns" (each wildcard as `policies expand
// --json`), "policy_document", "policy_size", "policy_limit", "warnings"}.
nlohmann::ordered_json PlanExplanationJson(const SessionPlan& plan,
                                           const std::vector<std::string>& warnings);
// Every profile as `policies list --json` prints it.
nlohmann::ordered_json ProfilesListJson(const ProfileCatalog& profiles);

// The cookie that carries a dashboard session.
inline constexpr const char* kDashboardCookie = "audex_dashboard";

// The headers every reply carries: a strict Content-Security-Policy (only
// this origin's own scripts, styles and fetches; no inline script, no
// frames), no sniffing, no referrer (the login URL's token must not leak),
// no caching.
void AddSecurityHeaders(WebResponse& response);

}  // namespace audex
