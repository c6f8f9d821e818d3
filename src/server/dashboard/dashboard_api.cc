// The dashboard's routes. Every route is a GET that reads: the page and its
// assets, and /api/v1 over the same values the CLI prints (SessionStateJson,
// the audit chain's verification, profile_views, the planner's plan JSON).
// Nothing here re-implements resolution, verification or rendering of a
// policy; nothing here writes (so no request can be forged into a change).
#include "server/dashboard/dashboard_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "catalog/action_catalog.h"
#include "catalog/profile_views.h"
#include "core/audit/activity.h"
#include "core/audit/audit_chain.h"
#include "core/audit/session_record.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/plan/plan_json.h"
#include "core/plan/session_plan.h"
#include "server/dashboard/dashboard_assets.h"
#include "session/planner.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr size_t kDefaultPage = 100;
constexpr size_t kMaxPage = 1000;

WebResponse Reply(int status, std::string content_type, std::string body) {
  WebResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", std::move(content_type));
  response.body = std::move(body);
  AddSecurityHeaders(response);
  return response;
}

WebResponse JsonReply(int status, const OrderedJson& json) {
  return Reply(status, "application/json", json.dump());
}

// The error shape of the team server's API (docs/team-mode.md).
WebResponse JsonError(int status, std::string_view code, std::string_view message) {
  return JsonReply(status, OrderedJson{{"error", {{"code", code}, {"message", message}}}});
}

// A small page for the browser when it may not see the dashboard.
WebResponse PageError(int status, std::string_view message) {
  return Reply(status, "text/html; charset=utf-8",
               fmt::format("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<title>Audex dashboard</title></head><body><main><h1>Audex "
                           "dashboard</h1><p>{}</p></main></body></html>",
                           message));
}

