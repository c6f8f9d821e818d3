#include "server/team/team_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "catalog/catalog_universe.h"
#include "core/audit/session_id.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/credentials/served_credentials.h"
#include "core/plan/ttl.h"
#include "core/team/approval_events.h"
#include "core/team/revocation.h"
#include "core/wire/url.h"
#include "server/dashboard/dashboard_api.h"
#include "session/aws_issue.h"
#include "session/azure_issue.h"
#include "session/gcp_issue.h"
#include "session/planner.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// A live session is reused only while it has this long left.
constexpr std::chrono::seconds kReuseMargin{300};
constexpr size_t kCredentialsTokenBytes = 32;

ApiResponse JsonResponse(int status, const OrderedJson& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

std::optional<std::string> Header(const ApiRequest& request, const std::string& name) {
  const auto found = request.headers.find(name);
  if (found == request.headers.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> BearerToken(const ApiRequest& request) {
  auto value = Header(request, "authorization");
  if (!value) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  if (value->size() <= kBearer.size() ||
      !EqualsIgnoreCase(std::string_view(*value).substr(0, kBearer.size()), kBearer)) {
    return std::nullopt;
  }
  return std::string(Trim(std::string_view(*value).substr(kBearer.size())));
}

OrderedJson OptionalJson(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson OptionalTime(const std::optional<TimePoint>& value) {
  return value ? OrderedJson(FormatRfc3339(*value)) : OrderedJson(nullptr);
}

// A grant as the API shows it: everything but secrets (there are none in a
// Grant) and the credentials token's hash.
OrderedJson GrantJson(const Grant& grant) {
  OrderedJson json;
  json["grant_id"] = grant.id;
  json["caller"] = grant.caller;
  json["status"] = GrantStatusName(grant.status);
  json["status_reason"] = grant.status_reason;
  json["provider"] = grant.provider;
  json["role"] = grant.role;
  json["profile"] = OptionalJson(grant.profile);
  json["requested_actions"] = grant.requested_actions;
  json["actions"] = grant.actions;
  json["resources"] = grant.resources;
  json["policy"] = grant.policy ? OrderedJson::parse(*grant.policy, nullptr, false) : nullptr;
  json["ttl_seconds"] = grant.ttl.count();
  json["reason"] = grant.reason;
  json["rule"] = grant.rule;
  json["access_key_id"] = grant.sts.access_key_id;
  json["expires_at"] = OptionalTime(grant.sts.expires_at);
  json["reused_from"] = OptionalJson(grant.reused_from);
  json["approval_request_id"] = OptionalJson(grant.approval_request_id);
  json["created_at"] = FormatRfc3339(grant.created_at);
  json["issued_at"] = OptionalTime(grant.issued_at);
  return json;
}

}  // namespace

Result<PlannedSession> PlanOnServer(const SessionRequest& session, const ServerConfig& config,
                                    const World& world, bool will_issue,
                                    std::vector<std::string>& warnings) {
  const LoadedConfiguration loaded = PlanningConfiguration(config);
  World noting = world;
  noting.notify = [&warnings](NoticeLevel, const std::string& message) {
    warnings.push_back(message);
  };
  PlanSettings settings;
  settings.will_issue = will_issue;
  settings.configuration = &loaded;
  return PlanRequest(session, noting, settings);
}

LoadedConfiguration PlanningConfiguration(const ServerConfig& config) {
  LoadedConfiguration loaded;
  loaded.config.role_arn = config.role_arn;
  loaded.config.region = config.region;
  loaded.config.gcp_service_account = config.gcp_service_account;
  loaded.config.gcp_project = config.gcp_project;
  loaded.config.azure_subscription_id = config.azure_subscription_id;
  loaded.config.source = config.source;
  loaded.profiles = ProfileCatalog(config.profiles);
  loaded.deny = config.deny;
  return loaded;
}

namespace {

// What POST /v1/grants takes; anything else is refused by name.
struct GrantBody {
  std::optional<std::string> allow, profile, resource, ttl, provider, role, reason;
  bool break_glass = false;  // issue at once, for review (approvals.cc)
};

Result<GrantBody> ParseGrantBody(const std::string& text) {
  const Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return UsageError(
        "the body must be a JSON object: {\"allow\": \"s3:GetObject\", \"ttl\": \"15m\", "
        "\"reason\": \"...\"}");
  }
  GrantBody parsed;
  const std::pair<const char*, std::optional<std::string>*> fields[] = {
      {"allow", &parsed.allow},  {"profile", &parsed.profile},   {"resource", &parsed.resource},
      {"ttl", &parsed.ttl},      {"provider", &parsed.provider}, {"role", &parsed.role},
      {"reason", &parsed.reason}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "break_glass") {
      if (!it->is_boolean()) return UsageError("field \"break_glass\" must be true or false");
      parsed.break_glass = it->get<bool>();
      continue;
    }
    const auto field = std::find_if(std::begin(fields), std::end(fields),
                                    [&](const auto& known) { return it.key() == known.first; });
    if (field == std::end(fields)) {
      return UsageError(fmt::format(
          "unknown field \"{}\"; a grant request takes allow, profile, resource, ttl, provider, "
          "role, reason and break_glass",
          EscapeControl(it.key())));
    }
    if (!it->is_string()) {
      return UsageError(fmt::format("field \"{}\" must be a string", it.key()));
    }
    *field->second = it->get<std::string>();
  }
  if (parsed.reason && parsed.reason->size() > 1024) {
    return UsageError("field \"reason\" is longer than 1024 characters");
  }
  return parsed;
}

// The engine's request for a grant body: what `run` would ask with the
// same flags, the caller as the session's source identity.
SessionRequest SessionRequestFor(const GrantBody& body, const std::string& caller) {
  SessionRequest session;
  session.provider = body.provider;
  session.allow = body.allow;
  session.profile = body.profile;
  session.resource = body.resource;
  session.ttl = body.ttl;
  session.role_arn = body.role;
  session.source_identity = SourceIdentityFor(caller);
  session.cache = CacheChoice::kOff;
  session.serve = false;
  return session;
}

Json AskedJson(const GrantBody& body) {
  Json asked = Json::object();
  const auto add = [&](const char* key, const std::optional<std::string>& value) {
    if (value) asked[key] = value->substr(0, 512);
  };
  add("allow", body.allow);
  add("profile", body.profile);
  add("resource", body.resource);
  add("ttl", body.ttl);
  add("provider", body.provider);
  add("role", body.role);
  if (body.break_glass) asked["break_glass"] = true;
  return asked;
}

}  // namespace

Result<SessionRequest> GrantSessionRequest(const std::string& body, const std::string& caller) {
  auto parsed = ParseGrantBody(body);
  if (!parsed) return tl::unexpected(parsed.error());
  return SessionRequestFor(*parsed, caller);
}

int StatusFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kPolicy:
      return 400;
    case ErrorKind::kCredentials:
      return 502;
    case ErrorKind::kState:
      return 503;
  }
  return 500;
}

