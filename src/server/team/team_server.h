// TeamServer: `tryaudex server`'s API (docs/team-mode.md, "API"), apart
// from its socket: one Handle per HTTP request, on any thread. A grant is a
// plan (the engine's PlanRequest: the same resolution, catalog checks, deny
// list and packing as `run`) plus a decision (the caller's rule set,
// core/team/server_policy.h, and its rate limits) plus an issuance (the
// engine's IssueAwsCredentials; IssueGcpToken and IssueAzureToken for GCP
// and Azure grants, token_grants.cc), each step audited in the store's one chain
// before the next. The base credentials are the server process's own; the
// store holds no secret.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/config/config_files.h"
#include "adapters/oidc/token_verifier.h"
#include "adapters/teamstore/team_store.h"
#include "core/plan/session_plan.h"
#include "core/team/approval_notice.h"
#include "core/team/oidc_rules.h"
#include "core/team/revocation.h"
#include "core/team/server_config.h"
#include "core/team/team_events.h"
#include "server/team/metrics.h"
#include "server/team/webhook.h"
#include "session/aws_issue.h"
#include "session/planner.h"
#include "session/world.h"

namespace audex {

struct ApiRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // "/v1/grants/abc", without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote;  // the peer's address, for logs
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

// An OIDC caller's grant cut to its token's end (oidc_rules.h): the plan's
// TTL, and when that is below STS's floor, its session policy ends the
// grant at the cap (oidc_auth.cc).
Result<TtlCap> CapGrantAtToken(SessionPlan& plan, TimePoint token_expires_at, TimePoint now);
// What the grant reply says about the cap ("ttl_cap").
nlohmann::ordered_json TtlCapJson(const TtlCap& cap);

// The AWS issue plan of a recorded grant: the same role, policy, TTL and
// source identity toward the server's STS (a renewal, or the first issue
// of an approved grant).
Result<AwsIssuePlan> RenewalPlan(const Grant& grant, const ServerConfig& config,
                                 const EnvLookup& env);
// A GCP or Azure grant cut to an OIDC caller's token end: the plan's TTL
// only (token_grants.cc). Google and Entra ID tokens carry no session
// policy to end them early.
Result<TtlCap> CapTokenGrantAtToken(SessionPlan& plan, TimePoint token_expires_at, TimePoint now);
// What a grant's `role` records: the AWS role, the GCP service account, or
// the Azure token's resource (Azure Resource Manager).
std::string GrantRoleOf(const SessionPlan& plan);
// The HTTP status and error code an engine error answers with: kUsage 400
// invalid_request, kPolicy 400 policy_error, kCredentials 502
// upstream_refused, kState 503 store_unavailable.
int StatusFor(const Error& error);
std::string CodeFor(const Error& error);
// The STS cache entry holding a grant's current credentials.
std::string GrantCacheName(const std::string& grant_id);
// The engine's request a POST /v1/grants body asks for, on behalf of
// `caller`: what a grant is planned from, and what an approved GCP or Azure
// grant is planned from again at its last approval (token_grants.cc).
Result<SessionRequest> GrantSessionRequest(const std::string& body, const std::string& caller);
// What the planner is given on this server: its role, region, profiles and
// deny list (server.toml), never the files of the process's home.
LoadedConfiguration PlanningConfiguration(const ServerConfig& config);
// The plan `session` gets on this server (PlanningConfiguration), the
// planner's notices collected in `warnings` rather than printed. Without
// `will_issue`, no role is needed (GET /v1/plan).
Result<PlannedSession> PlanOnServer(const SessionRequest& session, const ServerConfig& config,
                                    const World& world, bool will_issue,
                                    std::vector<std::string>& warnings);

// {"error": {"code", "message", "rule"?}} with `status`.
ApiResponse ApiError(int status, std::string_view code, std::string_view message,
                     std::string_view rule = "");

// The cookie of a web UI session (web_ui.cc).
inline constexpr const char* kUiSessionCookie = "audex_ui";

// The web UI's headers (web_ui.cc), put on every reply: a strict
// Content-Security-Policy, no framing, no sniffing, no referrer to another
// origin, no cache.
void AddUiSecurityHeaders(ApiResponse& response);
// The origin a browser reaches this server at: http(s)://HOST.
std::string UiOrigin(const ApiRequest& request, bool tls);

// A structured log line (JSON) for stderr; never a secret.
using ServerLog = std::function<void(const nlohmann::json& line)>;

class TeamServer {
 public:
  // `world` is the server process's (base credentials from its environment),
  // `store` opened and at the current schema, `keys` read from state_dir.
  TeamServer(ServerConfig config, std::unique_ptr<TeamStore> store, World world,
             SecretString cache_key, ServerLog log);

  ApiResponse Handle(const ApiRequest& request);

  // Replaces what server.toml decides at run time (rules, deny list,
  // profiles, issuers, default role); listen, TLS and store need a restart.
  void Reload(ServerConfig config);

