// Approvals and break-glass on the team server (docs/team-mode.md,
// "Approvals"; core/team/approval_rules.h for the rules). A grant under a
// rule set with `approval` is recorded pending_approval with its request,
// and nothing is asked of STS until the last approval is committed; its
// TTL then counts from that moment. The requester fetches the credentials
// from the grant's own endpoint with the bearer token the 202 reply
// carried. Every step is an audit event in the store's one chain,
// committed before the next; every notice goes to the webhook off the
// request path.
#include <fmt/format.h>

#include <algorithm>

#include "adapters/aws/credential_chain.h"
#include "adapters/http/curl_http_client.h"
#include "core/audit/audit_event.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/team/approval_events.h"
#include "core/team/approval_rules.h"
#include "server/team/team_server.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

ApiResponse Reply(int status, const OrderedJson& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  response.headers["Cache-Control"] = "no-store";
  return response;
}

ApiResponse Refusal(const ApprovalRefusal& refusal) {
  return ApiError(refusal.status, refusal.code, refusal.message, refusal.rule);
}

OrderedJson Time(const std::optional<TimePoint>& value) {
  return value ? OrderedJson(FormatRfc3339(*value)) : OrderedJson(nullptr);
}

OrderedJson Text(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

// A request as the API shows it (docs/team-mode.md, "Approvals"), with
// its grant's plan when there is one. Never a secret: there is none in
// either record.
OrderedJson RequestJson(const ApprovalRequest& request, const std::optional<Grant>& grant) {
  OrderedJson json;
  json["request_id"] = request.id;
  json["status"] = ApprovalStatusName(request.status);
  json["requester"] = request.requester;
  json["rule"] = request.rule;
  json["break_glass"] = request.break_glass;
  json["required_approvals"] = request.required_approvals;
  json["approver_groups"] = request.approver_groups;
  OrderedJson approvals = OrderedJson::array();
  for (const Approval& approval : request.approvals) {
    approvals.push_back({{"approver", approval.approver},
                         {"at", FormatRfc3339(approval.at)},
                         {"reason", approval.reason}});
  }
  json["approvals"] = approvals;
  json["decided_by"] = Text(request.decided_by);
  json["decision_reason"] = request.decision_reason;
  json["decided_at"] = Time(request.decided_at);
  json["reviewed_by"] = Text(request.reviewed_by);
  json["reviewed_at"] = Time(request.reviewed_at);
  json["created_at"] = FormatRfc3339(request.created_at);
  json["expires_at"] = FormatRfc3339(request.expires_at);
  json["grant_id"] = Text(request.grant_id);
  if (grant) {
    json["grant"] = {{"status", GrantStatusName(grant->status)},
                     {"status_reason", grant->status_reason},
                     {"role", grant->role},
                     {"profile", Text(grant->profile)},
                     {"requested_actions", grant->requested_actions},
                     {"actions", grant->actions},
                     // The exact session policy the grant gets, so an
                     // approver decides on what STS will be sent (the
                     // grant itself is its caller's and an admin's only).
                     {"policy", grant->policy ? OrderedJson::parse(*grant->policy, nullptr, false)
                                              : OrderedJson(nullptr)},
                     {"resources", grant->resources},
                     {"ttl_seconds", grant->ttl.count()},
                     {"reason", grant->reason},
                     {"issued_at", Time(grant->issued_at)},
                     {"expires_at", Time(grant->sts.expires_at)},
                     {"access_key_id", grant->sts.access_key_id}};
  } else {
    json["grant"] = nullptr;
  }
  return json;
}

Approver ApproverOf(const TeamCaller& caller, const ServerRule* rule) {
  return Approver{caller.name, caller.groups, rule != nullptr && rule->admin};
}

// {"reason": "..."} or an empty body.
Result<std::string> ParseReason(const std::string& text) {
  if (Trim(text).empty()) return std::string();
  const Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return UsageError("the body must be a JSON object: {\"reason\": \"...\"}");
  }
  std::string reason;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "reason") {
      return UsageError(fmt::format("unknown field \"{}\"; this takes only reason",
                                    EscapeControl(it.key().substr(0, 40))));
    }
    if (!it->is_string()) return UsageError("field \"reason\" must be a string");
    reason = it->get<std::string>();
  }
  if (reason.size() > 1024) return UsageError("field \"reason\" is longer than 1024 characters");
  return reason;
}