std::string CodeFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kUsage:
      return "invalid_request";
    case ErrorKind::kPolicy:
      return "policy_error";
    case ErrorKind::kCredentials:
      return "upstream_refused";
    case ErrorKind::kState:
      return "store_unavailable";
  }
  return "internal";
}

// The AWS issue plan of an issued grant, for its renewal: the same role,
// policy and source identity, toward the server's STS.
Result<AwsIssuePlan> RenewalPlan(const Grant& grant, const ServerConfig& config,
                                 const EnvLookup& env) {
  AwsIssuePlan plan;
  plan.role = RoleChoice{grant.role, "grant " + grant.id};
  auto region = ResolveRegion(std::nullopt, env, config.region, std::nullopt);
  if (!region) return tl::unexpected(region.error());
  plan.region = std::move(*region);
  auto endpoint = ResolveStsEndpoint(env, plan.region.region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  plan.endpoint = std::move(*endpoint);
  plan.duration = grant.ttl;
  plan.policy = grant.policy.value_or("");
  plan.source_identity = SourceIdentityFor(grant.caller);
  plan.tags.push_back(CallerTag(grant.caller));
  // The managed-policy ceilings of the grant's profile (profiles.toml
  // policy_arns), as the grant's first AssumeRole had them.
  if (grant.profile) {
    const ProfileCatalog profiles(config.profiles);
    if (const Profile* profile = profiles.Find(*grant.profile)) {
      for (const std::string& arn : profile->policy_arns) {
        plan.policy_arns.push_back({arn, "profile " + profile->name});
      }
    }
  }
  return plan;
}

std::string GrantCacheName(const std::string& grant_id) { return "grant:" + grant_id; }

ApiResponse ApiError(int status, std::string_view code, std::string_view message,
                     std::string_view rule) {
  OrderedJson error = {{"code", code}, {"message", message}};
  if (!rule.empty()) error["rule"] = rule;
  return JsonResponse(status, OrderedJson{{"error", error}});
}

TeamServer::TeamServer(ServerConfig config, std::unique_ptr<TeamStore> store, World world,
                       SecretString cache_key, ServerLog log)
    : config_(std::make_shared<const ServerConfig>(std::move(config))),
      store_(std::move(store)),
      world_(std::move(world)),
      cache_key_(std::move(cache_key)),
      log_(std::move(log)) {
  verifier_ = MakeVerifier(*config_);
  webhook_ = MakeWebhook(*config_, nullptr);
}

std::shared_ptr<const ServerConfig> TeamServer::Config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
}

void TeamServer::Reload(ServerConfig config) {
  auto fresh = std::make_shared<const ServerConfig>(std::move(config));
  auto verifier = MakeVerifier(*fresh);
  auto webhook = MakeWebhook(*fresh, this->webhook());
  std::lock_guard lock(config_mutex_);
  config_ = std::move(fresh);
  verifier_ = std::move(verifier);
  webhook_ = std::move(webhook);
}

std::string TeamServer::NewId() {
  auto random = world_.random(kSessionIdRandomBytes);
  // A CSPRNG that fails is a broken machine; the id still must be unique.
  if (!random)
    return SessionIdFromRandom(std::to_string(world_.clock().time_since_epoch().count()));
  return SessionIdFromRandom(*random);
}

