// GCP and Azure grants (docs/team-mode.md, "GCP and Azure grants"): the
// same plan and decision as an AWS grant (team_server.cc, PostGrant), then
// the token through the engine's own issuance — IssueGcpToken
// (generateAccessToken for the service account, narrowed by the plan's
// Credential Access Boundary) or IssueAzureToken (the server identity's ARM
// token; Azure cannot narrow one) — with the server's base token. Each step
// is an audit event committed before the next: the grant is recorded
// issuing before Google or Entra ID is asked, and the token leaves only once
// grant_issued has committed. The token is in the reply and nowhere else:
// not in the store, the audit chain or a log line. A grant under approval
// rules (approvals.cc) is issued the same way at its last approval; its
// reply is then kept sealed under the server's cache key (the grant's STS
// cache entry, never in the clear) until the requester fetches it from
// the grant's credentials endpoint.
#include <fmt/format.h>

#include <algorithm>

#include "core/base/rfc3339.h"
#include "core/team/approval_events.h"
#include "server/team/team_server.h"
#include "session/azure_issue.h"
#include "session/gcp_issue.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson TimeOrNull(const std::optional<TimePoint>& value) {
  return value ? OrderedJson(FormatRfc3339(*value)) : OrderedJson(nullptr);
}

// What a GCP or Azure issue hands back, whichever the provider.
struct IssuedToken {
  SecretString token;
  std::optional<TimePoint> expires_at;
  std::optional<std::string> tenant_id;        // Azure
  std::optional<std::string> subscription_id;  // Azure (the CLI reports one)
};

Result<IssuedToken> IssueGcp(const SessionPlan& plan, const World& world) {
  auto base = FindGcpBaseToken(world);
  if (!base) {
    return tl::unexpected(
        Error{base.error().kind, "the server's GCP base token: " + base.error().message});
  }
  auto token = IssueGcpToken(*plan.gcp, plan.access_boundary, plan.ttl, *base, world);
  if (!token) return tl::unexpected(token.error());
  return IssuedToken{std::move(token->token), token->expiration, std::nullopt, std::nullopt};
}

Result<IssuedToken> IssueAzure(const SessionPlan& plan, const World& world) {
  auto token = IssueAzureToken(*plan.azure, world);
  if (!token) {
    return tl::unexpected(
        Error{token.error().kind, "the server's Azure identity: " + token.error().message});
  }
  return IssuedToken{std::move(token->token), token->expiration, std::move(token->tenant_id),
                     std::move(token->subscription_id)};
}

Result<IssuedToken> IssueToken(const SessionPlan& plan, const World& world) {
  return plan.request.provider == Provider::kGcp ? IssueGcp(plan, world) : IssueAzure(plan, world);
}

// A token grant's reply (docs/team-mode.md, "GCP and Azure grants"): the
// token and what the child needs besides. The same for a grant issued at
// once and for an approved one served from its credentials endpoint.
OrderedJson TokenGrantReply(const Grant& grant, const SessionPlan& plan, const IssuedToken& issued,
                            const std::optional<TtlCap>& cap,
                            const std::vector<std::string>& warnings) {
  OrderedJson reply;
  reply["grant_id"] = grant.id;
  reply["provider"] = grant.provider;
  reply["access_token"] = issued.token.Reveal();
  reply["token_type"] = "Bearer";
  reply["expires_at"] = TimeOrNull(issued.expires_at);
  reply["ttl_seconds"] = grant.ttl.count();
  if (plan.request.provider == Provider::kGcp) {
    reply["service_account"] = plan.gcp->service_account;
    reply["project"] = plan.gcp->project;
    reply["access_boundary"] = plan.access_boundary
                                   ? OrderedJson::parse(*plan.access_boundary, nullptr, false)
                                   : OrderedJson(nullptr);
  } else {
    reply["resource"] = plan.azure->cloud.arm_resource;
    reply["cloud"] = plan.azure->cloud.name;
    reply["tenant_id"] = issued.tenant_id ? OrderedJson(*issued.tenant_id) : OrderedJson(nullptr);
    const std::string subscription = !plan.azure->subscription_id.empty()
                                         ? plan.azure->subscription_id
                                         : issued.subscription_id.value_or("");
    reply["subscription_id"] =
        subscription.empty() ? OrderedJson(nullptr) : OrderedJson(subscription);
  }
  reply["enforced"] = plan.enforced;
  reply["not_enforced"] = plan.not_enforced;
  reply["ttl_cap"] = cap ? TtlCapJson(*cap) : OrderedJson(nullptr);
  reply["warnings"] = warnings;
  return reply;
}