std::vector<std::string> Approvers(const ApprovalRequest& request) {
  std::vector<std::string> names;
  for (const Approval& approval : request.approvals) names.push_back(approval.approver);
  return names;
}

}  // namespace

std::shared_ptr<WebhookNotifier> TeamServer::webhook() {
  std::lock_guard lock(config_mutex_);
  return webhook_;
}

std::shared_ptr<WebhookNotifier> TeamServer::MakeWebhook(
    const ServerConfig& config, const std::shared_ptr<WebhookNotifier>& current) {
  if (!config.webhook) return nullptr;
  if (current && current->url() == config.webhook->url) return current;
  CurlHttpOptions options = HttpOptionsFrom(world_.env);
  options.timeouts.total =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.webhook->timeout);
  options.timeouts.connect = std::min(options.timeouts.connect, options.timeouts.total);
  options.max_reply_bytes = 64 * 1024;  // a receiver's reply is read and dropped
  return std::make_shared<WebhookNotifier>(*config.webhook, world_.http(options), metrics_, log_);
}

void TeamServer::Notify(NoticeKind kind, const ApprovalRequest& request, const Grant* grant,
                        const std::string& actor, const std::string& reason) {
  auto hook = webhook();
  if (!hook) return;
  hook->Post(SlackMessage(ApprovalNotice{kind, &request, grant, actor, reason}));
}

// ------------------------------------------------------------- requesting

ApiResponse TeamServer::RequestApproval(const Authenticated& who, const ServerRule& rule,
                                        Grant grant, const SecretString& credentials_token,
                                        const std::string& body,
                                        std::vector<std::string> warnings) {
  const ApprovalSetting& setting = *rule.approval;
  const TimePoint now = world_.clock();
  // A grant never outlives what allowed it: here the approval, whose window
  // caps the TTL (counted from the last approval).
  const std::chrono::seconds asked = grant.ttl;
  grant.ttl = ApprovedTtl(grant.ttl, setting, rule.max_ttl);
  grant.status = GrantStatus::kPendingApproval;

  ApprovalRequest pending;
  pending.id = NewId();
  pending.requester = who.caller.name;
  pending.body = body;
  pending.rule = grant.rule;
  pending.required_approvals = setting.approvals;
  pending.approver_groups = setting.groups;
  pending.status = ApprovalStatus::kPending;
  pending.grant_id = grant.id;
  pending.created_at = now;
  pending.expires_at = now + setting.pending_ttl;
  grant.approval_request_id = pending.id;

  // Recorded before anything else: the grant (pending_approval, no STS
  // call) and its request, in one transaction.
  if (auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
        if (auto inserted = tx.InsertGrant(grant, GrantRequestedEvent(grant, who.caller));
            !inserted) {
          return inserted;
        }
        return tx.InsertApprovalRequest(pending, RequestCreatedEvent(pending, grant, who.caller));
      });
      !recorded) {
    return ApiError(503, "store_unavailable", recorded.error().message);
  }
  metrics_.CountGrant("pending");
  Notify(NoticeKind::kRequested, pending, &grant, who.caller.name, grant.reason);
  log_({{"level", "info"},
        {"msg", "approval requested"},
        {"request_id", pending.id},
        {"grant_id", grant.id},
        {"caller", who.caller.name},
        {"rule", grant.rule}});

  OrderedJson reply;
  reply["status"] = "pending_approval";
  reply["request_id"] = pending.id;
  reply["grant_id"] = grant.id;
  reply["required_approvals"] = pending.required_approvals;
  reply["approver_groups"] = pending.approver_groups;
  reply["expires_at"] = FormatRfc3339(pending.expires_at);
  reply["request_url"] = "/v1/requests/" + pending.id;
  reply["credentials_url"] = fmt::format("/v1/grants/{}/credentials", grant.id);
  reply["credentials_token"] = credentials_token.Reveal();
  reply["ttl_seconds"] = grant.ttl.count();
  reply["ttl_cap"] = {{"by", "approval_window"},
                      {"capped", grant.ttl < asked},
                      {"ttl_seconds", grant.ttl.count()},
                      {"window_seconds", setting.window.value_or(rule.max_ttl).count()},
                      {"starts", "at the last approval"}};
  reply["message"] = fmt::format(
      "request {} needs {} approval{} from {} before {}; nothing is issued until then", pending.id,
      pending.required_approvals, pending.required_approvals == 1 ? "" : "s",
      Join(pending.approver_groups, ", "), FormatRfc3339(pending.expires_at));
  reply["warnings"] = warnings;
  ApiResponse response = Reply(202, reply);
  response.headers["Location"] = "/v1/requests/" + pending.id;
  return response;
}