ApiResponse TeamServer::Handle(const ApiRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route = request.path;
  ApiResponse response;
  const auto segments = [&] {
    std::vector<std::string> parts;
    for (const std::string_view part : Split(request.path, '/')) {
      if (!part.empty()) parts.emplace_back(part);
    }
    return parts;
  }();
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (request.path == "/healthz" && get) {
    response = ApiResponse{200, "text/plain", "ok\n", {}};
  } else if (request.path == "/readyz" && get) {
    response = Ready();
  } else if (request.path == "/metrics" && get) {
    response = ApiResponse{200, "text/plain; version=0.0.4", metrics_.Render(), {}};
  } else if (draining_) {
    response = ApiError(503, "shutting_down", "this replica is shutting down; try another");
    response.headers["Connection"] = "close";
  } else if (request.path == "/ui" || request.path.starts_with("/ui/")) {
    route = request.path.starts_with("/ui/assets/") ? "/ui/assets" : request.path;
    if (route != "/ui/assets" && route != "/ui" && route != "/ui/" && route != "/ui/index.html" &&
        !route.starts_with("/ui/login") && route != "/ui/callback" && route != "/ui/logout") {
      route = "/ui/other";
    }
    response = HandleUi(request);
  } else if (segments.size() == 2 && segments[0] == "v1" && segments[1] == "grants") {
    route = "/v1/grants";
    if (request.method == "POST") {
      response = PostGrant(request);
    } else if (get) {
      response = ListGrants(request);
    } else {
      response = ApiError(405, "method_not_allowed", "use GET or POST on /v1/grants");
    }
  } else if (request.method == "POST" && segments.size() == 4 && segments[0] == "v1" &&
             segments[1] == "grants" && segments[3] == "revoke") {
    route = "/v1/grants/{id}/revoke";
    response = RevokeGrant(request, std::string(segments[2]));
  } else if (request.method == "POST" && segments.size() == 3 && segments[0] == "v1" &&
             segments[1] == "grants" && segments[2].ends_with(":revoke")) {
    route = "/v1/grants/{id}:revoke";
    response = RevokeGrant(request, std::string(segments[2].substr(0, segments[2].size() - 7)));
  } else if (request.method == "POST" && request.path == "/v1/revocations") {
    route = "/v1/revocations";
    response = RevokeCaller(request);
  } else if (segments.size() == 3 && segments[0] == "v1" && segments[1] == "grants" && get) {
    route = "/v1/grants/{id}";
    response = GetGrant(request, segments[2]);
  } else if (segments.size() == 4 && segments[0] == "v1" && segments[1] == "grants" &&
             segments[3] == "credentials" && get) {
    route = "/v1/grants/{id}/credentials";
    response = GrantCredentials(request, segments[2]);
  } else if (segments.size() == 2 && segments[0] == "v1" && segments[1] == "requests" && get) {
    route = "/v1/requests";
    response = ListRequests(request);
  } else if (request.method == "POST" && segments.size() == 3 && segments[0] == "v1" &&
             segments[1] == "requests" && segments[2].find(':') != std::string::npos) {
    const size_t colon = segments[2].find(':');
    route = "/v1/requests/{id}:" + segments[2].substr(colon + 1);
    response = DecideRequest(request, segments[2].substr(0, colon), segments[2].substr(colon + 1));
  } else if (request.method == "POST" && segments.size() == 4 && segments[0] == "v1" &&
             segments[1] == "requests") {
    route = "/v1/requests/{id}/" + segments[3];
    response = DecideRequest(request, segments[2], segments[3]);
  } else if (segments.size() == 3 && segments[0] == "v1" && segments[1] == "requests" && get) {
    route = "/v1/requests/{id}";
    response = GetRequest(request, segments[2]);
  } else if (request.path == "/v1/whoami" && get) {
    response = WhoAmI(request);
  } else if (request.path == "/v1/login-config" && get) {
    response = LoginConfig();
  } else if (request.path == "/v1/activity" && get) {
    response = ActivityReport(request);
  } else if (request.path == "/v1/profiles" && get) {
    response = ListProfiles(request);
  } else if (request.path == "/v1/plan" && get) {
    response = DryRunPlan(request);
  } else if (request.path == "/v1/audit" && get) {
    response = ReadAudit(request);
  } else if (request.path == "/v1/audit:verify" && get) {
    response = VerifyAudit(request);
  } else {
    route = "other";
    response = ApiError(404, "not_found",
                        fmt::format("no such endpoint: {} {} (docs/team-mode.md, \"API\")",
                                    request.method, EscapeControl(request.path.substr(0, 200))));
  }
  AddUiSecurityHeaders(response);
  metrics_.CountRequest(route, response.status);
  if (route != "/healthz" && route != "/metrics") {
    log_({{"level", response.status >= 500 ? "error" : "info"},
          {"msg", "request"},
          {"method", request.method},
          {"route", route},
          {"status", response.status},
          {"remote", request.remote},
          {"ms",
           std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
               .count()}});
  }
  return response;
}

std::string TeamServer::BaseCredentialsProblem() {
  // The base credentials of each provider some rule set may grant: a
  // GCP-only server needs no AWS keys, and is not ready without its GCP
  // base token. GCP and Azure are asked for a token, as a grant would be;
  // Ready() asks at most every 30 s.
  std::set<Provider> granted;
  const std::shared_ptr<const ServerConfig> config = Config();
  for (const ServerRule& rule : config->policy.rules) {
    for (const Provider provider : GrantedProviders(rule)) granted.insert(provider);
  }
  if (granted.contains(Provider::kAws)) {
    if (auto base = ResolveBaseCredentials(world_.env); !base) {
      return "aws: " + base.error().message;
    }
  }
  if (granted.contains(Provider::kGcp)) {
    if (auto base = FindGcpBaseToken(world_); !base) return "gcp: " + base.error().message;
  }
  if (granted.contains(Provider::kAzure)) {
    auto target = ResolveAzureTarget(world_.env, PlanningConfiguration(*config).config);
    if (!target) return "azure: " + target.error().message;
    if (auto token = IssueAzureToken(*target, world_); !token) {
      return "azure: " + token.error().message;
    }
  }
  return "";
}