std::optional<size_t> ParseCount(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

// The page size asked for, within 1..kMaxPage.
Result<size_t> PageSize(const WebRequest& request) {
  const std::string limit = request.Param("limit");
  if (limit.empty()) return kDefaultPage;
  const auto value = ParseCount(limit);
  if (!value || *value == 0 || *value > kMaxPage) {
    return UsageError(fmt::format("limit must be a whole number from 1 to {}", kMaxPage));
  }
  return *value;
}

Result<std::optional<TimePoint>> TimeParam(const WebRequest& request, const std::string& name) {
  const std::string text = request.Param(name);
  if (text.empty()) return std::optional<TimePoint>();
  const auto time = ParseRfc3339(text);
  if (!time) {
    return UsageError(
        fmt::format("{} must be an RFC 3339 time such as 2026-12-06T08:00:00Z", name));
  }
  return std::optional<TimePoint>(*time);
}

// The chain's verification as the API reports it.
OrderedJson VerificationJson(const AuditFiles& files) {
  if (!files.log && !files.head) {
    return {{"intact", true}, {"events", 0}, {"message", "no audit log yet"}};
  }
  const auto verdict = VerifyAuditChain(files);
  if (verdict) return {{"intact", true}, {"events", *verdict}};
  return {{"intact", false},
          {"line", verdict.error().line},
          {"problem", verdict.error().problem},
          {"intact_events", verdict.error().intact_events}};
}

OrderedJson LineJson(const NumberedLine& numbered) {
  OrderedJson json{{"line", numbered.number}};
  if (!numbered.line) {
    json["error"] = numbered.line.error().message;
    return json;
  }
  const AuditLine& line = *numbered.line;
  json["seq"] = line.seq;
  json["ts"] = line.event.ts;
  json["session_id"] = line.event.session_id;
  json["event"] = line.event.name;
  json["fields"] = line.event.fields;
  return json;
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes
// doubled.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

bool IsWildcard(std::string_view action) {
  return action.find_first_of("*?") != std::string_view::npos;
}

}  // namespace

std::string CookieValue(std::string_view header, std::string_view name) {
  // RFC 6265 section 5.4: "name=value" pairs separated by "; ".
  for (std::string_view pair : Split(header, ';')) {
    pair = Trim(pair);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (pair.substr(0, equals) == name) return std::string(pair.substr(equals + 1));
  }
  return {};
}

std::optional<EmbeddedAsset> FindDashboardAsset(std::string_view path) {
  const std::string_view wanted = path == "/" ? "/index.html" : path;
  for (const EmbeddedAsset& asset : DashboardAssets()) {
    if (asset.path == wanted) return asset;
  }
  return std::nullopt;
}

nlohmann::ordered_json PlanExplanationJson(const SessionPlan& plan,
                                           const std::vector<std::string>& warnings) {
  // Each wildcard's actions and access levels, as `policies expand` lists
  // them (catalog/profile_views.h).
  std::vector<std::string> wildcards;
  if (plan.request.provider == Provider::kAws) {
    for (const GrantedAction& granted : plan.request.actions) {
      if (IsWildcard(granted.action)) wildcards.push_back(granted.action);
    }
  }
  OrderedJson patterns = OrderedJson::array();
  if (!wildcards.empty()) {
    if (auto expanded = ExpandPatterns(ActionCatalog::Builtin(), wildcards)) {
      patterns = ExpandedPatternsJson(*expanded);
    }
  }
  OrderedJson json{{"ok", true},
                   {"plan", SessionPlanJson(plan, false)},
                   {"patterns", std::move(patterns)},
                   {"policy_document", plan.policy ? OrderedJson(plan.policy_json) : OrderedJson()},
                   {"policy_size", plan.policy_json.size()},
                   {"policy_limit", kSessionPolicyLimit},
                   {"warnings", warnings}};
  for (const std::string& warning : plan.request.warnings) json["warnings"].push_back(warning);
  return json;
}

nlohmann::ordered_json ProfilesListJson(const ProfileCatalog& profiles) {
  OrderedJson list = OrderedJson::array();
  for (const Profile* profile : ProfilesFor(profiles, std::nullopt)) {
    list.push_back(ProfileJson(*profile, profiles));
  }
  return list;
}

void AddSecurityHeaders(WebResponse& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

DashboardApi::DashboardApi(const World& world, const SecretString& login_token)
    : world_(world), login_token_sha256_(Sha256Hex(login_token.Reveal())) {
  // The planner's warnings belong in the explorer's reply, not on the
  // terminal of the process serving it.
  world_.notify = [this](NoticeLevel, const std::string& message) { notices_.push_back(message); };
}

WebResponse DashboardApi::Handle(const WebRequest& request) {
  // DNS rebinding: a page of another site whose name resolves to 127.0.0.1
  // sends its own name as Host. Only the loopback names of this port pass.
  const std::string host = request.Header("host");
  const int port = port_;
  if (host != fmt::format("127.0.0.1:{}", port) && host != fmt::format("localhost:{}", port)) {
    return JsonError(421, "wrong_host", "this dashboard answers only 127.0.0.1 and localhost");
  }
  // Read-only: there is no state-changing request to forge (CSRF), and any
  // other method is refused before anything else is looked at.
  if (request.method != "GET" && request.method != "HEAD") {
    WebResponse refused = JsonError(405, "method_not_allowed", "the dashboard is read-only");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  if (request.path == "/login") return Login(request);
  if (!Authenticated(request)) {
    if (request.path.starts_with("/api/")) {
      return JsonError(401, "unauthenticated",
                       "open the URL `tryaudex dashboard` printed; each link works once");
    }
    return PageError(401,
                     "Open the URL that <code>tryaudex dashboard</code> printed. Each link "
                     "works once; restart the dashboard for a new one.");
  }
  if (request.path.starts_with("/api/")) {
    std::lock_guard lock(mutex_);
    return Api(request);
  }
  if (const auto asset = FindDashboardAsset(request.path)) {
    return Reply(200, std::string(asset->content_type), std::string(asset->bytes));
  }
  return PageError(404, "There is no such page.");
}

WebResponse DashboardApi::Login(const WebRequest& request) {
  const std::string token = request.Param("token");
  // Compared as SHA-256 digests: a timing difference could reveal only how
  // much of the digest matched, which does not help make a token that has it.
  if (token.empty() || Sha256Hex(token) != login_token_sha256_) {
    return PageError(403,
                     "This link is not valid. Open the URL that "
                     "<code>tryaudex dashboard</code> printed.");
  }
  if (login_used_.exchange(true)) {
    return PageError(403,
                     "This link was used already: each link works once. Restart "
                     "<code>tryaudex dashboard</code> for a new one.");
  }
  auto random = world_.random(32);
  if (!random) return PageError(500, "No random bytes for a session cookie: try again.");
  const std::string cookie = HexEncode(*random);
  {
    std::lock_guard lock(mutex_);
    cookie_sha256s_.insert(Sha256Hex(cookie));
  }
  WebResponse response = Reply(303, "text/plain; charset=utf-8", "");
  response.headers.emplace_back("Location", "/");
  // HttpOnly: no script reads it; SameSite=Strict: no other site's page
  // sends it (RFC 6265bis section 8.8). No Max-Age: it ends with the browser.
  response.headers.emplace_back(
      "Set-Cookie",
      fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/", kDashboardCookie, cookie));
  return response;
}

bool DashboardApi::Authenticated(const WebRequest& request) const {
  const std::string cookie = CookieValue(request.Header("cookie"), kDashboardCookie);
  if (cookie.empty()) return false;
  std::lock_guard lock(mutex_);
  return cookie_sha256s_.contains(Sha256Hex(cookie));
}

WebResponse DashboardApi::Api(const WebRequest& request) {
  const std::string& path = request.path;
  if (path == "/api/v1/sessions") return Sessions(request);
  constexpr std::string_view kSessionPrefix = "/api/v1/sessions/";
  if (path.starts_with(kSessionPrefix)) return OneSession(path.substr(kSessionPrefix.size()));
  if (path == "/api/v1/audit") return Audit(request);
  if (path == "/api/v1/audit/verify") return AuditVerify();
  if (path == "/api/v1/audit/export") return AuditExport(request);
  if (path == "/api/v1/policies/profiles") return Profiles();
  if (path == "/api/v1/policies/explain") return Explain(request);
  if (path == "/api/v1/activity") return Activity(request);
  return JsonError(404, "not_found", fmt::format("no API route {} (docs/dashboard.md)", path));
}

WebResponse DashboardApi::Sessions(const WebRequest& request) {
  const auto limit = PageSize(request);
  if (!limit) return JsonError(400, "bad_request", limit.error().message);
  const auto since = TimeParam(request, "since");
  if (!since) return JsonError(400, "bad_request", since.error().message);
  const auto until = TimeParam(request, "until");
  if (!until) return JsonError(400, "bad_request", until.error().message);
  const std::string provider = request.Param("provider");
  const std::string status = request.Param("status");
  const std::string profile = request.Param("profile");
  const std::string agent = request.Param("agent");

  const SessionStore store(world_.paths.state_dir);
  auto listing = store.List();
  if (!listing) return JsonError(503, "state_unreadable", listing.error().message);
  const TimePoint now = world_.clock();
  OrderedJson sessions = OrderedJson::array();
  size_t matched = 0;
  for (const SessionRecord& record : listing->sessions) {
    if (!provider.empty() && ProviderName(record.provider) != provider) continue;
    if (!status.empty() && SessionStateName(StateAt(record, now, world_.running)) != status) {
      continue;
    }
    if (!profile.empty() && record.profile.value_or("") != profile) continue;
    if (!agent.empty() && record.agent_id.value_or("") != agent) continue;
    if (*since && record.created < **since) continue;
    if (*until && record.created > **until) continue;
    ++matched;
    if (sessions.size() < *limit) {
      sessions.push_back(SessionStateJson(record, now, world_.running));
    }
  }
  // `version` changes whenever what this listing shows changes: the page
  // polls and redraws only then (docs/dashboard.md, "Live updates").
  const std::string version = Sha256Hex(sessions.dump()).substr(0, 16);
  return JsonReply(200, OrderedJson{{"sessions", std::move(sessions)},
                                    {"total", matched},
                                    {"warnings", listing->warnings},
                                    {"version", version}});
}

WebResponse DashboardApi::OneSession(const std::string& id) {
  const SessionStore store(world_.paths.state_dir);
  auto record = store.Load(id);
  if (!record) return JsonError(404, "not_found", record.error().message);
  OrderedJson json{{"session", SessionStateJson(*record, world_.clock(), world_.running)}};
  // The document exactly as it was sent to STS (the record's "policy" is
  // its parsed form).
  json["policy_document"] = record->policy ? OrderedJson(*record->policy) : OrderedJson();
  json["policy_size"] = record->policy ? record->policy->size() : 0;
  json["policy_limit"] = kSessionPolicyLimit;
  // The timeline: this session's events in the audit chain, in order.
  OrderedJson timeline = OrderedJson::array();
  const AuditLog log(world_.paths.state_dir);
  if (auto files = log.Read(); files && files->log) {
    for (const NumberedLine& line : ParseAuditLog(*files->log)) {
      if (line.line && line.line->event.session_id == record->id) {
        timeline.push_back(LineJson(line));
      }
    }
  }
  json["timeline"] = std::move(timeline);
  return JsonReply(200, json);
}

WebResponse DashboardApi::Audit(const WebRequest& request) {
  const auto limit = PageSize(request);
  if (!limit) return JsonError(400, "bad_request", limit.error().message);
  const std::string after_text = request.Param("after");
  const auto after = after_text.empty() ? std::optional<size_t>(0) : ParseCount(after_text);
  if (!after) return JsonError(400, "bad_request", "after must be a line number");
  const std::string event = request.Param("event");
  const std::string session = request.Param("session");
  const AuditLog log(world_.paths.state_dir);
  auto files = log.Read();
  if (!files) return JsonError(503, "state_unreadable", files.error().message);
  OrderedJson events = OrderedJson::array();
  std::optional<size_t> next;
  for (const NumberedLine& line : ParseAuditLog(files->log.value_or(""))) {
    if (line.number <= *after) continue;
    // A line that does not parse is shown whatever the filters: it is what
    // a reader must see.
    if (line.line && !event.empty() && line.line->event.name != event) continue;
    if (line.line && !session.empty() && !line.line->event.session_id.starts_with(session)) {
      continue;
    }
    if (events.size() == *limit) {
      next = events.back()["line"].get<size_t>();
      break;
    }
    events.push_back(LineJson(line));
  }
  return JsonReply(200, OrderedJson{{"events", std::move(events)},
                                    {"next_after", next ? OrderedJson(*next) : OrderedJson()},
                                    {"verification", VerificationJson(*files)}});
}

WebResponse DashboardApi::AuditVerify() {
  const AuditLog log(world_.paths.state_dir);
  auto files = log.Read();
  if (!files) return JsonError(503, "state_unreadable", files.error().message);
  return JsonReply(200, VerificationJson(*files));
}

WebResponse DashboardApi::AuditExport(const WebRequest& request) {
  const std::string format = request.Param("format").empty() ? "jsonl" : request.Param("format");
  if (format != "jsonl" && format != "csv") {
    return JsonError(400, "bad_request", "format must be jsonl or csv");
  }
  const AuditLog log(world_.paths.state_dir);
  auto files = log.Read();
  if (!files) return JsonError(503, "state_unreadable", files.error().message);
  WebResponse response;
  if (format == "jsonl") {
    // The log's own bytes: `tryaudex audit verify` can check an export
    // given the key and head (which are never served).
    response = Reply(200, "application/x-ndjson", files->log.value_or(""));
  } else {
    std::string csv = "line,seq,ts,session_id,event,fields\r\n";
    for (const NumberedLine& line : ParseAuditLog(files->log.value_or(""))) {
      if (!line.line) {
        csv += fmt::format("{},,,,,{}\r\n", line.number, CsvField(line.line.error().message));
        continue;
      }
      const AuditEvent& event = line.line->event;
      csv += fmt::format("{},{},{},{},{},{}\r\n", line.number, line.line->seq, CsvField(event.ts),
                         CsvField(event.session_id), CsvField(event.name),
                         CsvField(event.fields.dump()));
    }
    response = Reply(200, "text/csv; charset=utf-8", std::move(csv));
  }
  response.headers.emplace_back("Content-Disposition",
                                fmt::format("attachment; filename=\"audit.{}\"", format));
  return response;
}

WebResponse DashboardApi::Profiles() {
  notices_.clear();
  auto loaded = LoadConfigurationNoting(world_);
  if (!loaded) return JsonError(400, "bad_configuration", loaded.error().message);
  return JsonReply(
      200, OrderedJson{{"profiles", ProfilesListJson(loaded->profiles)}, {"warnings", notices_}});
}

WebResponse DashboardApi::Explain(const WebRequest& request) {
  notices_.clear();
  SessionRequest asked;
  const auto optional = [&request](const std::string& name) -> std::optional<std::string> {
    std::string value = request.Param(name);
    if (value.empty()) return std::nullopt;
    return value;
  };
  asked.allow = optional("allow");
  asked.profile = optional("profile");
  asked.resource = optional("resource");
  asked.provider = optional("provider");
  asked.ttl = optional("ttl");
  if (!asked.allow && !asked.profile) {
    return JsonError(400, "bad_request", "give allow (the --allow text) or profile");
  }
  asked.serve = false;
  asked.sandbox = false;
  // The plan `run --dry-run` makes: the same resolution, deny list,
  // catalog checks and packing (session/planner.h).
  PlanSettings settings;
  settings.will_issue = false;
  auto planned = PlanRequest(asked, world_, settings);
  if (!planned) {
    return JsonReply(
        200,
        OrderedJson{{"ok", false}, {"error", planned.error().message}, {"warnings", notices_}});
  }
  OrderedJson json = PlanExplanationJson(planned->plan, notices_);
  return JsonReply(200, json);
}

WebResponse DashboardApi::Activity(const WebRequest& request) {
  size_t days = 14;
  if (const std::string text = request.Param("days"); !text.empty()) {
    const auto value = ParseCount(text);
    if (!value || *value == 0 || *value > 90) {
      return JsonError(400, "bad_request", "days must be a whole number from 1 to 90");
    }
    days = *value;
  }
  const SessionStore store(world_.paths.state_dir);
  auto listing = store.List();
  if (!listing) return JsonError(503, "state_unreadable", listing.error().message);
  // Whole UTC days: today and the days - 1 before it.
  const TimePoint since = std::chrono::floor<std::chrono::days>(world_.clock()) -
                          std::chrono::days(static_cast<int>(days) - 1);
  ActivityCounter counter;
  for (const SessionRecord& record : listing->sessions) {
    if (record.created < since) continue;
    counter.AddSession(
        record.created, std::string(ProviderName(record.provider)), record.profile.value_or(""),
        record.requested_actions.empty() ? record.actions : record.requested_actions);
  }
  OrderedJson json = ActivityJson(counter.Finish(since));
  json["days"] = days;
  json["scope"] = "local";
  json["truncated"] = false;
  // Locally nothing is refused by a rule after a session exists (the CLI
  // refuses before it starts one), and no STS latency is recorded: the team
  // server has both.
  json["sts_latency"] = nullptr;
  return JsonReply(200, json);
}

}  // namespace audex