ApiResponse TeamServer::PendingGrantCredentials(const Grant& grant) {
  if (!grant.approval_request_id) {
    return ApiError(409, "conflict", fmt::format("grant {} waits for no request", grant.id));
  }
  auto found = store_->GetApprovalRequest(*grant.approval_request_id);
  if (!found) return ApiError(503, "store_unavailable", found.error().message);
  if (!*found) return ApiError(404, "not_found", "no such approval request");
  const ApprovalRequest& pending = **found;
  if (PendingExpired(pending, world_.clock())) {
    ExpireRequest(pending, grant.caller);
    return ApiError(410, "expired",
                    fmt::format("request {} expired at {} without enough approvals; ask again",
                                pending.id, FormatRfc3339(pending.expires_at)),
                    ApprovalRuleKey(pending.rule, "pending_ttl"));
  }
  OrderedJson reply;
  reply["status"] = "pending_approval";
  reply["request_id"] = pending.id;
  reply["grant_id"] = grant.id;
  reply["approvals"] = ApprovalCount(pending);
  reply["required_approvals"] = pending.required_approvals;
  reply["approver_groups"] = pending.approver_groups;
  reply["expires_at"] = FormatRfc3339(pending.expires_at);
  ApiResponse response = Reply(202, reply);
  response.headers["Retry-After"] = "2";
  return response;
}

ApiResponse TeamServer::ApprovedIssuingCredentials(const Grant& grant) {
  OrderedJson reply;
  reply["status"] = "issuing";
  reply["request_id"] = Text(grant.approval_request_id);
  reply["grant_id"] = grant.id;
  reply["message"] = fmt::format("approved; the server is asking {} for the grant's credentials",
                                 grant.provider == "gcp"     ? "Google"
                                 : grant.provider == "azure" ? "Entra ID"
                                                             : "STS");
  ApiResponse response = Reply(202, reply);
  response.headers["Retry-After"] = "2";
  return response;
}

// ---------------------------------------------------------------- reading

ApiResponse TeamServer::ListRequests(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  const Approver viewer = ApproverOf(who->caller, who->rule);
  ApprovalFilter filter;
  const auto query = [&](const char* key) -> std::optional<std::string> {
    const auto found = request.query.find(key);
    if (found == request.query.end()) return std::nullopt;
    return found->second;
  };
  if (auto status = query("status")) {
    if (*status == "review") {
      filter.unreviewed_break_glass = true;
    } else {
      filter.status = ParseApprovalStatus(*status);
      if (!filter.status) {
        return ApiError(400, "invalid_request",
                        fmt::format("status \"{}\" is not a request status (pending, approved, "
                                    "denied, expired, cancelled, review)",
                                    EscapeControl(status->substr(0, 40))));
      }
    }
  }
  if (auto requester = query("requester")) filter.requester = *requester;
  PageRequest page;
  if (auto cursor = query("cursor")) page.cursor = *cursor;
  if (auto limit = query("limit")) {
    page.limit = static_cast<size_t>(std::clamp(std::atol(limit->c_str()), 1L, 1000L));
  }
  auto listed = store_->ListApprovalRequests(filter, page);
  if (!listed) {
    return ApiError(
        listed.error().kind == ErrorKind::kUsage ? 400 : 503,
        listed.error().kind == ErrorKind::kUsage ? "invalid_request" : "store_unavailable",
        listed.error().message);
  }
  const TimePoint now = world_.clock();
  OrderedJson items = OrderedJson::array();
  for (ApprovalRequest& item : listed->items) {
    // Each caller sees its own requests and those it may decide.
    if (!MayView(item, viewer)) continue;
    if (PendingExpired(item, now)) {
      ExpireRequest(item, viewer.name);
      if (filter.status == ApprovalStatus::kPending) continue;
      item.status = ApprovalStatus::kExpired;
    }
    std::optional<Grant> grant;
    if (item.grant_id) {
      if (auto found = store_->GetGrant(*item.grant_id); found && *found) grant = **found;
    }
    items.push_back(RequestJson(item, grant));
  }
  return Reply(200, OrderedJson{{"requests", items}, {"next_cursor", listed->next_cursor}});
}