ApiResponse TeamServer::Ready() {
  if (draining_) return ApiError(503, "shutting_down", "this replica is shutting down");
  if (auto ping = store_->Ping(); !ping) {
    return ApiError(503, "store_unavailable", ping.error().message);
  }
  if (auto schema = store_->RequireCurrentSchema(); !schema) {
    return ApiError(503, "schema", schema.error().message);
  }
  {
    std::lock_guard lock(ready_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!base_checked_ || now - *base_checked_ > std::chrono::seconds(30)) {
      base_checked_ = now;
      base_problem_ = BaseCredentialsProblem();
    }
    if (!base_problem_.empty()) return ApiError(503, "base_credentials", base_problem_);
  }
  return ApiResponse{200, "text/plain", "ready\n", {}};
}

Result<TeamServer::Authenticated> TeamServer::Authenticate(const ApiRequest& request,
                                                           ApiResponse& refused) {
  const auto challenge = [&](std::string message) -> Result<Authenticated> {
    refused = ApiError(401, "unauthenticated", message);
    refused.headers["WWW-Authenticate"] = "Bearer";
    return UsageError(message);
  };
  auto token = BearerToken(request);
  if (!token) {
    // A browser of the web UI: its session cookie (web_ui.cc).
    const std::string cookie =
        CookieValue(Header(request, "cookie").value_or(""), kUiSessionCookie);
    if (!cookie.empty()) {
      Authenticated who;
      who.config = Config();
      return AuthenticateUiSession(request, cookie, std::move(who), refused);
    }
    return challenge(
        "no credentials: send Authorization: Bearer TOKEN (tryaudex server token create makes "
        "one)");
  }
  Authenticated who;
  who.config = Config();
  if (!LooksLikeApiToken(*token) && !who.config->issuers.empty()) {
    return AuthenticateOidc(*token, std::move(who), refused);
  }
  if (!LooksLikeApiToken(*token)) {
    return challenge("the bearer token is not an Audex API token (audex_ and 64 hex digits)");
  }
  auto found = store_->FindApiTokenByHash(ApiTokenHash(SecretString(*token)));
  if (!found) {
    refused = ApiError(503, "store_unavailable", found.error().message);
    return tl::unexpected(found.error());
  }
  if (!*found) return challenge("unknown API token (it may be for another server)");
  const TimePoint now = world_.clock();
  if (auto usable = CheckApiTokenUsable(**found, now); !usable) {
    return challenge(usable.error().message);
  }
  (void)store_->TouchApiToken(**found, now);
  who.caller.name = (*found)->name;
  who.caller.rule = (*found)->policy;
  who.caller.via = "api_token:" + (*found)->id;
  who.caller.groups = (*found)->groups;
  who.rule = who.config->policy.Find(who.caller.rule);
  return who;
}

ApiResponse TeamServer::Refuse(const Authenticated& who, int status, std::string_view code,
                               const std::string& rule, const std::string& message,
                               const Json& asked) {
  metrics_.CountRefusal(rule);
  if (auto audited =
          store_->AppendAudit(GrantRefusedEvent(NewId(), who.caller, rule, message, asked));
      !audited) {
    return ApiError(503, "store_unavailable", audited.error().message);
  }
  return ApiError(status, code, message, rule);
}

