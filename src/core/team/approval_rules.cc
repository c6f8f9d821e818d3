#include "core/team/approval_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

bool InAnyGroup(const ApprovalRequest& request, const Approver& approver) {
  return std::any_of(request.approver_groups.begin(), request.approver_groups.end(),
                     [&](const std::string& group) {
                       return std::find(approver.groups.begin(), approver.groups.end(), group) !=
                              approver.groups.end();
                     });
}

std::optional<ApprovalRefusal> CheckDecider(const ApprovalRequest& request,
                                            const Approver& approver, TimePoint now,
                                            std::string_view verb, std::string_view done) {
  if (request.status != ApprovalStatus::kPending && !PendingExpired(request, now)) {
    return ApprovalRefusal{
        409, "conflict", ApprovalRuleKey(request.rule, "status"),
        fmt::format("request {} is {}{}; only a pending request can be {}", request.id,
                    ApprovalStatusName(request.status),
                    request.decided_by ? " (by " + *request.decided_by + ")" : "", done)};
  }
  if (PendingExpired(request, now)) {
    return ApprovalRefusal{410, "expired", ApprovalRuleKey(request.rule, "pending_ttl"),
                           fmt::format("request {} expired at {} without enough approvals; the "
                                       "requester must ask again",
                                       request.id, FormatRfc3339(request.expires_at))};
  }
  if (approver.name == request.requester) {
    return ApprovalRefusal{
        403, "forbidden", ApprovalRuleKey(request.rule, "self"),
        fmt::format("{} asked for request {} and cannot {} it; another member "
                    "of {} must",
                    approver.name, request.id, verb, Join(request.approver_groups, ", "))};
  }
  if (!InAnyGroup(request, approver)) {
    return ApprovalRefusal{
        403, "forbidden", ApprovalRuleKey(request.rule, "groups"),
        fmt::format("{} is in none of the groups that may decide request {} "
                    "({}); its groups: {}",
                    approver.name, request.id, Join(request.approver_groups, ", "),
                    approver.groups.empty() ? std::string("none") : Join(approver.groups, ", "))};
  }
  return std::nullopt;
}

}  // namespace

std::string ApprovalRuleKey(std::string_view rule, std::string_view key) {
  return fmt::format("{}.approval.{}", rule, key);
}

std::optional<ApprovalRefusal> CheckApproval(const ApprovalRequest& request,
                                             const Approver& approver, TimePoint now) {
  if (auto refused = CheckDecider(request, approver, now, "approve", "approved")) return refused;
  const bool already = std::any_of(request.approvals.begin(), request.approvals.end(),
                                   [&](const Approval& a) { return a.approver == approver.name; });
  if (already) {
    return ApprovalRefusal{
        409, "conflict", ApprovalRuleKey(request.rule, "once"),
        fmt::format("{} has already approved request {}; an approver counts "
                    "once ({} of {} so far)",
                    approver.name, request.id, ApprovalCount(request), request.required_approvals)};
  }
  return std::nullopt;
}

std::optional<ApprovalRefusal> CheckDenial(const ApprovalRequest& request, const Approver& approver,
                                           TimePoint now) {
  return CheckDecider(request, approver, now, "deny", "denied");
}

std::optional<ApprovalRefusal> CheckReview(const ApprovalRequest& request,
                                           const Approver& reviewer) {
  if (!request.break_glass) {
    return ApprovalRefusal{409, "conflict", ApprovalRuleKey(request.rule, "break_glass"),
                           fmt::format("request {} is not a break-glass grant; there is nothing "
                                       "to review (approve or deny it instead)",
                                       request.id)};
  }
  if (request.reviewed_at) {
    return ApprovalRefusal{409, "conflict", ApprovalRuleKey(request.rule, "review"),
                           fmt::format("break-glass grant {} was reviewed already by {}",
                                       request.id, request.reviewed_by.value_or("someone"))};
  }
  if (reviewer.name == request.requester) {
    return ApprovalRefusal{
        403, "forbidden", ApprovalRuleKey(request.rule, "self"),
        fmt::format("{} used break-glass for request {} and cannot review it; "
                    "a member of {} must",
                    reviewer.name, request.id, Join(request.approver_groups, ", "))};
  }
  if (!reviewer.admin && !InAnyGroup(request, reviewer)) {
    return ApprovalRefusal{
        403, "forbidden", ApprovalRuleKey(request.rule, "groups"),
        fmt::format("{} is in none of the groups that review request {} ({}) "
                    "and its rule set is not an admin one",
                    reviewer.name, request.id, Join(request.approver_groups, ", "))};
  }
  return std::nullopt;
}

bool MayView(const ApprovalRequest& request, const Approver& viewer) {
  return viewer.admin || viewer.name == request.requester || InAnyGroup(request, viewer);
}

size_t ApprovalCount(const ApprovalRequest& request) {
  std::set<std::string> approvers;
  for (const Approval& approval : request.approvals) approvers.insert(approval.approver);
  return approvers.size();
}

bool ApprovalsComplete(const ApprovalRequest& request) {
  return ApprovalCount(request) >= static_cast<size_t>(std::max(request.required_approvals, 1));
}

bool PendingExpired(const ApprovalRequest& request, TimePoint now) {
  return request.status == ApprovalStatus::kPending && now >= request.expires_at;
}

std::chrono::seconds ApprovedTtl(std::chrono::seconds asked, const ApprovalSetting& setting,
                                 std::chrono::seconds max_ttl) {
  return std::min(asked, setting.window.value_or(max_ttl));
}

std::string ServerPolicyText(std::string_view toml_text) {
  static constexpr std::string_view kSecretKeys[] = {"secret", "password", "token", "private"};
  std::string out;
  std::string table;
  for (std::string_view line : Split(toml_text, '\n')) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.starts_with("[")) table = std::string(trimmed);
    const size_t equals = trimmed.find('=');
    bool secret = false;
    std::string key;
    if (!trimmed.starts_with("#") && !trimmed.starts_with("[") &&
        equals != std::string_view::npos) {
      key = std::string(Trim(trimmed.substr(0, equals)));
      std::string lower = ToLower(key);
      lower.erase(std::remove(lower.begin(), lower.end(), '"'), lower.end());
      secret =
          lower == "store" || (lower == "url" && table.find("webhook") != std::string::npos) ||
          lower == "webhook.url" ||
          std::any_of(std::begin(kSecretKeys), std::end(kSecretKeys),
                      [&](std::string_view word) { return lower.find(word) != std::string::npos; });
    }
    if (secret) {
      out += key + " = \"(left out)\"\n";
    } else {
      out.append(line);
      out += '\n';
    }
  }
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

}  // namespace audex