ApiResponse TeamServer::GetRequest(const ApiRequest& request, const std::string& id) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  auto found = store_->GetApprovalRequest(id);
  if (!found) return ApiError(503, "store_unavailable", found.error().message);
  if (!*found || !MayView(**found, ApproverOf(who->caller, who->rule))) {
    return ApiError(404, "not_found",
                    "no such request (or it is neither yours nor one your groups decide)");
  }
  ApprovalRequest item = **found;
  if (PendingExpired(item, world_.clock())) {
    ExpireRequest(item, who->caller.name);
    item.status = ApprovalStatus::kExpired;
  }
  std::optional<Grant> grant;
  if (item.grant_id) {
    auto loaded = store_->GetGrant(*item.grant_id);
    if (!loaded) return ApiError(503, "store_unavailable", loaded.error().message);
    if (*loaded) grant = **loaded;
  }
  return Reply(200, RequestJson(item, grant));
}

// --------------------------------------------------------------- deciding

ApiResponse TeamServer::DecideRequest(const ApiRequest& request, const std::string& id,
                                      const std::string& action) {
  if (action != "approve" && action != "deny" && action != "review") {
    return ApiError(404, "not_found",
                    fmt::format("no such action \"{}\" on a request: approve, deny or review",
                                EscapeControl(action.substr(0, 40))));
  }
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  auto reason = ParseReason(request.body);
  if (!reason) return ApiError(400, "invalid_request", reason.error().message);
  if (action != "approve" && Trim(*reason).empty()) {
    return ApiError(400, "invalid_request",
                    fmt::format("{} needs a reason: {{\"reason\": \"...\"}} (--reason TEXT)",
                                action == "deny" ? "a denial" : "a review"));
  }
  auto found = store_->GetApprovalRequest(id);
  if (!found) return ApiError(503, "store_unavailable", found.error().message);
  if (!*found) return ApiError(404, "not_found", fmt::format("no such request {}", id));
  const ApprovalRequest& current = **found;
  const Approver actor = ApproverOf(who->caller, who->rule);
  const TimePoint now = world_.clock();
  std::optional<Grant> grant;
  if (current.grant_id) {
    auto loaded = store_->GetGrant(*current.grant_id);
    if (!loaded) return ApiError(503, "store_unavailable", loaded.error().message);
    if (*loaded) grant = **loaded;
  }
  if (!grant) {
    return ApiError(409, "conflict", fmt::format("request {} has no grant recorded", id));
  }
  const auto refuse = [&](const ApprovalRefusal& refusal) {
    metrics_.CountRefusal(refusal.rule);
    if (refusal.code == "expired") ExpireRequest(current, actor.name);
    // Refused approvals are audited as refused grants are: someone tried.
    AuditEvent event;
    event.session_id = id;
    event.name = "approval_refused";
    event.fields["caller"] = actor.name;
    event.fields["action"] = action;
    event.fields["rule"] = refusal.rule;
    event.fields["reason"] = refusal.message;
    if (auto audited = store_->AppendAudit(std::move(event)); !audited) {
      return ApiError(503, "store_unavailable", audited.error().message);
    }
    log_({{"level", "info"},
          {"msg", "request action refused"},
          {"request_id", id},
          {"action", action},
          {"caller", actor.name},
          {"rule", refusal.rule}});
    return Refusal(refusal);
  };

  if (action == "review") {
    if (auto refusal = CheckReview(current, actor)) return refuse(*refusal);
    auto reviewed = store_->Transact([&](TeamTransaction& tx) {
      return tx.MarkReviewed(id, actor.name, BreakGlassReviewedEvent(current, actor.name, *reason));
    });
    if (!reviewed) return ApiError(503, "store_unavailable", reviewed.error().message);
    if (!*reviewed) {
      return ApiError(409, "conflict", fmt::format("request {} was reviewed meanwhile", id),
                      ApprovalRuleKey(current.rule, "review"));
    }
    Notify(NoticeKind::kReviewed, current, &*grant, actor.name, *reason);
    auto updated = store_->GetApprovalRequest(id);
    return Reply(200, RequestJson(updated && *updated ? **updated : current, grant));
  }

  if (action == "deny") {
    if (auto refusal = CheckDenial(current, actor, now)) return refuse(*refusal);
    auto denied = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
      auto decided =
          tx.DecideApprovalRequest(id, ApprovalStatus::kDenied, actor.name, *reason, std::nullopt,
                                   RequestDeniedEvent(current, actor.name, *reason));
      if (!decided || !*decided) return decided;
      GrantChange change;
      change.status = GrantStatus::kDenied;
      change.status_reason = fmt::format("denied by {}: {}", actor.name, *reason);
      return tx.UpdateGrant(grant->id, {GrantStatus::kPendingApproval}, change,
                            GrantDecidedEvent("grant_denied", *grant, current, actor.name));
    });
    if (!denied) return ApiError(503, "store_unavailable", denied.error().message);
    if (!*denied) {
      return ApiError(409, "conflict", fmt::format("request {} was decided meanwhile", id),
                      ApprovalRuleKey(current.rule, "status"));
    }
    auto updated = store_->GetApprovalRequest(id);
    const ApprovalRequest& shown = updated && *updated ? **updated : current;
    Notify(NoticeKind::kDenied, shown, &*grant, actor.name, *reason);
    metrics_.CountGrant("denied");
    auto reloaded = store_->GetGrant(grant->id);
    return Reply(200, RequestJson(shown, reloaded && *reloaded ? **reloaded : *grant));
  }

  // approve
  if (auto refusal = CheckApproval(current, actor, now)) return refuse(*refusal);
  const Approval approval{actor.name, now, *reason};
  bool complete = false;
  ApprovalRequest after = current;
  auto added = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    ApprovalRequest counted = current;
    counted.approvals.push_back(approval);
    if (auto done = tx.AddApproval(id, approval,
                                   ApprovalAddedEvent(counted, approval, counted.approvals.size()));
        !done || !*done) {
      return done;
    }
    // Counted again inside the transaction, which holds the chain's head:
    // approvals committed meanwhile by another replica are seen, so the
    // last approver is exactly one.
    auto fresh = tx.GetApprovalRequest(id);
    if (!fresh) return tl::unexpected(fresh.error());
    if (!*fresh) return StateError(fmt::format("request {} vanished", id));
    after = **fresh;
    if (!ApprovalsComplete(after)) return true;
    complete = true;
    auto decided =
        tx.DecideApprovalRequest(id, ApprovalStatus::kApproved, actor.name, *reason, grant->id,
                                 RequestApprovedEvent(after, approval, Approvers(after)));
    if (!decided) return tl::unexpected(decided.error());
    if (!*decided) return StateError(fmt::format("request {} was decided meanwhile", id));
    GrantChange change;
    change.status = GrantStatus::kIssuing;
    auto released = tx.UpdateGrant(grant->id, {GrantStatus::kPendingApproval}, change,
                                   GrantDecidedEvent("grant_approved", *grant, after, actor.name));
    if (!released) return tl::unexpected(released.error());
    if (!*released) {
      // Revoked while it waited: the approval changes nothing (rolled back).
      return UsageError(
          fmt::format("grant {} is no longer pending (revoked while it waited)", grant->id));
    }
    return true;
  });
  if (!added) {
    if (added.error().kind == ErrorKind::kUsage) {
      return ApiError(409, "conflict", added.error().message,
                      ApprovalRuleKey(current.rule, "status"));
    }
    return ApiError(503, "store_unavailable", added.error().message);
  }
  if (!*added) {
    return ApiError(409, "conflict",
                    fmt::format("{} has already approved request {}, or it is no longer pending",
                                actor.name, id),
                    ApprovalRuleKey(current.rule, "once"));
  }
  if (!complete) {
    Notify(NoticeKind::kApproval, after, &*grant, actor.name, *reason);
    return Reply(200, RequestJson(after, grant));
  }
  after.status = ApprovalStatus::kApproved;
  after.decided_by = actor.name;
  after.decision_reason = *reason;
  after.decided_at = now;
  Notify(NoticeKind::kApproved, after, &*grant, actor.name, *reason);
  auto issued = IssueApprovedGrant(*grant, after);
  if (!issued) {
    // kPolicy: the request no longer plans what was approved (token_grants.cc).
    const ErrorKind kind = issued.error().kind;
    const int status = kind == ErrorKind::kState ? 503 : kind == ErrorKind::kPolicy ? 409 : 502;
    return ApiError(status,
                    status == 503   ? "store_unavailable"
                    : status == 409 ? "conflict"
                                    : "upstream_refused",
                    fmt::format("request {} is approved, but issuing grant {} failed: {}", id,
                                grant->id, issued.error().message));
  }
  return Reply(200, RequestJson(after, *issued));
}