// How the plan made again at the last approval differs from the grant
// its approvers saw (role, boundary, actions, resources); "" when it does
// not. server.toml may have been reloaded meanwhile (another
// gcp_service_account, profile or deny list).
std::string ChangeSinceRequest(const Grant& grant, const SessionPlan& plan) {
  if (const std::string role = GrantRoleOf(plan); role != grant.role) {
    return fmt::format("it now names {} instead of {}", role, grant.role);
  }
  if (plan.access_boundary != grant.policy) return "its Credential Access Boundary differs";
  if (plan.request.ActionNames() != grant.actions) return "its actions differ";
  if (plan.request.resources != grant.resources) return "its resources differ";
  return "";
}

}  // namespace

Result<TtlCap> CapTokenGrantAtToken(SessionPlan& plan, TimePoint token_expires_at, TimePoint now) {
  auto cap = CapTtlAtToken(plan.ttl, token_expires_at, now);
  if (!cap) return tl::unexpected(cap.error());
  plan.ttl = cap->ttl;
  // generateAccessToken takes any lifetime up to the hour; an Azure token
  // lives its own hour whatever is asked, and the client ends the command
  // at the grant's TTL (as `run --provider azure` does).
  cap->sts_duration = cap->ttl;
  cap->needs_policy_end = false;
  return *cap;
}

std::string GrantRoleOf(const SessionPlan& plan) {
  if (plan.aws) return plan.aws->role.arn;
  if (plan.gcp) return plan.gcp->service_account;
  if (plan.azure) return plan.azure->cloud.arm_resource;
  return "";
}

ApiResponse TeamServer::IssueTokenGrant(const Authenticated& who, Grant grant,
                                        const SessionPlan& plan, const std::optional<TtlCap>& cap,
                                        const std::optional<ApprovalRequest>& break_glass,
                                        std::vector<std::string> warnings) {
  // Recorded (status issuing) before anything is asked of the cloud:
  // nothing is issued unless its audit event is committed first.
  if (auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
        if (auto inserted = tx.InsertGrant(grant, GrantRequestedEvent(grant, who.caller));
            !inserted) {
          return inserted;
        }
        if (!break_glass) return {};
        return tx.InsertApprovalRequest(*break_glass,
                                        BreakGlassIssuedEvent(*break_glass, grant, who.caller));
      });
      !recorded) {
    return ApiError(503, "store_unavailable", recorded.error().message);
  }

  auto issued = IssueToken(plan, world_);
  if (!issued) return FailIssuingGrant(grant, who.caller, issued.error());

  // What the grant records of its token: when it expires. No part of the
  // token itself (a prefix is what a local session records; the store
  // keeps none).
  GrantChange change;
  change.status = GrantStatus::kIssued;
  change.issued_at = world_.clock();
  change.sts = StsSession{"", "", "", issued->expires_at};
  grant.sts = *change.sts;
  grant.issued_at = change.issued_at;
  auto committed = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, change,
                          GrantIssuedEvent(grant, who.caller));
  });
  if (!committed || !*committed) {
    // Maybe recorded, maybe not: hand out nothing.
    return ApiError(
        503, "store_unavailable",
        committed ? "the grant changed while it was being issued" : committed.error().message);
  }
  metrics_.CountGrant("issued");

  OrderedJson reply = TokenGrantReply(grant, plan, *issued, cap, warnings);
  if (break_glass) {
    reply["break_glass"] = {{"request_id", break_glass->id}, {"review", "pending"}};
    NotifyBreakGlass(*break_glass, grant);
  }
  ApiResponse response;
  response.status = 201;
  response.body = reply.dump();
  response.headers["Location"] = "/v1/grants/" + grant.id;
  response.headers["Cache-Control"] = "no-store";
  return response;
}

