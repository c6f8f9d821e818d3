// `tryaudex sessions revoke ID [--reason R]` and `tryaudex sessions revoke
// --prune` (sessions.h): a `run` session's credentials cannot be recalled,
// so its role gets a Deny of the session (aws:userid "<RoleId>:audex-<id>")
// in the inline policy AudexRevocations, put with the user's own base
// credentials. The policy itself is the state: its statements record when
// each can go, and every revoke (or --prune) drops the ones whose sessions
// have all expired.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "cli/sessions.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "session/role_revocation.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

struct RoleOutcome {
  std::string role;
  AppliedRevocationPolicy applied;
};

// Reads the role's revocation policy, adds `add` (if any), drops what has
// expired, and writes the result.
Result<RoleOutcome> Rewrite(IamAccess& access, const std::string& role,
                            const std::optional<RoleDeny>& add, TimePoint now) {
  auto state = ReadRoleRevocations(*access.iam, role, access.base);
  if (!state) return tl::unexpected(state.error());
  std::vector<RoleDeny> denies;
  if (state->current) {
    auto parsed = ParseRevocationPolicy(*state->current);
    if (!parsed) {
      Error error = parsed.error();
      error.message = fmt::format("role {}: {}", role, error.message);
      return tl::unexpected(error);
    }
    denies = std::move(*parsed);
  }
  if (add) denies.push_back(*add);
  auto applied =
      ApplyRoleRevocations(*access.iam, role, *state, std::move(denies), now, access.base);
  if (!applied) return tl::unexpected(applied.error());
  return RoleOutcome{role, std::move(*applied)};
}

void Print(const CliContext& context, const RoleOutcome& outcome) {
  const RevocationPolicy& policy = outcome.applied.policy;
  context.out << fmt::format(
      "{}: inline policy {} {} ({} statement{}, {} of {} characters{}; {} expired Deny "
      "removed)\n",
      outcome.role, kRevocationPolicyName, outcome.applied.change, policy.statements.size(),
      policy.statements.size() == 1 ? "" : "s", PolicySize(policy.document), outcome.applied.budget,
      policy.rolled_up.empty() ? "" : ", older sessions rolled up", policy.expired.size());
}

OrderedJson OutcomeJson(const RoleOutcome& outcome) {
  return OrderedJson{{"role", outcome.role},
                     {"policy_name", kRevocationPolicyName},
                     {"change", outcome.applied.change},
                     {"policy", outcome.applied.policy.document},
                     {"policy_size", PolicySize(outcome.applied.policy.document)},
                     {"budget", outcome.applied.budget},
                     {"rolled_up", outcome.applied.policy.rolled_up},
                     {"expired_removed", outcome.applied.policy.expired.size()}};
}

std::string Actor(const CliContext& context) {
  if (auto user = context.env("USER"); user && !user->empty()) return *user;
  return "local user";
}

}  // namespace

Result<int> RevokeSessions(const SessionsOptions& options, const CliContext& context) {
  if (options.prune == !options.id.empty()) {
    return UsageError(
        "name what to revoke: tryaudex sessions revoke ID, or --prune to remove the Denies "
        "whose sessions have expired");
  }
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  const SessionStore store(context.paths.state_dir);
  const TimePoint now = context.world.clock();
  auto access = OpenIamAccess(context.world, loaded->config.region);
  if (!access) return tl::unexpected(access.error());

  if (options.prune) {
    // Every role a recorded AWS session used, and the configured one.
    std::set<std::string> roles;
    if (loaded->config.role_arn) roles.insert(*loaded->config.role_arn);
    auto listing = store.List();
    if (!listing) return tl::unexpected(listing.error());
    for (const SessionRecord& record : listing->sessions) {
      if (record.provider == Provider::kAws && !record.role.empty()) roles.insert(record.role);
    }
    OrderedJson results = OrderedJson::array();
    for (const std::string& role : roles) {
      auto outcome = Rewrite(*access, role, std::nullopt, now);
      if (!outcome) return tl::unexpected(outcome.error());
      if (options.json) {
        results.push_back(OutcomeJson(*outcome));
      } else {
        Print(context, *outcome);
      }
    }
    if (options.json) context.out << results.dump(2) << '\n';
    if (!options.json && roles.empty()) context.out << "No AWS roles recorded; nothing to prune.\n";
    return kExitOk;
  }

  auto record = store.Load(options.id);
  if (!record) return tl::unexpected(record.error());
  if (record->provider != Provider::kAws || record->role.empty()) {
    return UsageError(fmt::format(
        "session {} is a {} session with no AWS role; only AWS role sessions can be revoked",
        record->id, ProviderName(record->provider)));
  }
  // Served sessions renew up to their TTL: every credential of the session
  // has expired by the later of the two.
  const TimePoint ends = std::max(record->expires, record->created + record->ttl);
  if (ends <= now) {
    return UsageError(fmt::format(
        "session {} expired at {}: its credentials no longer work, so there is nothing to deny",
        record->id, FormatRfc3339(ends)));
  }
  auto role = access->iam->GetRole(record->role, access->base);
  if (!role) return tl::unexpected(role.error());
  RoleDeny deny;
  deny.kind = DenyKind::kSession;
  deny.id = record->id;
  deny.user_id = role->role_id + ":audex-" + record->id;
  deny.issued_before = now;
  deny.removable_after = ends;

  AuditLog log(context.paths.state_dir);
  RevocationAudit audit{record->id,   Actor(context), options.reason, "session",
                        {record->id}, std::nullopt,   record->role};
  if (auto logged = log.Append(RevokedEvent(audit)); !logged) {
    return tl::unexpected(logged.error());
  }
  auto outcome = Rewrite(*access, record->role, deny, now);
  if (!outcome) return tl::unexpected(outcome.error());
  const std::string statement =
      CoveringStatement(outcome->applied.policy, deny).value_or(DenyStatementJson(deny));
  if (auto logged = log.Append(RevocationAttachedEvent(audit, kRevocationPolicyName, statement,
                                                       outcome->applied.policy.document));
      !logged) {
    return tl::unexpected(logged.error());
  }
  if (options.json) {
    OrderedJson json = OutcomeJson(*outcome);
    json["session"] = record->id;
    json["user_id"] = deny.user_id;
    json["statement"] = statement;
    context.out << json.dump(2) << '\n';
    return kExitOk;
  }
  context.out << fmt::format("Revoked session {}: its role {} now denies {} until {}\n", record->id,
                             record->role, deny.user_id, FormatRfc3339(ends));
  Print(context, *outcome);
  return kExitOk;
}

}  // namespace audex