ApiResponse TeamServer::PostGrant(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  auto body = ParseGrantBody(request.body);
  if (!body) return ApiError(400, "invalid_request", body.error().message);
  const Json asked = AskedJson(*body);
  if (who->rule == nullptr) {
    return Refuse(*who, 403, "forbidden", "policies." + who->caller.rule,
                  fmt::format("the caller's policy \"{}\" is not in {}", who->caller.rule,
                              who->config->source),
                  asked);
  }
  const ServerRule& rule = *who->rule;
  const TimePoint now = world_.clock();

  // Rate limits before any work: shared by every replica through the store.
  const auto take = [&](const std::string& key,
                        const RateSetting& setting) -> std::optional<ApiResponse> {
    auto decision = store_->TakeRateToken(key, setting.limit, now);
    if (!decision) return ApiError(503, "store_unavailable", decision.error().message);
    if (decision->allowed) return std::nullopt;
    metrics_.CountRateLimited();
    ApiResponse response =
        Refuse(*who, 429, "rate_limited", fmt::format("policies.{}.rate", rule.name),
               fmt::format("more than {} grants for {}; try again in {} s", setting.text,
                           key.substr(key.find(':') + 1), decision->retry_after.count()),
               asked);
    if (response.status == 429) {
      response.headers["Retry-After"] = std::to_string(decision->retry_after.count());
    }
    return response;
  };
  if (rule.rate) {
    if (auto limited = take(CallerRateKey(who->caller.name), *rule.rate)) return *limited;
  }
  if (rule.profile_rate && body->profile) {
    if (auto limited = take(ProfileRateKey(who->caller.name, *body->profile), *rule.profile_rate)) {
      limited->body = limited->body;  // the same refusal, from the profile's bucket
      return *limited;
    }
  }

  // The plan: exactly what `run` would make of the same request, with the
  // server's own deny list, profiles and default role.
  const SessionRequest session = SessionRequestFor(*body, who->caller.name);
  std::vector<std::string> warnings;
  auto planned = PlanOnServer(session, *who->config, world_, true, warnings);
  if (!planned) {
    return Refuse(*who, StatusFor(planned.error()), CodeFor(planned.error()), "plan",
                  planned.error().message, asked);
  }
  SessionPlan& plan = planned->plan;
  const Provider provider = plan.request.provider;
  if (provider == Provider::kAzure && body->role) {
    // ResolveAzureTarget has no role: the token is the server's identity's.
    return Refuse(*who, 400, "invalid_request", "plan",
                  "an Azure grant is a token of the server's own identity for Azure Resource "
                  "Manager; it has no role to choose: drop \"role\"",
                  asked);
  }
  // The caller rides along as a session tag, as on every renewal
  // (RenewalPlan).
  if (plan.aws) plan.aws->tags.push_back(CallerTag(who->caller.name));

  // The decision.
  GrantAsk ask;
  ask.provider = plan.request.provider;
  ask.profile = body->profile;
  ask.resolved = &plan.request;
  ask.role = GrantRoleOf(plan);
  ask.role_named = body->role.has_value();
  ask.ttl = plan.ttl;
  if (auto refusal = CheckGrant(rule, ask)) {
    return Refuse(*who, 403, "forbidden", refusal->rule, refusal->message, asked);
  }
  // Break-glass only where the rule allows it, and never without a reason
  // (approvals.cc).
  if (body->break_glass && !(rule.approval && rule.approval->break_glass)) {
    return Refuse(*who, 403, "forbidden", ApprovalRuleKey("policies." + rule.name, "break_glass"),
                  fmt::format("policy {} does not allow break-glass{}", rule.name,
                              rule.approval ? "; ask without it and wait for approval"
                                            : "; its grants need no approval, ask without it"),
                  asked);
  }
  if (body->break_glass && Trim(body->reason.value_or("")).empty()) {
    return Refuse(*who, 400, "invalid_request",
                  ApprovalRuleKey("policies." + rule.name, "break_glass"),
                  "break-glass needs a reason (--reason TEXT): reviewers read it", asked);
  }
  const bool needs_approval = rule.approval && !body->break_glass;
  // A grant never outlives the OIDC token that allowed it (oidc_auth.cc);
  // one that waits for approval is allowed by the approval instead, and
  // capped by its window (approvals.cc).
  std::optional<TtlCap> cap;
  if (who->token_expires_at && !needs_approval) {
    auto capped = provider == Provider::kAws
                      ? CapGrantAtToken(plan, *who->token_expires_at, now)
                      : CapTokenGrantAtToken(plan, *who->token_expires_at, now);
    if (!capped) return Refuse(*who, 401, "unauthenticated", "exp", capped.error().message, asked);
    cap = *capped;
  }

  Grant grant;
  grant.id = NewId();
  grant.caller = who->caller.name;
  grant.provider = std::string(ProviderName(plan.request.provider));
  grant.role = GrantRoleOf(plan);
  grant.profile = plan.request.profile_name;
  if (body->allow) grant.requested_actions = SplitCommaList(*body->allow);
  grant.actions = plan.request.ActionNames();
  grant.resources = plan.request.resources;
  if (plan.policy) grant.policy = plan.policy_json;
  if (plan.access_boundary) grant.policy = *plan.access_boundary;  // GCP's
  grant.ttl = plan.ttl;
  grant.reason = body->reason.value_or("");
  grant.rule = "policies." + rule.name;
  grant.status = GrantStatus::kIssuing;
  if (plan.aws) grant.sts.session_name = plan.aws->session_name_prefix + grant.id;
  grant.created_at = grant.updated_at = now;

  auto token_bytes = world_.random(kCredentialsTokenBytes);
  if (!token_bytes) return ApiError(503, "random", token_bytes.error().message);
  const SecretString credentials_token(HexEncode(*token_bytes));
  const std::string token_hash = Sha256Hex(credentials_token.Reveal());
  if (needs_approval) {
    grant.credentials_token_sha256 = token_hash;
    return RequestApproval(*who, rule, std::move(grant), credentials_token, request.body,
                           std::move(warnings));
  }
  std::optional<ApprovalRequest> break_glass;
  if (body->break_glass) {
    break_glass = BreakGlassRequest(rule, grant, request.body);
    grant.approval_request_id = break_glass->id;
  }
  if (provider != Provider::kAws) {
    return IssueTokenGrant(*who, std::move(grant), plan, cap, break_glass, std::move(warnings));
  }

  // A live session for the same caller, plan and TTL bucket answers at
  // once: a fleet of CI jobs stays under STS's throttling.
  const auto bucket = who->config->sts_cache_bucket.count() > 0
                          ? (plan.ttl.count() + who->config->sts_cache_bucket.count() - 1) /
                                who->config->sts_cache_bucket.count()
                          : plan.ttl.count();
  const std::string cache_name = Sha256Hex(fmt::format(
      "{}\n{}\n{}", CacheEntryName(CacheRequestFor(*plan.aws)), who->caller.name, bucket));
  std::optional<CachedCredentials> reused;
  if (who->config->sts_cache && !cap) {
    auto found = store_->FindStsCacheEntry(cache_name, cache_key_, now);
    if (found && *found && ReusableAt(**found, now, kReuseMargin, plan.ttl)) reused = **found;
  }

  // The grant's own cache entry (the credentials endpoint's), sealed
  // before the transaction that writes it.
  const auto seal = [&](const std::string& name,
                        const AwsCredentials& credentials) -> std::optional<SealedStsCacheEntry> {
    if (!who->config->sts_cache) return std::nullopt;
    auto sealed =
        SealStsCacheEntry(name, CachedCredentials{credentials, grant.id}, cache_key_, now);
    if (!sealed) return std::nullopt;  // only an optimisation
    return std::move(*sealed);
  };
  // A break-glass grant's request for review commits with the grant.
  const auto record_break_glass = [&](TeamTransaction& tx, const Grant& recorded) -> Result<void> {
    if (!break_glass) return {};
    return tx.InsertApprovalRequest(*break_glass,
                                    BreakGlassIssuedEvent(*break_glass, recorded, who->caller));
  };

  AwsCredentials credentials;
  if (reused) {
    // Nothing to ask of STS: the grant is recorded requested and issued in
    // one transaction (one commit, shared with concurrent grants), and its
    // credentials leave only once that has committed. The session's first
    // grant must still be issued at that moment, so that a session revoked
    // meanwhile (its cache entry about to go) is never handed out again.
    Grant issued = grant;
    issued.status = GrantStatus::kIssued;
    issued.sts = StsSession{"", "audex-" + reused->session_id, reused->credentials.access_key_id,
                            reused->credentials.expiration};
    issued.reused_from = reused->session_id;
    issued.credentials_token_sha256 = token_hash;
    issued.issued_at = now;
    const auto entry = seal(GrantCacheName(grant.id), reused->credentials);
    auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
      auto origin = tx.GrantStatusOf(reused->session_id);
      if (!origin) return tl::unexpected(origin.error());
      if (*origin != GrantStatus::kIssued) return false;
      if (auto done = tx.InsertGrant(issued, GrantRequestedEvent(issued, who->caller)); !done) {
        return tl::unexpected(done.error());
      }
      if (auto done = record_break_glass(tx, issued); !done) return tl::unexpected(done.error());
      if (auto done = tx.AppendAudit(GrantIssuedEvent(issued, who->caller)); !done) {
        return tl::unexpected(done.error());
      }
      if (entry) {
        if (auto done = tx.PutStsCacheEntry(*entry); !done) return tl::unexpected(done.error());
      }
      return true;
    });
    if (!recorded) return ApiError(503, "store_unavailable", recorded.error().message);
    if (*recorded) {
      grant = std::move(issued);
      credentials = reused->credentials;
    } else {
      reused.reset();  // its session was revoked: this grant gets its own
    }
  }

  GrantChange change;
  change.status = GrantStatus::kIssued;
  change.credentials_token_sha256 = token_hash;
  change.issued_at = now;
  if (!reused) {
    // Recorded (status issuing) before anything is asked of STS: nothing is
    // issued unless its audit event is committed first.
    if (auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
          if (auto inserted = tx.InsertGrant(grant, GrantRequestedEvent(grant, who->caller));
              !inserted) {
            return inserted;
          }
          return record_break_glass(tx, grant);
        });
        !recorded) {
      return ApiError(503, "store_unavailable", recorded.error().message);
    }

    auto base = ResolveBaseCredentials(world_.env);
    Result<IssuedAws> issued = tl::unexpected(Error{});
    if (!base) {
      // The server's own configuration, not the caller's request.
      issued = tl::unexpected(
          Error{ErrorKind::kState, "the server has no base credentials: " + base.error().message});
    } else {
      const auto sts_started = std::chrono::steady_clock::now();
      issued = IssueAwsCredentials(*plan.aws, grant.id, cap ? cap->sts_duration : plan.ttl, *base,
                                   world_);
      metrics_.ObserveSts(std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - sts_started),
                          issued.has_value());
    }
    if (!issued) return FailIssuingGrant(grant, who->caller, issued.error());
    credentials = issued->credentials;
    change.sts = StsSession{RoleIdOf(issued->assumed_role_id), grant.sts.session_name,
                            credentials.access_key_id, credentials.expiration};
    grant.sts = *change.sts;
    // The issue, the shared cache entry (a capped grant's session is its
    // own) and the grant's entry commit together.
    const auto shared = cap ? std::nullopt : seal(cache_name, credentials);
    const auto own = seal(GrantCacheName(grant.id), credentials);
    auto committed = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
      auto updated = tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, change,
                                    GrantIssuedEvent(grant, who->caller));
      if (!updated || !*updated) return updated;
      for (const auto* entry : {&shared, &own}) {
        if (!*entry) continue;
        if (auto put = tx.PutStsCacheEntry(**entry); !put) return tl::unexpected(put.error());
      }
      return true;
    });
    if (!committed || !*committed) {
      // Maybe recorded, maybe not: hand out nothing.
      return ApiError(
          503, "store_unavailable",
          committed ? "the grant changed while it was being issued" : committed.error().message);
    }
  }
  metrics_.CountGrant(reused ? "reused" : "issued");

  OrderedJson reply;
  reply["Version"] = 1;
  reply["AccessKeyId"] = credentials.access_key_id;
  reply["SecretAccessKey"] = credentials.secret_access_key.Reveal();
  reply["SessionToken"] = credentials.session_token.Reveal();
  if (credentials.expiration) reply["Expiration"] = FormatRfc3339(*credentials.expiration);
  reply["grant_id"] = grant.id;
  reply["expires_at"] = OptionalTime(credentials.expiration);
  reply["credentials_url"] = fmt::format("/v1/grants/{}/credentials", grant.id);
  reply["credentials_token"] = credentials_token.Reveal();
  reply["reused_from"] = OptionalJson(grant.reused_from);
  reply["policy_size"] = grant.policy ? grant.policy->size() : 0;
  reply["ttl_seconds"] = grant.ttl.count();
  reply["ttl_cap"] = cap ? TtlCapJson(*cap) : OrderedJson(nullptr);
  reply["warnings"] = warnings;
  if (break_glass) {
    reply["break_glass"] = {{"request_id", break_glass->id}, {"review", "pending"}};
    NotifyBreakGlass(*break_glass, grant);
  }
  ApiResponse response = JsonResponse(201, reply);
  response.headers["Location"] = "/v1/grants/" + grant.id;
  response.headers["Cache-Control"] = "no-store";
  return response;
}