  // No new request is taken once draining; /readyz says so.
  void StartDraining() { draining_ = true; }

  // The janitor's part of revocation (team_revocation.cc): a Deny whose
  // sessions have all expired comes off its role, one not yet on its role
  // (IAM refused, a replica died) goes on again, and every few minutes
  // each role with live Denies is checked against the store.
  void SweepRevocations();

  // Approvals (approvals.cc): the janitor expires pending requests past
  // their pending_ttl (request_expired, the grant expired) and notifies.
  void ExpireApprovalRequests();
  // Appends server_policy_changed when the config's policy text differs
  // from the last one recorded in the chain; `trigger` "start" or "reload".
  // Whether it appended one.
  Result<bool> RecordServerPolicy(const std::string& trigger);
  // The webhook, if [webhook] is set (tests drain it).
  std::shared_ptr<WebhookNotifier> webhook();

  TeamStore& store() { return *store_; }
  Metrics& metrics() { return metrics_; }

 private:
  struct Authenticated {
    TeamCaller caller;
    std::shared_ptr<const ServerConfig> config;
    const ServerRule* rule = nullptr;  // in `config`
    // An OIDC caller's token ends here: no grant outlives it (oidc_auth.cc).
    std::optional<TimePoint> token_expires_at;
    // Set when the caller is a browser of the UI, by its session cookie
    // (web_ui.cc): the SHA-256 of the cookie.
    std::optional<std::string> ui_session;
  };

  std::shared_ptr<const ServerConfig> Config() const;
  Result<Authenticated> Authenticate(const ApiRequest& request, ApiResponse& refused);

  // OIDC ID tokens (oidc_auth.cc, docs/oidc-identity.md): the verifier of
  // the configured issuers, a bearer JWT made a caller bound to a rule set,
  // who the server thinks a caller is, and the issuer people log in with.
  std::shared_ptr<OidcTokenVerifier> MakeVerifier(const ServerConfig& config);
  Result<Authenticated> AuthenticateOidc(const std::string& token, Authenticated who,
                                         ApiResponse& refused);
  ApiResponse WhoAmI(const ApiRequest& request);
  ApiResponse LoginConfig();

  // The web UI at /ui (web_ui.cc, docs/team-mode.md "The web UI"): the
  // dashboard's page behind a login (OIDC authorization code with PKCE, or
  // an API token pasted once), a session in the store, and the API itself
  // answering the session's cookie, with a CSRF token and Origin check on
  // every state-changing request.
  ApiResponse HandleUi(const ApiRequest& request);
  Result<Authenticated> AuthenticateUiSession(const ApiRequest& request, const std::string& cookie,
                                              Authenticated who, ApiResponse& refused);
  ApiResponse UiLoginPage(int status, const std::string& problem);
  ApiResponse UiLoginWithToken(const ApiRequest& request);
  ApiResponse UiStartOidcLogin(const ApiRequest& request);
  ApiResponse UiFinishOidcLogin(const ApiRequest& request);
  ApiResponse UiLogout(const ApiRequest& request);
  ApiResponse UiOpenSession(const TeamCaller& caller, std::optional<std::string> api_token_sha256,
                            TimePoint expires_at, bool secure);
  std::string UiCsrfToken(const std::string& session_sha256) const;

  // GET /v1/activity (activity.cc): the Activity view's counts over the
  // caller's own grants (an admin's: everyone's) and refusals, and this
  // replica's STS latency.
  ApiResponse ActivityReport(const ApiRequest& request);
  // GET /v1/profiles and GET /v1/plan (activity.cc): the policy explorer's
  // profiles and dry-run plans with this server's profiles and deny list.
  ApiResponse ListProfiles(const ApiRequest& request);
  ApiResponse DryRunPlan(const ApiRequest& request);

  ApiResponse Ready();
  // What keeps a granted provider's base credentials from being found; ""
  // when each is.
  std::string BaseCredentialsProblem();
  ApiResponse PostGrant(const ApiRequest& request);
  ApiResponse ListGrants(const ApiRequest& request);
  ApiResponse GetGrant(const ApiRequest& request, const std::string& id);
  ApiResponse GrantCredentials(const ApiRequest& request, const std::string& id);
  ApiResponse ReadAudit(const ApiRequest& request);
  ApiResponse VerifyAudit(const ApiRequest& request);

  // Revocation (team_revocation.cc): POST /v1/grants/{id}/revoke and
  // POST /v1/revocations {caller}.
  ApiResponse RevokeGrant(const ApiRequest& request, const std::string& id);
  ApiResponse RevokeCaller(const ApiRequest& request);
  ApiResponse Revoke(const Authenticated& who, std::vector<Revocation> rows,
                     std::vector<std::string> covered, const std::string& label);
  // Puts the role's revocation policy in line with the store's live
  // revocations of that role; what was put (errors name the IAM permission).
  struct RoleSync;
  Result<RoleSync> SyncRoleDenies(const std::string& role_arn);
  Result<RoleDeny> DenyOf(const Revocation& revocation);

