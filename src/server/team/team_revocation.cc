// Revocation that reaches AWS (docs/team-mode.md, "Revocation"): the
// store marks what is revoked, which every replica reads before it serves a
// grant's credentials, so the refusal is immediate everywhere; then the
// role gets a Deny of the revoked sessions (core/team/revocation.h), put
// with the server's base credentials, and the janitor takes it off once
// every session it covers has expired.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/audit/session_id.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "server/team/team_server.h"
#include "session/role_revocation.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// A role's Denies are checked against the store this often even when
// nothing seems to need it: two replicas that revoked on one role at the
// same moment may each have put a policy without the other's Deny.
constexpr std::chrono::minutes kFullSyncEvery{5};

ApiResponse JsonReply(int status, const OrderedJson& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

// The optional body of a revoke: {"reason": "..."} (and "caller" for
// /v1/revocations). Anything else is refused by name.
Result<std::map<std::string, std::string>> RevokeBody(const std::string& text,
                                                      const std::vector<std::string>& known) {
  std::map<std::string, std::string> fields;
  if (Trim(text).empty()) return fields;
  const Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return UsageError("the body must be a JSON object: {\"reason\": \"...\"}");
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      return UsageError(fmt::format("unknown field \"{}\"; this takes {}",
                                    EscapeControl(it.key().substr(0, 60)), Join(known, ", ")));
    }
    if (!it->is_string()) return UsageError(fmt::format("field \"{}\" must be a string", it.key()));
    if (it->get<std::string>().size() > 1024) {
      return UsageError(fmt::format("field \"{}\" is longer than 1024 characters", it.key()));
    }
    fields[it.key()] = it->get<std::string>();
  }
  return fields;
}

bool Revocable(GrantStatus status) {
  return status == GrantStatus::kIssuing || status == GrantStatus::kIssued ||
         status == GrantStatus::kPendingApproval;
}

// When every session of `grant` has ended: its STS session's expiry, and
// the end of its TTL (the credentials endpoint renews up to that).
TimePoint SessionsEnd(const Grant& grant) {
  TimePoint end = grant.issued_at.value_or(grant.created_at) + grant.ttl;
  if (grant.sts.expires_at) end = std::max(end, *grant.sts.expires_at);
  return end;
}

RevocationAudit AuditOf(const Revocation& revocation, std::string actor = "") {
  RevocationAudit audit;
  audit.revocation_id = revocation.id;
  audit.actor = actor.empty() ? revocation.revoked_by : std::move(actor);
  audit.reason = revocation.reason;
  audit.scope = std::string(RevocationScopeName(revocation.scope));
  if (revocation.grant_id) audit.covered.push_back(*revocation.grant_id);
  audit.caller = revocation.caller;
  audit.role_arn = revocation.role_arn;
  return audit;
}

}  // namespace

struct TeamServer::RoleSync {
  std::string role_arn;
  AppliedRevocationPolicy applied;
  // The statement covering each live revocation of the role, by its id.
  std::map<std::string, std::string> statements;
};

Result<RoleDeny> TeamServer::DenyOf(const Revocation& revocation) {
  RoleDeny deny;
  deny.id = revocation.id;
  if (revocation.scope == RevocationScope::kGrant) {
    auto grant = store_->GetGrant(revocation.grant_id.value_or(""));
    if (!grant) return tl::unexpected(grant.error());
    if (!*grant) {
      return StateError(fmt::format("revocation {} names grant {}, which is not in the store",
                                    revocation.id, revocation.grant_id.value_or("")));
    }
    const Grant& found = **grant;
    deny.kind = DenyKind::kSession;
    // Nothing is issued to a revoked grant: every session it had was
    // issued before the revocation. The store keeps whole seconds, cut
    // down: the second after covers the moment itself.
    deny.issued_before = revocation.created_at + std::chrono::seconds(1);
    deny.removable_after = SessionsEnd(found);
    std::string role_id = found.sts.role_id;
    if (found.reused_from) {
      // A grant served from the STS cache shares the session of the grant
      // that first got it: that session is what must be denied.
      auto origin = store_->GetGrant(*found.reused_from);
      if (!origin) return tl::unexpected(origin.error());
      if (*origin) {
        if (role_id.empty()) role_id = (*origin)->sts.role_id;
        deny.removable_after = std::max(deny.removable_after, SessionsEnd(**origin));
      }
    }
    const std::string session_name =
        found.sts.session_name.empty() ? "audex-" + found.id : found.sts.session_name;
    // Still issuing when revoked: no AssumeRole reply yet, so no role id;
    // the session name alone is unique (a random grant id).
    deny.user_id = (role_id.empty() ? std::string("*") : role_id) + ":" + session_name;
  } else {
    deny.kind = DenyKind::kCaller;
    deny.source_identity = SourceIdentityFor(revocation.caller.value_or(""));
    // InsertRevocation revoked the caller's grants created up to the end of
    // not_before's whole second (the store keeps seconds): so does the Deny.
    deny.issued_before =
        revocation.not_before.value_or(revocation.created_at) + std::chrono::seconds(1);
    deny.removable_after = deny.issued_before;
    GrantFilter filter;
    filter.caller = revocation.caller;
    filter.role = revocation.role_arn;
    PageRequest page{"", 1000};
    for (int pages = 0; pages < 100; ++pages) {
      auto listed = store_->ListGrants(filter, page);
      if (!listed) return tl::unexpected(listed.error());
      for (const Grant& grant : listed->items) {
        if (grant.created_at <= deny.issued_before) {
          deny.removable_after = std::max(deny.removable_after, SessionsEnd(grant));
        }
      }
      if (listed->next_cursor.empty()) break;
      page.cursor = listed->next_cursor;
    }
  }
  if (revocation.removable_after) {
    deny.removable_after = std::max(deny.removable_after, *revocation.removable_after);
  }
  return deny;
}