ApiResponse TeamServer::ListGrants(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  GrantFilter filter;
  const bool admin = who->rule != nullptr && who->rule->admin;
  if (auto caller = request.query.find("caller"); caller != request.query.end()) {
    filter.caller = caller->second;
  }
  if (!admin) {
    if (filter.caller && *filter.caller != who->caller.name) {
      return ApiError(403, "forbidden", "only an admin policy may list other callers' grants",
                      fmt::format("policies.{}.admin", who->caller.rule));
    }
    filter.caller = who->caller.name;
  }
  if (auto status = request.query.find("status"); status != request.query.end()) {
    filter.status = ParseGrantStatus(status->second);
    if (!filter.status) {
      return ApiError(400, "invalid_request",
                      fmt::format("status \"{}\" is not a grant status",
                                  EscapeControl(status->second.substr(0, 40))));
    }
  }
  PageRequest page;
  if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    page.cursor = cursor->second;
  }
  if (auto limit = request.query.find("limit"); limit != request.query.end()) {
    page.limit = static_cast<size_t>(std::clamp(std::atol(limit->second.c_str()), 1L, 1000L));
  }
  auto listed = store_->ListGrants(filter, page);
  if (!listed)
    return ApiError(StatusFor(listed.error()), CodeFor(listed.error()), listed.error().message);
  OrderedJson items = OrderedJson::array();
  for (const Grant& grant : listed->items) items.push_back(GrantJson(grant));
  return JsonResponse(200, OrderedJson{{"grants", items}, {"next_cursor", listed->next_cursor}});
}