Result<Grant> TeamServer::IssueApprovedTokenGrant(Grant grant, const ApprovalRequest& request) {
  const TeamCaller requester{grant.caller, grant.rule, "approval:" + request.id, {}, {}};
  const auto fail = [&](const Error& error) -> Result<Grant> {
    RecordGrantFailed(grant, requester, error);
    return tl::unexpected(error);
  };
  // The plan again, from the request as it was asked, on this server's
  // configuration: the target, the boundary and what the reply says of
  // them. It must still be the grant the approvers approved.
  auto session = GrantSessionRequest(request.body, grant.caller);
  if (!session) return fail(session.error());
  std::vector<std::string> warnings;
  auto planned = PlanOnServer(*session, *Config(), world_, true, warnings);
  if (!planned) return fail(planned.error());
  SessionPlan& plan = planned->plan;
  if (const std::string change = ChangeSinceRequest(grant, plan); !change.empty()) {
    return fail(Error{ErrorKind::kPolicy,
                      fmt::format("the server's configuration changed since request {} was made "
                                  "and its plan is no longer the one approved ({}); nothing was "
                                  "issued: ask again",
                                  request.id, change)});
  }
  // The TTL counts from now, the last approval; the approval window has
  // cut it already (and for GCP the plan held it to the hour).
  plan.ttl = grant.ttl;
  const TimePoint now = world_.clock();
  auto issued = IssueToken(plan, world_);
  if (!issued) return fail(issued.error());

  GrantChange change;
  change.status = GrantStatus::kIssued;
  change.issued_at = now;
  change.sts = StsSession{"", "", "", issued->expires_at};
  grant.sts = *change.sts;
  grant.issued_at = now;
  grant.status = GrantStatus::kIssued;
  // The requester fetches the token from the grant's credentials endpoint:
  // until then it is kept only sealed, under the server's cache key, in the
  // grant's STS cache entry, which ends with the grant (or the token, if
  // sooner).
  CachedCredentials cached;
  const TimePoint ends = now + grant.ttl;
  cached.credentials.expiration = issued->expires_at ? std::min(*issued->expires_at, ends) : ends;
  cached.credentials.source = grant.provider;
  cached.session_id = grant.id;
  cached.token_grant =
      SecretString(TokenGrantReply(grant, plan, *issued, std::nullopt, warnings).dump());
  auto sealed = SealStsCacheEntry(GrantCacheName(grant.id), cached, cache_key_, now);
  if (!sealed) return fail(sealed.error());
  // The issue and its sealed token commit together: a token is never
  // recorded issued without the entry that serves it.
  auto committed = store_->Transact([&](TeamTransaction& tx) -> Result<bool> {
    auto updated = tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, change,
                                  GrantIssuedEvent(grant, requester));
    if (!updated || !*updated) return updated;
    if (auto put = tx.PutStsCacheEntry(*sealed); !put) return tl::unexpected(put.error());
    return true;
  });
  if (!committed) return tl::unexpected(committed.error());
  if (!*committed) return StateError("the grant changed while it was being issued");
  metrics_.CountGrant("issued");
  return grant;
}

ApiResponse TeamServer::ApprovedTokenCredentials(const Grant& grant, TimePoint ends) {
  const TimePoint now = world_.clock();
  auto cached = store_->FindStsCacheEntry(GrantCacheName(grant.id), cache_key_, now);
  if (!cached) return ApiError(503, "store_unavailable", cached.error().message);
  if (!*cached || !(*cached)->token_grant) {
    // A Google or Entra ID token cannot be made again without the
    // approvers: it was sealed once, at the last approval.
    return ApiError(410, "expired",
                    fmt::format("grant {}'s token is gone (it expired, or the server's cache key "
                                "changed); ask again",
                                grant.id));
  }
  OrderedJson reply = OrderedJson::parse((*cached)->token_grant->Reveal(), nullptr, false);
  if (!reply.is_object()) {
    return ApiError(503, "store_unavailable",
                    fmt::format("grant {}'s sealed token does not read as a grant", grant.id));
  }
  // What is left of the grant, counted from the last approval: the client
  // ends the command then (an Azure token outlives it).
  reply["ttl_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(ends - now).count();
  ApiResponse response;
  response.status = 200;
  response.body = reply.dump();
  response.headers["Cache-Control"] = "no-store";
  return response;
}

}  // namespace audex