Result<TeamServer::RoleSync> TeamServer::SyncRoleDenies(const std::string& role_arn) {
  std::lock_guard lock(revocation_mutex_);
  RoleSync sync;
  sync.role_arn = role_arn;
  auto access = OpenIamAccess(world_, Config()->region);
  if (!access) return tl::unexpected(access.error());
  // Twice at most: when another replica recorded a revocation of this role
  // while this one was writing, the policy is written again with it.
  for (int round = 0; round < 2; ++round) {
    sync.statements.clear();
    RevocationFilter filter;
    filter.role_arn = role_arn;
    auto listed = store_->ListRevocations(filter);
    if (!listed) return tl::unexpected(listed.error());
    std::vector<Revocation> live;
    std::vector<RoleDeny> denies;
    for (const Revocation& revocation : *listed) {
      if (revocation.removed_at) continue;
      auto deny = DenyOf(revocation);
      if (!deny) return tl::unexpected(deny.error());
      live.push_back(revocation);
      denies.push_back(std::move(*deny));
    }
    auto state = ReadRoleRevocations(*access->iam, role_arn, access->base);
    if (!state) return tl::unexpected(state.error());
    const TimePoint now = world_.clock();
    auto applied = ApplyRoleRevocations(*access->iam, role_arn, *state, denies, now, access->base);
    if (!applied) return tl::unexpected(applied.error());
    sync.applied = std::move(*applied);

    // The store follows what is now on the role, each change with its event.
    const RevocationPolicy& policy = sync.applied.policy;
    auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
      for (size_t i = 0; i < live.size(); ++i) {
        const Revocation& revocation = live[i];
        const auto statement = CoveringStatement(policy, denies[i]);
        const bool expired = !statement;
        if (statement) sync.statements[revocation.id] = *statement;
        if (!revocation.attached_at || (statement && *statement != revocation.deny_statement)) {
          const std::string text =
              statement.value_or("(none: every session it covers had expired)");
          auto attached = tx.MarkRevocationAttached(
              revocation.id, role_arn, std::string(kRevocationPolicyName), text, now,
              denies[i].removable_after,
              RevocationAttachedEvent(AuditOf(revocation), kRevocationPolicyName, text,
                                      policy.document));
          if (!attached) return tl::unexpected(attached.error());
        }
        if (expired) {
          auto removed = tx.MarkRevocationRemoved(
              revocation.id, now,
              RevocationRemovedEvent(AuditOf(revocation, "janitor"), kRevocationPolicyName));
          if (!removed) return tl::unexpected(removed.error());
        }
      }
      return {};
    });
    if (!recorded) return tl::unexpected(recorded.error());

    auto again = store_->ListRevocations(filter);
    if (!again) return tl::unexpected(again.error());
    const bool newcomer = std::any_of(again->begin(), again->end(), [&](const Revocation& r) {
      return !r.removed_at && !r.attached_at;
    });
    if (!newcomer) break;
  }
  return sync;
}

