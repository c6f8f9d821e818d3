// What the web UI's views read beyond grants and the audit (docs/team-mode.md):
// GET /v1/activity?days=N, the Activity view's counts from the store and
// this replica's metrics (the caller sees what GET /v1/grants and the audit
// would show them: a non-admin their own grants and refusals, an admin
// everyone's); GET /v1/profiles and GET /v1/plan, the policy explorer's
// profiles and dry runs with this server's profiles and deny list.
#include <fmt/format.h>

#include <algorithm>

#include "core/audit/activity.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "server/dashboard/dashboard_api.h"
#include "server/team/team_server.h"
#include "session/planner.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr int kDefaultDays = 14;
constexpr int kMaxDays = 90;
// Bounds the work of one request: a window with more is cut, and says so.
constexpr size_t kMaxCounted = 100'000;

}  // namespace

ApiResponse TeamServer::ActivityReport(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  int days = kDefaultDays;
  if (const auto asked = request.query.find("days"); asked != request.query.end()) {
    days = std::atoi(asked->second.c_str());
    if (days < 1 || days > kMaxDays) {
      return ApiError(400, "invalid_request",
                      fmt::format("days must be a whole number from 1 to {}", kMaxDays));
    }
  }
  const bool admin = who->rule != nullptr && who->rule->admin;
  const TimePoint now = world_.clock();
  // Whole UTC days: today and the days - 1 before it.
  const auto today = std::chrono::floor<std::chrono::days>(now);
  const TimePoint since = today - std::chrono::days(days - 1);
  ActivityCounter counter;
  bool cut = false;

  GrantFilter filter;
  if (!admin) filter.caller = who->caller.name;
  PageRequest page{"", 1000};
  size_t counted = 0;
  for (bool more = true; more;) {
    auto listed = store_->ListGrants(filter, page);
    if (!listed) return ApiError(503, "store_unavailable", listed.error().message);
    for (const Grant& grant : listed->items) {
      // Newest first: the first grant older than the window ends the walk.
      if (grant.created_at < since) {
        more = false;
        break;
      }
      if (++counted > kMaxCounted) {
        more = false;
        cut = true;
        break;
      }
      counter.AddSession(grant.created_at, grant.provider, grant.profile.value_or(""),
                         grant.requested_actions.empty() ? grant.actions : grant.requested_actions);
    }
    if (listed->next_cursor.empty()) more = false;
    page.cursor = listed->next_cursor;
  }

  AuditQuery refusals;
  refusals.limit = 1000;
  refusals.event = "grant_refused";
  refusals.since = FormatRfc3339(since);
  if (!admin) refusals.caller = who->caller.name;
  for (size_t read = 0;;) {
    auto lines = store_->ReadAudit(refusals);
    if (!lines) return ApiError(503, "store_unavailable", lines.error().message);
    for (const AuditLine& line : *lines) {
      const auto rule = line.event.fields.find("rule");
      counter.AddRefusal(rule != line.event.fields.end() && rule->is_string()
                             ? rule->get<std::string>()
                             : std::string("(none)"));
      refusals.after_seq = line.seq;
    }
    read += lines->size();
    if (lines->size() < refusals.limit) break;
    if (read >= kMaxCounted) {
      cut = true;
      break;
    }
  }

  OrderedJson reply = ActivityJson(counter.Finish(since));
  reply["days"] = days;
  reply["scope"] = admin ? "everyone" : "caller";
  reply["truncated"] = cut;
  // This replica's calls since it started (/metrics has the same); the
  // store keeps no latency.
  const Metrics::StsLatency sts = metrics_.Sts();
  OrderedJson buckets = OrderedJson::array();
  for (size_t i = 0; i < Metrics::kStsBuckets.size(); ++i) {
    buckets.push_back({{"le_ms", static_cast<int64_t>(Metrics::kStsBuckets[i] * 1000)},
                       {"count", sts.cumulative[i]}});
  }
  reply["sts_latency"] = {
      {"source", "this replica's STS calls since it started (/metrics)"},
      {"calls", sts.count},
      {"mean_ms", sts.count == 0 ? 0 : static_cast<int64_t>(sts.sum_seconds * 1000 / sts.count)},
      {"buckets", std::move(buckets)}};
  ApiResponse response;
  response.body = reply.dump();
  return response;
}

ApiResponse TeamServer::ListProfiles(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  const LoadedConfiguration loaded = PlanningConfiguration(*who->config);
  ApiResponse response;
  response.body = OrderedJson{{"profiles", ProfilesListJson(loaded.profiles)}}.dump();
  return response;
}

ApiResponse TeamServer::DryRunPlan(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  const auto optional = [&request](const char* name) -> std::optional<std::string> {
    const auto found = request.query.find(name);
    if (found == request.query.end() || found->second.empty()) return std::nullopt;
    return found->second.substr(0, 4096);
  };
  SessionRequest session;
  session.allow = optional("allow");
  session.profile = optional("profile");
  session.resource = optional("resource");
  session.provider = optional("provider");
  session.ttl = optional("ttl");
  if (!session.allow && !session.profile) {
    return ApiError(400, "invalid_request", "give allow (the --allow text) or profile");
  }
  session.cache = CacheChoice::kOff;
  session.serve = false;
  session.sandbox = false;
  // The plan POST /v1/grants would make (the same profiles, deny list and
  // packing), without a role or an issue; whether the caller's rule set
  // allows it is POST /v1/grants's decision.
  std::vector<std::string> warnings;
  auto planned = PlanOnServer(session, *who->config, world_, false, warnings);
  ApiResponse response;
  if (!planned) {
    response.body =
        OrderedJson{{"ok", false}, {"error", planned.error().message}, {"warnings", warnings}}
            .dump();
    return response;
  }
  response.body = PlanExplanationJson(planned->plan, warnings).dump();
  return response;
}

}  // namespace audex
