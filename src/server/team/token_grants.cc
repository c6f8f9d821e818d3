// GCP and Azure grants (docs/team-mode.md, "GCP and Azure grants"): the
// same plan and decision as an AWS grant (team_server.cc, PostGrant), then
// the token through the engine's own issuance — IssueGcpToken
// (generateAccessToken for the service account, narrowed by the plan's
// Credential Access Boundary) or IssueAzureToken (the server identity's ARM
// token; Azure cannot narrow one) — with the server's base token. Each step
// is an audit event committed before the next: the grant is recorded
// issuing before Google or Entra ID is asked, and the token leaves only once
// grant_issued has committed. The token is in the reply and nowhere else:
// not in the store, the audit chain or a log line.
#include <fmt/format.h>

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
  const Provider provider = plan.request.provider;
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

  auto issued = provider == Provider::kGcp ? IssueGcp(plan, world_) : IssueAzure(plan, world_);
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

  OrderedJson reply;
  reply["grant_id"] = grant.id;
  reply["provider"] = grant.provider;
  reply["access_token"] = issued->token.Reveal();
  reply["token_type"] = "Bearer";
  reply["expires_at"] = TimeOrNull(issued->expires_at);
  reply["ttl_seconds"] = grant.ttl.count();
  if (provider == Provider::kGcp) {
    reply["service_account"] = plan.gcp->service_account;
    reply["project"] = plan.gcp->project;
    reply["access_boundary"] = plan.access_boundary
                                   ? OrderedJson::parse(*plan.access_boundary, nullptr, false)
                                   : OrderedJson(nullptr);
  } else {
    reply["resource"] = plan.azure->cloud.arm_resource;
    reply["cloud"] = plan.azure->cloud.name;
    reply["tenant_id"] = issued->tenant_id ? OrderedJson(*issued->tenant_id) : OrderedJson(nullptr);
    const std::string subscription = !plan.azure->subscription_id.empty()
                                         ? plan.azure->subscription_id
                                         : issued->subscription_id.value_or("");
    reply["subscription_id"] =
        subscription.empty() ? OrderedJson(nullptr) : OrderedJson(subscription);
  }
  reply["enforced"] = plan.enforced;
  reply["not_enforced"] = plan.not_enforced;
  reply["ttl_cap"] = cap ? TtlCapJson(*cap) : OrderedJson(nullptr);
  reply["warnings"] = warnings;
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

}  // namespace audex