ApiResponse TeamServer::Revoke(const Authenticated& who, std::vector<Revocation> rows,
                               std::vector<std::string> covered, const std::string& label) {
  std::vector<std::string> revoked;
  auto recorded = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
    revoked.clear();
    for (const Revocation& row : rows) {
      RevocationAudit audit = AuditOf(row);
      audit.covered = covered;
      auto ids = tx.InsertRevocation(row, RevokedEvent(audit));
      if (!ids) return tl::unexpected(ids.error());
      revoked.insert(revoked.end(), ids->begin(), ids->end());
    }
    return {};
  });
  if (!recorded) return ApiError(503, "store_unavailable", recorded.error().message);
  // A revoked session is never handed out again from the STS cache.
  for (const std::string& id : revoked) {
    auto grant = store_->GetGrant(id);
    (void)store_->DeleteStsCacheOf(id);
    if (grant && *grant && (*grant)->reused_from) {
      (void)store_->DeleteStsCacheOf(*(*grant)->reused_from);
    }
  }
  log_({{"level", "info"},
        {"msg", "revoked"},
        {"what", label},
        {"by", who.caller.name},
        {"grants", revoked}});

  OrderedJson reply;
  reply["revocation_ids"] = OrderedJson::array();
  for (const Revocation& row : rows) reply["revocation_ids"].push_back(row.id);
  reply["revoked_grants"] = revoked;
  reply["denies"] = OrderedJson::array();
  std::vector<std::string> problems;
  std::set<std::string> roles;
  for (const Revocation& row : rows) roles.insert(row.role_arn);
  for (const std::string& role : roles) {
    auto synced = SyncRoleDenies(role);
    if (!synced) {
      problems.push_back(synced.error().message);
      reply["denies"].push_back(
          {{"role", role}, {"attached", false}, {"error", synced.error().message}});
      continue;
    }
    OrderedJson deny;
    deny["role"] = role;
    deny["attached"] = true;
    deny["policy_name"] = kRevocationPolicyName;
    deny["change"] = synced->applied.change;
    deny["policy"] = synced->applied.policy.document;
    deny["policy_size"] = PolicySize(synced->applied.policy.document);
    deny["budget"] = synced->applied.budget;
    deny["rolled_up"] = synced->applied.policy.rolled_up;
    deny["statements"] = OrderedJson::array();
    for (const Revocation& row : rows) {
      const auto statement = synced->statements.find(row.id);
      if (row.role_arn != role || statement == synced->statements.end()) continue;
      deny["statements"].push_back({{"revocation_id", row.id}, {"statement", statement->second}});
    }
    reply["denies"].push_back(std::move(deny));
  }
  if (!problems.empty()) {
    // Revoked in the store all the same: no replica serves these grants
    // any more. The janitor puts the Deny on once IAM lets it.
    OrderedJson error = {
        {"code", "deny_not_attached"},
        {"message", fmt::format("{} is revoked (no replica serves it any more), but the Deny is "
                                "not on the role: {}; the server retries it every janitor round",
                                label, Join(problems, "; "))}};
    reply["error"] = error;
    return JsonReply(502, reply);
  }
  return JsonReply(200, reply);
}

ApiResponse TeamServer::RevokeGrant(const ApiRequest& request, const std::string& id) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  if (who->rule == nullptr || !who->rule->admin) {
    return ApiError(403, "forbidden", "only an admin policy may revoke grants",
                    fmt::format("policies.{}.admin", who->caller.rule));
  }
  auto body = RevokeBody(request.body, {"reason"});
  if (!body) return ApiError(400, "invalid_request", body.error().message);
  auto grant = store_->GetGrant(id);
  if (!grant) return ApiError(503, "store_unavailable", grant.error().message);
  if (!*grant) return ApiError(404, "not_found", fmt::format("no grant {}", EscapeControl(id)));
  const Grant& found = **grant;
  if (found.provider != "aws" && found.status == GrantStatus::kPendingApproval) {
    // Nothing has been asked of Google or Entra ID yet: what stops the
    // grant is denying its request (the AWS path's Deny on a role has no
    // counterpart here).
    return ApiError(409, "conflict",
                    fmt::format("grant {} waits for approval and no {} token exists yet: deny its "
                                "request instead (tryaudex requests deny {} --reason TEXT)",
                                found.id, found.provider,
                                EscapeControl(found.approval_request_id.value_or("ID"))));
  }
  if (found.provider != "aws") {
    // A Deny on an IAM role is how an AWS session is recalled; Google and
    // Entra ID tokens have no such lever (docs/team-mode.md, "GCP and Azure
    // grants").
    return ApiError(
        409, "conflict",
        fmt::format("grant {} is a {} grant: its token cannot be recalled and lives until {}; "
                    "to cut it short, take the server's identity's access away in {} ({})",
                    found.id, found.provider,
                    found.sts.expires_at ? FormatRfc3339(*found.sts.expires_at) : "it expires",
                    found.provider == "gcp" ? "IAM" : "Azure RBAC",
                    found.provider == "gcp"
                        ? "roles/iam.serviceAccountTokenCreator on " + found.role
                        : "the identity's role assignments"));
  }
  if (!Revocable(found.status)) {
    return ApiError(
        409, "conflict",
        fmt::format("grant {} is {}{}; only issuing, issued or pending grants can be "
                    "revoked",
                    found.id, GrantStatusName(found.status),
                    found.status_reason.empty() ? "" : " (" + found.status_reason + ")"));
  }
  Revocation row;
  row.id = NewId();
  row.scope = RevocationScope::kGrant;
  row.grant_id = found.id;
  row.revoked_by = who->caller.name;
  row.reason = (*body)["reason"];
  row.created_at = world_.clock();
  row.role_arn = found.role;
  row.policy_name = std::string(kRevocationPolicyName);
  return Revoke(*who, {row}, {found.id}, "grant " + found.id);
}