ApiResponse TeamServer::GetGrant(const ApiRequest& request, const std::string& id) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  auto grant = store_->GetGrant(id);
  if (!grant) return ApiError(503, "store_unavailable", grant.error().message);
  const bool admin = who->rule != nullptr && who->rule->admin;
  if (!*grant || (!admin && (*grant)->caller != who->caller.name)) {
    return ApiError(404, "not_found", "no such grant");
  }
  return JsonResponse(200, GrantJson(**grant));
}

void TeamServer::RecordGrantFailed(const Grant& grant, const TeamCaller& caller,
                                   const Error& error) {
  metrics_.CountGrant("failed");
  GrantChange failed;
  failed.status = GrantStatus::kFailed;
  failed.status_reason = error.message;
  (void)store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, failed,
                          GrantFailedEvent(grant, caller, error.message));
  });
}

ApiResponse TeamServer::FailIssuingGrant(const Grant& grant, const TeamCaller& caller,
                                         const Error& error) {
  RecordGrantFailed(grant, caller, error);
  return ApiError(StatusFor(error), CodeFor(error), error.message);
}

ApiResponse TeamServer::GrantCredentials(const ApiRequest& request, const std::string& id) {
  // The container-credentials endpoint of `run --serve --server`: the
  // grant's own bearer token, as AWS_CONTAINER_AUTHORIZATION_TOKEN sends it
  // (with or without "Bearer ").
  std::string token = Header(request, "authorization").value_or("");
  if (token.rfind("Bearer ", 0) == 0) token = token.substr(7);
  if (token.empty()) return ApiError(401, "unauthenticated", "no credentials token");
  auto grant = store_->FindGrantByCredentialsToken(Sha256Hex(token));
  if (!grant) return ApiError(503, "store_unavailable", grant.error().message);
  if (!*grant || (*grant)->id != id) {
    return ApiError(401, "unauthenticated", "unknown credentials token for this grant");
  }
  const Grant& found = **grant;
  if (found.status == GrantStatus::kPendingApproval) return PendingGrantCredentials(found);
  if (found.status == GrantStatus::kIssuing && found.approval_request_id) {
    // Approved, and STS is being asked right now (approvals.cc): the
    // requester waiting on this endpoint polls on rather than give up.
    return ApprovedIssuingCredentials(found);
  }
  if (found.status != GrantStatus::kIssued) {
    return ApiError(403, "forbidden",
                    fmt::format("grant {} is {}{}", found.id, GrantStatusName(found.status),
                                found.status_reason.empty() ? "" : ": " + found.status_reason));
  }
  const TimePoint now = world_.clock();
  const TimePoint ends = found.issued_at.value_or(found.created_at) + found.ttl;
  if (now >= ends) return ApiError(410, "expired", fmt::format("grant {} has expired", found.id));
  // An approved GCP or Azure grant: its sealed token (token_grants.cc).
  if (found.provider != "aws") return ApprovedTokenCredentials(found, ends);

  std::optional<CachedCredentials> current;
  if (auto cached = store_->FindStsCacheEntry(GrantCacheName(found.id), cache_key_, now);
      cached && *cached) {
    current = **cached;
  }
  const auto left = [&](const CachedCredentials& cached) {
    return cached.credentials.expiration ? *cached.credentials.expiration - now
                                         : std::chrono::system_clock::duration::zero();
  };
  // Renewed when less than a third of a TTL, or five minutes, is left, and
  // never beyond the grant's own end.
  const auto renew_below = std::min<std::chrono::system_clock::duration>(
      kReuseMargin, std::chrono::duration_cast<std::chrono::seconds>(found.ttl) / 3);
  if (!current || left(*current) < renew_below) {
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(ends - now);
    if (remaining >= std::chrono::seconds(900)) {
      auto plan = RenewalPlan(found, *Config(), world_.env);
      auto base = ResolveBaseCredentials(world_.env);
      if (!plan || !base) {
        const Error& error = !plan ? plan.error() : base.error();
        if (!current) return ApiError(StatusFor(error), CodeFor(error), error.message);
      } else {
        const auto sts_started = std::chrono::steady_clock::now();
        auto issued = IssueAwsCredentials(*plan, found.id, remaining, *base, world_);
        metrics_.ObserveSts(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - sts_started),
                            issued.has_value());
        if (issued) {
          auto recorded = store_->AppendAudit(GrantRefreshedEvent(
              found, issued->credentials.access_key_id, issued->credentials.expiration));
          if (!recorded) return ApiError(503, "store_unavailable", recorded.error().message);
          current = CachedCredentials{issued->credentials, found.id};
          (void)store_->PutStsCacheEntry(GrantCacheName(found.id), *current, cache_key_);
        } else if (!current) {
          return ApiError(StatusFor(issued.error()), CodeFor(issued.error()),
                          issued.error().message);
        }
      }
    }
  }
  if (!current) {
    return ApiError(410, "expired",
                    "the grant's credentials are gone and too little of it is left "
                    "to renew them (STS issues 15 minutes at least)");
  }
  ApiResponse response{200, "application/json", ContainerCredentialsJson(current->credentials), {}};
  response.headers["Cache-Control"] = "no-store";
  return response;
}