  // Approvals and break-glass (approvals.cc, docs/team-mode.md
  // "Approvals"): POST /v1/grants under a rule with `approval` records the
  // grant pending_approval with its request and answers 202; approvals,
  // denials and reviews of /v1/requests/{id}; the pending grant's
  // credentials endpoint; the break-glass record that goes with a grant.
  ApiResponse RequestApproval(const Authenticated& who, const ServerRule& rule, Grant grant,
                              const SecretString& credentials_token, const std::string& body,
                              std::vector<std::string> warnings);
  ApiResponse ListRequests(const ApiRequest& request);
  ApiResponse GetRequest(const ApiRequest& request, const std::string& id);
  ApiResponse DecideRequest(const ApiRequest& request, const std::string& id,
                            const std::string& action);
  ApiResponse PendingGrantCredentials(const Grant& grant);
  // 202 while an approved grant is between its approval and STS's answer.
  ApiResponse ApprovedIssuingCredentials(const Grant& grant);
  ApprovalRequest BreakGlassRequest(const ServerRule& rule, const Grant& grant,
                                    const std::string& body);
  void NotifyBreakGlass(const ApprovalRequest& request, const Grant& grant);
  // Issues an approved grant (pending_approval -> issuing -> issued); its
  // TTL counts from now.
  Result<Grant> IssueApprovedGrant(Grant grant, const ApprovalRequest& request);
  // Marks a pending request and its grant expired (lazily or by the janitor).
  void ExpireRequest(const ApprovalRequest& request, const std::string& by);
  // The notifier for `config`'s [webhook]: `current` when the URL is the
  // same, a new one when it changed, null without one.
  std::shared_ptr<WebhookNotifier> MakeWebhook(const ServerConfig& config,
                                               const std::shared_ptr<WebhookNotifier>& current);
  void Notify(NoticeKind kind, const ApprovalRequest& request, const Grant* grant,
              const std::string& actor, const std::string& reason);

  // GCP and Azure grants (token_grants.cc, docs/team-mode.md "GCP and
  // Azure grants"): the grant recorded issuing, then the engine's
  // IssueGcpToken or IssueAzureToken, then issued (or failed) — each an
  // audit event committed before the next step; the token only in the
  // reply.
  ApiResponse IssueTokenGrant(const Authenticated& who, Grant grant, const SessionPlan& plan,
                              const std::optional<TtlCap>& cap,
                              const std::optional<ApprovalRequest>& break_glass,
                              std::vector<std::string> warnings);
  // An approved GCP or Azure grant at its last approval (approvals.cc
  // hands it over): planned again from its request, which must still plan
  // what was approved; the token asked for the grant's TTL from now, and
  // the grant's reply with it kept sealed (the store's STS cache entry of
  // the grant, under the cache key) until the requester fetches it.
  Result<Grant> IssueApprovedTokenGrant(Grant grant, const ApprovalRequest& request);
  // The credentials endpoint of such a grant, issued, until `ends`: the
  // sealed reply, its ttl_seconds what is left of the grant.
  ApiResponse ApprovedTokenCredentials(const Grant& grant, TimePoint ends);
  // The cloud refused or failed: the grant, recorded `issuing`, becomes
  // `failed` with grant_failed (best effort: the janitor ends an `issuing`
  // grant anyway), and is counted. FailIssuingGrant also answers the error.
  void RecordGrantFailed(const Grant& grant, const TeamCaller& caller, const Error& error);
  ApiResponse FailIssuingGrant(const Grant& grant, const TeamCaller& caller, const Error& error);

  // Records a refusal (grant_refused) and answers with it.
  ApiResponse Refuse(const Authenticated& who, int status, std::string_view code,
                     const std::string& rule, const std::string& message,
                     const nlohmann::json& asked);
  std::string NewId();

  mutable std::mutex config_mutex_;
  std::shared_ptr<const ServerConfig> config_;
  std::shared_ptr<OidcTokenVerifier> verifier_;  // with config_; null without issuers
  std::unique_ptr<HttpClient> oidc_http_;        // the verifiers' key fetches
  std::unique_ptr<JtiLedger> jti_ledger_;        // the store's jti_seen
  std::unique_ptr<TeamStore> store_;
  World world_;
  SecretString cache_key_;
  ServerLog log_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  // /readyz's base-credential check, made at most every 30 s.
  std::mutex ready_mutex_;
  std::optional<std::chrono::steady_clock::time_point> base_checked_;
  std::string base_problem_;
  std::mutex revocation_mutex_;  // one role sync at a time in this replica
  std::optional<std::chrono::steady_clock::time_point> revocations_checked_;
  std::shared_ptr<WebhookNotifier> webhook_;  // with config_; null without [webhook]
};

}  // namespace audex