Result<Grant> TeamServer::IssueApprovedGrant(Grant grant, const ApprovalRequest& request) {
  if (grant.provider != "aws") return IssueApprovedTokenGrant(std::move(grant), request);
  const TeamCaller requester{grant.caller, grant.rule, "approval:" + request.id, {}, {}};
  const auto fail = [&](const Error& error) -> Result<Grant> {
    RecordGrantFailed(grant, requester, error);
    return tl::unexpected(error);
  };
  auto plan = RenewalPlan(grant, *Config(), world_.env);
  if (!plan) return fail(plan.error());
  auto base = ResolveBaseCredentials(world_.env);
  if (!base) {
    return fail(
        Error{ErrorKind::kState, "the server has no base credentials: " + base.error().message});
  }
  // The TTL counts from now, the last approval, not from the request.
  const TimePoint now = world_.clock();
  const auto sts_started = std::chrono::steady_clock::now();
  auto issued = IssueAwsCredentials(*plan, grant.id, grant.ttl, *base, world_);
  metrics_.ObserveSts(std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - sts_started),
                      issued.has_value());
  if (!issued) return fail(issued.error());
  GrantChange change;
  change.status = GrantStatus::kIssued;
  change.issued_at = now;
  change.sts = StsSession{RoleIdOf(issued->assumed_role_id), grant.sts.session_name,
                          issued->credentials.access_key_id, issued->credentials.expiration};
  grant.sts = *change.sts;
  grant.issued_at = now;
  grant.status = GrantStatus::kIssued;
  auto committed = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, change,
                          GrantIssuedEvent(grant, requester));
  });
  if (!committed) return tl::unexpected(committed.error());
  if (!*committed) return StateError("the grant changed while it was being issued");
  // The requester fetches them from the grant's credentials endpoint: the
  // sealed cache entry is how they get there without a second AssumeRole.
  if (auto cached = store_->PutStsCacheEntry(
          GrantCacheName(grant.id), CachedCredentials{issued->credentials, grant.id}, cache_key_);
      !cached) {
    log_({{"level", "warning"},
          {"msg", "approved grant's credentials not cached; the requester's fetch renews them"},
          {"grant_id", grant.id},
          {"error", cached.error().message}});
  }
  metrics_.CountGrant("issued");
  return grant;
}