ApiResponse TeamServer::ReadAudit(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  if (who->rule == nullptr || !who->rule->admin) {
    return ApiError(403, "forbidden", "only an admin policy may read the audit log",
                    fmt::format("policies.{}.admin", who->caller.rule));
  }
  AuditQuery query;
  const auto text = [&](const char* key) -> std::optional<std::string> {
    const auto found = request.query.find(key);
    if (found == request.query.end()) return std::nullopt;
    return found->second;
  };
  if (auto after = text("after")) query.after_seq = std::strtoull(after->c_str(), nullptr, 10);
  if (auto limit = text("limit")) {
    query.limit = static_cast<size_t>(std::clamp(std::atol(limit->c_str()), 1L, 1000L));
  }
  query.session_id = text("session");
  query.event = text("event");
  query.caller = text("caller");
  query.since = text("since");
  query.until = text("until");
  if (text("format") == "jsonl") {
    std::string body;
    auto lines = store_->ReadAudit(query);
    if (!lines)
      return ApiError(StatusFor(lines.error()), CodeFor(lines.error()), lines.error().message);
    for (const AuditLine& line : *lines) body += FormatAuditLine(line) + "\n";
    return ApiResponse{200, "application/x-ndjson", std::move(body), {}};
  }
  auto lines = store_->ReadAudit(query);
  if (!lines)
    return ApiError(StatusFor(lines.error()), CodeFor(lines.error()), lines.error().message);
  OrderedJson events = OrderedJson::array();
  uint64_t last = query.after_seq;
  for (const AuditLine& line : *lines) {
    events.push_back(OrderedJson::parse(FormatAuditLine(line)));
    last = line.seq;
  }
  return JsonResponse(
      200, OrderedJson{{"events", events},
                       {"next_after",
                        lines->size() < query.limit ? OrderedJson(nullptr) : OrderedJson(last)}});
}

ApiResponse TeamServer::VerifyAudit(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  if (who->rule == nullptr || !who->rule->admin) {
    return ApiError(403, "forbidden", "only an admin policy may verify the audit log",
                    fmt::format("policies.{}.admin", who->caller.rule));
  }
  auto verdict = store_->VerifyAudit();
  if (!verdict) return ApiError(503, "store_unavailable", verdict.error().message);
  if (*verdict) return JsonResponse(200, OrderedJson{{"ok", true}, {"events", **verdict}});
  return JsonResponse(200, OrderedJson{{"ok", false},
                                       {"line", verdict->error().line},
                                       {"problem", verdict->error().problem},
                                       {"intact_events", verdict->error().intact_events}});
}

}  // namespace audex
