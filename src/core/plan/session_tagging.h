// Session tagging (`run --tag-session`): the tag every resource a session
// creates must carry (audex-session=<id>), the session-policy statements
// that make AWS refuse a create without it and keep it from being removed
// or changed, and what those statements cannot cover, so that the plan can
// say what `tryaudex cleanup` will not find.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/policy/action_universe.h"
#include "core/policy/policy_document.h"

namespace audex {

inline constexpr std::string_view kSessionTagKey = "audex-session";

struct SessionTag {
  std::string key = std::string(kSessionTagKey);
  // The session's id; a replay keeps the id of the session it replays, so
  // that its policy is the same byte for byte.
  std::string value;

  // "audex-session=<id>": AUDEX_SESSION_TAG, and what cleanup looks for.
  std::string Text() const { return key + "=" + value; }
};

// A session tag from its text; kUsage unless it is "audex-session=" and a
// session id.
Result<SessionTag> ParseSessionTag(std::string_view text);

struct TagEnforcement {
  SessionTag tag;
  std::vector<Statement> statements;  // appended to the session policy
  // Granted actions that make a resource, split by whether AWS shows the
  // request's tags to a policy at creation (aws:RequestTag).
  std::vector<std::string> tagged_creates;
  std::vector<std::string> untaggable_creates;
  // Granted tagging actions that could put the session's tag on a resource
  // the session did not create (no SERVICE:CreateAction key to tell).
  std::vector<std::string> retagging;
  // Granted actions the catalog has no facts for (--allow-unknown).
  std::vector<std::string> unknown;
};

// The enforcement for a session granted exactly `actions` (canonical
// names, no wildcards): a Deny of each taggable create whose request does
// not carry the tag (StringNotEquals on aws:RequestTag/KEY, true also when
// the key is absent: IAM User Guide, "Condition operators"), on the whole
// call or on the ARNs of the resource types it creates; a Deny of any call
// that names the tag's key on a resource that carries the tag (changing or
// removing it); and, for tagging actions that can tell a create's own
// tagging apart (ec2:CreateTags with ec2:CreateAction), a Deny of putting
// the tag on an existing resource. Action lists are packed with
// `universe.Compress` where that is shorter. kPolicy when the universe
// knows no facts at all (a catalog without them).
Result<TagEnforcement> PlanTagEnforcement(const std::vector<std::string>& actions,
                                          const SessionTag& tag, const ActionUniverse& universe);

}  // namespace audex