void TeamServer::ExpireRequest(const ApprovalRequest& request, const std::string& by) {
  std::optional<Grant> grant;
  if (request.grant_id) {
    if (auto found = store_->GetGrant(*request.grant_id); found && *found) grant = **found;
  }
  auto expired = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    auto decided = tx.DecideApprovalRequest(request.id, ApprovalStatus::kExpired, by,
                                            "no decision within pending_ttl", std::nullopt,
                                            RequestExpiredEvent(request, by));
    if (!decided || !*decided || !grant) return decided;
    GrantChange change;
    change.status = GrantStatus::kExpired;
    change.status_reason = fmt::format("approval request {} expired at {}", request.id,
                                       FormatRfc3339(request.expires_at));
    return tx.UpdateGrant(grant->id, {GrantStatus::kPendingApproval}, change,
                          GrantDecidedEvent("grant_expired", *grant, request, by));
  });
  if (expired && *expired) {
    ApprovalRequest shown = request;
    shown.status = ApprovalStatus::kExpired;
    Notify(NoticeKind::kExpired, shown, grant ? &*grant : nullptr, by, "");
    log_({{"level", "info"}, {"msg", "approval request expired"}, {"request_id", request.id}});
  }
}

void TeamServer::ExpireApprovalRequests() {
  ApprovalFilter filter;
  filter.status = ApprovalStatus::kPending;
  const TimePoint now = world_.clock();
  PageRequest page{"", 1000};
  for (int pages = 0; pages < 100; ++pages) {
    auto listed = store_->ListApprovalRequests(filter, page);
    if (!listed) return;
    for (const ApprovalRequest& request : listed->items) {
      if (PendingExpired(request, now)) ExpireRequest(request, "janitor");
    }
    if (listed->next_cursor.empty()) return;
    page.cursor = listed->next_cursor;
  }
}