ApiResponse TeamServer::RevokeCaller(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  if (who->rule == nullptr || !who->rule->admin) {
    return ApiError(403, "forbidden", "only an admin policy may revoke a caller's grants",
                    fmt::format("policies.{}.admin", who->caller.rule));
  }
  auto body = RevokeBody(request.body, {"caller", "reason"});
  if (!body) return ApiError(400, "invalid_request", body.error().message);
  const std::string caller = (*body)["caller"];
  if (caller.empty()) {
    return ApiError(400, "invalid_request",
                    "name the caller: {\"caller\": \"ci-deploy\", \"reason\": \"...\"}");
  }
  const TimePoint now = world_.clock();
  // Every role the caller's live grants were issued on, and the default
  // role: one Deny on each.
  std::set<std::string> roles;
  std::vector<std::string> covered;
  if (Config()->role_arn) roles.insert(*Config()->role_arn);
  GrantFilter filter;
  filter.caller = caller;
  PageRequest page{"", 1000};
  for (int pages = 0; pages < 100; ++pages) {
    auto listed = store_->ListGrants(filter, page);
    if (!listed) return ApiError(503, "store_unavailable", listed.error().message);
    for (const Grant& grant : listed->items) {
      if (!Revocable(grant.status) || grant.provider != "aws") continue;
      roles.insert(grant.role);
      covered.push_back(grant.id);
    }
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  if (roles.empty()) {
    return ApiError(409, "conflict",
                    fmt::format("{} has no live AWS grant and the server has no default role_arn: "
                                "nothing to revoke",
                                EscapeControl(caller)));
  }
  std::vector<Revocation> rows;
  for (const std::string& role : roles) {
    Revocation row;
    row.id = NewId();
    row.scope = RevocationScope::kCaller;
    row.caller = caller;
    row.not_before = now;
    row.revoked_by = who->caller.name;
    row.reason = (*body)["reason"];
    row.created_at = now;
    row.role_arn = role;
    row.policy_name = std::string(kRevocationPolicyName);
    rows.push_back(std::move(row));
  }
  return Revoke(*who, std::move(rows), std::move(covered), "caller " + caller);
}

void TeamServer::SweepRevocations() {
  auto listed = store_->ListRevocations(RevocationFilter{});
  if (!listed) return;
  const TimePoint now = world_.clock();
  const auto steady = std::chrono::steady_clock::now();
  const bool full = !revocations_checked_ || steady - *revocations_checked_ >= kFullSyncEvery;
  std::set<std::string> roles;
  for (const Revocation& revocation : *listed) {
    if (revocation.removed_at) continue;
    const bool due = !revocation.attached_at ||
                     (revocation.removable_after && *revocation.removable_after <= now);
    if (due || full) roles.insert(revocation.role_arn);
  }
  if (full) revocations_checked_ = steady;
  for (const std::string& role : roles) {
    auto synced = SyncRoleDenies(role);
    if (!synced) {
      log_({{"level", "error"},
            {"msg", "revocation Deny not in line with the store"},
            {"role", role},
            {"error", synced.error().message}});
    } else if (synced->applied.change != "unchanged") {
      log_({{"level", "info"},
            {"msg", "revocation policy " + synced->applied.change},
            {"role", role},
            {"policy_size", PolicySize(synced->applied.policy.document)}});
    }
  }
}

}  // namespace audex
