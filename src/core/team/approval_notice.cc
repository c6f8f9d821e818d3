#include "core/team/approval_notice.h"

#include <fmt/format.h>

#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/plan/ttl.h"
#include "core/team/approval_rules.h"

namespace audex {
namespace {

constexpr size_t kSlackTextLimit = 3000;

std::string Cut(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(limit - 3);
  return text + "...";
}

}  // namespace

std::string_view NoticeKindName(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::kRequested:
      return "request_created";
    case NoticeKind::kApproval:
      return "approval_added";
    case NoticeKind::kApproved:
      return "request_approved";
    case NoticeKind::kDenied:
      return "request_denied";
    case NoticeKind::kExpired:
      return "request_expired";
    case NoticeKind::kBreakGlass:
      return "break_glass_issued";
    case NoticeKind::kReviewed:
      return "break_glass_reviewed";
  }
  return "unknown";
}

std::string SlackEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

nlohmann::json SlackMessage(const ApprovalNotice& notice) {
  const ApprovalRequest& request = *notice.request;
  const std::string id = SlackEscape(request.id);
  const std::string requester = SlackEscape(request.requester);
  const std::string actor = SlackEscape(notice.actor);
  std::string headline;
  switch (notice.kind) {
    case NoticeKind::kRequested:
      headline = fmt::format("{} asks for access: {} approval{} from {} needed", requester,
                             request.required_approvals, request.required_approvals == 1 ? "" : "s",
                             SlackEscape(Join(request.approver_groups, ", ")));
      break;
    case NoticeKind::kApproval:
      headline = fmt::format("{} approved {}'s request ({} of {})", actor, requester,
                             ApprovalCount(request), request.required_approvals);
      break;
    case NoticeKind::kApproved:
      headline = fmt::format("{}'s request is approved (last approval by {}); the grant is issued",
                             requester, actor);
      break;
    case NoticeKind::kDenied:
      headline = fmt::format("{} denied {}'s request", actor, requester);
      break;
    case NoticeKind::kExpired:
      headline = fmt::format("{}'s request expired without enough approvals", requester);
      break;
    case NoticeKind::kBreakGlass:
      headline = fmt::format(
          ":rotating_light: BREAK-GLASS: {} took access at once without approval; review it",
          requester);
      break;
    case NoticeKind::kReviewed:
      headline = fmt::format("{} reviewed {}'s break-glass grant", actor, requester);
      break;
  }
  std::string details = fmt::format("*Request* `{}` (rule `{}`)", id, SlackEscape(request.rule));
  if (const Grant* grant = notice.grant) {
    details += fmt::format(
        "\n*Role* `{}`\n*Actions* {}\n*TTL* {}", SlackEscape(grant->role),
        SlackEscape(grant->actions.empty() ? std::string("-") : Join(grant->actions, ", ")),
        FormatTtl(grant->ttl));
    if (!grant->reason.empty()) {
      details += fmt::format("\n*Requester's reason* {}", SlackEscape(grant->reason));
    }
  }
  if (!notice.reason.empty() && notice.kind != NoticeKind::kRequested &&
      notice.kind != NoticeKind::kBreakGlass) {
    details += fmt::format("\n*{}'s reason* {}", actor, SlackEscape(notice.reason));
  }
  std::string next;
  switch (notice.kind) {
    case NoticeKind::kRequested:
    case NoticeKind::kApproval:
      next = fmt::format(
          "`tryaudex requests approve {}` or `tryaudex requests deny {} --reason "
          "...`; expires {}",
          id, id, FormatRfc3339(request.expires_at));
      break;
    case NoticeKind::kBreakGlass:
      next = fmt::format("`tryaudex requests review {} --reason ...` once looked at", id);
      break;
    default:
      next = "tryaudex requests show " + id;
      break;
  }
  const auto mrkdwn = [](const std::string& text) {
    nlohmann::json object = nlohmann::json::object();
    object["type"] = "mrkdwn";
    object["text"] = Cut(text, kSlackTextLimit);
    return object;
  };
  const auto section = [&](const std::string& text) {
    nlohmann::json block = nlohmann::json::object();
    block["type"] = "section";
    block["text"] = mrkdwn(text);
    return block;
  };
  nlohmann::json context = nlohmann::json::object();
  context["type"] = "context";
  context["elements"] = nlohmann::json::array();
  context["elements"].push_back(mrkdwn(next));
  nlohmann::json message = nlohmann::json::object();
  message["text"] = Cut(headline, kSlackTextLimit);
  message["blocks"] = nlohmann::json::array();
  message["blocks"].push_back(section(headline));
  message["blocks"].push_back(section(details));
  message["blocks"].push_back(context);
  nlohmann::json audex = nlohmann::json::object();
  audex["event"] = std::string(NoticeKindName(notice.kind));
  audex["request_id"] = request.id;
  audex["requester"] = request.requester;
  audex["actor"] = notice.actor;
  audex["status"] = std::string(ApprovalStatusName(request.status));
  audex["grant_id"] =
      request.grant_id ? nlohmann::json(*request.grant_id) : nlohmann::json(nullptr);
  message["audex"] = audex;
  return message;
}

}  // namespace audex