// ------------------------------------------------------------ break-glass

ApprovalRequest TeamServer::BreakGlassRequest(const ServerRule& rule, const Grant& grant,
                                              const std::string& body) {
  ApprovalRequest request;
  request.id = NewId();
  request.requester = grant.caller;
  request.body = body;
  request.rule = grant.rule;
  request.required_approvals = 0;  // issued at once; reviewed afterwards
  request.approver_groups = rule.approval ? rule.approval->groups : std::vector<std::string>{};
  request.status = ApprovalStatus::kApproved;
  request.decided_by = grant.caller;
  request.decision_reason = "break-glass: " + grant.reason;
  request.decided_at = grant.created_at;
  request.break_glass = true;
  request.grant_id = grant.id;
  request.created_at = grant.created_at;
  request.expires_at = grant.created_at;
  return request;
}

void TeamServer::NotifyBreakGlass(const ApprovalRequest& request, const Grant& grant) {
  // Loudly: a warning line for the logs' alerting, a webhook notice, and
  // the break_glass_issued audit event already committed.
  log_({{"level", "warning"},
        {"msg", "BREAK-GLASS grant issued without approval; review it"},
        {"request_id", request.id},
        {"grant_id", grant.id},
        {"caller", grant.caller},
        {"rule", grant.rule},
        {"reason", grant.reason},
        {"review", "tryaudex requests review " + request.id + " --reason ..."}});
  metrics_.CountGrant("break_glass");
  Notify(NoticeKind::kBreakGlass, request, &grant, grant.caller, grant.reason);
}

// ---------------------------------------------------------- server policy

Result<bool> TeamServer::RecordServerPolicy(const std::string& trigger) {
  const auto config = Config();
  std::optional<std::string> last;
  AuditQuery query;
  query.event = "server_policy_changed";
  query.limit = 1000;
  for (;;) {
    auto lines = store_->ReadAudit(query);
    if (!lines) return tl::unexpected(lines.error());
    for (const AuditLine& line : *lines) {
      const auto& fields = line.event.fields;
      if (fields.contains("new_text") && fields["new_text"].is_string()) {
        last = fields["new_text"].get<std::string>();
      }
      query.after_seq = line.seq;
    }
    if (lines->size() < query.limit) break;
  }
  if (last == config->policy_text) return false;
  auto appended = store_->AppendAudit(
      ServerPolicyChangedEvent(NewId(), last, config->policy_text, config->source, trigger));
  if (!appended) return tl::unexpected(appended.error());
  log_({{"level", "info"},
        {"msg", "server policy changed; recorded in the audit log"},
        {"trigger", trigger},
        {"seq", *appended}});
  return true;
}

}  // namespace audex
