#include "core/team/revocation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kSidPrefix = "Audex";
constexpr size_t kSidDigits = 10;  // Unix seconds, zero-padded: fixed width up to the year 2286

int64_t Seconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// aws:TokenIssueTime is compared with whole seconds here, so a Deny of
// "issued before T" is written for T rounded up: a session issued within
// the same second as its revocation stays covered.
int64_t CeilSeconds(TimePoint time) {
  const auto since = time.time_since_epoch();
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(since);
  return whole.count() + (whole < since ? 1 : 0);
}

TimePoint FromSeconds(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

char KindLetter(DenyKind kind) {
  switch (kind) {
    case DenyKind::kSession:
      return 'S';
    case DenyKind::kCaller:
      return 'C';
    case DenyKind::kOlderThan:
      return 'R';
  }
  return '?';
}

// Statement ids take letters and digits only (IAM JSON policy reference,
// "Sid").
std::string SidOf(const RoleDeny& deny) {
  std::string id;
  for (char c : deny.id) {
    if (std::isalnum(static_cast<unsigned char>(c))) id += c;
  }
  return fmt::format("{}{}{:0{}}{:0{}}{}", kSidPrefix, KindLetter(deny.kind),
                     CeilSeconds(deny.issued_before), kSidDigits, Seconds(deny.removable_after),
                     kSidDigits, id);
}

OrderedJson StatementOf(const RoleDeny& deny) {
  OrderedJson condition;
  const std::string before = FormatRfc3339(FromSeconds(CeilSeconds(deny.issued_before)));
  switch (deny.kind) {
    case DenyKind::kSession:
      // aws:userid of an assumed-role session is "<RoleId>:<session name>"
      // (IAM User Guide, "AWS global condition context keys").
      condition["StringLike"] = {{"aws:userid", deny.user_id}};
      break;
    case DenyKind::kCaller:
      // SourceIdentity is set once on AssumeRole and survives role
      // chaining; sessions issued later are not affected.
      condition["StringEquals"] = {{"aws:SourceIdentity", deny.source_identity}};
      condition["DateLessThan"] = {{"aws:TokenIssueTime", before}};
      break;
    case DenyKind::kOlderThan:
      // The console's "Revoke active sessions" (AWSRevokeOlderSessions).
      condition["DateLessThan"] = {{"aws:TokenIssueTime", before}};
      break;
  }
  OrderedJson statement;
  statement["Sid"] = SidOf(deny);
  statement["Effect"] = "Deny";
  statement["Action"] = "*";
  statement["Resource"] = "*";
  statement["Condition"] = std::move(condition);
  return statement;
}

std::string DocumentOf(const std::vector<RoleDeny>& statements) {
  if (statements.empty()) return "";
  OrderedJson document;
  document["Version"] = "2012-10-17";
  document["Statement"] = OrderedJson::array();
  for (const RoleDeny& deny : statements) document["Statement"].push_back(StatementOf(deny));
  return document.dump();
}

bool CoveredByRollup(const RoleDeny& deny, const RoleDeny& rollup) {
  return CeilSeconds(deny.issued_before) <= CeilSeconds(rollup.issued_before);
}

// The denies issued no later than `denies[count - 1]` (sorted by
// issued_before) rolled up into one, the others kept as they are.
std::vector<RoleDeny> WithRollup(const std::vector<RoleDeny>& denies, size_t count,
                                 std::vector<std::string>* rolled) {
  RoleDeny rollup;
  rollup.kind = DenyKind::kOlderThan;
  rollup.issued_before = denies[count - 1].issued_before;
  rollup.removable_after = denies[0].removable_after;
  std::vector<RoleDeny> kept;
  for (const RoleDeny& deny : denies) {
    if (CoveredByRollup(deny, rollup)) {
      rollup.removable_after = std::max(rollup.removable_after, deny.removable_after);
      if (rolled != nullptr && !deny.id.empty()) rolled->push_back(deny.id);
    } else {
      kept.push_back(deny);
    }
  }
  kept.insert(kept.begin(), rollup);
  return kept;
}

Error NotOurs(std::string_view why) {
  return Error{ErrorKind::kState,
               fmt::format("the role's inline policy {} was not written by Audex ({}); rename or "
                           "delete it, and revoke again",
                           kRevocationPolicyName, why)};
}

std::optional<int64_t> Digits(std::string_view text) {
  if (text.size() != kSidDigits) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string DenyStatementJson(const RoleDeny& deny) { return StatementOf(deny).dump(); }

std::optional<std::string> CoveringStatement(const RevocationPolicy& policy,
                                             const RoleDeny& asked) {
  RoleDeny deny = asked;
  deny.issued_before = FromSeconds(CeilSeconds(deny.issued_before));
  deny.removable_after = FromSeconds(Seconds(deny.removable_after));
  for (const RoleDeny& statement : policy.statements) {
    if (statement == deny) return DenyStatementJson(statement);
  }
  for (const RoleDeny& statement : policy.statements) {
    if (statement.kind == DenyKind::kOlderThan && CoveredByRollup(deny, statement) &&
        statement.removable_after >= deny.removable_after) {
      return DenyStatementJson(statement);
    }
  }
  return std::nullopt;
}

Result<RevocationPolicy> BuildRevocationPolicy(std::vector<RoleDeny> denies, TimePoint now,
                                               size_t budget) {
  RevocationPolicy policy;
  std::vector<RoleDeny> live;
  for (RoleDeny& deny : denies) {
    // Times as the Sid keeps them, so that a policy read back compares equal.
    deny.issued_before = FromSeconds(CeilSeconds(deny.issued_before));
    deny.removable_after = FromSeconds(Seconds(deny.removable_after));
    if (deny.removable_after <= now) {
      policy.expired.push_back(std::move(deny));
    } else if (std::find(live.begin(), live.end(), deny) == live.end()) {
      live.push_back(std::move(deny));
    }
  }
  std::stable_sort(live.begin(), live.end(), [](const RoleDeny& a, const RoleDeny& b) {
    return a.issued_before < b.issued_before;
  });
  policy.statements = live;
  policy.document = DocumentOf(live);
  if (PolicySize(policy.document) <= budget) return policy;

  // The rollup's text has a fixed length (fixed-width times), so the size
  // only shrinks as more denies are rolled up: the fewest that fit are
  // found by bisection.
  size_t low = 1, high = live.size();
  if (PolicySize(DocumentOf(WithRollup(live, high, nullptr))) > budget) {
    return StateError(fmt::format(
        "the role's other inline policies leave {} of IAM's {} characters, and even one "
        "Deny of every older session needs {}; shorten or remove another inline policy of the "
        "role",
        budget, kRoleInlinePolicyBudget, PolicySize(DocumentOf(WithRollup(live, high, nullptr)))));
  }
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    if (PolicySize(DocumentOf(WithRollup(live, middle, nullptr))) <= budget) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  policy.statements = WithRollup(live, low, &policy.rolled_up);
  policy.document = DocumentOf(policy.statements);
  return policy;
}

Result<std::vector<RoleDeny>> ParseRevocationPolicy(std::string_view document) {
  const auto json = nlohmann::json::parse(document, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return tl::unexpected(NotOurs("not JSON"));
  const auto statements = json.find("Statement");
  if (statements == json.end() || !statements->is_array()) {
    return tl::unexpected(NotOurs("no Statement list"));
  }
  std::vector<RoleDeny> denies;
  for (const auto& statement : *statements) {
    const std::string sid = statement.is_object() ? statement.value("Sid", "") : "";
    const size_t head = kSidPrefix.size() + 1;
    if (!sid.starts_with(kSidPrefix) || sid.size() < head + 2 * kSidDigits) {
      return tl::unexpected(NotOurs(fmt::format("statement \"{}\"", sid.substr(0, 80))));
    }
    RoleDeny deny;
    const auto issued = Digits(std::string_view(sid).substr(head, kSidDigits));
    const auto removable = Digits(std::string_view(sid).substr(head + kSidDigits, kSidDigits));
    if (!issued || !removable) return tl::unexpected(NotOurs("statement " + sid));
    deny.issued_before = FromSeconds(*issued);
    deny.removable_after = FromSeconds(*removable);
    deny.id = sid.substr(head + 2 * kSidDigits);
    const auto& condition = statement.value("Condition", nlohmann::json::object());
    const auto text = [&](const char* op, const char* key) -> std::string {
      if (!condition.contains(op) || !condition[op].is_object()) return "";
      const auto& value = condition[op].value(key, nlohmann::json());
      return value.is_string() ? value.get<std::string>() : "";
    };
    switch (sid[kSidPrefix.size()]) {
      case 'S':
        deny.kind = DenyKind::kSession;
        deny.user_id = text("StringLike", "aws:userid");
        if (deny.user_id.empty()) return tl::unexpected(NotOurs("statement " + sid));
        break;
      case 'C':
        deny.kind = DenyKind::kCaller;
        deny.source_identity = text("StringEquals", "aws:SourceIdentity");
        if (deny.source_identity.empty()) return tl::unexpected(NotOurs("statement " + sid));
        break;
      case 'R':
        deny.kind = DenyKind::kOlderThan;
        break;
      default:
        return tl::unexpected(NotOurs("statement " + sid));
    }
    denies.push_back(std::move(deny));
  }
  return denies;
}

size_t PolicySize(std::string_view document) {
  return static_cast<size_t>(std::count_if(document.begin(), document.end(), [](char c) {
    return !std::isspace(static_cast<unsigned char>(c));
  }));
}

std::string SourceIdentityFor(std::string_view caller) {
  std::string identity;
  for (char c : caller) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
    identity += allowed ? c : '-';
    if (identity.size() == 64) break;
  }
  if (identity.starts_with("aws")) identity.insert(0, "c-");
  while (identity.size() < 2) identity += '-';
  if (identity.size() > 64) identity.resize(64);
  return identity;
}

StsTag CallerTag(std::string_view caller) {
  std::string value;
  for (char c : caller) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
    value += allowed ? c : '-';
    if (value.size() == 256) break;
  }
  return StsTag{std::string(kCallerTagKey), std::move(value)};
}

AuditEvent RevokedEvent(const RevocationAudit& audit) {
  AuditEvent event;
  event.session_id = audit.revocation_id;
  event.name = audit.scope == "caller"    ? "caller_revoked"
               : audit.scope == "session" ? "session_revoked"
                                          : "grant_revoked";
  event.fields["caller"] = audit.actor;
  event.fields["reason"] = audit.reason;
  event.fields["scope"] = audit.scope;
  event.fields["covered"] = audit.covered;
  event.fields["revoked_caller"] =
      audit.caller ? nlohmann::json(*audit.caller) : nlohmann::json(nullptr);
  event.fields["role"] = audit.role_arn;
  return event;
}

AuditEvent RevocationAttachedEvent(const RevocationAudit& audit, std::string_view policy_name,
                                   std::string_view statement, std::string_view document) {
  AuditEvent event;
  event.session_id = audit.revocation_id;
  event.name = "revocation_attached";
  event.fields["caller"] = audit.actor;
  event.fields["reason"] = audit.reason;
  event.fields["role"] = audit.role_arn;
  event.fields["policy_name"] = policy_name;
  event.fields["statement"] = statement;
  event.fields["policy"] = document;
  return event;
}

AuditEvent RevocationRemovedEvent(const RevocationAudit& audit, std::string_view policy_name) {
  AuditEvent event;
  event.session_id = audit.revocation_id;
  event.name = "revocation_removed";
  event.fields["caller"] = audit.actor;
  event.fields["role"] = audit.role_arn;
  event.fields["policy_name"] = policy_name;
  return event;
}

}  // namespace audex
