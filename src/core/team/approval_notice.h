// ApprovalNotice: what the team server's webhook says about approvals and
// break-glass (docs/team-mode.md, "Webhook"), as Slack's incoming-webhook
// JSON: a plain `text` fallback plus `blocks` (Block Kit: a header, a
// mrkdwn section, a context line). Slack reads &, < and > as markup in
// mrkdwn (`<!channel>` would ping everyone), so every value a caller
// wrote is escaped as &amp;, &lt;, &gt; (Slack API, "Formatting text for
// app surfaces", "Escaping text"); a text object holds at most 3000
// characters (Block Kit, "Text object"). No secret is ever in one: a
// notice is built from the request and its grant's plan only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/team/team_records.h"

namespace audex {

enum class NoticeKind {
  kRequested,
  kApproval,
  kApproved,
  kDenied,
  kExpired,
  kBreakGlass,
  kReviewed
};

std::string_view NoticeKindName(NoticeKind kind);  // "request_created", ...

struct ApprovalNotice {
  NoticeKind kind = NoticeKind::kRequested;
  const ApprovalRequest* request = nullptr;
  const Grant* grant = nullptr;  // its plan (role, actions, TTL); may be null
  std::string actor;             // who did it (the requester, an approver, "janitor")
  std::string reason;            // the actor's reason
};

// Slack's &, <, > escaping.
std::string SlackEscape(std::string_view text);

// {"text": ..., "blocks": [...], "audex": {"event", "request_id", ...}}:
// Slack ignores the extra "audex" member; other receivers can read it.
nlohmann::json SlackMessage(const ApprovalNotice& notice);

}  // namespace audex
